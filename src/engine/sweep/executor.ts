// How a sweep gets its runs trained. The sweep runner decides which runs to train (completed ones never again,
// interrupted ones resumed, failed ones only when asked) and hands each to an Executor as slots free up:
// LocalPoolExecutor forks engine workers on this machine; SlurmExecutor submits them as one job array and follows
// the scheduler. Either way the run folders are the record, and each run's outcome comes back the same way.
import type { RunConfig } from '../../protocol/config';
import type { EngineEvent, RunSummary } from '../../protocol/events';
import type { SchedulerJob } from '../../protocol/executor';

export interface RunJob {
  runId: string;
  /** Absolute run folder (inside the sweep folder). */
  runDir: string;
  config: RunConfig;
  /** Continue from the run folder's last checkpoint instead of starting fresh (decided by the sweep runner). */
  resume: boolean;
  /** The sweep file, for error messages and relative paths. */
  configPath?: string;
  /** The run's position in sweep.json (a Slurm array task's id). */
  index: number;
}

export interface RunOutcome {
  /** 'detached': the driver stopped following and the run goes on under its scheduler. */
  status: 'completed' | 'failed' | 'stopped' | 'detached';
  summary?: RunSummary;
  error?: string;
  /** The scheduler's last word on the run's job (a cluster run). */
  scheduler?: SchedulerJob;
}

export interface RunHandle {
  readonly done: Promise<RunOutcome>;
  /** Graceful: checkpoint and stop; `done` then resolves with status 'stopped'. */
  stop(): void;
}

/** What an executor may tell about a run while it is under way, besides its engine events. */
export interface RunListener {
  /** Every engine event of the run (the local pool's workers stream them; a cluster's jobs do not). */
  onEvent(event: EngineEvent): void;
  /** The scheduler's word on the run's job changed while it waits (with a reason) or runs on a node. */
  onScheduler?(job: SchedulerJob, running: boolean): void;
}

export interface Executor {
  /** How many runs may be active at once (a scheduler that queues by itself takes them all). */
  readonly capacity: number;
  /**
   * Where a run's folder is made ready for its attempt (wait for its lock, resume or start clean): here before
   * `start` (the local pool), or on the node the run lands on (a cluster job, whose task does it itself).
   */
  readonly preparesOnNode: boolean;
  /** Starts a run. */
  start(job: RunJob, listener: RunListener): RunHandle;
  /**
   * Stops following the runs without stopping them (a cluster goes on; a later sweep attaches again); every
   * `done` settles with the runs still under way. Undefined when runs cannot outlive their driver.
   */
  detach?(): void;
  /** Settles once every run started so far is in the scheduler's hands (submitted, or found already there). */
  handedOver?(): Promise<void>;
  /** Which of these runs (sweep.json indices) the executor already has under way from an earlier submission. */
  liveIndices?(indices: number[]): Promise<Set<number>>;
  /** Why runs could not be handed over at all (Slurm refused the job array): the sweep ends saying so. */
  readonly failure?: Error;
  /** Stops whatever is still running and releases resources. */
  dispose(): Promise<void>;
}
