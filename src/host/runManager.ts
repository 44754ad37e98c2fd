// Runs engine jobs: one engine process per run, at most `maxConcurrent` at once, the rest queued.
// Stop is graceful the first time (the engine finishes its batch and checkpoints) and a kill the second.
// A crashing engine turns into an 'error' + 'runFinished' (failed) pair so everything downstream sees one story.
// Plain Node: no vscode here.
import type { RunConfig } from '../protocol/config';
import type { EngineCommand, EngineEvent, EngineEventOf, RunState, RunSummary } from '../protocol/events';
import { EngineProcess, type EngineExit } from './engineProcess';
import { RunQueue } from './runQueue';

export type RunJob =
  | { kind: 'start'; runId: string; runDir: string; config: RunConfig; configPath?: string; label?: string; group?: string }
  | { kind: 'resume'; runId: string; runDir: string; label?: string; group?: string }
  | { kind: 'analyze'; runId: string; runDir: string; modelPath: string; config: RunConfig; label?: string; group?: string };

/** Host-side view of a job that is not finished. */
export interface ActiveRun {
  job: RunJob;
  state: Extract<RunState, 'queued' | 'starting' | 'running' | 'stopping'>;
  pid?: number;
  lastEpoch?: number;
}

export interface RunManagerOptions {
  workerPath: string;
  maxConcurrent: number;
  /** Extra environment for every worker (e.g. SELECTIVITY_LENS_NATIVE_DIR). Read at each fork. */
  env?: () => NodeJS.ProcessEnv;
  cwd?: string;
  /** Worker stdout/stderr lines. */
  onOutput?: (runId: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** How long a worker may take to exit after 'shutdown' before it is killed. */
  shutdownGraceMs?: number;
}

interface Entry extends ActiveRun {
  proc?: EngineProcess;
  finished: boolean;
  /** Error reported by the engine for this run (kept for the synthesized summary). */
  error?: string;
  stopRequests: number;
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
    return [...this.entries.values()].filter((e) => !e.finished).map(({ job, state, pid, lastEpoch }) => ({ job, state, pid, lastEpoch }));
  }

  get(runId: string): ActiveRun | undefined {
    const e = this.entries.get(runId);
    return e && !e.finished ? { job: e.job, state: e.state, pid: e.pid, lastEpoch: e.lastEpoch } : undefined;
  }

  isBusy(runId: string): boolean {
    return this.get(runId) !== undefined;
  }

  submit(job: RunJob): 'started' | 'queued' {
    if (this.disposed) throw new Error('The run manager is shut down.');
    if (this.isBusy(job.runId)) throw new Error(`Run ${job.runId} is already ${this.entries.get(job.runId)?.state}.`);
    const entry: Entry = { job, state: 'queued', finished: false, stopRequests: 0 };
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
    entry.stopRequests++;
    if (entry.stopRequests === 1 && entry.proc?.send({ v: 1, type: 'stop', runId })) {
      entry.state = 'stopping';
      this.changed();
      return 'stopping';
    }
    entry.proc?.kill();
    return 'killed';
  }

  /** Stop everything: graceful stop, then kill after `graceMs`. */
  async dispose(graceMs = 3000): Promise<void> {
    this.disposed = true;
    const running = [...this.entries.values()].filter((e) => !e.finished);
    for (const e of running) this.stop(e.job.runId);
    await Promise.all(
      running
        .filter((e) => e.proc)
        .map(
          (e) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => e.proc?.kill(), graceMs);
              e.proc?.onExit(() => {
                clearTimeout(timer);
                resolve();
              });
            }),
        ),
    );
  }

  private launch(entry: Entry): void {
    const { job } = entry;
    entry.state = 'starting';
    let proc: EngineProcess;
    try {
      proc = new EngineProcess({
        workerPath: this.options.workerPath,
        env: this.options.env?.(),
        cwd: this.options.cwd,
        onOutput: (line, stream) => this.options.onOutput?.(job.runId, line, stream),
      });
    } catch (err) {
      this.failWithoutEngine(entry, `Could not start the engine: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    entry.proc = proc;
    entry.pid = proc.pid;
    proc.onEvent((e) => this.handleEvent(entry, e));
    proc.onExit((exit) => this.handleExit(entry, exit));
    proc.send(commandFor(job));
    this.changed();
  }

  private handleEvent(entry: Entry, e: EngineEvent): void {
    const runId = entry.job.runId;
    switch (e.type) {
      case 'runStarted':
        if (entry.state === 'starting') entry.state = 'running';
        this.changed();
        break;
      case 'epoch':
        entry.lastEpoch = e.metrics.epoch;
        break;
      case 'error':
        // An error for this run is final: the engine may still send runFinished, then the worker is let go.
        entry.error = e.message;
        break;
      case 'runFinished':
        entry.finished = true;
        break;
    }
    this.emit(e.type === 'log' && !e.runId ? { ...e, runId } : e);
    if (e.type === 'runFinished' || (e.type === 'error' && (e.runId === undefined || e.runId === runId))) {
      void entry.proc?.shutdown(this.options.shutdownGraceMs ?? 5000);
    }
    if (e.type === 'runFinished') this.changed();
  }

  private handleExit(entry: Entry, exit: EngineExit): void {
    const runId = entry.job.runId;
    if (!entry.finished) {
      // The engine went away without finishing the run: killed by us, or crashed.
      let state: RunState = 'failed';
      let error = entry.error;
      if (exit.killed) {
        state = 'stopped';
        error = error ?? 'Stopped by force (the engine was killed).';
      } else if (!entry.error) {
        const why = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
        const last = exit.stderrTail.filter((l) => l.trim()).slice(-1)[0];
        error = `The engine for run ${runId} stopped unexpectedly (${why})${last ? `: ${last.trim()}` : '.'}`;
        this.emit({ v: 1, type: 'error', runId, code: 'INTERNAL', message: error });
      }
      entry.finished = true;
      this.emit({ v: 1, type: 'runFinished', runId, summary: synthesizedSummary(runId, state, entry.lastEpoch, error) });
    }
    this.entries.delete(runId);
    this.queue.release(entry);
    this.changed();
  }

  private failWithoutEngine(entry: Entry, message: string): void {
    const runId = entry.job.runId;
    entry.finished = true;
    this.emit({ v: 1, type: 'error', runId, code: 'INTERNAL', message });
    this.emit({ v: 1, type: 'runFinished', runId, summary: synthesizedSummary(runId, 'failed', undefined, message) });
    this.entries.delete(runId);
    this.queue.release(entry);
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

function commandFor(job: RunJob): EngineCommand {
  switch (job.kind) {
    case 'start':
      return { v: 1, type: 'startRun', runId: job.runId, runDir: job.runDir, config: job.config, configPath: job.configPath };
    case 'resume':
      return { v: 1, type: 'resumeRun', runId: job.runId, runDir: job.runDir };
    case 'analyze':
      return { v: 1, type: 'analyze', runId: job.runId, runDir: job.runDir, modelPath: job.modelPath, config: job.config };
  }
}

function synthesizedSummary(runId: string, state: RunState, lastEpoch: number | undefined, error?: string): RunSummary {
  return {
    runId,
    state,
    epochsDone: lastEpoch ?? 0,
    finalTestAcc: NaN,
    finalNetworkSI: NaN,
    bestTestAcc: NaN,
    layers: [],
    seconds: 0,
    error,
  };
}

export type RunFinishedEvent = EngineEventOf<'runFinished'>;
