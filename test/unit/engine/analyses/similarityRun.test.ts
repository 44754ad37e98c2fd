// Similarity between runs on a trained small CNN: a run against itself scores 1 by every measure, per channel
// mean and per position; layers of different spatial size cannot be compared per position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRun, runSimilarity } from '../../../../src/engine/analyses';
import { trainedRun } from './trainedRun';

test('a run against itself: CKA, debiased CKA, PWCCA and SVCCA are 1, per channel and per position', async () => {
  const target = await openRun(await trainedRun('small-cnn'), { samples: 48, batchSize: 16 });
  try {
    for (const units of ['channel', 'position'] as const) {
      const r = await runSimilarity(target, target, { layersA: ['conv1', 'fc1'], layersB: ['conv1', 'fc1'], pairing: 'matching', units });
      assert.equal(r.units, units);
      assert.equal(r.pairs.length, 2);
      for (const p of r.pairs) {
        for (const k of ['cka', 'ckaDebiased', 'pwcca', 'svcca'] as const) assert.ok(Math.abs(p[k] - 1) < 1e-3, `${units} ${p.a} ${k} = ${p[k]}`);
      }
      // Per position conv1 sees 48 x 28 x 28 rows; fc1 (dense) one row per sample.
      assert.equal(r.pairs[0].samples, units === 'position' ? 48 * 28 * 28 : 48);
      assert.equal(r.pairs[1].samples, 48);
    }
    // Across layers, per channel: fine; per position conv1 (28 x 28) against conv2 (14 x 14): one clear error.
    const across = await runSimilarity(target, target, { layersA: ['conv1'], layersB: ['conv2'], pairing: 'all' });
    assert.ok(across.pairs[0].cka > 0 && across.pairs[0].cka < 1);
    await assert.rejects(
      runSimilarity(target, target, { layersA: ['conv1'], layersB: ['conv2'], pairing: 'all', units: 'position' }),
      /--per-position needs layers of one spatial size: conv1 and conv2 differ/,
    );
  } finally {
    target.dispose();
  }
});

test('all pairs share each layer\'s principal axes and score every pair as a run of that pair alone would', async () => {
  const target = await openRun(await trainedRun('small-cnn'), { samples: 48, batchSize: 16 });
  try {
    const layers = ['conv1', 'conv2', 'fc1'];
    const scoring: Array<[number, number]> = [];
    const all = await runSimilarity(target, target, { layersA: layers, layersB: layers, pairing: 'all', onScoring: (d, n) => scoring.push([d, n]) });
    assert.equal(all.pairs.length, 9);
    assert.deepEqual(scoring, Array.from({ length: 9 }, (_, i) => [i + 1, 9]), 'one report per scored pair');
    for (const pair of [{ a: 'conv1', b: 'conv2' }, { a: 'fc1', b: 'conv1' }, { a: 'conv2', b: 'conv2' }]) {
      const alone = await runSimilarity(target, target, { layersA: [pair.a], layersB: [pair.b], pairing: 'all' });
      const shared = all.pairs.find((p) => p.a === pair.a && p.b === pair.b);
      assert.deepEqual(shared, alone.pairs[0], `${pair.a} x ${pair.b}`);
    }
  } finally {
    target.dispose();
  }
});
