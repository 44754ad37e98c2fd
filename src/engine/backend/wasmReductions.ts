// Faster Sum and Mean on wasm for the reductions CNN training does all the time. The shipped kernels
// transpose the reduced axes to the end first (a full copy of the activation), then reduce. Instead:
//  - over leading axes ([0,1,2] of NHWC: batch-norm statistics, bias and scale gradients) and
//  - over the spatial axes [1,2] of NHWC (per-sample unit activations, global pooling)
// we run AvgPool with one window covering the reduced axes (XNNPACK, one pass, ~10x faster); Sum then
// scales by the count. (A ones-row BatchMatMul is no good: wasm packs the big operand as weights every call.)
// Everything else falls back to the shipped kernel.
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): TensorInfo;
}

/** Below this many reduced elements the shipped kernel is as fast. */
const MIN_REDUCE = 16;

function call(backend: WasmBackendLike, kernel: string, inputs: Record<string, TensorInfo>, attrs: tf.NamedAttrMap = {}): TensorInfo {
  const config = tf.getKernel(kernel, 'wasm');
  if (config == null) throw new Error(`wasm kernel ${kernel} is not registered`);
  return config.kernelFunc({ inputs, attrs, backend: backend as unknown as tf.KernelBackend }) as TensorInfo;
}

function reshapeTo(backend: WasmBackendLike, x: TensorInfo, shape: number[]): TensorInfo {
  const out = call(backend, 'Reshape', { x }, { shape });
  backend.disposeData(x.dataId);
  return out;
}

function makeReduction(mean: boolean, shipped: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as WasmBackendLike;
    const x = (args.inputs as { x: TensorInfo }).x;
    const attrs = args.attrs ?? {};
    const keepDims = attrs.keepDims === true;
    if (x.dtype !== 'float32' || util.sizeFromShape(x.shape) === 0) return shipped(args);
    const axes = [...new Set(util.parseAxisParam(attrs.axis as number | number[], x.shape))].sort((a, b) => a - b);
    const rank = x.shape.length;
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const finalShape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    const spatial = rank === 4 && axes.length === 2 && axes[0] === 1 && axes[1] === 2;
    // View x as NHWC [batch, rows, cols, channels] with the reduced axes as one rows x cols window.
    let view: number[] | undefined;
    if (leading) view = [1, util.sizeFromShape(x.shape.slice(0, axes.length)), 1, util.sizeFromShape(x.shape.slice(axes.length))];
    else if (spatial) view = x.shape;
    if (view == null || view[1] * view[2] < MIN_REDUCE) return shipped(args);
    const windowed = call(backend, 'Reshape', { x }, { shape: view });
    const pooled = call(backend, 'AvgPool', { x: windowed }, {
      filterSize: [view[1], view[2]],
      strides: [1, 1],
      pad: 'valid',
      dimRoundingMode: undefined as unknown as string,
    });
    backend.disposeData(windowed.dataId);
    if (mean) return reshapeTo(backend, pooled, finalShape);
    const count = backend.makeOutput([], 'float32', undefined, Float32Array.of(view[1] * view[2]));
    const summed = call(backend, 'Multiply', { a: pooled, b: count });
    backend.disposeData(pooled.dataId);
    backend.disposeData(count.dataId);
    return reshapeTo(backend, summed, finalShape);
  };
}

let registered = false;

/** Replaces the wasm Sum and Mean kernels with the fast paths above. Call after tf.setBackend('wasm'). */
export function registerWasmReductions(): void {
  if (registered) return;
  registered = true;
  for (const [name, mean] of [['Sum', false], ['Mean', true]] as const) {
    const shipped = tf.getKernel(name, 'wasm');
    if (shipped == null) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: makeReduction(mean, shipped.kernelFunc) });
  }
}
