// Picks and initialises the TensorFlow.js backend the engine computes on. Must run before any tensor op.
// Ladder for 'auto': tfjs-node-gpu (optional, found at runtime), webgpu on a hardware adapter, tfjs-node
// (optional), wasm, cpu.
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients and no chained tensor methods; the union package does.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../protocol/config';
import { EngineError } from '../errors';
import { loadNativeBinding, nativeSearchDirs } from './native';
import { registerWasmTrainingKernels } from './wasmKernels';
import { registerWasmBatchNorm } from './wasmBatchNorm';
import { registerWasmReluMean } from './wasmReluMean';
import { guardWasmAllocations } from './wasmMemoryGuard';
import { registerWasmReductions } from './wasmReductions';
import { registerWasmMatMul } from './wasmMatMul';
import { registerFastGradients } from './gradients';
import { initThreadedWasm } from './wasmThreads';
import { registerWasmBroadcast } from './wasmBroadcast';
import { registerWasmChannelOps } from './wasmChannelOps';
import { adapterLabel, startWebGpu } from './webgpu';

export interface BackendOptions {
  /** Extra folders holding a `node_modules` with @tensorflow/tfjs-node(-gpu) (the extension's global storage). */
  nativeModuleDirs?: string[];
  /**
   * Threads: intra-op threads for the native backends (default: all cores); XNNPACK threads for wasm
   * (default 1; more only if wasm was not initialised before in this process).
   */
  threads?: number;
  log?: (m: string) => void;
}

export interface BackendInfo {
  /** What the user asked for in the config vocabulary ('wasm', 'tfjs-node', ...). */
  name: Exclude<BackendName, 'auto'>;
  /** The tfjs backend name actually active ('wasm', 'cpu', 'tensorflow'). */
  tfName: string;
  threads: number;
  /** The device computing, where it is not this machine's CPU (the WebGPU adapter). */
  device?: string;
  /** Every rung tried, with why it failed, in order. */
  tried: string[];
}

type Rung = Exclude<BackendName, 'auto'>;
const LADDER: Rung[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'];

let active: BackendInfo | undefined;

/** The backend chosen by the last successful initBackend, or undefined before it. */
export function backendInfo(): BackendInfo | undefined {
  return active;
}

export async function initBackend(
  preferred: BackendName = 'auto',
  opts: BackendOptions = {},
): Promise<BackendInfo> {
  const log = opts.log ?? (() => undefined);
  registerFastGradients();
  const rungs = preferred === 'auto' ? LADDER : [preferred];
  const tried: string[] = [];
  for (const rung of rungs) {
    try {
      const info = await tryRung(rung, { ...opts, explicit: preferred !== 'auto' }, tried);
      active = info;
      log(`backend ${info.name} (${info.tfName})${info.device ? ` on ${info.device}` : `, ${info.threads} thread(s)`}`);
      return info;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      tried.push(`${rung}: ${why}`);
      log(`backend ${rung} unavailable: ${why}`);
    }
  }
  if (preferred !== 'auto') {
    throw new EngineError(
      'BACKEND_UNAVAILABLE',
      `Backend "${preferred}" is not available: ${tried.join('; ')}. Set "backend" to "auto", "wasm" or "cpu".`,
      { field: 'backend' },
    );
  }
  throw new EngineError('BACKEND_UNAVAILABLE', `No TensorFlow.js backend could start: ${tried.join('; ')}`, {
    field: 'backend',
  });
}

async function tryRung(rung: Rung, opts: BackendOptions & { explicit: boolean }, tried: string[]): Promise<BackendInfo> {
  switch (rung) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      const threads = Math.max(1, opts.threads ?? os.cpus().length);
      // libtensorflow reads these when it is loaded; they do nothing once it is.
      process.env.TF_NUM_INTRAOP_THREADS ??= String(threads);
      process.env.TF_NUM_INTEROP_THREADS ??= '1';
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      const where = loadNativeBinding(`@tensorflow/${rung}`, nativeSearchDirs(opts.nativeModuleDirs));
      // tfjs-core keeps engine and kernel registry in a global, so the package registered 'tensorflow' into ours.
      if (tf.findBackendFactory('tensorflow') == null) {
        throw new Error(`${where} loaded but registered no "tensorflow" backend (tfjs-core version mismatch?)`);
      }
      await select('tensorflow');
      if (rung === 'tfjs-node-gpu' && !nativeUsesGpu()) {
        // tfjs-node-gpu silently computes on the CPU when CUDA is unusable: fine for 'auto', not when asked for a GPU.
        if (opts.explicit) throw new Error('the package loaded but TensorFlow sees no usable CUDA GPU');
        return { name: 'tfjs-node', tfName: 'tensorflow', threads, tried: [...tried, 'tfjs-node-gpu: no usable CUDA GPU'] };
      }
      return { name: rung, tfName: 'tensorflow', threads, tried };
    }
    case 'webgpu': {
      const { info } = await startWebGpu(opts.explicit);
      return { name: 'webgpu', tfName: 'webgpu', threads: 1, device: adapterLabel(info), tried };
    }
    case 'wasm': {
      const wanted = Math.max(1, Math.floor(opts.threads ?? 1));
      if (wanted > 1) {
        try {
          await initThreadedWasm(wanted);
        } catch (e) {
          opts.log?.(`wasm threads unavailable (${e instanceof Error ? e.message : String(e)}); using one thread`);
        }
      }
      await select('wasm');
      guardWasmAllocations();
      registerWasmTrainingKernels();
      registerWasmReductions();
      registerWasmMatMul();
      registerWasmBroadcast();
      registerWasmChannelOps();
      registerWasmBatchNorm();
      registerWasmReluMean();
      return { name: 'wasm', tfName: 'wasm', threads: wasmThreads(), tried };
    }
    case 'cpu':
      await select('cpu');
      return { name: 'cpu', tfName: 'cpu', threads: 1, tried };
  }
}

async function select(tfName: string): Promise<void> {
  const ok = await tf.setBackend(tfName);
  if (!ok || tf.getBackend() !== tfName) throw new Error(`tf.setBackend('${tfName}') failed`);
  await tf.ready();
}

/** XNNPACK threads of the active wasm backend (1 when it was started single-threaded). */
function wasmThreads(): number {
  const wasm = (tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm;
  return wasm?.tfjs?.getThreadsCount?.() ?? 1;
}

/** Asks the loaded libtensorflow whether it placed ops on a GPU (a property in newer bindings, a function in older). */
function nativeUsesGpu(): boolean {
  const backend = tf.backend() as unknown as { binding?: { isUsingGpuDevice?: boolean | (() => boolean) } };
  const probe = backend.binding?.isUsingGpuDevice;
  return typeof probe === 'function' ? Boolean(probe.call(backend.binding)) : probe === true;
}
