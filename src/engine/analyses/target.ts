// A trained run opened for analysis: its config, its newest checkpoint as a BuiltModel and its held-out set
// (optionally the first N samples of it), plus the held-out selectivity of every unit measured afresh on
// exactly those samples, so orderings and means match the model being analysed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../../protocol/config';
import type { AnalysisHeader } from '../../protocol/analyses';
import { RUN_FILES } from '../../protocol/runStore';
import type { BuiltModel, Dataset } from '../contracts';
import { EngineError } from '../errors';
import { restoreBuiltModel, buildModel } from '../models';
import { checkedConfig, evaluateAndAnalyze, loadData, resolveModelPath } from '../train';

export interface LayerUnitStats {
  /** SI per unit. */
  si: Float32Array;
  /** Mean activation per unit over the held-out set (conv: over samples and positions). */
  mean: Float32Array;
}

export interface OpenOptions {
  /** Use only the first `samples` held-out samples (default: all). */
  samples?: number;
  /** Batch size of the analysis passes (default: the run's train.batchSize). */
  batchSize?: number;
  log?: (message: string) => void;
}

export interface AnalysisTarget {
  runDir: string;
  built: BuiltModel;
  ds: Dataset;
  /** The checkpoint folder or model file analysed, and its epoch. */
  model: string;
  epoch: number;
  batchSize: number;
  dispose(): void;
}

/** The header of a result of `target`, computed on `samples` held-out samples since `started` (Date.now()). */
export function resultHeader(target: Pick<AnalysisTarget, 'model' | 'epoch'>, samples: number, started: number): AnalysisHeader {
  return { version: 1, model: target.model, epoch: target.epoch, createdAt: new Date().toISOString(), samples, seconds: (Date.now() - started) / 1000 };
}

function readRunConfig(runDir: string): { config: RunConfig; file: string } {
  const file = path.join(runDir, RUN_FILES.config);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new EngineError('CONFIG_UNREADABLE', `${runDir} is not a run folder: it has no ${RUN_FILES.config}.`, { file });
  }
  try {
    return { config: JSON.parse(text) as RunConfig, file };
  } catch (e) {
    throw new EngineError('CONFIG_UNREADABLE', `${file} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`, { file });
  }
}

/** The first `n` held-out samples (the split's order is fixed by the data set, so two runs agree). */
function firstTestSamples(ds: Dataset, n: number | undefined): Dataset {
  if (n === undefined || n >= ds.test.n) return ds;
  if (!(Number.isInteger(n) && n >= 1)) throw new EngineError('CONFIG_INVALID', `--samples must be a whole number >= 1 (got ${n}).`, { field: 'samples' });
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  return { ...ds, test: { images: ds.test.images.subarray(0, n * per), labels: ds.test.labels.subarray(0, n), n } };
}

export async function openRun(runDir: string, options: OpenOptions = {}): Promise<AnalysisTarget> {
  const dir = path.resolve(runDir);
  if (!fs.existsSync(dir)) throw new EngineError('CONFIG_UNREADABLE', `Run folder ${runDir} does not exist.`, { file: runDir });
  const { config: raw, file } = readRunConfig(dir);
  const config = checkedConfig(raw, file);
  const where = resolveModelPath(dir);
  const ds = firstTestSamples(await loadData(config, dir, options.log ?? (() => undefined)), options.samples);
  const input = { shape: ds.shape, numClasses: ds.classNames.length };
  const built =
    where.kind === 'checkpoint' ? await restoreBuiltModel(where.path, input) : await buildModel({ name: 'user', path: where.path }, input, 0, process.cwd());
  const batchSize = options.batchSize ?? config.train.batchSize;
  return { runDir: dir, built, ds, model: where.path, epoch: where.epoch, batchSize, dispose: () => built.dispose() };
}

/** The named unit layers of the model (all when `names` is empty); unknown names are one clear error. */
export function chooseLayers(target: AnalysisTarget, names: string[] | undefined, field = 'layers'): string[] {
  const known = target.built.unitLayers.map((l) => l.name);
  if (!names || names.length === 0) return known;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length) {
    throw new EngineError('CONFIG_INVALID', `--${field} names ${unknown.map((u) => `"${u}"`).join(', ')}, not a unit layer of ${target.runDir}; its unit layers are: ${known.join(', ')}.`, { field });
  }
  return names;
}

/** Baseline loss and accuracy, and each unit's SI and held-out mean, from one pass with the selectivity accumulator. */
export async function measureUnits(target: AnalysisTarget): Promise<{ acc: number; loss: number; stats: Map<string, LayerUnitStats> }> {
  const { test, analysis } = await evaluateAndAnalyze(target.built, target.ds, target.batchSize, { selectedLayers: 'all', histogramLayers: [] });
  const total = analysis.classCounts.reduce((s, c) => s + c, 0);
  const stats = new Map<string, LayerUnitStats>();
  for (const l of analysis.layers) {
    const mean = new Float32Array(l.units);
    for (let u = 0; u < l.units; u++) {
      let s = 0;
      for (let c = 0; c < l.classes; c++) s += analysis.classCounts[c] * l.classMeans[u * l.classes + c];
      mean[u] = total > 0 ? s / total : 0;
    }
    stats.set(l.layer, { si: l.si, mean });
  }
  return { acc: test.acc, loss: test.loss, stats };
}
