// Child-process entry of the engine. The parent forks it with `serialization: 'advanced'` (typed arrays travel
// as binary), waits for 'hello', then sends EngineCommands. Never dies silently: anything uncaught becomes an
// 'error' event and a non-zero exit. Backend: --backend=NAME or SELECTIVITY_LENS_BACKEND (else per config, else auto);
// threads: SELECTIVITY_LENS_THREADS.
import type { BackendName } from '../protocol/config';
import type { EngineCommand, EngineEvent } from '../protocol/events';
import { Engine } from './engine';
import { toEngineError } from './errors';

const BACKENDS: BackendName[] = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

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
    process.stdout.write(JSON.stringify(event, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)) + '\n');
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
  return arg && (BACKENDS as string[]).includes(arg) ? (arg as BackendName) : undefined;
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
  };
  process.on('message', (m) => onCommand(m as EngineCommand));
  // The parent is gone: stop at the next batch boundary (checkpointing) and leave.
  process.on('disconnect', () => {
    engine.stopAll();
    const waitForRun = () => (engine.busy ? setTimeout(waitForRun, 50) : process.exit(0));
    waitForRun();
    setTimeout(() => process.exit(0), 30000).unref();
  });
  await engine.start();
  ready = true;
  for (const cmd of early.splice(0)) onCommand(cmd);
}

main().catch(fatal);
