// Runs this host's engine jobs: one engine process per run (src/engine/client EngineRun), at most
// `maxConcurrent` at once, the rest queued. Stop dequeues a queued run; a running one stops gracefully the first
// time and is killed the second. Plain Node: no vscode here.
import { EngineRun, type RunJob as EngineJob } from '../../../engine/client';
import type { EngineEvent, RunState } from '../../../protocol/events';
import { RunQueue } from './runQueue';

/** A job as the host submits it: the engine's job plus how to name it to the user. */
export type RunJob = EngineJob & { label?: string };

/** Host-side view of a job that is not finished. */
export interface ActiveRun {
  job: RunJob;
  state: Extract<RunState, 'queued' | 'starting' | 'running' | 'stopping'>;
  pid?: number;
  lastEpoch?: number;
}

export interface RunManagerOptions {
  /** The compiled engine worker (default: the package's out/src/engine/worker.js). */
  workerPath?: string;
  maxConcurrent: number;
  /** Extra environment for every worker (e.g. SELECTIVITY_LENS_NATIVE_DIR). Read at each fork. */
  env?: () => NodeJS.ProcessEnv;
  cwd?: string;
  /** Worker stdout/stderr lines. */
  onOutput?: (runId: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** How long a worker may take to exit after its run finished before it is killed. */
  shutdownGraceMs?: number;
}

interface Entry {
  job: RunJob;
  run?: EngineRun;
  finished: boolean;
}

export class RunManager {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: RunQueue<Entry>;
  private readonly eventListeners = new Set<(e: EngineEvent) => void>();
  private readonly changeListeners = new Set<() => void>();
  private disposed = false;

  constructor(private readonly options: RunManagerOptions) {
    this.queue = new RunQueue<Entry>(options.maxConcurrent, (entry) => this.launch(entry));
  }

  /** Every engine event of every run, plus synthesized ones for crashes and kills. Returns an unsubscribe. */
  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Queue membership or a run's host-side state changed. */
  onDidChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  setMaxConcurrent(n: number): void {
    this.queue.setLimit(n);
  }

  /** Runs not finished yet, in queue order (active first). */
  activeRuns(): ActiveRun[] {
    return [...this.entries.values()].filter((e) => !e.finished).map(view);
  }

  get(runId: string): ActiveRun | undefined {
    const e = this.entries.get(runId);
    return e && !e.finished ? view(e) : undefined;
  }

  isBusy(runId: string): boolean {
    return this.get(runId) !== undefined;
  }

  submit(job: RunJob): 'started' | 'queued' {
    if (this.disposed) throw new Error('The run manager is shut down.');
    if (this.isBusy(job.runId)) throw new Error(`Run ${job.runId} is already ${this.get(job.runId)?.state}.`);
    const entry: Entry = { job, finished: false };
    this.entries.set(job.runId, entry);
    const result = this.queue.enqueue(entry);
    this.changed();
    return result;
  }

  /**
   * First call: a queued run leaves the queue; a running one is asked to stop at the next batch boundary.
   * Second call on a running run: the engine process is killed.
   * Returns what happened, or undefined when the run is not active.
   */
  stop(runId: string): 'dequeued' | 'stopping' | 'killed' | undefined {
    const entry = this.entries.get(runId);
    if (!entry || entry.finished) return undefined;
    if (this.queue.cancelWaiting(entry)) {
      entry.finished = true;
      this.entries.delete(runId);
      this.changed();
      return 'dequeued';
    }
    const what = entry.run?.stop();
    if (what === 'stopping') this.changed();
    return what;
  }

  /** Stop everything: graceful stop, then kill after `graceMs`. */
  async dispose(graceMs = 3000): Promise<void> {
    this.disposed = true;
    const running = [...this.entries.values()].filter((e) => !e.finished);
    for (const e of running) this.stop(e.job.runId);
    await Promise.all(
      running.flatMap((e) => {
        const run = e.run;
        if (!run) return [];
        const timer = setTimeout(() => run.kill(), graceMs);
        return [run.done.then(() => clearTimeout(timer))];
      }),
    );
  }

  private launch(entry: Entry): void {
    const { job } = entry;
    const run = new EngineRun(job, {
      workerPath: this.options.workerPath,
      env: this.options.env?.(),
      cwd: this.options.cwd,
      onOutput: (line, stream) => this.options.onOutput?.(job.runId, line, stream),
      shutdownGraceMs: this.options.shutdownGraceMs,
    });
    entry.run = run;
    run.onEvent((e) => {
      if (e.type === 'runFinished' && e.runId === job.runId) entry.finished = true;
      this.emit(e);
      if (e.type === 'runStarted' || e.type === 'runFinished') this.changed();
    });
    // The slot frees when the worker is gone, not when the run reports its end (it may still be exiting).
    void run.exited.then(() => {
      entry.finished = true;
      if (this.entries.get(job.runId) === entry) this.entries.delete(job.runId);
      this.queue.release(entry);
      this.changed();
    });
    this.changed();
  }

  private emit(e: EngineEvent): void {
    for (const l of this.eventListeners) {
      try {
        l(e);
      } catch {
        // A broken listener must not break the engine stream for the others.
      }
    }
  }

  private changed(): void {
    for (const l of this.changeListeners) {
      try {
        l();
      } catch {
        // see emit
      }
    }
  }
}

function view(e: Entry): ActiveRun {
  const phase = e.run?.phase;
  const state = !e.run ? 'queued' : phase === 'running' || phase === 'stopping' ? phase : 'starting';
  return { job: e.job, state, pid: e.run?.pid, lastEpoch: e.run?.lastEpoch };
}
