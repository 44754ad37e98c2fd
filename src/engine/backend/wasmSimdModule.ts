// Loads one of our hand-written wasm SIMD kernels (kernels/*.wat, assembled by scripts/build-kernels.mjs)
// over the wasm backend's own memory, so kernels read and write tensors where tfjs keeps them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of the wasm backend and its Emscripten module the kernels use. */
export interface WasmBackendMemory {
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory }; tfjs: { getThreadsCount(): number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object): boolean;
}

export interface SimdKernelModule {
  module: WebAssembly.Module;
  exports: Record<string, unknown>;
  memory: WebAssembly.Memory;
  /** True with the multi-threaded backend build: helper workers can share the memory. */
  shared: boolean;
}

/** Instantiates kernels/<name>.wasm (or its shared-memory twin), or undefined when backend or file is missing. */
export function instantiateSimdKernel(backend: WasmBackendMemory, name: string): SimdKernelModule | undefined {
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const file = path.join(__dirname, 'kernels', `${name}${shared ? '.shared' : ''}.wasm`);
  if (!fs.existsSync(file)) return undefined;
  const module = new WebAssembly.Module(fs.readFileSync(file));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return { module, exports: instance.exports, memory, shared };
}
