// Ablation on a trained small CNN: the split network reproduces the whole one, 0% ablation reproduces the
// unablated accuracy in every order and mode, silencing every unit of the last hidden layer leaves chance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { chooseLayers, descendingBySI, keepMask, openRun, runAblation, splitAt } from '../../../../src/engine/analyses';
import { testBatches } from '../../../../src/engine/data';
import { trainedRun } from './trainedRun';

test('orders and masks: descending SI with index ties, round(fraction * units) silenced', () => {
  assert.deepEqual(descendingBySI(Float32Array.from([0.1, 0.5, NaN, 0.5, 0.2])), [1, 3, 4, 0, 2]);
  assert.deepEqual([...keepMask([2, 0, 1, 3], 0.5)], [0, 1, 0, 1]);
  assert.deepEqual([...keepMask([2, 0, 1, 3], 0)], [1, 1, 1, 1]);
  assert.deepEqual([...keepMask([2, 0, 1, 3], 1)], [0, 0, 0, 0]);
});

test('the split at every unit layer (prefix once, suffix after) gives the model\'s own logits', async () => {
  for (const model of ['small-cnn', 'resnet20'] as const) {
    const target = await openRun(await trainedRun(model), { samples: 16 });
    try {
      const batch = testBatches(target.ds, 16).next().value!;
      const whole = tf.tidy(() => target.built.forward(batch.x, false).logits);
      for (const layer of chooseLayers(target, undefined)) {
        const split = splitAt(target.built.model, layer);
        const parts = split.prefix(batch.x);
        const logits = tf.tidy(() => split.suffix(parts[0], parts.slice(1)));
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(logits, whole))).dataSync()[0]);
        assert.ok(diff < 1e-4, `${model} ${layer}: max |difference| ${diff}`);
        tf.dispose([logits, ...parts]);
      }
      tf.dispose([whole, batch.x, batch.y]);
    } finally {
      target.dispose();
    }
  }
});

test('0% ablation is the unablated accuracy; all of the last hidden layer silenced is chance', async () => {
  const target = await openRun(await trainedRun('small-cnn'));
  try {
    const progress: number[] = [];
    const result = await runAblation(target, { layers: ['conv2', 'fc1'], fractions: [0, 0.5, 1], permutations: 3, seed: 4, onProgress: (_, d) => progress.push(d) });
    assert.ok(result.baseline.acc > 0.5, `the trained model is better than chance (${result.baseline.acc})`);
    assert.equal(result.layers.length, 4); // two layers x two modes
    for (const l of result.layers) {
      for (const curve of [l.descending, l.ascending, l.random.mean]) {
        assert.ok(Math.abs(curve[0].acc - result.baseline.acc) < 1e-6, `${l.layer} ${l.mode}: ${curve[0].acc} vs ${result.baseline.acc}`);
        assert.ok(Math.abs(curve[0].loss - result.baseline.loss) < 1e-4);
      }
      assert.equal(l.random.perPermutation.length, 3);
      assert.deepEqual(l.random.seeds, [4, 5, 6]);
      assert.ok(l.random.accLo.every((v, i) => v <= l.random.mean[i].acc + 1e-9 && l.random.accHi[i] >= l.random.mean[i].acc - 1e-9));
    }
    // Every unit of fc1 at 0: the logits are the output layer's bias, one class for every sample.
    const fc1 = result.layers.find((l) => l.layer === 'fc1' && l.mode === 'zero')!;
    const all = fc1.descending[2];
    assert.equal(all.ablated, 128);
    const share = classShares(target.ds.test.labels, 10);
    assert.ok(share.some((s) => Math.abs(s - all.acc) < 1e-9), `accuracy ${all.acc} is one class's share (${share.map((s) => s.toFixed(3))})`);
    assert.ok(Math.abs(all.acc - result.chance) < 0.1);
    // Every order silences the same set at 100%: the same accuracy.
    assert.ok(Math.abs(fc1.ascending[2].acc - all.acc) < 1e-9 && Math.abs(fc1.random.mean[2].acc - all.acc) < 1e-9);
    assert.ok(progress.length > 0 && progress[progress.length - 1] <= 1);
  } finally {
    target.dispose();
  }
});

function classShares(labels: Int32Array, classes: number): number[] {
  const c = new Array<number>(classes).fill(0);
  for (const l of labels) c[l]++;
  return c.map((v) => v / labels.length);
}
