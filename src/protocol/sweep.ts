// Sweeps: many runs (alpha x seed x other axes) of one base config, each a normal run folder inside the sweep
// folder, indexed by sweep.json. Shared by the engine (writer), the host (Runs tree, commands) and the webview
// (sweep figures). The Sweep tab's messages are in webviews/panel.ts.
import type { RunConfig } from './config';
import type { EngineEvent, RunSummary } from './events';
import type { SchedulerJob } from './executor';

/** Layout of a sweep folder: <outDir>/<sweep name>/{sweep.json, sweep.config.json, <run name>/..., report/}. */
export const SWEEP_FILES = {
  index: 'sweep.json',
  /** The sweep config as resolved when the sweep was (re)started, base inlined. */
  config: 'sweep.config.json',
  /** Holds the pid of the process driving the sweep; stale when that pid is gone. */
  lock: 'sweep.lock',
  reportDir: 'report',
} as const;

/** Status of one run within a sweep. 'stopped' runs resume from their last checkpoint when the sweep restarts. */
export type SweepRunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'stopped';

export type SweepState = 'queued' | 'running' | 'completed' | 'failed' | 'stopped';

/** A value one axis takes in one run (numbers, names, layer lists, alpha schedules). */
export type SweepAxisValue = number | string | boolean | null | unknown[] | Record<string, unknown>;

export interface SweepAxis {
  /** Dotted field path of the run config, e.g. "selectivity.alpha", "train.seed", "train.lr". */
  path: string;
  /** Short key used in run names, e.g. "alpha", "seed", "lr". */
  key: string;
  values: SweepAxisValue[];
}

export interface SweepRunEntry {
  /** Stable, file-system safe name, e.g. "alpha=-1_seed=0"; also the run folder's name inside the sweep folder. */
  name: string;
  /** Run id handed to the engine: "<sweep name>--<run name>". */
  runId: string;
  /** Run folder relative to the sweep folder (= name). */
  dir: string;
  /** Dotted path -> value applied to the base config for this run. */
  overrides: Record<string, SweepAxisValue>;
  /** Alpha used for plotting: the number, or the last epoch's alpha of a schedule. */
  alpha: number;
  seed: number;
  /** Hash of the fully expanded run config; a completed run is only kept while this matches. */
  configHash: string;
  status: SweepRunStatus;
  /** Times this run was started (first start and resumes). */
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  epochsDone?: number;
  finalTestAcc?: number;
  finalNetworkSI?: number;
  error?: string;
  /** What the cluster scheduler last said about this run's job (Slurm sweeps). */
  scheduler?: SchedulerJob;
}

/** sweep.json */
export interface SweepIndex {
  version: 1;
  kind: 'sweep';
  sweepId: string;
  name: string;
  /** The *.selectivity.json the sweep came from (absolute), when there was one. */
  configPath?: string;
  createdAt: string;
  updatedAt: string;
  state: SweepState;
  parallel: number;
  /** Where the runs train (absent in sweeps from before: this machine). */
  executor?: 'local' | 'slurm';
  axes: SweepAxis[];
  /** In execution order. */
  runs: SweepRunEntry[];
}

export interface SweepCounts {
  queued: number;
  running: number;
  completed: number;
  failed: number;
  stopped: number;
}

/** Events of a sweep, interleaved with the EngineEvents of its runs (which carry the run's runId). */
export type SweepEvent =
  | { v: 1; type: 'sweepStarted'; sweepId: string; sweepDir: string; index: SweepIndex }
  | {
      v: 1;
      type: 'sweepRunState';
      sweepId: string;
      sweepDir: string;
      run: SweepRunEntry;
      /** Absolute run folder. */
      runDir: string;
      summary?: RunSummary;
    }
  | {
      v: 1;
      type: 'sweepFinished';
      sweepId: string;
      sweepDir: string;
      state: SweepState;
      counts: SweepCounts;
      seconds: number;
      /** Report folder when one was written. */
      reportDir?: string;
      error?: string;
      /** The driver stopped following; the runs go on under their scheduler (a Slurm sweep). */
      detached?: boolean;
    };

/** What a sweep process sends its client: sweep events and the relayed events of its runs. */
export type SweepProcessEvent = SweepEvent | EngineEvent;

/** Commands a client sends to a sweep process (src/engine/sweep/sweepProcess.ts, forked with IPC). */
export type SweepCommand =
  | {
      v: 1;
      type: 'startSweep';
      /** A *.selectivity.json of kind "sweep", or an existing sweep folder to resume. */
      configPath: string;
      parallel?: number;
      retryFailed?: boolean;
      /** Write the report folder when the sweep finishes (default true). */
      report?: boolean;
      /** Only follow runs already submitted to a cluster scheduler; submit nothing (a Slurm sweep left by a terminal). */
      attachOnly?: boolean;
    }
  /** Graceful: every running run checkpoints and stops; the sweep can be resumed later. */
  | { v: 1; type: 'stopSweep' }
  | { v: 1; type: 'shutdown' };

// ---- Report data: what the sweep figures (webview/sweep) draw, computed by src/engine/report. ----

export interface MeanCI {
  n: number;
  mean: number;
  sd: number;
  /** 95% confidence interval of the mean (Student t, n - 1 degrees of freedom); = mean when n < 2. */
  lo: number;
  hi: number;
  /** The t interval left the quantity's range ([0, 1] for accuracy and SI) and lo/hi were clipped to it. */
  clipped?: boolean;
}

export interface ReportRun {
  name: string;
  alpha: number;
  seed: number;
  status: SweepRunStatus;
  epochs: number;
  testAcc: number;
  bestTestAcc: number;
  networkSI: number;
  /** Final mean SI per layer. */
  layerSI: Record<string, number>;
  overrides: Record<string, SweepAxisValue>;
  /** Headline numbers of the run's analyses/ (selectivity-lens sweep-analyze), when it has them. */
  analyses?: ReportRunAnalyses;
}

/** What the sweep figures vs alpha take from each run's analyses (see protocol/analyses.ts). */
export interface ReportRunAnalyses {
  /**
   * Accuracy lost (baseline minus ablated, zero mode) with half of a layer's units silenced (the fraction nearest
   * 0.5), mean over the ablated layers: most selective first, least selective first, random orders.
   */
  ablationDrop50?: { selective: number; leastSelective: number; random: number };
  /** Linear CKA and PWCCA of each layer to the same layer of the alpha = 0 run (for alpha = 0: of another seed). */
  ckaToBaseline?: Record<string, number>;
  pwccaToBaseline?: Record<string, number>;
  /** PCA participation ratio per layer. */
  participationRatio?: Record<string, number>;
  /** Mean accuracy over every corruption and severity; accuracy at the largest FGSM / PGD epsilon. */
  corruptionAcc?: number;
  cleanAcc?: number;
  fgsmAcc?: number;
  pgdAcc?: number;
  /** The epsilon of fgsmAcc and pgdAcc. */
  attackEps?: number;
}

export interface ReportAlphaStats {
  alpha: number;
  acc: MeanCI;
  si: MeanCI;
  layerSI: Record<string, MeanCI>;
}

export interface ReportHeadline {
  baselineAcc?: MeanCI;
  baselineSI?: MeanCI;
  /** Largest baseline SI / SI(alpha) among alphas < 0 whose mean accuracy is not below the baseline's 95% CI. */
  maxSIReduction?: { factor: number; alpha: number; acc: number; si: number };
  bestAcc?: { alpha: number; acc: number };
  /** Baseline mean accuracy minus mean accuracy at the most negative / most positive alpha. */
  costAtMostNegative?: { alpha: number; accCost: number; si: number };
  costAtMostPositive?: { alpha: number; accCost: number; si: number };
}

/** One combination of the non-alpha, non-seed axes (a single group when there are none). */
export interface ReportGroup {
  key: string;
  label: string;
  overrides: Record<string, SweepAxisValue>;
  runs: ReportRun[];
  byAlpha: ReportAlphaStats[];
  headline: ReportHeadline;
}

export interface SweepReportData {
  version: 1;
  sweepName: string;
  sweepDir: string;
  generatedAt: string;
  layers: string[];
  groups: ReportGroup[];
  counts: SweepCounts;
  /** Base run config (first run's config with its overrides removed) for display. */
  baseConfig?: RunConfig;
}
