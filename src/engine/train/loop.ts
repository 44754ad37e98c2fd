// The epoch loop: train (seeded batches, per-epoch alpha, scheduled lr), evaluate on the held-out set, analyse
// selectivity every `analyzeEvery` epochs, write metrics/snapshots/checkpoints, and stop cleanly at a batch
// boundary when asked. Progress is throttled; everything else is emitted as it happens.
import * as tf from '@tensorflow/tfjs-core';
import type { EngineEvent, EpochMetrics } from '../../protocol/events';
import type { LayerSummary } from '../../protocol/selectivity';
import type { ResolvedRunConfig } from '../config';
import type { BuiltModel, Dataset } from '../contracts';
import { trainBatchCount, trainBatches } from '../data';
import { EngineError } from '../errors';
import type { RunWriter } from '../runStore';
import { type SelectivityAnalysis, SelectivityLayout } from '../selectivity';
import { saveCheckpoint, type TrainerState } from './checkpoint';
import { evaluateAndAnalyze, publishAnalysis } from './heldOutAnalysis';
import { learningRateAt } from './lrSchedule';
import { TrainStep } from './trainStep';

export interface TrainingContext {
  runId: string;
  config: ResolvedRunConfig;
  dataset: Dataset;
  built: BuiltModel;
  optimizer: tf.MomentumOptimizer;
  writer: RunWriter;
  emit: (e: EngineEvent) => void;
  shouldStop: () => boolean;
  /** Where to start (fresh: zeros; resumed: from the checkpoint). Updated in place. */
  state: TrainerState;
  alphas: number[];
  /** Layers in the regularizer and network SI. */
  selected: string[] | 'all';
  /** Layers whose per-class activation histograms the analysis records. */
  histogramLayers: string[];
  /** Minimum milliseconds between progress events (default 250). */
  progressEveryMs?: number;
  log?: (m: string) => void;
}

export interface TrainingOutcome {
  outcome: 'completed' | 'stopped';
  lastMetrics?: EpochMetrics;
  lastAnalysis?: { epoch: number; networkSI: number; layers: LayerSummary[] };
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Evaluation of the held-out set, analysing selectivity with bin edges from the previous analysis when asked. */
function evaluateEpoch(ctx: TrainingContext, analyze: boolean) {
  const { built, state, config } = ctx;
  return evaluateAndAnalyze(
    built,
    ctx.dataset,
    config.train.batchSize,
    analyze
      ? {
          bins: config.selectivity.histogramBins,
          upperEdges: state.unitMax && state.unitMax.length === built.totalUnits ? Float32Array.from(state.unitMax) : undefined,
          selectedLayers: ctx.selected,
          histogramLayers: ctx.histogramLayers,
        }
      : undefined,
  );
}

/** Publishes an analysis and keeps its unit maxima for the next one's bin edges. */
function publishEpochAnalysis(ctx: TrainingContext, epoch: number, analysis: SelectivityAnalysis): Promise<LayerSummary[]> {
  ctx.state.unitMax = Array.from(analysis.unitMax);
  return publishAnalysis(ctx, epoch, analysis);
}

export async function trainEpochs(ctx: TrainingContext): Promise<TrainingOutcome> {
  const { config, dataset: ds, built, optimizer, state, runId } = ctx;
  const { epochs, batchSize, lr: baseLr } = config.train;
  const numClasses = ds.classNames.length;
  const batches = trainBatchCount(ds, batchSize, config.train.maxBatchesPerEpoch);
  if (batches === 0) throw new EngineError('DATA_MISSING', 'The training split is empty: check data.path and data.trainLimit.', { field: 'data' });
  const layout = new SelectivityLayout(built.unitLayers, numClasses, ctx.selected);
  const step = new TrainStep(built, layout, optimizer, config.train.weightDecay, config.train.gradClipNorm);
  const progressEvery = ctx.progressEveryMs ?? 250;
  const sessionStart = Date.now();
  let sessionBatches = 0;
  const totalBatches = epochs * batches;
  let lastProgress = 0;
  let result: TrainingOutcome = { outcome: 'completed' };
  let currentLr = NaN;
  const setLr = (lr: number) => {
    if (lr !== currentLr) {
      optimizer.setLearningRate(lr);
      currentLr = lr;
    }
  };

  try {
    if (config.selectivity.analyzeAtStart && state.epochsDone === 0 && state.batchesIntoEpoch === 0 && !state.unitMax) {
      // Selectivity of the untrained network, as epoch 0 (not on resume: it was recorded then).
      const { analysis } = await evaluateEpoch(ctx, true);
      if (analysis) await publishEpochAnalysis(ctx, 0, analysis);
    }
    while (state.epochsDone < epochs) {
      const e = state.epochsDone; // 0-based index of the epoch being trained
      const alpha = ctx.alphas[e];
      const skip = state.batchesIntoEpoch;
      step.reset(skip > 0 ? state.partial : undefined);
      let trainSeconds = skip > 0 ? (state.partial?.seconds ?? 0) : 0;
      const epochLr = learningRateAt(baseLr, config.train.schedule, epochs, e + skip / batches);
      let b = 0;
      let t0 = Date.now();
      for (const batch of trainBatches(ds, {
        batchSize,
        epoch: e,
        seed: config.train.seed,
        augment: config.data.augment,
        maxBatches: config.train.maxBatchesPerEpoch,
      })) {
        if (b < skip) {
          // Same seed + epoch -> same batches: skip those trained before the stop.
          tf.dispose([batch.x, batch.y]);
          b++;
          continue;
        }
        setLr(learningRateAt(baseLr, config.train.schedule, epochs, e + b / batches));
        step.run(batch, alpha);
        tf.dispose([batch.x, batch.y]);
        b++;
        sessionBatches++;
        const now = Date.now();
        if (now - lastProgress >= progressEvery || b === batches) {
          lastProgress = now;
          const sums = await step.read();
          const done = e * batches + b;
          const perBatch = (now - sessionStart) / 1000 / Math.max(1, sessionBatches);
          const imgPerSec = (sums.count - (state.partial && skip > 0 ? state.partial.count : 0)) / Math.max(1e-6, trainSeconds + (now - t0) / 1000);
          ctx.emit({
            v: 1,
            type: 'progress',
            runId,
            epoch: e + 1,
            epochs,
            batch: b,
            batches,
            imgPerSec: Number.isFinite(imgPerSec) ? imgPerSec : 0,
            etaSec: perBatch * (totalBatches - done),
            loss: (sums.ceSum - alpha * sums.siSum) / Math.max(1, sums.count),
          });
        }
        if (ctx.shouldStop() && b < batches) {
          trainSeconds += (Date.now() - t0) / 1000;
          await stopAt(ctx, step, e, b, trainSeconds);
          return { ...result, outcome: 'stopped' };
        }
        await yieldToEventLoop();
      }
      trainSeconds += (Date.now() - t0) / 1000;
      const sums = await step.read();
      const trainCE = sums.ceSum / sums.count;
      if (!Number.isFinite(trainCE)) {
        throw new EngineError(
          'CONFIG_INVALID',
          `Training diverged: the loss became ${trainCE} in epoch ${e + 1}. Lower train.lr (${baseLr}) or the size of selectivity.alpha (${alpha}).`,
          { field: 'train.lr' },
        );
      }
      if (ctx.shouldStop()) {
        // Every batch of the epoch is trained: the checkpoint resumes straight into evaluation.
        await stopAt(ctx, step, e, batches, trainSeconds);
        return { ...result, outcome: 'stopped' };
      }

      // Held-out evaluation, with the selectivity analysis on analysis epochs (and always the last one).
      t0 = Date.now();
      const epoch = e + 1;
      const { test, analysis } = await evaluateEpoch(ctx, epoch % config.selectivity.analyzeEvery === 0 || epoch === epochs);
      let layers: LayerSummary[] = [];
      if (analysis) {
        layers = await publishEpochAnalysis(ctx, epoch, analysis);
        result.lastAnalysis = { epoch, networkSI: analysis.networkSI, layers };
      }
      const trainSI = sums.siSum / sums.count;
      const metrics: EpochMetrics = {
        epoch,
        alpha,
        lr: epochLr,
        trainCE,
        trainReg: -alpha * trainSI,
        trainSI,
        trainAcc: sums.correct / sums.count,
        testLoss: test.loss,
        testAcc: test.acc,
        networkSI: analysis ? analysis.networkSI : NaN,
        layers,
        imgPerSec: sums.count / Math.max(1e-6, trainSeconds),
        seconds: trainSeconds + (Date.now() - t0) / 1000,
      };
      state.seconds += metrics.seconds;
      state.bestTestAcc = Math.max(state.bestTestAcc, test.acc);
      await ctx.writer.appendMetrics(metrics);
      ctx.emit({ v: 1, type: 'epoch', runId, metrics });
      result = { ...result, lastMetrics: metrics };

      state.epochsDone = epoch;
      state.batchesIntoEpoch = 0;
      state.partial = undefined;
      const dir = await saveCheckpoint(ctx.writer.dir, built, optimizer, state);
      ctx.emit({ v: 1, type: 'checkpoint', runId, epoch, path: dir });
      ctx.log?.(`epoch ${epoch}: tensors in memory ${tf.memory().numTensors}`);
    }
    return result;
  } finally {
    step.dispose();
    layout.dispose();
  }
}

async function stopAt(ctx: TrainingContext, step: TrainStep, e: number, batchesDone: number, trainSeconds: number): Promise<void> {
  const sums = await step.read();
  ctx.state.batchesIntoEpoch = batchesDone;
  ctx.state.partial = { ...sums, seconds: trainSeconds };
  const dir = await saveCheckpoint(ctx.writer.dir, ctx.built, ctx.optimizer, ctx.state);
  ctx.emit({ v: 1, type: 'checkpoint', runId: ctx.runId, epoch: e, path: dir });
}
