// Selectivity index maths: hand-computed values, absent classes, network weighting, and the regularizer's
// gradient against finite differences (cpu backend, float32).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  SI_EPSILON,
  SelectivityLayout,
  batchClassMeans,
  computeUnitSI,
  layerWeightVector,
  networkSelectivity,
  preferredClasses,
  selectivityRegularizer,
  unitSelectivity,
} from '../../../../src/engine/selectivity';

function close(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what} expected ${expected}, got ${actual} (tol ${tol})`);
}

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

before(async () => {
  await tf.setBackend('cpu');
});

describe('computeUnitSI (plain JS reference)', () => {
  it('matches hand-computed values, including the 1e-7 epsilon', () => {
    // [unit][class]: a selective unit, a flat unit, a perfectly selective unit, a dead unit.
    const means = new Float32Array([4, 1, 1, 2, 2, 2, 0, 3, 0, 0, 0, 0]);
    const si = computeUnitSI(means, 4, 3);
    close(si[0], 3 / (5 + SI_EPSILON), 1e-7, 'selective');
    close(si[1], 0, 1e-7, 'flat');
    close(si[2], 3 / (3 + SI_EPSILON), 1e-7, 'one class');
    assert.equal(si[3], 0, 'an all-zero unit has SI 0, not NaN');
    // The epsilon is visible at tiny activations: (1e-7 - 0) / (1e-7 + 0 + 1e-7) = 0.5.
    close(computeUnitSI(new Float32Array([1e-7, 0]), 1, 2)[0], 0.5, 1e-3, 'epsilon');
  });

  it('leaves absent classes out of both the max and the rest-mean', () => {
    const means = new Float32Array([4, 2, 100]);
    close(computeUnitSI(means, 1, 3, [true, true, false])[0], 2 / 6, 1e-6);
    assert.equal(computeUnitSI(means, 1, 3, [false, true, false])[0], 0, 'one present class: SI 0');
    assert.deepEqual(Array.from(preferredClasses(means, 1, 3, [1, 1, 0])), [0]);
    assert.deepEqual(Array.from(preferredClasses(means, 1, 3)), [2]);
  });
});

describe('batch selectivity tensors', () => {
  it('batchClassMeans gives class means and the present-class mask', () => {
    const unitMeans = tf.tensor2d([
      [1, 10],
      [3, 20],
      [5, 0],
      [7, 2],
    ]);
    const labels = tf.tensor1d([0, 0, 2, 2], 'int32');
    const { classMeans, present } = batchClassMeans(unitMeans, labels, 4);
    assert.deepEqual(Array.from(classMeans.dataSync()), [2, 15, 0, 0, 6, 1, 0, 0]);
    assert.deepEqual(Array.from(present.dataSync()), [1, 0, 1, 0]);
    tf.dispose([unitMeans, labels, classMeans, present]);
  });

  it('unitSelectivity equals the JS reference, absent classes included', () => {
    const r = rng(7);
    const C = 5;
    const U = 9;
    const cm = Float32Array.from({ length: C * U }, () => r() * 3);
    cm.fill(0, 4 * U, 4 * U + U); // unit rows [C][U]: class 4 all zero...
    const present = [1, 1, 0, 1, 1];
    const si = tf.tidy(() => unitSelectivity(tf.tensor2d(cm, [C, U]), tf.tensor1d(present)).dataSync());
    const unitMajor = new Float32Array(U * C);
    for (let c = 0; c < C; c++) for (let u = 0; u < U; u++) unitMajor[u * C + c] = cm[c * U + u];
    const expected = computeUnitSI(unitMajor, U, C, present);
    for (let u = 0; u < U; u++) close(si[u], expected[u], 1e-5, `unit ${u}`);
    const dead = tf.tidy(() => unitSelectivity(tf.zeros([3, 2]), tf.ones([3])).dataSync());
    assert.deepEqual(Array.from(dead), [0, 0]);
  });

  it('network SI is the mean over selected layers of the mean over units', () => {
    const layers = [
      { name: 'a', units: 2 },
      { name: 'b', units: 3 },
    ];
    const w = layerWeightVector(layers);
    assert.deepEqual(Array.from(w), [0.25, 0.25, 1 / 6, 1 / 6, 1 / 6].map(Math.fround));
    const siValues = [0.2, 0.4, 0.1, 0.5, 0.9];
    const net = tf.tidy(() => networkSelectivity(tf.tensor1d(siValues), tf.tensor1d(w)).dataSync()[0]);
    close(net, (0.3 + 0.5) / 2, 1e-6);
    const onlyB = layerWeightVector(layers, ['b']);
    assert.deepEqual(Array.from(onlyB.slice(0, 2)), [0, 0]);
    const netB = tf.tidy(() => networkSelectivity(tf.tensor1d(siValues), tf.tensor1d(onlyB)).dataSync()[0]);
    close(netB, 0.5, 1e-6);
  });

  it('selectivityRegularizer reports per-layer means and the selected network SI', () => {
    const layers = [
      { name: 'a', units: 2 },
      { name: 'b', units: 3 },
    ];
    const layout = new SelectivityLayout(layers, 3, ['a']);
    const r = rng(3);
    const x = tf.tensor2d(Float32Array.from({ length: 6 * 5 }, () => r()), [6, 5]);
    const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const { netSI, layerMeanSI, si } = selectivityRegularizer(x, y, layout);
    const s = si.dataSync();
    const lm = layerMeanSI.dataSync();
    close(lm[0], (s[0] + s[1]) / 2, 1e-6, 'layer a');
    close(lm[1], (s[2] + s[3] + s[4]) / 3, 1e-6, 'layer b');
    close(netSI.dataSync()[0], lm[0], 1e-6, 'net = layer a only');
    tf.dispose([x, y, netSI, layerMeanSI, si]);
    layout.dispose();
  });

  it("the regularizer's gradient matches central finite differences", () => {
    const layers = [
      { name: 'a', units: 2 },
      { name: 'b', units: 2 },
    ];
    const layout = new SelectivityLayout(layers, 3);
    const r = rng(11);
    const b = 7;
    const values = Float32Array.from({ length: b * 4 }, () => 0.2 + r());
    // Class 2 absent: the gradient must ignore it too.
    const labels = tf.tensor1d([0, 1, 0, 1, 0, 1, 1], 'int32');
    const f = (x: tf.Tensor2D) => selectivityRegularizer(x, labels, layout).netSI;
    const x0 = tf.tensor2d(values, [b, 4]);
    const grad = tf.tidy(() => tf.grad((x: tf.Tensor) => f(x as tf.Tensor2D))(x0).dataSync());
    const h = 1e-2;
    let maxAbs = 0;
    for (let i = 0; i < values.length; i++) {
      const numeric = tf.tidy(() => {
        const plus = values.slice();
        const minus = values.slice();
        plus[i] += h;
        minus[i] -= h;
        const fp = f(tf.tensor2d(plus, [b, 4])).dataSync()[0];
        const fm = f(tf.tensor2d(minus, [b, 4])).dataSync()[0];
        return (fp - fm) / (2 * h);
      });
      maxAbs = Math.max(maxAbs, Math.abs(grad[i]));
      close(grad[i], numeric, 2e-3 + 0.02 * Math.abs(numeric), `d netSI / d x[${i}]`);
    }
    assert.ok(maxAbs > 1e-3, 'the gradient is not trivially zero');
    tf.dispose([x0, labels]);
    layout.dispose();
  });
});
