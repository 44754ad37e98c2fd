// A whole training run from a command: set up (config, data, model, run folder), run the epoch loop, and
// finish with a summary, whatever happens. Fresh starts and resumes share everything but the set-up.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../protocol/config';
import type { EngineEvent, RunMeta, RunSummary } from '../../protocol/events';
import { RUN_FILES } from '../../protocol/runStore';
import { applyDefaults, expandAlpha, type ResolvedRunConfig, validateRunConfig, problemsToMessage } from '../config';
import type { BuiltModel, Dataset } from '../contracts';
import { loadDataset, type LoadDatasetOptions } from '../data';
import { EngineError, toEngineError } from '../errors';
import { buildModel } from '../models';
import { chooseHistogramLayers } from '../selectivity';
import { readMetrics, RunWriter } from '../runStore';
import { readLatestCheckpoint, repairCheckpoints, restoreCheckpoint, type TrainerState } from './checkpoint';
import { trainEpochs, type TrainingOutcome } from './loop';

export interface SessionEnv {
  emit: (e: EngineEvent) => void;
  shouldStop: () => boolean;
  backend: { name: string; threads: number; device?: string; skipped?: string[] };
  log?: (m: string) => void;
  progressEveryMs?: number;
  /** Receives the summary of a run that failed before the error is thrown, also when summary.json could not be written. */
  failed?: (summary: RunSummary) => void;
}

export interface StartRunRequest {
  runId: string;
  runDir: string;
  config: RunConfig;
  /** The config file; relative paths in `config` are taken from its folder (else from the cwd). */
  configPath?: string;
}

/** Checks a config object coming over IPC (it may not have been validated by the sender). */
export function checkedConfig(config: RunConfig, configPath?: string): ResolvedRunConfig {
  const display = configPath ?? 'config';
  const { config: valid, problems } = validateRunConfig(config, display);
  if (!valid) {
    const first = problems.find((p) => p.severity === 'error');
    throw new EngineError('CONFIG_INVALID', problemsToMessage(display, problems), { file: configPath, field: first?.field || undefined });
  }
  return applyDefaults(valid, configPath ? path.dirname(path.resolve(configPath)) : process.cwd(), configPath);
}

/** The layers an analysis measures: those in the network SI and those whose histograms are recorded. */
export interface AnalysisLayers {
  selected: string[] | 'all';
  histograms: string[];
}

/** Resolves selectivity.layers and selectivity.histogramLayers against the model; unknown names are config errors. */
export function analysisLayers(config: ResolvedRunConfig, built: BuiltModel, numClasses: number): AnalysisLayers {
  const known = built.unitLayers.map((l) => l.name);
  const check = (field: string, names: string[]) => {
    const unknown = names.filter((l) => !known.includes(l));
    if (unknown.length) {
      throw new EngineError(
        'CONFIG_INVALID',
        `${field} names ${unknown.map((u) => `"${u}"`).join(', ')}, not a post-ReLU layer of this model; its unit layers are: ${known.join(', ')}.`,
        { field },
      );
    }
  };
  const { layers, histogramLayers, histogramBins } = config.selectivity;
  if (layers !== 'all') check('selectivity.layers', layers);
  if (Array.isArray(histogramLayers)) check('selectivity.histogramLayers', histogramLayers);
  return {
    selected: layers,
    histograms: chooseHistogramLayers(built.unitLayers, numClasses, histogramBins, histogramLayers),
  };
}

export async function loadData(
  config: ResolvedRunConfig,
  runDir: string,
  log: (m: string) => void,
  onDownload?: LoadDatasetOptions['onDownload'],
): Promise<Dataset> {
  return loadDataset(config.data, {
    baseDir: path.dirname(runDir),
    cacheDir: path.join(path.dirname(runDir), '.cache'),
    seed: config.train.seed,
    log,
    onDownload,
  });
}

/** The run's meta.json; `overrides` lets an analysis (no training) name its model file and zero epochs. */
export function makeMeta(
  runId: string,
  runDir: string,
  config: ResolvedRunConfig,
  ds: Dataset,
  built: BuiltModel,
  env: SessionEnv,
  layers: AnalysisLayers,
  overrides: Partial<Pick<RunMeta, 'model' | 'epochs'>> = {},
): RunMeta {
  return {
    runId,
    runDir,
    name: config.name,
    model: config.model.name === 'user' ? `user (${path.basename(path.dirname(config.model.path ?? ''))}/${path.basename(config.model.path ?? '')})` : config.model.name,
    dataset: ds.name,
    backend: env.backend.name,
    threads: env.backend.threads,
    ...(env.backend.device ? { backendDevice: env.backend.device } : {}),
    ...(env.backend.skipped?.length ? { backendSkipped: env.backend.skipped } : {}),
    params: built.params,
    inputShape: [...ds.shape],
    classNames: ds.classNames,
    layers: built.unitLayers,
    regularizedLayers: layers.selected === 'all' ? built.unitLayers.map((l) => l.name) : layers.selected,
    histogramLayers: layers.histograms,
    trainSize: ds.train.n,
    testSize: ds.test.n,
    epochs: config.train.epochs,
    startedAt: new Date().toISOString(),
    ...overrides,
  };
}

function readRunMeta(dir: string): RunMeta | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, RUN_FILES.meta), 'utf8')) as RunMeta;
  } catch {
    return undefined;
  }
}

function freshState(): TrainerState {
  return { version: 1, epochsDone: 0, batchesIntoEpoch: 0, seconds: 0, bestTestAcc: 0 };
}

/** Start a new run in `req.runDir` (which must not hold an earlier run). Resolves with the final summary. */
export async function startRun(req: StartRunRequest, env: SessionEnv): Promise<RunSummary> {
  const config = checkedConfig(req.config, req.configPath);
  const writer = RunWriter.startNew(req.runDir);
  return runSession(req.runId, writer, config, env, undefined);
}

/** Continue the run in `runDir` from its newest checkpoint (or from scratch when it has none). */
export async function resumeRun(runId: string, runDir: string, env: SessionEnv): Promise<RunSummary> {
  const writer = RunWriter.reopen(runDir);
  let config: ResolvedRunConfig;
  try {
    config = checkedConfig(readSavedConfig(writer.dir), path.join(writer.dir, RUN_FILES.config));
  } catch (e) {
    await writer.close();
    throw e;
  }
  return runSession(runId, writer, config, env, 'resume');
}

/** The run's config.json, or CONFIG_UNREADABLE naming it. */
function readSavedConfig(dir: string): RunConfig {
  const file = path.join(dir, RUN_FILES.config);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new EngineError('CONFIG_UNREADABLE', `${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); the run cannot be resumed.`, { file });
  }
  try {
    return JSON.parse(text) as RunConfig;
  } catch {
    throw new EngineError('CONFIG_UNREADABLE', `${file} is not valid JSON (damaged?); the run cannot be resumed without it.`, { file });
  }
}

async function runSession(runId: string, writer: RunWriter, config: ResolvedRunConfig, env: SessionEnv, mode: 'resume' | undefined): Promise<RunSummary> {
  const log = env.log ?? (() => undefined);
  // Epochs of the newest checkpoint written or resumed from: what a failed run's summary can count as done.
  let committed = 0;
  const emit = (e: EngineEvent) => {
    if (e.type === 'checkpoint') committed = e.epoch;
    env.emit(e);
    writer.appendEvent(e).catch((err) => log(`events.jsonl: ${String(err)}`));
  };
  const started = Date.now();
  let built: BuiltModel | undefined;
  let optimizer: tf.MomentumOptimizer | undefined;
  let state = freshState();
  let outcome: TrainingOutcome | undefined;
  let meta: RunMeta | undefined;
  // A resume that fails before it changed anything leaves the run (and its summary) as it was.
  let touched = mode !== 'resume';
  let abandoned = false;
  try {
    const alphas = expandAlpha(config.selectivity.alpha, config.train.epochs);
    if (!mode) await writer.writeConfig(config);
    // A resume reads its checkpoint first: a damaged one is reported before any data is loaded.
    const saved = mode === 'resume' ? await readLatestCheckpoint(writer.dir) : undefined;
    const ds = await loadData(
      config,
      writer.dir,
      (m) => emit({ v: 1, type: 'log', runId, level: 'info', message: m }),
      (p) => emit({ v: 1, type: 'dataDownload', runId, dataset: p.title, url: p.url, bytes: p.bytes, total: p.total }),
    );
    const input = { shape: ds.shape, numClasses: ds.classNames.length };
    optimizer = tf.train.momentum(config.train.lr, config.train.momentum);
    let resumedFrom: number | undefined;
    if (mode === 'resume') {
      const ckpt = saved && (await restoreCheckpoint(saved, input));
      if (ckpt) {
        built = ckpt.built;
        state = ckpt.state;
        if (ckpt.optimizerWeights.length > 0) await optimizer.setWeights(ckpt.optimizerWeights);
        tf.dispose(ckpt.optimizerWeights.map((w) => w.tensor));
        resumedFrom = state.epochsDone;
      }
      committed = state.epochsDone;
      touched = true;
      // What a crash or a full disk left past the checkpoint is dropped: those epochs are trained again.
      const notes = [...(await writer.reconcile(state.epochsDone)), ...(await repairCheckpoints(writer.dir))];
      for (const note of notes) emit({ v: 1, type: 'log', runId, level: 'warn', message: `Resuming ${path.basename(writer.dir)}: ${note}` });
    }
    built ??= await buildModel(config.model, input, config.train.seed, process.cwd());
    const layers = analysisLayers(config, built, ds.classNames.length);
    meta = makeMeta(runId, writer.dir, config, ds, built, env, layers);
    if (mode === 'resume') {
      // A resumed run keeps its identity: the original start time (folder order) stays.
      const previous = readRunMeta(writer.dir);
      if (previous?.startedAt) meta.startedAt = previous.startedAt;
    }
    if (resumedFrom !== undefined) meta.resumedFromEpoch = resumedFrom;
    await writer.writeMeta(meta);
    emit({ v: 1, type: 'runStarted', runId, meta, config });
    outcome = await trainEpochs({
      runId,
      config,
      dataset: ds,
      built,
      optimizer,
      writer,
      emit,
      shouldStop: env.shouldStop,
      state,
      alphas,
      selected: layers.selected,
      histogramLayers: layers.histograms,
      progressEveryMs: env.progressEveryMs,
      log,
    });
    const summary = makeSummary(runId, writer.dir, outcome.outcome, state.epochsDone, state, started);
    await writer.writeSummary(summary);
    emit({ v: 1, type: 'runFinished', runId, summary });
    return summary;
  } catch (e) {
    const err = toEngineError(e);
    const summary = { ...makeSummary(runId, writer.dir, 'failed', committed, state, started), error: err.message };
    // A new run refused before it began (config, data, model) leaves no folder that looks like a failed run.
    abandoned = !mode && !meta;
    if (touched && !abandoned) await writer.writeSummary(summary).catch(() => undefined);
    if (touched) env.failed?.(summary);
    throw err;
  } finally {
    built?.dispose();
    disposeOptimizer(optimizer);
    if (abandoned) await writer.discardUnstarted();
    else await writer.close();
  }
}

/** MomentumOptimizer.dispose() forgets the learning-rate scalar it inherits from SGD (tfjs-core 4.22). */
function disposeOptimizer(optimizer: tf.MomentumOptimizer | undefined): void {
  if (!optimizer) return;
  optimizer.dispose();
  const lr = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (lr && !lr.isDisposed) lr.dispose();
}

/** The run's summary with `epochsDone` epochs counted as done (those of its newest checkpoint). */
function makeSummary(runId: string, dir: string, runState: RunSummary['state'], epochsDone: number, state: TrainerState, started: number): RunSummary {
  // An epoch evaluated but never checkpointed (the checkpoint failed) is trained again on resume: not counted.
  const metrics = readMetrics(dir).filter((m) => m.epoch <= epochsDone);
  const last = metrics.at(-1);
  const analysed = metrics.filter((m) => Number.isFinite(m.networkSI)).at(-1);
  return {
    runId,
    state: runState,
    epochsDone,
    finalTestAcc: last?.testAcc ?? NaN,
    finalNetworkSI: analysed?.networkSI ?? NaN,
    bestTestAcc: metrics.reduce((b, m) => Math.max(b, m.testAcc), state.bestTestAcc || 0),
    layers: analysed?.layers ?? [],
    seconds: Math.max(state.seconds, (Date.now() - started) / 1000),
  };
}
