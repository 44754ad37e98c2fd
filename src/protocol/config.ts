// Run and sweep configuration as written in `*.selectivity.json` files.
// schemas/run.schema.json is the single source of truth for validation; these types mirror it.
import type { ExecutorConfig } from './executor';

export type ModelName = 'small-cnn' | 'resnet20' | 'resnet18' | 'resnet50' | 'user';
/** Backends a config, the CLI (--backend) or the worker's environment may name; 'auto' picks the fastest that works. */
export const BACKENDS = ['auto', 'tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
export type DatasetFormat = 'mnist-embedded' | 'idx' | 'cifar10' | 'cifar100' | 'tiny-imagenet' | 'image-folder';
/** Formats whose official archive `data.download` can fetch. */
export const DOWNLOADABLE_FORMATS = ['cifar10', 'cifar100', 'tiny-imagenet'] as const satisfies readonly DatasetFormat[];
export type DownloadableFormat = (typeof DOWNLOADABLE_FORMATS)[number];
export function isDownloadable(format: unknown): format is DownloadableFormat {
  return (DOWNLOADABLE_FORMATS as readonly unknown[]).includes(format);
}

export interface ModelConfig {
  /** Architecture; 'user' loads a tfjs LayersModel from `path` (a model.json). */
  name: ModelName;
  /** model.json of a user model (name = 'user'). */
  path?: string;
  /** Width multiplier or other architecture knobs may be added later. */
}

export interface DataConfig {
  format: DatasetFormat;
  /** Folder or file of the data set; unused for mnist-embedded. */
  path?: string;
  /** Fraction of the embedded set held out for testing (mnist-embedded), default 0.2. */
  testFraction?: number;
  /** Limit the number of training / test samples (for quick runs). */
  trainLimit?: number;
  testLimit?: number;
  /** Resize images in an image folder to this square size (default 32). */
  imageSize?: number;
  augment?: { crop?: number; flip?: boolean };
  /** Per-channel normalisation; 'auto' computes mean/std from the training set. */
  normalize?: 'auto' | 'none' | { mean: number[]; std: number[] };
  /**
   * cifar10, cifar100, tiny-imagenet: fetch the official archive into the datasets folder when `path` does not
   * hold the data (SELECTIVITY_LENS_DATASETS, default the user's cache folder; SELECTIVITY_LENS_DATA_MIRROR
   * replaces the official host).
   */
  download?: boolean;
  /** Cache decoded data here (default: <runsFolder>/.cache). */
  cacheDir?: string;
  /** Class names in label order: a list, or a text file (one name a line, relative to the config). */
  classNames?: string[] | string;
}

export interface LrScheduleConfig {
  type: 'constant' | 'step' | 'cosine';
  /** step: multiply by `gamma` at each of these epochs. */
  milestones?: number[];
  gamma?: number;
  /** Linear warm-up epochs. */
  warmupEpochs?: number;
}

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  momentum?: number;
  weightDecay?: number;
  schedule?: LrScheduleConfig;
  seed?: number;
  /** Batches per epoch cap (quick runs, tests). */
  maxBatchesPerEpoch?: number;
  /** Rescale each step's gradient to at most this global L2 norm; off when absent. */
  gradClipNorm?: number;
}

export interface SelectivityConfig {
  /** Regularization strength: number, per-epoch list, or "0*5 -1*15" (5 epochs at 0, then 15 at -1). */
  alpha: number | number[] | string;
  /** Names of layers whose units count; default all unit layers. */
  layers?: string[] | 'all';
  /** Number of bins of the per-unit per-class activation histograms. */
  histogramBins?: number;
  /**
   * Layers whose per-unit per-class histograms are recorded: "auto" (default: the deepest layers up to about
   * 8 M counts per analysis), "all", or a list of layer names.
   */
  histogramLayers?: 'auto' | 'all' | string[];
  /** Analyse the held-out set every N epochs (default 1). */
  analyzeEvery?: number;
  /** Also analyse the untrained network before the first epoch, recorded as epoch 0 (default false). */
  analyzeAtStart?: boolean;
}

export interface RunConfig {
  $schema?: string;
  kind?: 'run';
  name?: string;
  model: ModelConfig;
  data: DataConfig;
  train: TrainConfig;
  selectivity: SelectivityConfig;
  backend?: BackendName;
  /** Folder in which the run folder is created (default ./runs next to the config). */
  outDir?: string;
}

export interface SweepConfig {
  $schema?: string;
  kind: 'sweep';
  name?: string;
  /** Path of the base run config (relative to this file) or the config inline. */
  base: string | RunConfig;
  alphas?: number[];
  seeds?: number[];
  /** Other axes: dotted field path -> values, e.g. {"train.lr": [0.1, 0.05]}. */
  axes?: Record<string, unknown[]>;
  /** Engine processes at once on this machine (default: number of cores). */
  parallel?: number;
  /** Where the runs train (default: this machine, { "kind": "local" }). */
  executor?: ExecutorConfig;
  outDir?: string;
  /** Analyses run over every completed run once the sweep's runs are done, before its report (selectivity-lens sweep-analyze). */
  analyses?: { run: Array<'ablation' | 'similarity' | 'dimensionality' | 'robustness'>; samples?: number };
}

/** The paper's alpha grid (Leavitt & Morcos 2021). */
export const PAPER_ALPHAS: readonly number[] = [
  -100, -30, -10, -5, -2, -1, -0.7, -0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3, 0.4, 0.7, 1, 2, 5, 10, 30, 100,
];
