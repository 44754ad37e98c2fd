// Runs sweep jobs as engine worker processes on this machine (src/engine/client EngineRun), up to `capacity` at
// once. Threads are split between the workers so that N runs on N cores do not oversubscribe the CPU; each
// worker's own output goes to engine.log in its run folder.
import { mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WORKER_ENV } from '../../protocol/workerEnv';
import { EngineRun } from '../client';
import type { Executor, RunHandle, RunJob, RunListener } from './executor';

export interface LocalPoolOptions {
  /** Runs at once (default: number of CPU cores). */
  parallel?: number;
  /** Compiled engine worker module (default <package>/out/src/engine/worker.js). */
  workerPath?: string;
  /** Seconds a worker gets to checkpoint after `stop` before it is terminated. */
  stopGraceSec?: number;
}

/** How long a worker may linger after its run finished; the run's files are already written. */
const SHUTDOWN_GRACE_MS = 15_000;

export class LocalPoolExecutor implements Executor {
  readonly capacity: number;
  readonly preparesOnNode = false;
  private readonly runs = new Set<EngineRun>();

  constructor(private readonly options: LocalPoolOptions = {}) {
    this.capacity = Math.max(1, Math.floor(options.parallel ?? os.cpus().length));
  }

  start(job: RunJob, listener: RunListener): RunHandle {
    mkdirSync(job.runDir, { recursive: true });
    const threads = Math.max(1, Math.floor(os.cpus().length / this.capacity));
    const run = new EngineRun(
      job.resume
        ? { kind: 'resume', runId: job.runId, runDir: job.runDir }
        : { kind: 'start', runId: job.runId, runDir: job.runDir, config: job.config, configPath: job.configPath },
      {
        workerPath: this.options.workerPath,
        env: { [WORKER_ENV.threads]: String(threads) },
        outputFile: path.join(job.runDir, 'engine.log'),
        shutdownGraceMs: SHUTDOWN_GRACE_MS,
        stopGraceMs: (this.options.stopGraceSec ?? 120) * 1000,
      },
    );
    run.onEvent((e) => listener.onEvent(e));
    this.runs.add(run);
    void run.exited.then(() => this.runs.delete(run));
    return {
      done: run.done.then((o) => ({ status: o.state, summary: o.summary, error: o.error })),
      // Graceful: the run checkpoints; a stop already asked for is not escalated to a kill here.
      stop: () => {
        if (run.phase !== 'stopping') run.stop();
      },
    };
  }

  async dispose(): Promise<void> {
    await Promise.all(
      [...this.runs].map((run) => {
        if (run.phase !== 'stopping') run.stop();
        return run.exited;
      }),
    );
  }
}
