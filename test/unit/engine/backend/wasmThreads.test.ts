// Multi-threaded wasm in Node (src/engine/backend/wasmThreads.ts): starts with 2 XNNPACK threads, computes the
// same conv gradients as the cpu backend, also when the SIMD filter-gradient kernel splits the batch with its
// helper worker, and leaves nothing that keeps the process alive (this file would hang).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/engine/backend';
import { random } from './deterministicRandom';
import { simdFilterGradientThreads } from '../../../../src/engine/backend/wasmKernels';
import { WasmFilterGradient } from '../../../../src/engine/backend/wasmFilterGradient';
import type { WasmBackendMemory } from '../../../../src/engine/backend/wasmSimdModule';

async function convGradients(backend: string, xShape: [number, number, number, number], co: number, stride: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const xv = random(xShape.reduce((a, b) => a * b), 1);
  const wv = random(3 * 3 * xShape[3] * co, 2);
  const out = tf.tidy(() => {
    const x = tf.tensor4d(xv, xShape);
    const w = tf.tensor4d(wv, [3, 3, xShape[3], co]);
    return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same'))))([x, w]);
  });
  const data = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return data;
}

function assertClose(cpu: Float32Array[], wasm: Float32Array[], tolerance: number): void {
  for (let i = 0; i < cpu.length; i++) {
    let m = 0;
    for (let j = 0; j < cpu[i].length; j++) m = Math.max(m, Math.abs(cpu[i][j] - wasm[i][j]));
    assert.ok(m < tolerance, `gradient ${i} differs by ${m}`);
  }
}

describe('wasm with threads', () => {
  it('starts 2 threads and computes conv gradients like the cpu backend', async () => {
    const info = await initBackend('wasm', { threads: 2 });
    assert.equal(info.name, 'wasm');
    assert.equal(info.threads, 2);
    assertClose(await convGradients('cpu', [4, 16, 16, 8], 16, 2), await convGradients('wasm', [4, 16, 16, 8], 16, 2), 1e-4);
  });

  it('the filter-gradient kernel gets its helper thread and splits odd batches exactly', async () => {
    await tf.setBackend('wasm');
    for (let i = 0; i < 100 && simdFilterGradientThreads() !== 2; i++) await sleep(50);
    assert.equal(simdFilterGradientThreads(), 2, 'the helper worker never came up');
    for (const batch of [1, 2, 5]) {
      const shape: [number, number, number, number] = [batch, 10, 10, 6];
      assertClose(await convGradients('cpu', shape, 8, 1), await convGradients('wasm', shape, 8, 1), 1e-4);
    }
    // Many channels: the packed-panel path, each thread with its own panels.
    assertClose(await convGradients('cpu', [3, 8, 8, 128], 128, 1), await convGradients('wasm', [3, 8, 8, 128], 128, 1), 1e-3);
  });

  it('the filter gradient is bit-identical before and after its helper thread is up (reproducible runs)', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendMemory;
    const kernel = WasmFilterGradient.create(backend)!;
    const x = tf.tensor4d(random(6 * 9 * 9 * 8, 3), [6, 9, 9, 8]);
    const dy = tf.tensor4d(random(6 * 9 * 9 * 12, 4), [6, 9, 9, 12]);
    const g = {
      batch: 6, inHeight: 9, inWidth: 9, inChannels: 8, outHeight: 9, outWidth: 9, outChannels: 12,
      filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, padTop: 1, padLeft: 1,
    };
    const read = (info: tf.TensorInfo) => {
      const t = tf.engine().makeTensorFromTensorInfo(info);
      const data = Array.from(t.dataSync());
      t.dispose();
      return data;
    };
    assert.equal(kernel.threads, 1, 'a new helper cannot be up before the event loop turns');
    const alone = read(kernel.compute(backend, x, dy, g));
    for (let i = 0; i < 100 && kernel.threads < 2; i++) await sleep(50);
    assert.equal(kernel.threads, 2);
    const shared = read(kernel.compute(backend, x, dy, g));
    assert.deepEqual(shared, alone);
    tf.dispose([x, dy]);
  });
});
