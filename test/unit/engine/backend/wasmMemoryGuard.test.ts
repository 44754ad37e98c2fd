// A full wasm heap is one clear out-of-memory error (src/engine/backend/wasmMemoryGuard.ts), not a tensor
// silently placed at address 0 over other data; the backend keeps working after it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/engine/backend';
import { isEngineError } from '../../../../src/engine/errors';

const isOutOfMemory = (e: unknown) =>
  isEngineError(e) && e.code === 'OUT_OF_MEMORY' && e.details.field === 'train.batchSize' && /^Out of memory: the wasm backend needed \d+ MB more/.test(e.message);

test('a tensor of 4 GB or more is refused at once (its size would wrap around 32 bits)', async () => {
  await initBackend('wasm');
  assert.throws(() => tf.fill([1100, 1024, 1024], 1), isOutOfMemory);
  assert.deepEqual(Array.from(tf.add(tf.ones([2]), 1).dataSync()), [2, 2]);
});

test('filling the heap gigabyte by gigabyte ends in the error, and nothing lands at address 0', async () => {
  await initBackend('wasm');
  const kept: tf.Tensor[] = [];
  let error: unknown;
  for (let i = 0; i < 5 && error === undefined; i++) {
    try {
      const t = tf.fill([256, 1024, 1024], i + 1); // 1 GB
      assert.notEqual((tf.backend() as unknown as { getMemoryOffset(id: object): number }).getMemoryOffset(t.dataId), 0);
      kept.push(t);
    } catch (e) {
      error = e;
    }
  }
  assert.ok(isOutOfMemory(error), `expected the out-of-memory error, got ${String(error)}`);
  assert.ok(kept.length >= 1 && kept.length <= 4);
  // What was there is intact, and after freeing it the backend allocates again.
  assert.equal(kept[0].dataSync()[12345], 1);
  tf.dispose(kept);
  const again = tf.fill([256, 1024, 1024], 7);
  assert.equal(again.dataSync()[99], 7);
  again.dispose();
});
