// One forked Node process speaking typed messages over IPC: commands `C` in, events `E` out. Typed arrays travel
// as binary thanks to `serialization: 'advanced'`. It keeps the last lines of stderr (a crash's explanation),
// can copy all output into a log file, and ends with one exit record. Plain Node: the host, the sweep pool and
// tests use it alike.
import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface WorkerProcessOptions {
  /** The compiled module to fork (see workerPaths.ts). */
  script: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Receives the worker's stdout/stderr lines (tfjs warnings, stray console output). */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Also append the worker's raw stdout and stderr to this file. */
  outputFile?: string;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines the worker wrote to stderr (a crash's explanation, when any). */
  stderrTail: string[];
  /** True when we killed it on purpose. */
  killed: boolean;
}

const STDERR_TAIL_LINES = 20;

/**
 * The parent's Node flags minus those that must not reach the worker: a debugger attached to the parent would
 * make the child wait on a port, and a parent started with `node -e CODE` would have the child run CODE instead
 * of the worker (Node drops -e itself only when execArgv is left at its default).
 */
export function workerExecArgv(parentExecArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parentExecArgv.length; i++) {
    const a = parentExecArgv[i];
    if (/^--(inspect|debug)/.test(a) || /^--(eval|print)=/.test(a)) continue;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print' || a === '-pe') {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

export class WorkerProcess<C extends { type: string }, E extends { type: string }> {
  private readonly child: ChildProcess;
  private readonly eventListeners: Array<(e: E) => void> = [];
  private readonly exitListeners: Array<(exit: WorkerExit) => void> = [];
  private readonly stderrTail: string[] = [];
  private readonly log: WriteStream | undefined;
  private exited: WorkerExit | undefined;
  private killedOnPurpose = false;

  constructor(private readonly options: WorkerProcessOptions) {
    this.child = fork(options.script, [], {
      serialization: 'advanced',
      execArgv: workerExecArgv(process.execArgv),
      env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.log = options.outputFile ? createWriteStream(options.outputFile, { flags: 'a' }) : undefined;
    // A log file that cannot be written must not take the client down; the lines still reach onOutput.
    this.log?.on('error', () => undefined);
    pipeLines(this.child.stdout, this.log, (line) => options.onOutput?.(line, 'stdout'));
    pipeLines(this.child.stderr, this.log, (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      options.onOutput?.(line, 'stderr');
    });
    this.child.on('message', (m) => {
      if (isTypedMessage(m)) for (const l of this.eventListeners) this.guard(() => l(m as E));
    });
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.exited) return;
      this.exited = { code, signal, stderrTail: [...this.stderrTail], killed: this.killedOnPurpose };
      for (const l of this.exitListeners) this.guard(() => l(this.exited as WorkerExit));
    };
    this.child.on('exit', finish);
    // 'close' comes after the output streams ended: the log has every line by then.
    this.child.on('close', () => this.log?.end());
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

  onExit(listener: (exit: WorkerExit) => void): void {
    if (this.exited) listener(this.exited);
    else this.exitListeners.push(listener);
  }

  /** Returns false when the worker is gone or its IPC channel is closed. */
  send(command: C): boolean {
    if (this.exited || !this.child.connected) return false;
    try {
      this.child.send(command, (err) => err && undefined);
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

  /** Send `shutdown` (the worker's clean exit) and kill it if it has not exited after `graceMs`. */
  shutdown(shutdown: C, graceMs: number): Promise<WorkerExit> {
    return new Promise((resolve) => {
      this.onExit(resolve);
      if (this.exited) return;
      if (!this.send(shutdown)) this.kill();
      const timer = setTimeout(() => this.kill(), graceMs);
      timer.unref();
      this.onExit(() => clearTimeout(timer));
    });
  }

  /** A listener's bug must not escape into the parent's event loop (in the extension host it would take it down). */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.onOutput?.(`client listener failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, 'stderr');
    }
  }
}

function isTypedMessage(m: unknown): m is { type: string } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

function pipeLines(stream: NodeJS.ReadableStream | null, copy: WriteStream | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    copy?.write(chunk);
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
