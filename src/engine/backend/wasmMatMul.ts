// BatchMatMul on wasm, two fast paths:
//  - transposeA / transposeB run a slow generic loop (~8x slower for the dense-layer gradients x^T dy and
//    dy W^T); transposing the operand explicitly and using the XNNPACK path is much faster;
//  - a constant row times a tall matrix ([1,K] x [K,N] with all K weights equal: the "ones-row" way to sum
//    columns) packs the whole tall matrix as XNNPACK weights on every call (~7 ms for [1,131072]x[131072,16]);
//    it is a scaled column sum, which the Sum kernel does in one AvgPool pass (~0.6 ms);
//  - more generally a few rows times a wide matrix ([10,128] x [128,13760]: class sums of histogram one-hots)
//    spends most of its time packing the wide matrix; (b^T a^T)^T packs only the small one (~2.7x faster).
import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
  readSync(dataId: object): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): TensorInfo;
}

/** Below this K the shipped matmul is fast anyway. */
const MIN_COLUMN_SUM_ROWS = 1024;

/** The common value of a [1, K] row, or undefined when its entries differ. */
function constantRow(backend: WasmBackendLike, a: TensorInfo): number | undefined {
  const values = backend.readSync(a.dataId) as Float32Array;
  const first = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return undefined;
  return first;
}

function call(backend: tf.KernelBackend, kernel: string, inputs: Record<string, TensorInfo>, attrs: tf.NamedAttrMap = {}): TensorInfo {
  return tf.getKernel(kernel, 'wasm')!.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/** Few output rows, wide right operand: transposing is cheaper than XNNPACK packing the wide operand. */
const WIDE_MAX_ROWS = 64;
const WIDE_MIN_ELEMENTS = 1 << 16;

function isWide(a: TensorInfo, b: TensorInfo): boolean {
  const [M, K] = a.shape.slice(-2);
  const N = b.shape[b.shape.length - 1];
  const batch = util.sizeFromShape(a.shape.slice(0, -2)) * util.sizeFromShape(b.shape.slice(0, -2));
  return batch === 1 && M <= WIDE_MAX_ROWS && N >= 4 * M && K * N >= WIDE_MIN_ELEMENTS;
}

/** weight * sum over rows of b [K, N] as [1, N] (b may carry a leading batch dim of 1). */
function scaledColumnSum(backend: tf.KernelBackend, b: TensorInfo, weight: number, outShape: number[]): TensorInfo {
  const wasm = backend as unknown as WasmBackendLike;
  const [K, N] = b.shape.slice(-2);
  const flat = call(backend, 'Reshape', { x: b }, { shape: [K, N] });
  const sums = call(backend, 'Sum', { x: flat }, { axis: [0], keepDims: false });
  wasm.disposeData(flat.dataId);
  const w = wasm.makeOutput([], 'float32', undefined, Float32Array.of(weight));
  const scaled = call(backend, 'Multiply', { a: sums, b: w });
  wasm.disposeData(sums.dataId);
  wasm.disposeData(w.dataId);
  const out = call(backend, 'Reshape', { x: scaled }, { shape: outShape });
  wasm.disposeData(scaled.dataId);
  return out;
}

function transposeLastTwo(backend: tf.KernelBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return tf.getKernel('Transpose', 'wasm')!.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}

let registered = false;

export function registerWasmMatMul(): void {
  if (registered) return;
  registered = true;
  const shipped = tf.getKernel('BatchMatMul', 'wasm');
  if (shipped == null) return;
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const backend = args.backend as unknown as WasmBackendLike;
    const rowTimesTall =
      !transposeA && !transposeB && a.dtype === 'float32' && b.dtype === 'float32' &&
      util.sizeFromShape(a.shape.slice(0, -1)) === 1 && util.sizeFromShape(b.shape.slice(0, -2)) === 1 &&
      a.shape[a.shape.length - 1] >= MIN_COLUMN_SUM_ROWS;
    if (rowTimesTall) {
      const weight = constantRow(backend, a);
      if (weight !== undefined) {
        const outShape = [...(a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2), 1, b.shape[b.shape.length - 1]];
        return scaledColumnSum(args.backend as tf.KernelBackend, b, weight, outShape);
      }
    }
    if (!transposeA && !transposeB && a.dtype === 'float32' && b.dtype === 'float32' && isWide(a, b)) {
      const kb = args.backend as tf.KernelBackend;
      const bT = transposeLastTwo(kb, b);
      const aT = transposeLastTwo(kb, a);
      const outT = shipped.kernelFunc({ ...args, inputs: { a: bT, b: aT } }) as TensorInfo;
      backend.disposeData(bT.dataId);
      backend.disposeData(aT.dataId);
      const out = transposeLastTwo(kb, outT);
      backend.disposeData(outT.dataId);
      const batchShape = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2);
      const shaped = call(kb, 'Reshape', { x: out }, { shape: [...batchShape, ...out.shape.slice(-2)] });
      backend.disposeData(out.dataId);
      return shaped;
    }
    if (!transposeA && !transposeB) return shipped.kernelFunc(args);
    const a2 = transposeA ? transposeLastTwo(args.backend as tf.KernelBackend, a) : a;
    const b2 = transposeB ? transposeLastTwo(args.backend as tf.KernelBackend, b) : b;
    const out = shipped.kernelFunc({ ...args, inputs: { a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    if (a2 !== a) backend.disposeData(a2.dataId);
    if (b2 !== b) backend.disposeData(b2.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc });
}
