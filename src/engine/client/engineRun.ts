// One run job (start, resume or analyze) in one engine worker process, from fork to exit: the command is sent at
// once (the worker queues commands until its backend is up and greets with 'hello'), a first stop is graceful
// (the engine finishes its batch and checkpoints) and a second one kills, the worker is shut down once the run
// has finished, and a worker that dies without finishing becomes one 'error' + 'runFinished' pair, so everyone
// downstream sees one story. A worker killed by a signal (from outside: the OOM killer, a kill, a scheduler) without
// the engine having reported an error was interrupted, not failed: its run ends 'stopped' and resumes from its
// last checkpoint; a real engine error, or an exit that no signal explains, ends it 'failed'. The host's run
// manager and the local sweep pool both run their jobs through this.
import { existsSync } from 'node:fs';
import type { RunConfig } from '../../protocol/config';
import type { EngineCommand, EngineEvent, RunState, RunSummary } from '../../protocol/events';
import { latestCheckpointName } from '../runStore';
import { engineWorkerPath } from './workerPaths';
import { WorkerProcess, type WorkerExit } from './workerProcess';

export type RunJob =
  | { kind: 'start'; runId: string; runDir: string; config: RunConfig; configPath?: string }
  | { kind: 'resume'; runId: string; runDir: string }
  | { kind: 'analyze'; runId: string; runDir: string; modelPath: string; config: RunConfig };

export interface EngineRunOptions {
  /** The compiled engine worker (default: engineWorkerPath()). */
  workerPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The worker's stdout/stderr lines. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Also append the worker's raw output to this file (e.g. the run folder's engine.log). */
  outputFile?: string;
  /** How long the worker may take to exit after the run finished before it is killed (default 5 s). */
  shutdownGraceMs?: number;
  /** After a graceful stop, kill the worker if the run has not ended within this time (default: wait). */
  stopGraceMs?: number;
}

export type EngineRunPhase = 'starting' | 'running' | 'stopping' | 'finished';

export interface EngineRunOutcome {
  state: Extract<RunState, 'completed' | 'stopped' | 'failed'>;
  /** The engine's own summary, when it reported one ('runFinished'); absent when the worker died first. */
  summary?: RunSummary;
  error?: string;
}

export class EngineRun {
  /** Settles when the run has ended (the engine said so, or its worker died). */
  readonly done: Promise<EngineRunOutcome>;
  /** Settles when the worker process is gone (after `done`; a slot for the next run is free only then). */
  readonly exited: Promise<void>;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private readonly worker: WorkerProcess<EngineCommand, EngineEvent> | undefined;
  private phaseNow: EngineRunPhase = 'starting';
  private lastEpochSeen: number | undefined;
  /** Epochs of the newest checkpoint the run wrote or resumed from (what a resume continues from). */
  private committedEpochs: number | undefined;
  private readonly testAccByEpoch = new Map<number, number>();
  private lastError: string | undefined;
  private stopRequests = 0;
  private killTimer: NodeJS.Timeout | undefined;
  private settle!: (outcome: EngineRunOutcome) => void;
  private markExited!: () => void;

  constructor(
    readonly job: RunJob,
    private readonly options: EngineRunOptions = {},
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    const script = options.workerPath ?? engineWorkerPath();
    let worker: WorkerProcess<EngineCommand, EngineEvent> | undefined;
    let failure: string | undefined;
    if (!existsSync(script)) {
      failure = `The engine worker ${script} does not exist; build the engine first (npm run build).`;
    } else {
      try {
        worker = new WorkerProcess<EngineCommand, EngineEvent>({ script, env: options.env, cwd: options.cwd, onOutput: options.onOutput, outputFile: options.outputFile });
      } catch (err) {
        failure = `Could not start the engine: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    this.worker = worker;
    if (!worker) {
      // Listeners subscribe after construction: tell them on the next turn.
      setImmediate(() => this.finishWithoutEngine(failure ?? 'The engine did not start.'));
      return;
    }
    worker.onEvent((e) => this.handleEvent(e));
    worker.onExit((exit) => {
      this.handleExit(exit);
      this.markExited();
    });
    worker.send(commandFor(job));
  }

  get runId(): string {
    return this.job.runId;
  }

  get pid(): number | undefined {
    return this.worker?.pid;
  }

  get phase(): EngineRunPhase {
    return this.phaseNow;
  }

  get lastEpoch(): number | undefined {
    return this.lastEpochSeen;
  }

  /** Every engine event of this run, plus the synthesized ones when the worker died. Returns an unsubscribe. */
  onEvent(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * First call: the run is asked to stop at the next batch boundary (it checkpoints). Second call: the worker is
   * killed. Returns what happened, or undefined when the run already finished.
   */
  stop(): 'stopping' | 'killed' | undefined {
    if (this.phaseNow === 'finished') return undefined;
    this.stopRequests++;
    if (this.stopRequests === 1 && this.worker?.send({ v: 1, type: 'stop', runId: this.runId })) {
      this.phaseNow = 'stopping';
      if (this.options.stopGraceMs !== undefined) this.killTimer = setTimeout(() => this.kill(), this.options.stopGraceMs);
      return 'stopping';
    }
    this.kill();
    return 'killed';
  }

  kill(): void {
    this.worker?.kill();
  }

  private handleEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'runStarted':
        if (this.phaseNow === 'starting') this.phaseNow = 'running';
        if (e.meta.resumedFromEpoch !== undefined) this.committedEpochs = e.meta.resumedFromEpoch;
        break;
      case 'epoch':
        this.lastEpochSeen = e.metrics.epoch;
        this.testAccByEpoch.set(e.metrics.epoch, e.metrics.testAcc);
        break;
      case 'checkpoint':
        this.committedEpochs = e.epoch;
        break;
      case 'error':
        // An error for this run is final: the engine may still send runFinished, then the worker is let go.
        if (e.runId === undefined || e.runId === this.runId) this.lastError = e.message;
        break;
      case 'runFinished':
        if (e.runId === this.runId) this.finish({ state: outcomeState(e.summary.state), summary: e.summary, error: e.summary.error ?? this.lastErrorIfFailed(e.summary.state) });
        break;
      case 'hello':
      case 'progress':
      case 'dataDownload':
      case 'selectivity':
      case 'classResponses':
      case 'log':
        break;
    }
    // The worker's own log lines belong to the run it works for.
    this.emit(e.type === 'log' && !e.runId ? { ...e, runId: this.runId } : e);
    if (e.type === 'runFinished' || (e.type === 'error' && (e.runId === undefined || e.runId === this.runId))) {
      void this.worker?.shutdown({ v: 1, type: 'shutdown' }, this.options.shutdownGraceMs ?? 5000);
    }
  }

  private handleExit(exit: WorkerExit): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.phaseNow === 'finished') return;
    // The worker went away without finishing the run: killed (by us, or after a stop), killed from outside, or crashed.
    let state: EngineRunOutcome['state'] = 'failed';
    let error = this.lastError;
    const checkpoint = latestCheckpointName(this.job.runDir);
    this.committedEpochs ??= checkpoint ? Number(/^epoch-(\d+)/.exec(checkpoint)?.[1] ?? 0) : undefined;
    const resumable = checkpoint ? `resuming continues from checkpoints/${checkpoint}` : 'it has no checkpoint yet, so resuming starts it again';
    if (exit.killed) {
      state = 'stopped';
      error = error ?? 'Stopped by force (the engine was killed).';
    } else if (!this.lastError) {
      const why = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
      const last = exit.stderrTail.filter((l) => l.trim()).slice(-1)[0];
      if (exit.signal) {
        state = 'stopped';
        error = `The engine for run ${this.runId} stopped unexpectedly (${why}): the run was interrupted; ${resumable}.`;
      } else error = `The engine for run ${this.runId} stopped unexpectedly (${why})${last ? `: ${last.trim()}` : '.'}`;
      this.emit({ v: 1, type: 'error', runId: this.runId, code: 'INTERNAL', message: error });
    }
    this.phaseNow = 'finished';
    this.emit({ v: 1, type: 'runFinished', runId: this.runId, summary: this.synthesizedSummary(state, error) });
    this.settle({ state, error });
  }

  /** What a run that ended without the engine's own summary is known to have done (as far as it checkpointed). */
  private synthesizedSummary(state: RunState, error?: string): RunSummary {
    const epochsDone = this.committedEpochs ?? 0;
    const accs = [...this.testAccByEpoch.entries()].filter(([epoch]) => epoch <= epochsDone);
    return {
      runId: this.runId,
      state,
      epochsDone,
      finalTestAcc: accs.find(([epoch]) => epoch === epochsDone)?.[1] ?? NaN,
      finalNetworkSI: NaN,
      bestTestAcc: accs.length ? Math.max(...accs.map(([, acc]) => acc)) : NaN,
      layers: [],
      seconds: 0,
      error,
    };
  }

  private finishWithoutEngine(message: string): void {
    this.phaseNow = 'finished';
    this.emit({ v: 1, type: 'error', runId: this.runId, code: 'INTERNAL', message });
    this.emit({ v: 1, type: 'runFinished', runId: this.runId, summary: this.synthesizedSummary('failed', message) });
    this.settle({ state: 'failed', error: message });
    this.markExited();
  }

  private finish(outcome: EngineRunOutcome): void {
    if (this.phaseNow === 'finished') return;
    this.phaseNow = 'finished';
    if (this.killTimer) clearTimeout(this.killTimer);
    this.settle(outcome);
  }

  private lastErrorIfFailed(state: RunState): string | undefined {
    return state === 'failed' ? this.lastError : undefined;
  }

  private emit(e: EngineEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A broken listener must not break the engine stream for the others.
      }
    }
  }
}

function outcomeState(state: RunState): EngineRunOutcome['state'] {
  return state === 'completed' ? 'completed' : state === 'stopped' ? 'stopped' : 'failed';
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

