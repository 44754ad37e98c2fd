// x * v, x + v, x - v, v - x with v one value per channel (shape [C] or [1,..,1,C]) and x a big [.., C]
// tensor: batch-norm's per-channel scale and shift. wasm's broadcasting binary kernels index every element
// generically (~2x a same-shape op); a 1x1 depthwise convolution (XNNPACK, threaded) computes exactly
// x * w + b in one pass: Mul is w = v, b = 0; Add is w = 1, b = v; Sub is w = 1, b = -v (or w = -1, b = v).
import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): TensorInfo;
}

/** Below this many elements the shipped kernels are as fast. */
const MIN_ELEMENTS = 1 << 16;

type Op = 'Multiply' | 'Add' | 'Sub';

function call(backend: tf.KernelBackend, kernel: string, inputs: Record<string, TensorInfo>, attrs: tf.NamedAttrMap = {}): TensorInfo {
  return tf.getKernel(kernel, 'wasm')!.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

function isChannelVector(small: TensorInfo, big: TensorInfo): boolean {
  const c = big.shape[big.shape.length - 1];
  return small.shape.length <= big.shape.length && small.shape[small.shape.length - 1] === c && util.sizeFromShape(small.shape) === c;
}

function constantFilter(backend: WasmBackendLike, c: number, value: number): TensorInfo {
  return backend.makeOutput([1, 1, c, 1], 'float32', undefined, new Float32Array(c).fill(value));
}

function channelOp(op: Op, shipped: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return shipped(args);
    const bigIsA = util.sizeFromShape(a.shape) >= util.sizeFromShape(b.shape);
    const [big, small] = bigIsA ? [a, b] : [b, a];
    const size = util.sizeFromShape(big.shape);
    if (big.shape.length < 2 || size < MIN_ELEMENTS || !isChannelVector(small, big)) return shipped(args);
    const kb = args.backend as tf.KernelBackend;
    const backend = args.backend as unknown as WasmBackendLike;
    const c = big.shape[big.shape.length - 1];
    const x = call(kb, 'Reshape', { x: big }, { shape: [1, 1, size / c, c] });
    const temps: TensorInfo[] = [x];
    let filter: TensorInfo;
    let bias: TensorInfo | undefined;
    if (op === 'Multiply') {
      filter = call(kb, 'Reshape', { x: small }, { shape: [1, 1, c, 1] });
    } else {
      // Sub: big - small (small is b) or small - big (small is a).
      const negateBig = op === 'Sub' && !bigIsA;
      const negateSmall = op === 'Sub' && bigIsA;
      filter = constantFilter(backend, c, negateBig ? -1 : 1);
      const vector = call(kb, 'Reshape', { x: small }, { shape: [c] });
      bias = negateSmall ? call(kb, 'Neg', { x: vector }) : vector;
      if (bias !== vector) temps.push(vector);
      temps.push(bias);
    }
    temps.push(filter);
    const out = call(kb, bias ? 'FusedDepthwiseConv2D' : 'DepthwiseConv2dNative', bias ? { x, filter, bias } : { x, filter }, {
      strides: [1, 1],
      pad: 'valid',
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined as unknown as string,
      activation: 'linear',
    });
    for (const t of temps) backend.disposeData(t.dataId);
    const shaped = call(kb, 'Reshape', { x: out }, { shape: big.shape });
    backend.disposeData(out.dataId);
    return shaped;
  };
}

let registered = false;

export function registerWasmChannelOps(): void {
  if (registered) return;
  registered = true;
  for (const op of ['Multiply', 'Add', 'Sub'] as const) {
    const shipped = tf.getKernel(op, 'wasm');
    if (shipped == null) continue;
    tf.unregisterKernel(op, 'wasm');
    tf.registerKernel({ kernelName: op, backendName: 'wasm', kernelFunc: channelOp(op, shipped.kernelFunc) });
  }
}
