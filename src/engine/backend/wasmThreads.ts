// Multi-threaded wasm (XNNPACK's thread pool) in Node. tfjs-backend-wasm turns threads off in Node
// (tfjs issue #3830) although the Emscripten build supports worker_threads; three things stand in the way:
//  - the flag WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false in Node;
//  - the pthread worker script is handed over as a blob: URL, which Node's Worker rejects, and the worker then
//    loads the main script from another blob: URL (both scripts are built as Blobs from tfjs' own bundle, so we
//    capture their text and write them to temporary files: nothing from wasm-out/ is needed);
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

type BlobParts = ConstructorParameters<typeof Blob>[0];
type BlobOptions = ConstructorParameters<typeof Blob>[1];

/**
 * A Blob class that remembers the text of each Blob: tfjs builds the worker script and the main script as
 * Blobs (from sources inside its own bundle) just before Emscripten starts the workers.
 */
function textRecordingBlob(base: typeof Blob, texts: WeakMap<Blob, string>, onMainScript: (text: string) => void): typeof Blob {
  return class extends base {
    constructor(parts: BlobParts = [], options?: BlobOptions) {
      super(parts, options);
      const text = parts.every((p) => typeof p === 'string') ? (parts as string[]).join('') : '';
      texts.set(this, text);
      if (options?.type === 'text/javascript') onMainScript(text);
    }
  };
}

/**
 * The main script is the Emscripten factory's source cut out of tfjs' rollup bundle, where Node built-ins are
 * bundle-level variables (`var require$$0 = require('fs');`): declare the same ones for the worker.
 */
function bundleRequires(): string {
  const bundle = fs.readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm'), 'utf8');
  return [...bundle.matchAll(/^var (require\$\$\d+) = require\('([^']+)'\);$/gm)]
    .map((m) => `var ${m[1]}=require(${JSON.stringify(m[2])});`)
    .concat(['var commonjsGlobal=globalThis;'])
    .join('');
}

/** Writes a script to a temporary file removed when the process exits. */
function tempScript(name: string, source: string): string {
  const file = path.join(os.tmpdir(), `selectivity-lens-${name}-${process.pid}.js`);
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
  const realBlob = globalThis.Blob;
  const realCreateObjectURL = URL.createObjectURL;
  const realCpus = osModule.cpus;
  const texts = new WeakMap<Blob, string>();
  let mainScript: string | undefined;
  let workerFile: string | undefined;
  globalThis.Blob = textRecordingBlob(realBlob, texts, (text) => (mainScript = text));
  URL.createObjectURL = (obj: Blob) => {
    const text = texts.get(obj);
    if (text === undefined || obj.type !== 'application/javascript' || mainScript === undefined) {
      return realCreateObjectURL.call(URL, obj);
    }
    if (workerFile === undefined) {
      // The worker asks for the main script with URL.createObjectURL(blob) too: answer with its file.
      const mainFile = tempScript('wasm-main', bundleRequires() + mainScript);
      const prelude = `URL.createObjectURL=()=>${JSON.stringify(mainFile)};URL.revokeObjectURL=()=>{};`;
      workerFile = tempScript('wasm-worker', text.replace('"use strict";', `"use strict";${prelude}`));
    }
    return workerFile;
  };
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
    globalThis.Blob = realBlob;
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
