// Model factory: builds the named architecture (or loads a user's model) as a BuiltModel whose forward pass
// returns logits and every unit layer's activations in one tensor; restores BuiltModels from checkpoints.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelConfig } from '../../protocol/config';
import type { BuiltModel } from '../contracts';
import { EngineError } from '../errors';
import { wrapLayersModel } from './builtModel';
import { loadLayersModelFromFile, saveModelAtomic } from './io';
import { buildCifarResNet } from './resnetCifar';
import { buildImagenetResNet } from './resnetImagenet';
import { buildSmallCnn } from './smallCnn';
import { loadUserModel, wrapUserModel } from './userModel';

export { saveModelAtomic, loadLayersModelFromFile };
export { findUnitLayers, isReluLayer, wrapLayersModel } from './builtModel';
export { FastBatchNorm } from './batchNorm';
export { ChannelZeroPad } from './channelPad';
export { UnitReLU } from './unitRelu';

export interface ModelInput {
  /** [height, width, channels] of the images. */
  shape: [number, number, number];
  numClasses: number;
}

export const BUILTIN_MODELS = ['small-cnn', 'resnet20', 'resnet18', 'resnet50'] as const;

/**
 * The smallest image side each built-in model takes, and why: smaller images would leave a layer with no
 * pixels (the ResNets pad every convolution, so one pixel is enough for them).
 */
const MIN_IMAGE_SIDE: Record<(typeof BUILTIN_MODELS)[number], { side: number; why: string }> = {
  'small-cnn': { side: 4, why: 'two 2x2 max-pools' },
  resnet20: { side: 1, why: 'padded convolutions' },
  resnet18: { side: 1, why: 'padded convolutions' },
  resnet50: { side: 1, why: 'padded convolutions' },
};

function checkImageSize(name: string, input: ModelInput): void {
  const need = MIN_IMAGE_SIDE[name as keyof typeof MIN_IMAGE_SIDE];
  const [h, w] = input.shape;
  if (need && (h < need.side || w < need.side)) {
    throw new EngineError(
      'CONFIG_INVALID',
      `model.name "${name}" needs images of at least ${need.side}x${need.side} pixels (${need.why}), but the data set's images are ${h}x${w}; use larger images (data.imageSize for an image folder) or another model.`,
      { field: 'model.name' },
    );
  }
}

function buildBuiltin(name: string, input: ModelInput, seed: number): tfl.LayersModel | undefined {
  switch (name) {
    case 'small-cnn':
      return buildSmallCnn(input.shape, input.numClasses, seed);
    case 'resnet20':
      return buildCifarResNet(input.shape, input.numClasses, seed, 3);
    case 'resnet18':
      return buildImagenetResNet(18, input.shape, input.numClasses, seed);
    case 'resnet50':
      return buildImagenetResNet(50, input.shape, input.numClasses, seed);
    default:
      return undefined;
  }
}

/**
 * Build the model `cfg` names for images of `input.shape` and `input.numClasses` classes, initialised
 * deterministically from `seed`. A user model's relative `cfg.path` is resolved against `baseDir`.
 */
export async function buildModel(cfg: ModelConfig, input: ModelInput, seed: number, baseDir?: string): Promise<BuiltModel> {
  if (cfg.name === 'user') {
    if (!cfg.path) throw new EngineError('MODEL_INVALID', 'model.path must name a model.json when model.name is "user".', { field: 'model.path' });
    const file = path.resolve(baseDir ?? process.cwd(), cfg.path);
    return loadUserModel(file, input);
  }
  checkImageSize(cfg.name, input);
  const model = buildBuiltin(cfg.name, input, seed);
  if (!model) {
    throw new EngineError(
      'MODEL_UNKNOWN',
      `Unknown model "${String(cfg.name)}" in model.name; use one of ${[...BUILTIN_MODELS, 'user'].join(', ')}.`,
      { field: 'model.name' },
    );
  }
  return wrapLayersModel(model);
}

/**
 * The folder that holds the checkpoint saved at `dir`: `dir` itself, or, after a crash in the middle of
 * saveModelAtomic's swap, the previous checkpoint it had moved aside.
 */
export function resolveCheckpointDir(dir: string): string | undefined {
  const target = path.resolve(dir);
  if (fs.existsSync(path.join(target, 'model.json'))) return target;
  const parent = path.dirname(target);
  if (!fs.existsSync(parent)) return undefined;
  const prefix = `${path.basename(target)}.old-`;
  const olds = fs
    .readdirSync(parent)
    .filter((f) => f.startsWith(prefix) && fs.existsSync(path.join(parent, f, 'model.json')))
    .sort();
  return olds.length ? path.join(parent, olds[olds.length - 1]) : undefined;
}

/** Restore a BuiltModel (weights, batch-norm statistics, unit layers) from a checkpoint saved by saveModelAtomic. */
export async function restoreBuiltModel(checkpointDir: string, input: ModelInput): Promise<BuiltModel> {
  const dir = resolveCheckpointDir(checkpointDir);
  const file = path.join(path.resolve(checkpointDir), 'model.json');
  if (!dir) throw new EngineError('MODEL_INVALID', `Checkpoint ${file} does not exist.`, { file });
  let model: tfl.LayersModel;
  try {
    model = await loadLayersModelFromFile(path.join(dir, 'model.json'));
  } catch (e) {
    throw new EngineError('MODEL_INVALID', `Checkpoint ${file} is unreadable: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  return wrapUserModel(model, file, input);
}
