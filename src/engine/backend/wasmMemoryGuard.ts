// The wasm backend's heap is at most 4 GB, and when it is full tfjs does not notice: its allocator returns
// address 0 and the tensor silently overlays the start of the heap (seen: a 4th 1 GB tensor landed at 0 and the
// next op failed with "memory access out of bounds"). Requests of 4 GB or more are worse still: the size
// wraps around 32 bits. This turns both into one clear out-of-memory error, before anything is overwritten.
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../errors';

interface WasmModuleLike {
  _malloc(bytes: number): number;
  HEAPU8: Uint8Array;
}

const HEAP_LIMIT = 2 ** 32;
let guarded: WasmModuleLike | undefined;

function outOfMemory(bytes: number, heapBytes: number): EngineError {
  const mb = (n: number) => Math.round(n / 2 ** 20);
  return new EngineError(
    'OUT_OF_MEMORY',
    `Out of memory: the wasm backend needed ${mb(bytes)} MB more with ${mb(heapBytes)} MB of its at most ` +
      `${mb(HEAP_LIMIT)} MB heap in use. Lower train.batchSize, pick a smaller model, or use the native backend.`,
    { field: 'train.batchSize' },
  );
}

/** Wraps the active wasm backend's allocator; call once the wasm backend is selected. Idempotent. */
export function guardWasmAllocations(): void {
  const wasm = (tf.backend() as unknown as { wasm?: WasmModuleLike }).wasm;
  if (!wasm || guarded === wasm) return;
  // Emscripten's first _malloc call replaces Module._malloc with the raw export, which would drop a plain
  // wrapper: keep ours on the property and let such assignments change only what it calls.
  let inner = wasm._malloc;
  const checked = (bytes: number) => {
    if (bytes >= HEAP_LIMIT) throw outOfMemory(bytes, wasm.HEAPU8.length);
    const at = inner.call(wasm, bytes);
    if (at === 0 && bytes > 0) throw outOfMemory(bytes, wasm.HEAPU8.length);
    return at;
  };
  Object.defineProperty(wasm, '_malloc', {
    configurable: true,
    enumerable: true,
    get: () => checked,
    set: (f: WasmModuleLike['_malloc']) => {
      inner = f;
    },
  });
  guarded = wasm;
}
