// Selectivity analysis of an already-trained model (a user model.json, a checkpoint folder or a run folder's
// newest checkpoint) on a data set's held-out split, written as a one-snapshot run folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../../protocol/config';
import type { RunSummary } from '../../protocol/events';
import { RUN_FILES } from '../../protocol/runStore';
import type { BuiltModel } from '../contracts';
import { EngineError } from '../errors';
import { buildModel, restoreBuiltModel } from '../models';
import { latestCheckpointName, RunWriter } from '../runStore';
import { evaluateAndAnalyze, publishAnalysis } from './heldOutAnalysis';
import { analysisLayers, checkedConfig, loadData, makeMeta, type SessionEnv } from './session';

export interface AnalyzeRequest {
  runId: string;
  runDir: string;
  /** model.json, a checkpoint folder (holding model.json) or a run folder (its latest checkpoint). */
  modelPath: string;
  /** Only data, selectivity.layers/histogramBins/histogramLayers and train.batchSize are used. */
  config: RunConfig;
  configPath?: string;
}

/** The model.json or checkpoint folder `modelPath` means, and the epoch it was saved at (0 when unknown). */
export function resolveModelPath(modelPath: string): { kind: 'file' | 'checkpoint'; path: string; epoch: number } {
  const abs = path.resolve(modelPath);
  const stat = fs.statSync(abs, { throwIfNoEntry: false });
  if (!stat) throw new EngineError('MODEL_INVALID', `Model ${modelPath} does not exist.`, { file: modelPath });
  if (stat.isFile()) {
    const dir = path.dirname(abs);
    return fs.existsSync(path.join(dir, 'trainer.json')) ? { kind: 'checkpoint', path: dir, epoch: epochOf(dir) } : { kind: 'file', path: abs, epoch: 0 };
  }
  const latest = latestCheckpointName(abs);
  if (latest) {
    const dir = path.join(abs, RUN_FILES.checkpointsDir, latest);
    return { kind: 'checkpoint', path: dir, epoch: epochOf(dir) };
  }
  if (fs.existsSync(path.join(abs, 'model.json'))) {
    return fs.existsSync(path.join(abs, 'trainer.json'))
      ? { kind: 'checkpoint', path: abs, epoch: epochOf(abs) }
      : { kind: 'file', path: path.join(abs, 'model.json'), epoch: 0 };
  }
  throw new EngineError('MODEL_INVALID', `${modelPath} holds no model.json and no run checkpoint.`, { file: modelPath });
}

function epochOf(checkpointDir: string): number {
  try {
    return (JSON.parse(fs.readFileSync(path.join(checkpointDir, 'trainer.json'), 'utf8')) as { epochsDone?: number }).epochsDone ?? 0;
  } catch {
    return 0;
  }
}

export async function analyzeModel(req: AnalyzeRequest, env: SessionEnv): Promise<RunSummary> {
  const config = checkedConfig(req.config, req.configPath);
  const where = resolveModelPath(req.modelPath);
  const writer = RunWriter.startNew(req.runDir);
  const emit = (e: Parameters<SessionEnv['emit']>[0]) => {
    env.emit(e);
    void writer.appendEvent(e).catch(() => undefined);
  };
  const started = Date.now();
  let built: BuiltModel | undefined;
  try {
    await writer.writeConfig({ ...config, model: { name: 'user', path: where.path } });
    const ds = await loadData(
      config,
      writer.dir,
      (m) => emit({ v: 1, type: 'log', runId: req.runId, level: 'info', message: m }),
      (p) => emit({ v: 1, type: 'dataDownload', runId: req.runId, dataset: p.title, url: p.url, bytes: p.bytes, total: p.total }),
    );
    const input = { shape: ds.shape, numClasses: ds.classNames.length };
    built =
      where.kind === 'checkpoint'
        ? await restoreBuiltModel(where.path, input)
        : await buildModel({ name: 'user', path: where.path }, input, 0, process.cwd());
    const measured = analysisLayers(config, built, ds.classNames.length);
    const meta = makeMeta(req.runId, writer.dir, config, ds, built, env, measured, { model: where.path, epochs: 0 });
    await writer.writeMeta(meta);
    emit({ v: 1, type: 'runStarted', runId: req.runId, meta, config });
    const { test, analysis } = await evaluateAndAnalyze(built, ds, config.train.batchSize, {
      bins: config.selectivity.histogramBins,
      selectedLayers: measured.selected,
      histogramLayers: measured.histograms,
    });
    const epoch = where.epoch;
    const layers = await publishAnalysis({ runId: req.runId, writer, emit }, epoch, analysis);
    const summary: RunSummary = {
      runId: req.runId,
      state: 'completed',
      epochsDone: epoch,
      finalTestAcc: test.acc,
      finalNetworkSI: analysis.networkSI,
      bestTestAcc: test.acc,
      layers,
      seconds: (Date.now() - started) / 1000,
    };
    await writer.writeSummary(summary);
    emit({ v: 1, type: 'runFinished', runId: req.runId, summary });
    return summary;
  } finally {
    built?.dispose();
    await writer.close();
  }
}
