// What this machine offers for training, in one report: the WebGPU adapter Dawn finds, whether native CUDA
// (tfjs-node-gpu) can work and is installed, what 'auto' picks and why, and a short self-test on that backend.
// `selectivity-lens gpu` prints it; the extension's "Set Up GPU" command runs that in a child process.
import * as tf from '@tensorflow/tfjs-core';
import type { GpuReport } from '../../protocol/gpu';
import { judgeCuda, probeCuda } from './cudaReadiness';
import { initBackend } from './index';
import { nativeSearchDirs, resolveNative } from './native';
import { adapterLabel, findAdapter, noAdapterReason } from './webgpu';

export async function gpuReport(opts: { nativeModuleDirs?: string[]; threads?: number } = {}): Promise<GpuReport> {
  const cuda = judgeCuda(probeCuda());
  let webgpu: GpuReport['webgpu'];
  try {
    const found = await findAdapter();
    webgpu = found ? { adapter: found.info, label: adapterLabel(found.info) } : { reason: noAdapterReason() };
  } catch (e) {
    webgpu = { reason: e instanceof Error ? e.message : String(e) };
  }
  const dirs = nativeSearchDirs(opts.nativeModuleDirs);
  const native = (pkg: string) => {
    const { resolved, reasons } = resolveNative(pkg, dirs);
    return { installed: resolved !== undefined, detail: resolved ?? reasons.join(', ') };
  };
  const info = await initBackend('auto', opts);
  return {
    webgpu,
    cuda,
    native: { 'tfjs-node-gpu': native('@tensorflow/tfjs-node-gpu'), 'tfjs-node': native('@tensorflow/tfjs-node') },
    auto: { backend: info.name, ...(info.device ? { device: info.device } : {}), passedOver: info.tried },
    selfTest: await selfTest(),
  };
}

/** A matrix product and a convolution on the active backend, read back asynchronously and checked finite. */
async function selfTest(): Promise<GpuReport['selfTest']> {
  const t0 = performance.now();
  try {
    const out = tf.tidy(() => {
      const a = tf.randomNormal([256, 256], 0, 1, 'float32', 1);
      const x = tf.randomNormal([8, 32, 32, 16], 0, 1, 'float32', 2);
      const w = tf.randomNormal([3, 3, 16, 16], 0, 0.1, 'float32', 3);
      return tf.stack([tf.sum(tf.matMul(a, a)), tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'))]);
    });
    const values = await out.data();
    out.dispose();
    const ok = Array.from(values).every(Number.isFinite);
    return { ok, ms: performance.now() - t0, ...(ok ? {} : { error: `non-finite results ${Array.from(values).join(', ')}` }) };
  } catch (e) {
    return { ok: false, ms: performance.now() - t0, error: e instanceof Error ? e.message : String(e) };
  }
}
