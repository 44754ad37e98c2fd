// The engine: executes EngineCommands one run at a time and reports everything as EngineEvents through one
// callback. The CLI uses it in-process; worker.ts wraps it in a child process talking over Node IPC.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendName } from '../protocol/config';
import { type EngineCommand, type EngineEvent, PROTOCOL_VERSION, type RunSummary } from '../protocol/events';
import { backendInfo, initBackend } from './backend';
import { toEngineError } from './errors';
import { readRun } from './runStore';
import { analyzeModel, resumeRun, type SessionEnv, startRun } from './train';

export interface EngineOptions {
  /** Backend asked for on the command line or in the environment; wins over a config's "backend". */
  backend?: BackendName;
  threads?: number;
  nativeModuleDirs?: string[];
  progressEveryMs?: number;
}

export function engineVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export class Engine {
  private queue: Promise<void> = Promise.resolve();
  private activeRun: string | undefined;
  private stopRequested = new Set<string>();
  private backendChosen: string | undefined;
  private pending = 0;
  private queued = new Set<string>();

  constructor(
    private readonly emit: (event: EngineEvent) => void,
    private readonly options: EngineOptions = {},
  ) {}

  /** Start the backend (before any tensor op) and say hello. */
  async start(): Promise<void> {
    // 'hello' is the first event a client sees: what the backend start-up logged follows it.
    const early: string[] = [];
    await this.ensureBackend(this.options.backend ?? 'auto', (m) => early.push(m));
    const info = backendInfo();
    this.emit({
      v: PROTOCOL_VERSION,
      type: 'hello',
      backend: info?.name ?? 'unknown',
      threads: info?.threads ?? 1,
      ...(info?.device ? { device: info.device } : {}),
      engineVersion: engineVersion(),
      pid: process.pid,
    });
    for (const message of early) this.emit({ v: 1, type: 'log', level: 'debug', message });
  }

  /** Whether a run is executing or queued. */
  get busy(): boolean {
    return this.pending > 0;
  }

  get currentRun(): string | undefined {
    return this.activeRun;
  }

  /**
   * Queue a command. Runs execute one after another; stop acts at once (at the next batch boundary).
   * The returned promise settles when the command is done; it never rejects (failures become 'error' events).
   */
  handle(cmd: EngineCommand): Promise<void> {
    if (cmd.type === 'stop') {
      // Only runs this engine has: a stray stop must not cancel a later run of the same id.
      if (cmd.runId === this.activeRun || this.queued.has(cmd.runId)) this.stopRequested.add(cmd.runId);
      return Promise.resolve();
    }
    if (cmd.type === 'shutdown') {
      this.stopAll();
      return this.queue;
    }
    this.pending++;
    this.queued.add(cmd.runId);
    const job = this.queue.then(() => this.execute(cmd)).finally(() => this.pending--);
    this.queue = job;
    return job;
  }

  /** Ask every queued or running run to stop gracefully. */
  stopAll(): void {
    if (this.activeRun) this.stopRequested.add(this.activeRun);
    for (const id of this.queued) this.stopRequested.add(id);
  }

  private async ensureBackend(wanted: BackendName, log?: (m: string) => void): Promise<void> {
    const pick = this.options.backend && this.options.backend !== 'auto' ? this.options.backend : wanted;
    if (this.backendChosen && (pick === 'auto' || pick === this.backendChosen)) return;
    const info = await initBackend(pick, {
      threads: this.options.threads,
      nativeModuleDirs: this.options.nativeModuleDirs,
      log: log ?? ((m) => this.emit({ v: 1, type: 'log', level: 'debug', message: m })),
    });
    this.backendChosen = info.name;
  }

  private async execute(cmd: Exclude<EngineCommand, { type: 'stop' | 'shutdown' }>): Promise<void> {
    const runId = cmd.runId;
    this.queued.delete(runId);
    if (this.stopRequested.has(runId)) {
      // Stopped while queued: nothing was started or written; the client still hears that it ended.
      this.stopRequested.delete(runId);
      this.emit({ v: 1, type: 'runFinished', runId, summary: { ...failedSummary(runId, cmd.runDir, ''), state: 'stopped', error: undefined } });
      return;
    }
    this.activeRun = runId;
    // The session's own account of a failed run (what it had done), when it got that far.
    let failedRun: RunSummary | undefined;
    try {
      if (cmd.type !== 'resumeRun') await this.ensureBackend(cmd.config.backend ?? 'auto');
      const info = backendInfo();
      const env: SessionEnv = {
        emit: this.emit,
        shouldStop: () => this.stopRequested.has(runId),
        backend: { name: info?.name ?? 'unknown', threads: info?.threads ?? 1, device: info?.device, skipped: info?.tried },
        progressEveryMs: this.options.progressEveryMs,
        log: (m) => this.emit({ v: 1, type: 'log', runId, level: 'debug', message: m }),
        failed: (summary) => (failedRun = summary),
      };
      switch (cmd.type) {
        case 'startRun':
          await startRun({ runId, runDir: cmd.runDir, config: cmd.config, configPath: cmd.configPath }, env);
          break;
        case 'resumeRun':
          await resumeRun(runId, cmd.runDir, env);
          break;
        case 'analyze':
          await analyzeModel({ runId, runDir: cmd.runDir, modelPath: cmd.modelPath, config: cmd.config }, env);
          break;
      }
    } catch (e) {
      const err = toEngineError(e);
      this.emit({ v: 1, type: 'error', runId, message: err.message, code: err.code, file: err.details.file, field: err.details.field });
      if (err.code === 'INTERNAL' && e instanceof Error && e.stack) this.emit({ v: 1, type: 'log', runId, level: 'debug', message: e.stack });
      const summary = failedRun ? { ...failedRun, error: err.message } : failedSummary(runId, cmd.runDir, err.message);
      this.emit({ v: 1, type: 'runFinished', runId, summary });
    } finally {
      this.stopRequested.delete(runId);
      this.activeRun = undefined;
    }
  }
}

/** A run that failed before its session could say what it had done: what its folder says (unchanged by this attempt). */
function failedSummary(runId: string, runDir: string, message: string): RunSummary {
  let written: RunSummary | undefined;
  try {
    written = readRun(runDir).summary;
  } catch {
    // no run folder (e.g. it could not be created)
  }
  return {
    runId,
    state: 'failed',
    epochsDone: written?.epochsDone ?? 0,
    finalTestAcc: written?.finalTestAcc ?? NaN,
    finalNetworkSI: written?.finalNetworkSI ?? NaN,
    bestTestAcc: written?.bestTestAcc ?? NaN,
    layers: written?.layers ?? [],
    seconds: written?.seconds ?? 0,
    error: message,
  };
}
