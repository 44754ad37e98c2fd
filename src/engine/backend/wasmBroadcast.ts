// Broadcast of a tensor whose size-1 axes form one contiguous block ([B,1,1,C] -> [B,H,W,C], [1,1,1,C] ->
// [B,H,W,C]): the gradient of every spatial or batch mean. wasm's broadcasting ops index each element
// generically; here each row is written once and doubled with copyWithin (memmove speed).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

export const BROADCAST_BLOCK_KERNEL = 'SelectivityLensBroadcastBlock';

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** [outer, repeat, inner] view of broadcasting `from` to `to`, or undefined when the 1-axes are not one block. */
export function broadcastBlock(from: number[], to: number[]): { outer: number; repeat: number; inner: number } | undefined {
  if (from.length !== to.length) return undefined;
  const ones = from.map((d, i) => d === 1 && to[i] !== 1);
  const first = ones.indexOf(true);
  if (first < 0) return undefined;
  const last = ones.lastIndexOf(true);
  for (let i = 0; i < from.length; i++) {
    const inBlock = i >= first && i <= last;
    if (inBlock ? from[i] !== 1 : from[i] !== to[i]) return undefined;
  }
  const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
  return { outer: prod(to.slice(0, first)), repeat: prod(to.slice(first, last + 1)), inner: prod(to.slice(last + 1)) };
}

const broadcastBlockKernel: KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as unknown as WasmBackendLike;
  const x = (inputs as { x: TensorInfo }).x;
  const shape = attrs?.shape as number[];
  const block = broadcastBlock(x.shape, shape);
  if (!block || x.dtype !== 'float32') throw new Error(`${BROADCAST_BLOCK_KERNEL}: cannot broadcast [${x.shape}] to [${shape}]`);
  const out = backend.makeOutput(shape, 'float32');
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const { outer, repeat, inner } = block;
  const span = repeat * inner;
  for (let o = 0; o < outer; o++) {
    const base = o * span;
    dst.set(src.subarray(o * inner, (o + 1) * inner), base);
    for (let filled = inner; filled < span; filled *= 2) {
      dst.copyWithin(base + filled, base, base + Math.min(filled, span - filled));
    }
  }
  return out;
};

let registered = false;

export function registerWasmBroadcast(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: BROADCAST_BLOCK_KERNEL, backendName: 'wasm', kernelFunc: broadcastBlockKernel });
}
