// Multi-threaded wasm (XNNPACK's thread pool) in Node. tfjs-backend-wasm turns threads off in Node
// (tfjs issue #3830) although the Emscripten build supports worker_threads; three things stand in the way:
//  - the flag WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false in Node;
//  - the pthread worker script is handed over as a blob: URL, which Node's Worker rejects, and the worker then
//    loads the main script from another blob: URL;
//  - the build caps the pool at half the logical cores (1 on a 2-core machine).
// So, for the duration of the backend's initialisation only: the flag is set, blob URLs for the worker
// become a real file (whose own blob URL lookup returns the package's main script), and os.cpus() reports
// enough cores. Afterwards the workers are unref'd so they never keep the process alive.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

// The very module object Emscripten's require("os") returns (an `import * as` namespace is a frozen copy).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const osModule = require('node:os') as { cpus: typeof os.cpus };

interface PThreadLike {
  unusedWorkers: Array<{ unref?: () => void }>;
  runningWorkers?: Array<{ unref?: () => void }>;
  pthreads?: Record<string, { unref?: () => void }>;
}

function wasmOutDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'));
}

/** Writes the pthread worker script to a temporary file; removed when the process exits. */
function writeWorkerScript(): string {
  const dir = wasmOutDir();
  const mainScript = path.join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { wasmWorkerContents } = require(path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The exported source has raw newlines inside string literals; tfjs escapes them the same way.
  const source = wasmWorkerContents
    .replace(/\n/g, '\\n')
    .replace('"use strict";', `"use strict";URL.createObjectURL=()=>${JSON.stringify(mainScript)};URL.revokeObjectURL=()=>{};`);
  const file = path.join(os.tmpdir(), `selectivity-lens-wasm-worker-${process.pid}.js`);
  fs.writeFileSync(file, source);
  process.once('exit', () => fs.rmSync(file, { force: true }));
  return file;
}

/**
 * Initialises the wasm backend with `threads` XNNPACK threads. Must run before anything else initialised
 * 'wasm'. Returns the thread count the backend reports, or throws (the caller falls back to one thread).
 */
export async function initThreadedWasm(threads: number): Promise<number> {
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  if (engine.registry['wasm'] != null) throw new Error('the wasm backend was already initialised single-threaded');
  const workerFile = writeWorkerScript();
  const realCreateObjectURL = URL.createObjectURL;
  const realCpus = osModule.cpus;
  URL.createObjectURL = (obj: Blob) =>
    obj instanceof Blob && obj.type === 'application/javascript' ? workerFile : realCreateObjectURL.call(URL, obj);
  osModule.cpus = () => {
    const cpus = realCpus();
    return Array.from({ length: Math.max(cpus.length, 2 * threads) }, (_, i) => cpus[i % cpus.length]);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  try {
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    if (!ok || tf.getBackend() !== 'wasm') throw new Error("tf.setBackend('wasm') failed with threads");
  } finally {
    URL.createObjectURL = realCreateObjectURL;
    osModule.cpus = realCpus;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  const wasm = (tf.backend() as unknown as { wasm: { PThread?: PThreadLike } }).wasm;
  const pool = wasm.PThread;
  if (pool) {
    const workers = [...pool.unusedWorkers, ...(pool.runningWorkers ?? []), ...Object.values(pool.pthreads ?? {})];
    for (const w of workers) w.unref?.();
  }
  return (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } }).wasm.tfjs.getThreadsCount();
}
