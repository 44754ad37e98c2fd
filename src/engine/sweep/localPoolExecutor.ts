// Runs sweep jobs as engine worker processes on this machine, up to `capacity` at once, each speaking the
// engine's IPC protocol (EngineCommand in, EngineEvent out). Threads are split between the workers so that
// N runs on N cores do not oversubscribe the CPU.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, createWriteStream, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineCommand, EngineEvent } from '../../protocol/events';
import type { Executor, RunHandle, RunJob, RunOutcome } from './executor';
import { packageRoot } from './packageRoot';

export interface LocalPoolOptions {
  /** Runs at once (default: number of CPU cores). */
  parallel?: number;
  /** Compiled engine worker module (default <package>/out/src/engine/worker.js). */
  workerPath?: string;
  /** Seconds a worker gets to checkpoint after `stop` before it is terminated. */
  stopGraceSec?: number;
  /** Seconds to wait for the worker's `hello` before sending the command anyway. */
  helloTimeoutSec?: number;
}

/** Environment variable the worker reads for its thread count. */
export const THREADS_ENV = 'SELECTIVITY_LENS_THREADS';

export class LocalPoolExecutor implements Executor {
  readonly capacity: number;
  private readonly workerPath: string;
  private readonly children = new Set<ChildProcess>();
  private readonly handles = new Set<RunHandle>();

  constructor(private readonly options: LocalPoolOptions = {}) {
    this.capacity = Math.max(1, Math.floor(options.parallel ?? os.cpus().length));
    this.workerPath = options.workerPath ?? path.join(packageRoot(), 'out', 'src', 'engine', 'worker.js');
  }

  start(job: RunJob, onEvent: (event: EngineEvent) => void): RunHandle {
    mkdirSync(job.runDir, { recursive: true });
    if (!existsSync(this.workerPath)) {
      const done = Promise.resolve<RunOutcome>({
        status: 'failed',
        error: `The engine worker ${this.workerPath} does not exist; build the engine first (npm run build).`,
      });
      return { done, stop: () => undefined };
    }
    const threads = Math.max(1, Math.floor(os.cpus().length / this.capacity));
    const child = fork(this.workerPath, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, [THREADS_ENV]: String(threads) },
    });
    this.children.add(child);
    // The worker's own output goes to a log in its run folder; the tail explains crashes.
    const log = createWriteStream(path.join(job.runDir, 'engine.log'), { flags: 'a' });
    let tail = '';
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);

    let commandSent = false;
    let stopRequested = false;
    let lastError: string | undefined;
    let outcome: RunOutcome | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const send = (cmd: EngineCommand) => {
      if (child.connected) child.send(cmd, (err) => err && undefined);
    };
    const sendCommand = () => {
      if (commandSent) return;
      commandSent = true;
      send(
        job.resume
          ? { v: 1, type: 'resumeRun', runId: job.runId, runDir: job.runDir }
          : { v: 1, type: 'startRun', runId: job.runId, runDir: job.runDir, config: job.config, configPath: job.configPath },
      );
      if (stopRequested) {
        send({ v: 1, type: 'stop', runId: job.runId });
        send({ v: 1, type: 'shutdown' });
      }
    };
    const helloTimer = setTimeout(sendCommand, (this.options.helloTimeoutSec ?? 20) * 1000);

    const done = new Promise<RunOutcome>((resolve) => {
      child.on('message', (msg: EngineEvent) => {
        if (!msg || typeof msg !== 'object') return;
        if (msg.type === 'hello') sendCommand();
        if (msg.type === 'error' && (msg.runId === undefined || msg.runId === job.runId)) lastError = msg.message;
        if (msg.type === 'runFinished' && msg.runId === job.runId) {
          const state = msg.summary.state;
          outcome = {
            status: state === 'completed' ? 'completed' : state === 'stopped' ? 'stopped' : 'failed',
            summary: msg.summary,
            error: msg.summary.error ?? (state === 'failed' ? lastError : undefined),
          };
          send({ v: 1, type: 'shutdown' });
          // A worker that lingers after shutdown is ended; the run's files are already written.
          killTimer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        }
        onEvent(msg);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(helloTimer);
        if (killTimer) clearTimeout(killTimer);
        this.children.delete(child);
        log.end();
        if (outcome) return resolve(outcome);
        if (stopRequested) return resolve({ status: 'stopped' });
        const why = lastError ?? lastLine(tail) ?? `the engine process exited (${signal ?? `code ${code}`})`;
        resolve({ status: 'failed', error: why });
      });
      child.on('error', (err) => {
        lastError = `Cannot start the engine worker: ${err.message}`;
      });
    });

    const handle: RunHandle = {
      done,
      stop: () => {
        if (stopRequested || outcome) return;
        stopRequested = true;
        // stop checkpoints the run; shutdown then ends the worker (also when the run had not begun yet).
        if (commandSent) {
          send({ v: 1, type: 'stop', runId: job.runId });
          send({ v: 1, type: 'shutdown' });
        }
        else {
          clearTimeout(helloTimer);
          child.kill('SIGTERM');
        }
        const grace = (this.options.stopGraceSec ?? 120) * 1000;
        killTimer = setTimeout(() => child.kill('SIGKILL'), grace);
      },
    };
    this.handles.add(handle);
    void done.then(() => this.handles.delete(handle));
    return handle;
  }

  async dispose(): Promise<void> {
    const pending = [...this.handles].map((h) => {
      h.stop();
      return h.done;
    });
    await Promise.all(pending);
  }
}

function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.length ? lines[lines.length - 1] : undefined;
}
