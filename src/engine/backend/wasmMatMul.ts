// BatchMatMul with transposeA or transposeB runs a slow generic loop on wasm (~8x slower for the dense-layer
// gradients x^T dy and dy W^T); transposing the operand explicitly and using the XNNPACK path is much faster.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
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
    if (!transposeA && !transposeB) return shipped.kernelFunc(args);
    const backend = args.backend as unknown as WasmBackendLike;
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
