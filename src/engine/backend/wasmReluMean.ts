// ReLU with the per-image spatial mean of its output, as one wasm SIMD kernel (kernels/reluMean.wat) and a
// gradient that folds the mean's gradient into the ReLU's (no broadcast, no extra add of two activation-sized
// gradients). Used by the UnitReLU layer of the built-in models on wasm:
//   RELU_MEAN       {x [b, h, w, c]}           -> [y = relu(x), means [b, c]]
//   RELU_MEAN_GRAD  {dy, dMeans, y}            -> dx
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { instantiateSimdKernel, type WasmBackendMemory } from './wasmSimdModule';

export const RELU_MEAN = 'SelectivityLensReluMean';
export const RELU_MEAN_GRAD = 'SelectivityLensReluMeanGrad';

interface ReluMeanExports {
  reluMeans(x: number, y: number, means: number, images: number, pixels: number, C: number, invPixels: number): void;
  reluMeansGradient(dy: number, dMeans: number, y: number, dx: number, images: number, pixels: number, C: number, invPixels: number): void;
}

/** True when the fused kernel is registered and takes this activation (NHWC, channels in fours, not empty). */
export function fusedReluMeanAvailable(shape: readonly number[]): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    shape.length === 4 &&
    shape[3] % 4 === 0 &&
    shape.every((d) => d > 0) &&
    tf.getKernel(RELU_MEAN, 'wasm') != null
  );
}

/** Registers the kernels on wasm (and the gradient) if the assembled module is there; returns whether it did. */
export function registerWasmReluMean(): boolean {
  if (tf.getKernel(RELU_MEAN, 'wasm') != null) return true;
  const kernel = instantiateSimdKernel(tf.backend() as unknown as WasmBackendMemory, 'reluMean');
  if (!kernel) return false;
  const k = kernel.exports as unknown as ReluMeanExports;

  const forward: KernelFunc = ({ inputs, backend: b }) => {
    const backend = b as unknown as WasmBackendMemory;
    const { x } = inputs as { x: TensorInfo };
    const [images, height, width, C] = x.shape;
    const y = backend.makeOutput(x.shape, 'float32');
    const means = backend.makeOutput([images, C], 'float32');
    const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
    const pixels = height * width;
    k.reluMeans(at(x), at(y), at(means), images, pixels, C, 1 / pixels);
    return [y, means];
  };

  const gradient: KernelFunc = ({ inputs, backend: b }) => {
    const backend = b as unknown as WasmBackendMemory;
    const { dy, dMeans, y } = inputs as Record<'dy' | 'dMeans' | 'y', TensorInfo>;
    const [images, height, width, C] = y.shape;
    const dx = backend.makeOutput(y.shape, 'float32');
    const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
    const pixels = height * width;
    k.reluMeansGradient(at(dy), at(dMeans), at(y), at(dx), images, pixels, C, 1 / pixels);
    return dx;
  };

  tf.registerKernel({ kernelName: RELU_MEAN, backendName: 'wasm', kernelFunc: forward });
  tf.registerKernel({ kernelName: RELU_MEAN_GRAD, backendName: 'wasm', kernelFunc: gradient });
  tf.registerGradient({
    kernelName: RELU_MEAN,
    outputsToSave: [true, false],
    gradFunc: (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [dy, dMeans] = dys as Array<tf.Tensor | null>;
      const [y] = saved;
      return {
        x: () =>
          tf.engine().runKernel(RELU_MEAN_GRAD, {
            // An output nobody used has no gradient: it contributes zeros.
            dy: dy ?? tf.zerosLike(y),
            dMeans: dMeans ?? tf.zeros([y.shape[0], y.shape[3] as number]),
            y,
          }) as tf.Tensor,
      };
    },
  });
  return true;
}
