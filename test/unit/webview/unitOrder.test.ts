// The SI ranking every panel view follows: the packed native sort gives exactly the comparator's order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankings, unitsBySI } from '../../../webview/shared/unitOrder';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

test('packed ranking equals the comparator ranking: ties, -0, NaN, infinities, negative SI', () => {
  const rand = lcg(11);
  for (const n of [0, 1, 2, 7, 64, 2048, 5000]) {
    const si = new Float32Array(n);
    for (let u = 0; u < n; u++) {
      const r = rand();
      si[u] =
        r < 0.05 ? NaN : r < 0.08 ? Infinity : r < 0.1 ? -Infinity : r < 0.15 ? -0 : r < 0.2 ? 0 : r < 0.3 ? 0.25 : r < 0.35 ? -rand() : rand();
    }
    assert.deepEqual(Array.from(rankings.rankPacked(si)), Array.from(rankings.rankCompared(si)), `n = ${n}`);
  }
});

test('highest SI first, ties by unit index, what is not a number last; cached per array', () => {
  const si = Float32Array.from([0.5, NaN, 0.9, 0.5, -0.1, 1]);
  assert.deepEqual(Array.from(unitsBySI(si)), [5, 2, 0, 3, 4, 1]);
  assert.equal(unitsBySI(si), unitsBySI(si));
});
