// Training-mode batch normalisation on the wasm backend through our wasm SIMD kernels (kernels/batchNorm.wat),
// registered as two kernels the FastBatchNorm layer calls inside its custom gradient when they exist:
//   BATCH_NORM_TRAIN  {x [rows, C], gamma [C], beta [C]}, {epsilon}  -> [y, batch mean, biased batch variance]
//   BATCH_NORM_GRAD   {dy, x, mean, variance, gamma}, {epsilon}      -> [dx, dGamma, dBeta]
// The per-channel arithmetic (C numbers) is done here in float32; the kernels make the passes over the rows.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { instantiateSimdKernel, type WasmBackendMemory } from './wasmSimdModule';

export const BATCH_NORM_TRAIN = 'SelectivityLensBatchNormTrain';
export const BATCH_NORM_GRAD = 'SelectivityLensBatchNormGrad';

interface BatchNormExports {
  channelSums(x: number, rows: number, C: number, partial: number, total: number): void;
  channelSquaredDeviations(x: number, rows: number, C: number, mean: number, partial: number, total: number): void;
  normalize(x: number, rows: number, C: number, mean: number, scale: number, shift: number, y: number): void;
  gradientSums(dy: number, x: number, rows: number, C: number, mean: number, partial: number, sumDy: number, sumDyX: number): void;
  normalizeGradient(dy: number, x: number, rows: number, C: number, mean: number, a: number, b: number, d: number, dx: number): void;
}

/** True when the fused kernels are registered and take this many channels (in fours). */
export function fusedBatchNormAvailable(channels: number): boolean {
  return tf.getBackend() === 'wasm' && channels % 4 === 0 && tf.getKernel(BATCH_NORM_TRAIN, 'wasm') != null;
}

/** Registers the two kernels on wasm if the assembled module is there; returns whether it did. */
export function registerWasmBatchNorm(): boolean {
  if (tf.getKernel(BATCH_NORM_TRAIN, 'wasm') != null) return true;
  const kernel = instantiateSimdKernel(tf.backend() as unknown as WasmBackendMemory, 'batchNorm');
  if (!kernel) return false;
  const k = kernel.exports as unknown as BatchNormExports;
  const memory = kernel.memory;

  /** Allocates outputs and scratch first (an allocation may grow the memory), then hands out offsets and views. */
  const layout = (backend: WasmBackendMemory, inputs: TensorInfo[], outputs: number[][], scratchFloats: number) => {
    const outs = outputs.map((shape) => backend.makeOutput(shape, 'float32'));
    const scratch = backend.makeOutput([scratchFloats], 'float32');
    const ptr = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
    const view = (t: TensorInfo, n: number) => new Float32Array(memory.buffer, ptr(t), n);
    return { outs, scratch, ptr, view, inputPtrs: inputs.map(ptr) };
  };

  const train: KernelFunc = ({ inputs, backend: b, attrs }) => {
    const backend = b as unknown as WasmBackendMemory;
    const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', TensorInfo>;
    const epsilon = attrs?.epsilon as number;
    const [rows, C] = x.shape;
    const { outs, scratch, ptr, view, inputPtrs } = layout(backend, [x], [[rows, C], [C], [C]], 4 * C);
    const [y, mean, variance] = outs;
    const [xPtr] = inputPtrs;
    const s = ptr(scratch); // [partial C | total C | scale C | shift C]
    const partial = s;
    const total = s + 4 * C;
    const scratchView = view(scratch, 4 * C);
    scratchView.fill(0, 0, C);
    k.channelSums(xPtr, rows, C, partial, total);
    const meanView = view(mean, C);
    for (let j = 0; j < C; j++) meanView[j] = scratchView[C + j] / rows;
    k.channelSquaredDeviations(xPtr, rows, C, ptr(mean), partial, total);
    const varianceView = view(variance, C);
    const gammaView = view(gamma, C);
    const betaView = view(beta, C);
    for (let j = 0; j < C; j++) {
      varianceView[j] = scratchView[C + j] / rows;
      scratchView[2 * C + j] = gammaView[j] / Math.sqrt(varianceView[j] + epsilon);
      scratchView[3 * C + j] = betaView[j];
    }
    k.normalize(xPtr, rows, C, ptr(mean), s + 8 * C, s + 12 * C, ptr(y));
    backend.disposeData(scratch.dataId);
    return outs;
  };

  const grad: KernelFunc = ({ inputs, backend: b, attrs }) => {
    const backend = b as unknown as WasmBackendMemory;
    const { dy, x, mean, variance, gamma } = inputs as Record<'dy' | 'x' | 'mean' | 'variance' | 'gamma', TensorInfo>;
    const epsilon = attrs?.epsilon as number;
    const [rows, C] = x.shape;
    const { outs, scratch, ptr, view, inputPtrs } = layout(backend, [dy, x, mean], [[rows, C], [C], [C]], 5 * C);
    const [dx, dGamma, dBeta] = outs;
    const [dyPtr, xPtr, meanPtr] = inputPtrs;
    const s = ptr(scratch); // [partial 2C | a C | b C | d C]
    const scratchView = view(scratch, 5 * C);
    scratchView.fill(0, 0, 2 * C);
    k.gradientSums(dyPtr, xPtr, rows, C, meanPtr, s, ptr(dBeta), ptr(dGamma));
    const varianceView = view(variance, C);
    const gammaView = view(gamma, C);
    const dGammaView = view(dGamma, C);
    const dBetaView = view(dBeta, C);
    for (let j = 0; j < C; j++) {
      // dx = gamma * invStd / n * (n dy - dBeta - xHat dGamma), xHat = (x - mean) invStd.
      const invStd = 1 / Math.sqrt(varianceView[j] + epsilon);
      dGammaView[j] *= invStd; // the kernel summed dy * (x - mean)
      const k1 = (gammaView[j] * invStd) / rows;
      scratchView[2 * C + j] = gammaView[j] * invStd;
      scratchView[3 * C + j] = -k1 * invStd * dGammaView[j];
      scratchView[4 * C + j] = -k1 * dBetaView[j];
    }
    k.normalizeGradient(dyPtr, xPtr, rows, C, meanPtr, s + 8 * C, s + 12 * C, s + 16 * C, ptr(dx));
    backend.disposeData(scratch.dataId);
    return outs;
  };

  tf.registerKernel({ kernelName: BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: train });
  tf.registerKernel({ kernelName: BATCH_NORM_GRAD, backendName: 'wasm', kernelFunc: grad });
  return true;
}
