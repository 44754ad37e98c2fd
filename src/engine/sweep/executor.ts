// How a sweep gets its runs trained. The sweep runner owns the queue and asks an Executor to run one job at a
// time per free slot; LocalPoolExecutor forks engine workers on this machine. A cluster executor would submit
// each job to a scheduler, follow the run folder, and report the same outcome.
import type { RunConfig } from '../../protocol/config';
import type { EngineEvent, RunSummary } from '../../protocol/events';

export interface RunJob {
  runId: string;
  /** Absolute run folder (inside the sweep folder). */
  runDir: string;
  config: RunConfig;
  /** Continue from the run folder's last checkpoint instead of starting fresh. */
  resume: boolean;
  /** The sweep file, for error messages and relative paths. */
  configPath?: string;
}

export interface RunOutcome {
  status: 'completed' | 'failed' | 'stopped';
  summary?: RunSummary;
  error?: string;
}

export interface RunHandle {
  readonly done: Promise<RunOutcome>;
  /** Graceful: checkpoint and stop; `done` then resolves with status 'stopped'. */
  stop(): void;
}

export interface Executor {
  /** How many runs may be active at once. */
  readonly capacity: number;
  /** Starts a run; every engine event of the run is passed to `onEvent`. */
  start(job: RunJob, onEvent: (event: EngineEvent) => void): RunHandle;
  /** Stops whatever is still running and releases resources. */
  dispose(): Promise<void>;
}
