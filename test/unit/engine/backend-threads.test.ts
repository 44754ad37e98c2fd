// Multi-threaded wasm in Node (src/engine/backend/wasmThreads.ts): starts with 2 XNNPACK threads, computes the
// same conv gradients as the cpu backend, and leaves nothing that keeps the process alive (this file would hang).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/engine/backend';

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

describe('wasm with threads', () => {
  it('starts 2 threads and computes conv gradients like the cpu backend', async () => {
    const info = await initBackend('wasm', { threads: 2 });
    assert.equal(info.name, 'wasm');
    assert.equal(info.threads, 2);
    const xv = random(4 * 16 * 16 * 8, 1);
    const wv = random(3 * 3 * 8 * 16, 2);
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const out = tf.tidy(() => {
        const x = tf.tensor4d(xv, [4, 16, 16, 8]);
        const w = tf.tensor4d(wv, [3, 3, 8, 16]);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))))([x, w]);
      });
      const data = out.map((t) => t.dataSync() as Float32Array);
      tf.dispose(out);
      return data;
    };
    const wasm = await grads('wasm');
    const cpu = await grads('cpu');
    for (let i = 0; i < 2; i++) {
      let m = 0;
      for (let j = 0; j < cpu[i].length; j++) m = Math.max(m, Math.abs(cpu[i][j] - wasm[i][j]));
      assert.ok(m < 1e-4, `gradient ${i} differs by ${m}`);
    }
  });
});
