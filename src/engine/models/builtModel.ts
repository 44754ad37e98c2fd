// Turns any tfjs LayersModel into a BuiltModel: finds its post-ReLU layers (the "units" of selectivity
// analysis) and builds a second, weight-sharing model whose outputs are the logits plus every unit layer,
// so one forward pass yields logits and all per-unit activations (spatial means) as one [b, totalUnits] tensor.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { UnitLayerInfo } from '../../protocol/events';
import type { BuiltModel } from '../contracts';
import { FORWARD_PASS } from './unitRelu';

const CONV_LIKE = new Set(['Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose']);

interface FoundUnitLayer {
  info: UnitLayerInfo;
  /** What the probe outputs: the activation, or (UnitReLU) its per-image spatial means [b, units]. */
  output: tfl.SymbolicTensor;
}

function activationName(config: tf.serialization.ConfigDict): string | undefined {
  const a = config['activation'];
  if (typeof a === 'string') return a;
  // Keras-style serialised activation objects: {class_name: 'ReLU', config: {...}}.
  if (a && typeof a === 'object' && 'className' in a) return String((a as { className: unknown }).className).toLowerCase();
  return undefined;
}

/** Whether this layer's output is a plain ReLU (post-ReLU activation), by class and config. */
export function isReluLayer(layer: tfl.layers.Layer): boolean {
  const cls = layer.getClassName();
  if (cls === 'UnitReLU') return true;
  const config = layer.getConfig();
  if (cls === 'ReLU') return config['maxValue'] == null && !config['negativeSlope'] && !config['threshold'];
  if (cls === 'Activation' || cls === 'Dense' || CONV_LIKE.has(cls)) return activationName(config) === 'relu';
  return false;
}

/** Post-ReLU layers of `model` in network order, each with its symbolic output. */
export function findUnitLayers(model: tfl.LayersModel): FoundUnitLayer[] {
  const found: FoundUnitLayer[] = [];
  const finalOutputs = new Set(model.outputs.map((o) => o.id));
  for (const layer of model.layers) {
    if (!isReluLayer(layer)) continue;
    if (layer.inboundNodes.length !== 1) continue; // shared layers have no single activation to read
    if (layer.getClassName() === 'UnitReLU') {
      // Our built-in models' conv ReLUs: [activation, spatial means]; the probe reads the means directly.
      const [activation, means] = layer.output as tfl.SymbolicTensor[];
      const units = activation.shape[3] as number;
      found.push({ info: { name: layer.name, units, kind: 'conv' }, output: means });
      continue;
    }
    const output = layer.output as tfl.SymbolicTensor;
    if (Array.isArray(output) || finalOutputs.has(output.id)) continue;
    const shape = output.shape;
    const units = shape[shape.length - 1];
    if (units == null || shape.length < 2 || shape.length > 4) continue;
    found.push({ info: { name: layer.name, units, kind: shape.length === 2 ? 'dense' : 'conv' }, output });
  }
  return found;
}

function countParams(weights: tfl.LayerVariable[]): number {
  return weights.reduce((n, w) => n + w.shape.reduce((a: number, d) => a * (d ?? 1), 1), 0);
}

export interface WrapOptions {
  /** The model ends in softmax: take log-probabilities as logits (identical cross-entropy). */
  softmaxOutput?: boolean;
}

/**
 * Wrap `model` as a BuiltModel. Throws a plain Error when the model has no ReLU layer; callers turn it into
 * an EngineError that names the model file.
 */
export function wrapLayersModel(model: tfl.LayersModel, options: WrapOptions = {}): BuiltModel {
  const found = findUnitLayers(model);
  if (found.length === 0) {
    throw new Error(
      'no ReLU layer found among its top-level layers (units are the outputs of Conv/Dense layers with activation "relu", ' +
        'ReLU layers and Activation("relu") layers; layers inside nested models are not searched)',
    );
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('the model must have exactly one input and one output');
  const probe = tfl.model({ inputs: model.inputs, outputs: [model.outputs[0], ...found.map((f) => f.output)], name: `${model.name}_probe` });
  const unitLayers = found.map((f) => f.info);
  const unitOffsets: number[] = [];
  let totalUnits = 0;
  for (const l of unitLayers) {
    unitOffsets.push(totalUnits);
    totalUnits += l.units;
  }
  const softmaxOutput = options.softmaxOutput ?? false;

  return {
    model,
    unitLayers,
    unitOffsets,
    totalUnits,
    params: countParams(model.trainableWeights),
    forward(x: tf.Tensor4D, training: boolean) {
      const outs = probe.apply(x, { training, [FORWARD_PASS]: {} }) as tf.Tensor[];
      let logits = outs[0] as tf.Tensor2D;
      if (softmaxOutput) logits = tf.log(tf.maximum(logits, 1e-7));
      // Per-sample unit activation: mean over all spatial axes (conv), identity (dense); UnitReLU outputs
      // arrive as means already ([b, units]).
      const means = outs.slice(1).map((a) => (a.rank === 2 ? a : tf.mean(a, a.shape.slice(1, -1).map((_, i) => i + 1))));
      const unitMeans = (means.length === 1 ? means[0] : tf.concat(means, 1)) as tf.Tensor2D;
      return { logits, unitMeans };
    },
    trainableVariables() {
      // A LayerVariable's read() hands back its underlying tf.Variable, the object optimizers update.
      return model.trainableWeights.map((w) => w.read() as tf.Variable);
    },
    dispose() {
      model.dispose();
    },
  };
}
