// One forked engine worker process. Plain Node (no vscode) so it can be tested against the real worker.
// Typed arrays travel as binary thanks to `serialization: 'advanced'`.
import { fork, type ChildProcess } from 'node:child_process';
import type { EngineCommand, EngineEvent } from '../protocol/events';

export interface EngineProcessOptions {
  /** Absolute path of out/src/engine/worker.js. */
  workerPath: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Receives the worker's stdout/stderr lines (tfjs warnings, stray console output). */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines the worker wrote to stderr (a crash's explanation, when any). */
  stderrTail: string[];
  /** True when we killed it on purpose. */
  killed: boolean;
}

const STDERR_TAIL_LINES = 20;

/** Flags that must not reach the worker: a debugger attached to the host would make the child wait on a port. */
export function workerExecArgv(parentExecArgv: readonly string[]): string[] {
  return parentExecArgv.filter((a) => !/^--(inspect|debug)/.test(a));
}

/** A forked Node process speaking typed messages over IPC: commands `C` in, events `E` out. */
export class EngineProcess<C extends { type: string } = EngineCommand, E extends { type: string } = EngineEvent> {
  private readonly child: ChildProcess;
  private readonly eventListeners: Array<(e: E) => void> = [];
  private readonly exitListeners: Array<(exit: EngineExit) => void> = [];
  private readonly stderrTail: string[] = [];
  private exited: EngineExit | undefined;
  private killedOnPurpose = false;

  constructor(options: EngineProcessOptions) {
    this.child = fork(options.workerPath, [], {
      serialization: 'advanced',
      execArgv: workerExecArgv(process.execArgv),
      env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    pipeLines(this.child.stdout, (line) => options.onOutput?.(line, 'stdout'));
    pipeLines(this.child.stderr, (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      options.onOutput?.(line, 'stderr');
    });
    this.child.on('message', (m) => {
      if (isTypedMessage(m)) for (const l of this.eventListeners) guard(() => l(m as E), options);
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.exited) return;
      this.exited = { code, signal, stderrTail: [...this.stderrTail], killed: this.killedOnPurpose };
      for (const l of this.exitListeners) guard(() => l(this.exited as EngineExit), options);
    };
    this.child.on('exit', finish);
    // A worker that cannot even start (missing file, bad path) reports through 'error' without 'exit'.
    this.child.on('error', (err) => {
      this.stderrTail.push(err.message);
      finish(null, null);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isAlive(): boolean {
    return !this.exited;
  }

  onEvent(listener: (e: E) => void): void {
    this.eventListeners.push(listener);
  }

  onExit(listener: (exit: EngineExit) => void): void {
    if (this.exited) listener(this.exited);
    else this.exitListeners.push(listener);
  }

  /** Returns false when the worker is gone or its IPC channel is closed. */
  send(command: C): boolean {
    if (this.exited || !this.child.connected) return false;
    try {
      this.child.send(command);
      return true;
    } catch {
      return false;
    }
  }

  /** Hard stop. */
  kill(): void {
    if (this.exited) return;
    this.killedOnPurpose = true;
    this.child.kill('SIGKILL');
  }

  /** Ask for a clean shutdown; kill if it has not exited after `graceMs`. */
  shutdown(graceMs = 5000): Promise<EngineExit> {
    return new Promise((resolve) => {
      this.onExit(resolve);
      if (this.exited) return;
      if (!this.send({ v: 1, type: 'shutdown' } as unknown as C)) this.kill();
      const timer = setTimeout(() => this.kill(), graceMs);
      timer.unref();
      this.onExit(() => clearTimeout(timer));
    });
  }
}

/** A listener's bug must not escape into the extension host's event loop (it would take the host down). */
function guard(fn: () => void, options: EngineProcessOptions): void {
  try {
    fn();
  } catch (err) {
    options.onOutput?.(`host listener failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, 'stderr');
  }
}

function isTypedMessage(m: unknown): m is { type: string } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).replace(/\r$/, '');
      buffered = buffered.slice(nl + 1);
      if (line) onLine(line);
    }
  });
  stream.on('end', () => {
    if (buffered) onLine(buffered);
    buffered = '';
  });
}
