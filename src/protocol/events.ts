// Engine -> client events and client -> engine commands. Versioned; sent over Node IPC with
// `serialization: 'advanced'` so typed arrays travel as binary, and appended (without the big arrays) to a
// run's events.jsonl.
import type { RunConfig } from './config';
import type { LayerClassHistograms, LayerSelectivity, LayerSummary } from './selectivity';

export const PROTOCOL_VERSION = 1;

export type RunState = 'queued' | 'starting' | 'running' | 'stopping' | 'completed' | 'stopped' | 'failed';

export interface UnitLayerInfo {
  name: string;
  units: number;
  kind: 'conv' | 'dense';
}

export interface RunMeta {
  runId: string;
  runDir: string;
  name: string;
  model: string;
  dataset: string;
  backend: string;
  threads: number;
  /** The GPU the backend computes on (WebGPU: the adapter's name and vendor); absent on the CPU. */
  backendDevice?: string;
  /** Why each backend above the one used was passed over ('auto' only), e.g. "webgpu: only a software adapter". */
  backendSkipped?: string[];
  params: number;
  inputShape: number[];
  classNames: string[];
  layers: UnitLayerInfo[];
  /** Layers whose units enter the regularizer. */
  regularizedLayers: string[];
  /** Layers whose per-class activation histograms are recorded (absent in runs from before: all of them). */
  histogramLayers?: string[];
  trainSize: number;
  testSize: number;
  epochs: number;
  startedAt: string;
  resumedFromEpoch?: number;
}

export interface EpochMetrics {
  epoch: number;
  alpha: number;
  lr: number;
  /** Training loss split: total = ce - alpha * networkSI (reg term = -alpha * trainSI). */
  trainCE: number;
  trainReg: number;
  trainSI: number;
  trainAcc: number;
  testLoss: number;
  testAcc: number;
  /** Network SI on the held-out set (NaN when not analysed this epoch). */
  networkSI: number;
  layers: LayerSummary[];
  imgPerSec: number;
  seconds: number;
}

export interface RunSummary {
  runId: string;
  state: RunState;
  epochsDone: number;
  finalTestAcc: number;
  finalNetworkSI: number;
  bestTestAcc: number;
  layers: LayerSummary[];
  seconds: number;
  error?: string;
}

/** Events the engine emits. Every event carries `v` (protocol version) and `runId` when it belongs to a run. */
export type EngineEvent =
  | { v: 1; type: 'hello'; backend: string; threads: number; device?: string; engineVersion: string; pid: number }
  | { v: 1; type: 'runStarted'; runId: string; meta: RunMeta; config: RunConfig }
  | {
      v: 1;
      type: 'progress';
      runId: string;
      epoch: number;
      epochs: number;
      batch: number;
      batches: number;
      imgPerSec: number;
      etaSec: number;
      loss: number;
    }
  /** Bytes of a data.download arriving, before the run starts (at most a few a second, and one when done). */
  | { v: 1; type: 'dataDownload'; runId?: string; dataset: string; url: string; bytes: number; total: number }
  | { v: 1; type: 'epoch'; runId: string; metrics: EpochMetrics }
  | { v: 1; type: 'selectivity'; runId: string; epoch: number; networkSI: number; layers: LayerSelectivity[] }
  | { v: 1; type: 'classResponses'; runId: string; epoch: number; layers: LayerClassHistograms[] }
  | { v: 1; type: 'checkpoint'; runId: string; epoch: number; path: string }
  | { v: 1; type: 'runFinished'; runId: string; summary: RunSummary }
  | { v: 1; type: 'log'; runId?: string; level: 'trace' | 'debug' | 'info' | 'warn' | 'error'; message: string }
  | {
      v: 1;
      type: 'error';
      runId?: string;
      /** One clear sentence for the user; names the field or file when there is one. */
      message: string;
      file?: string;
      field?: string;
      code: EngineErrorCode;
    };

export type EngineErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'DATA_MISSING'
  | 'DATA_CORRUPT'
  | 'MODEL_UNKNOWN'
  | 'MODEL_INVALID'
  | 'RUN_DIR_UNWRITABLE'
  | 'OUT_OF_MEMORY'
  | 'BACKEND_UNAVAILABLE'
  | 'INTERNAL';

/** Commands a client sends to the engine process. */
export type EngineCommand =
  | { v: 1; type: 'startRun'; runId: string; configPath?: string; config: RunConfig; runDir: string }
  | { v: 1; type: 'resumeRun'; runId: string; runDir: string }
  | { v: 1; type: 'analyze'; runId: string; modelPath: string; config: RunConfig; runDir: string }
  /** Graceful: finish the current batch, checkpoint, then stop. */
  | { v: 1; type: 'stop'; runId: string }
  | { v: 1; type: 'shutdown' };

export type EngineEventOf<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
