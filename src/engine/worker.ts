// Child-process entry of the engine. The parent forks it with `serialization: 'advanced'` (typed arrays travel
// as binary), waits for 'hello', then sends EngineCommands. Never dies silently: anything uncaught becomes an
// 'error' event and a non-zero exit. SIGTERM (a scheduler's time limit, a plain `kill`) is a graceful stop of every
// run (each checkpoints at its next batch boundary and reports 'stopped'), then a clean exit. Backend: --backend=NAME
// or SELECTIVITY_LENS_BACKEND (else per config, else auto); threads: SELECTIVITY_LENS_THREADS.
import { BACKENDS, type BackendName } from '../protocol/config';
import type { EngineCommand, EngineEvent } from '../protocol/events';
import { toWireJson } from '../protocol/wire';
import { Engine } from './engine';
import { toEngineError } from './errors';

let pendingSends = 0;
let exiting = false;

function send(event: EngineEvent): void {
  if (process.send && process.connected) {
    pendingSends++;
    process.send(event, undefined, {}, () => {
      pendingSends--;
    });
  } else if (!process.send) {
    // Started by hand: JSON lines on stdout.
    process.stdout.write(toWireJson(event) + '\n');
  }
}

/** Exit once every queued IPC message is handed over (bounded wait). */
function exitAfterFlush(code: number): void {
  if (exiting) return;
  exiting = true;
  const started = Date.now();
  const tick = () => {
    if (pendingSends === 0 || Date.now() - started > 3000) process.exit(code);
    else setTimeout(tick, 10);
  };
  tick();
}

function fatal(e: unknown): void {
  const err = toEngineError(e);
  try {
    send({ v: 1, type: 'error', message: err.message, code: err.code, file: err.details.file, field: err.details.field });
  } catch {
    // the channel is gone too
  }
  process.stderr.write(`selectivity-lens engine: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  exitAfterFlush(1);
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

function backendFromArgs(): BackendName | undefined {
  const arg = process.argv.find((a) => a.startsWith('--backend='))?.slice('--backend='.length) ?? process.env.SELECTIVITY_LENS_BACKEND;
  return arg && (BACKENDS as readonly string[]).includes(arg) ? (arg as BackendName) : undefined;
}

async function main(): Promise<void> {
  const threads = Number(process.env.SELECTIVITY_LENS_THREADS);
  const engine = new Engine(send, {
    backend: backendFromArgs(),
    threads: Number.isInteger(threads) && threads > 0 ? threads : undefined,
    nativeModuleDirs: process.env.SELECTIVITY_LENS_NATIVE_DIR ? process.env.SELECTIVITY_LENS_NATIVE_DIR.split(/[;:]/).filter(Boolean) : undefined,
  });
  // Commands that arrive while the backend starts are queued behind it.
  const early: EngineCommand[] = [];
  let ready = false;
  let terminating = false;
  /** Once every run has stopped (checkpointed) and reported, leave. */
  const exitWhenIdle = () => {
    const check = () => (ready && !engine.busy ? exitAfterFlush(0) : setTimeout(check, 50));
    check();
  };
  const onCommand = (cmd: EngineCommand) => {
    if (!cmd || typeof cmd !== 'object' || typeof (cmd as { type?: unknown }).type !== 'string') {
      send({ v: 1, type: 'log', level: 'warn', message: `ignored a message that is not an engine command: ${JSON.stringify(cmd)}` });
      return;
    }
    if (!ready) {
      early.push(cmd);
      return;
    }
    if (cmd.type === 'shutdown') {
      void engine.handle(cmd).then(() => exitAfterFlush(0));
      return;
    }
    void engine.handle(cmd);
    // A run asked for after SIGTERM ends at once as stopped.
    if (terminating) engine.stopAll();
  };
  process.on('message', (m) => onCommand(m as EngineCommand));
  // The parent is gone: stop at the next batch boundary (checkpointing) and leave.
  process.on('disconnect', () => {
    engine.stopAll();
    const waitForRun = () => (engine.busy ? setTimeout(waitForRun, 50) : process.exit(0));
    waitForRun();
    setTimeout(() => process.exit(0), 30000).unref();
  });
  process.on('SIGTERM', () => {
    if (terminating) return;
    terminating = true;
    send({ v: 1, type: 'log', level: 'info', message: 'SIGTERM: stopping after the current batch and saving a checkpoint.' });
    if (ready) engine.stopAll();
    exitWhenIdle();
  });
  await engine.start();
  ready = true;
  for (const cmd of early.splice(0)) onCommand(cmd);
}

main().catch(fatal);
