// A user's own tfjs LayersModel (model.json + weights): loaded from disk, checked against the data set,
// and wrapped so its ReLU layers become the units of analysis.
import * as fs from 'node:fs';
import type * as tfl from '@tensorflow/tfjs-layers';
import { EngineError } from '../errors';
import type { BuiltModel } from '../contracts';
import { wrapLayersModel } from './builtModel';
import { loadLayersModelFromFile } from './io';

function describeShape(shape: (number | null)[]): string {
  return `[${shape.map((d) => (d == null ? '?' : d)).join(', ')}]`;
}

function lastLayerIsSoftmax(model: tfl.LayersModel): boolean {
  const last = model.layers[model.layers.length - 1];
  const config = last.getConfig();
  return config['activation'] === 'softmax' || last.getClassName() === 'Softmax';
}

/** Check a loaded model against the data (input shape, class count) and wrap it; errors name `file`. */
export function wrapUserModel(
  model: tfl.LayersModel,
  file: string,
  input: { shape: [number, number, number]; numClasses: number },
): BuiltModel {
  const invalid = (why: string) => new EngineError('MODEL_INVALID', `Model ${file} cannot be used: ${why}.`, { file, field: 'model.path' });
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw invalid('it must have exactly one input and one output');
  const inShape = model.inputs[0].shape.slice(1);
  const fits = inShape.length === 3 && inShape.every((d, i) => d == null || d === input.shape[i]);
  if (!fits) throw invalid(`its input shape ${describeShape(inShape)} does not match the data's ${describeShape(input.shape)}`);
  const outShape = model.outputs[0].shape;
  if (outShape.length !== 2 || outShape[1] !== input.numClasses) {
    throw invalid(`its output shape ${describeShape(outShape.slice(1))} does not match the data's ${input.numClasses} classes`);
  }
  try {
    return wrapLayersModel(model, { softmaxOutput: lastLayerIsSoftmax(model) });
  } catch (e) {
    throw invalid(e instanceof Error ? e.message : String(e));
  }
}

/** Load and wrap the user model at `file` (an absolute model.json path). */
export async function loadUserModel(file: string, input: { shape: [number, number, number]; numClasses: number }): Promise<BuiltModel> {
  if (!fs.existsSync(file)) {
    throw new EngineError(
      'MODEL_INVALID',
      `Model file ${file} does not exist. Point model.path at a tfjs LayersModel's model.json: a Keras model converted with ` +
        'tensorflowjs_converter, or a checkpoint of an earlier run (after `selectivity-lens train examples/mnist-quick.selectivity.json`: ' +
        'runs/mnist-quick-<time>/checkpoints/epoch-0003/model.json).',
      { file, field: 'model.path' },
    );
  }
  let model: tfl.LayersModel;
  try {
    model = await loadLayersModelFromFile(file);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new EngineError('MODEL_INVALID', `Model file ${file} is not a readable tfjs LayersModel (model.json + weights): ${why}`, {
      file,
      field: 'model.path',
    });
  }
  try {
    return wrapUserModel(model, file, input);
  } catch (e) {
    model.dispose();
    throw e;
  }
}
