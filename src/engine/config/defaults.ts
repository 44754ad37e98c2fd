// Fills in every optional field of a validated run config (the values schemas/run.schema.json documents) and
// resolves relative paths against the config file's folder, so the run folder's config.json is self-contained.
import * as path from 'node:path';
import runSchema from '../../../schemas/run.schema.json';
import type { DataConfig, LrScheduleConfig, RunConfig, SelectivityConfig, TrainConfig } from '../../protocol/config';

export interface ResolvedRunConfig extends RunConfig {
  kind: 'run';
  name: string;
  backend: NonNullable<RunConfig['backend']>;
  outDir: string;
  data: DataConfig;
  train: TrainConfig & Required<Pick<TrainConfig, 'momentum' | 'weightDecay' | 'seed'>> & { schedule: LrScheduleConfig };
  selectivity: SelectivityConfig & Required<Pick<SelectivityConfig, 'layers' | 'histogramBins' | 'histogramLayers' | 'analyzeEvery'>>;
}

export const DEFAULTS = {
  momentum: 0.9,
  weightDecay: 5e-4,
  seed: 0,
  histogramBins: 20,
  analyzeEvery: 1,
  outDir: 'runs',
  gamma: 0.1,
} as const;

/** Longest run name the schema allows. */
const MAX_NAME_LENGTH: number = runSchema.definitions.runConfig.properties.name.maxLength;

/** Run name from a config file name: "runs/a.selectivity.json" -> "a" (a valid run name, however long the file name). */
export function nameFromFile(file: string | undefined): string {
  if (!file) return 'run';
  const base = path.basename(file).replace(/\.selectivity\.jsonc?$/i, '').replace(/\.jsonc?$/i, '');
  const clean = base.replace(/[^A-Za-z0-9._+=-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, MAX_NAME_LENGTH);
  return clean || 'run';
}

/**
 * `config` must already be valid. `baseDir` is the folder relative paths are taken from (the config file's
 * folder); absolute paths are kept, so applying this twice changes nothing.
 */
export function applyDefaults(config: RunConfig, baseDir: string, file?: string): ResolvedRunConfig {
  const abs = (p: string | undefined) => (p === undefined ? undefined : path.resolve(baseDir, p));
  const schedule: LrScheduleConfig = { ...(config.train.schedule ?? { type: 'constant' }) };
  if (schedule.type === 'step') schedule.gamma ??= DEFAULTS.gamma;
  schedule.warmupEpochs ??= 0;
  const data: DataConfig = { ...config.data };
  if (data.path !== undefined) data.path = abs(data.path);
  if (data.cacheDir !== undefined) data.cacheDir = abs(data.cacheDir);
  const model = { ...config.model };
  if (model.path !== undefined) model.path = abs(model.path);
  const resolved: ResolvedRunConfig = {
    ...config,
    kind: 'run',
    name: config.name ?? nameFromFile(file),
    backend: config.backend ?? 'auto',
    outDir: path.resolve(baseDir, config.outDir ?? DEFAULTS.outDir),
    model,
    data,
    train: {
      ...config.train,
      momentum: config.train.momentum ?? DEFAULTS.momentum,
      weightDecay: config.train.weightDecay ?? DEFAULTS.weightDecay,
      seed: config.train.seed ?? DEFAULTS.seed,
      schedule,
    },
    selectivity: {
      ...config.selectivity,
      layers: config.selectivity.layers ?? 'all',
      histogramBins: config.selectivity.histogramBins ?? DEFAULTS.histogramBins,
      histogramLayers: config.selectivity.histogramLayers ?? 'auto',
      analyzeEvery: config.selectivity.analyzeEvery ?? DEFAULTS.analyzeEvery,
    },
  };
  delete resolved.$schema;
  return resolved;
}
