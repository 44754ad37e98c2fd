// Corruptions and attacks: severity 0 and epsilon 0 are the identity, noise is reproducible from its seed,
// attacks stay inside their epsilon ball and hurt a trained model; top inputs are the strongest responses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { CORRUPTIONS } from '../../../../src/protocol/analyses';
import { attackBatch, corruptImage, measureUnits, normalizer, openRun, pixelBatches, runRobustness, runTopInputs } from '../../../../src/engine/analyses';
import { trainedRun } from './trainedRun';

const shape = { h: 8, w: 8, c: 3 };
const img = Float32Array.from({ length: 8 * 8 * 3 }, (_, i) => ((i * 37) % 101) / 100);

test('every corruption at severity 0 is the identity; at 1..5 it changes the image, more with severity', () => {
  for (const name of CORRUPTIONS) {
    assert.deepEqual(corruptImage(name, 0, img, shape, 1, 0), img, name);
    let last = 0;
    for (let s = 1; s <= 5; s++) {
      const out = corruptImage(name, s, img, shape, 1, 0);
      assert.ok(out.every((v) => v >= 0 && v <= 1), `${name} ${s}: pixels stay in [0, 1]`);
      const dist = out.reduce((a, v, i) => a + Math.abs(v - img[i]), 0);
      assert.ok(dist > 0, `${name} at severity ${s} changes the image`);
      if (name !== 'pixelate' && name !== 'blur') assert.ok(dist >= last - 1e-6, `${name}: severity ${s} is at least as strong as ${s - 1}`);
      last = dist;
    }
  }
  assert.throws(() => corruptImage('blur', 6, img, shape, 1, 0), /severity must be 0..5/);
});

test('gaussian noise is reproducible from (seed, sample) and differs across seeds and samples', () => {
  const a = corruptImage('gaussianNoise', 3, img, shape, 7, 12);
  assert.deepEqual(corruptImage('gaussianNoise', 3, img, shape, 7, 12), a);
  assert.notDeepEqual(corruptImage('gaussianNoise', 3, img, shape, 8, 12), a);
  assert.notDeepEqual(corruptImage('gaussianNoise', 3, img, shape, 7, 13), a);
});

test('FGSM at epsilon 0 changes nothing; FGSM and PGD stay in the epsilon ball and lower accuracy', async () => {
  const target = await openRun(await trainedRun('small-cnn'), { samples: 64 });
  const norm = normalizer(target.ds);
  try {
    const b = pixelBatches(target.ds, 64).next().value!;
    const x = tf.tensor4d(b.x01, [b.size, 28, 28, 1]);
    const y = tf.tensor1d(b.labels, 'int32');
    const same = attackBatch(target.built, norm.apply, x, y, 10, { attack: 'fgsm', eps: 0, steps: 1 });
    assert.deepEqual(await same.data(), await x.data());
    for (const attack of ['fgsm', 'pgd'] as const) {
      const adv = attackBatch(target.built, norm.apply, x, y, 10, { attack, eps: 0.1, steps: 3 });
      const [maxDiff, lo, hi] = tf.tidy(() => [tf.max(tf.abs(tf.sub(adv, x))), tf.min(adv), tf.max(adv)].map((t) => t.dataSync()[0]));
      assert.ok(maxDiff <= 0.1 + 1e-6 && maxDiff > 0.05, `${attack}: |delta| max ${maxDiff}`);
      assert.ok(lo >= 0 && hi <= 1);
      adv.dispose();
    }
    tf.dispose([same, x, y]);
    const r = await runRobustness(target, { epsilons: [0, 0.1], pgdSteps: 3, corruptions: ['gaussianNoise', 'contrast'] });
    const base = await measureUnits(target);
    assert.ok(Math.abs(r.clean.acc - base.acc) < 1e-9, 'clean accuracy is the held-out accuracy');
    const fgsm0 = r.adversarial.find((a) => a.attack === 'fgsm' && a.eps === 0)!;
    assert.equal(fgsm0.acc, r.clean.acc);
    const fgsm = r.adversarial.find((a) => a.attack === 'fgsm' && a.eps === 0.1)!;
    const pgd = r.adversarial.find((a) => a.attack === 'pgd' && a.eps === 0.1)!;
    assert.ok(fgsm.acc < r.clean.acc, `FGSM ${fgsm.acc} < clean ${r.clean.acc}`);
    assert.ok(pgd.acc <= fgsm.acc + 0.05, `PGD ${pgd.acc} is no weaker than FGSM ${fgsm.acc}`);
    assert.equal(r.corruptions.length, 2);
    assert.equal(r.corruptions[0].accBySeverity.length, 5);
    // Seeded: the same call gives the same numbers.
    const again = await runRobustness(target, { epsilons: [], corruptions: ['gaussianNoise'] });
    assert.deepEqual(again.corruptions[0].accBySeverity, r.corruptions[0].accBySeverity);
  } finally {
    norm.dispose();
    target.dispose();
  }
});

test('top inputs: each unit\'s list is its strongest responses, per class lists hold only that class', async () => {
  const target = await openRun(await trainedRun('small-cnn'), { samples: 100 });
  try {
    const r = await runTopInputs(target, { layers: ['conv1', 'fc1'], k: 5, perClassK: 2 });
    const C = target.built.unitLayers[0].units;
    assert.equal(r.layers[0].units.length, C);
    // Brute force for conv1: every sample's unit responses in one forward pass.
    const all = tf.tidy(() => {
      const xs = [...pixelBatches(target.ds, 100)][0];
      const x = tf.div(tf.sub(tf.tensor4d(xs.x01, [100, 28, 28, 1]), target.ds.mean[0]), target.ds.std[0]) as tf.Tensor4D;
      return tf.slice(target.built.forward(x, false).unitMeans, [0, 0], [-1, C]);
    });
    const v = await all.data();
    all.dispose();
    for (const u of r.layers[0].units) {
      const ranked = Array.from({ length: 100 }, (_, i) => i).sort((a, b) => v[b * C + u.unit] - v[a * C + u.unit] || a - b);
      assert.ok(Math.abs(u.values[0] - v[ranked[0] * C + u.unit]) < 1e-5, `unit ${u.unit}: top value`);
      for (let j = 1; j < u.values.length; j++) assert.ok(u.values[j] <= u.values[j - 1]);
      u.perClass.forEach((ids, c) => ids.forEach((i) => assert.equal(target.ds.test.labels[i], c)));
    }
    for (const l of r.layers) for (const u of l.units) for (const i of u.top) assert.ok(r.thumbnails[i] && r.labels[i] !== undefined);
    assert.equal(Buffer.from(Object.values(r.thumbnails)[0], 'base64').length, 28 * 28);
  } finally {
    target.dispose();
  }
});
