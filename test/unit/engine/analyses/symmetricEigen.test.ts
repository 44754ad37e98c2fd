// The symmetric eigensolver against known spectra and against numpy.linalg.eigh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symmetricEigen } from '../../../../src/engine/analyses/symmetricEigen';
import { numpy, numpyAvailable } from './numpy';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** A random symmetric matrix B + B^T. */
function randomSymmetric(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const b = Float64Array.from({ length: n * n }, r);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = b[i * n + j] + b[j * n + i];
  return a;
}

test('diagonal and 2 x 2 matrices have their textbook eigenvalues', () => {
  assert.deepEqual([...symmetricEigen(Float64Array.from([3, 0, 0, 0, 1, 0, 0, 0, 2]), 3).values], [3, 2, 1]);
  // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/sqrt2 and (1, -1)/sqrt2.
  const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2, true);
  assert.ok(Math.abs(values[0] - 3) < 1e-12 && Math.abs(values[1] - 1) < 1e-12);
  assert.ok(Math.abs(Math.abs(vectors![0]) - Math.SQRT1_2) < 1e-12 && Math.abs(vectors![0] - vectors![1]) < 1e-12);
  assert.deepEqual([...symmetricEigen(Float64Array.from([5]), 1).values], [5]);
});

test('A v = lambda v and orthonormal vectors on a random 40 x 40 matrix; eigenvalues agree with numpy', () => {
  const n = 40;
  const a = randomSymmetric(n, 7);
  const { values, vectors } = symmetricEigen(a, n, true);
  const v = vectors!;
  let worst = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[k * n + j];
      worst = Math.max(worst, Math.abs(s - values[k] * v[k * n + i]));
    }
    for (let k2 = 0; k2 <= k; k2++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += v[k * n + j] * v[k2 * n + j];
      worst = Math.max(worst, Math.abs(dot - (k === k2 ? 1 : 0)));
    }
  }
  assert.ok(worst < 1e-10, `residual ${worst}`);
  for (let k = 1; k < n; k++) assert.ok(values[k] <= values[k - 1]);
  // Without vectors the values are the same.
  const only = symmetricEigen(a, n).values;
  for (let k = 0; k < n; k++) assert.ok(Math.abs(only[k] - values[k]) < 1e-10);
  if (!numpyAvailable()) return;
  const ref = numpy<number[]>('a = np.array(inp["a"]).reshape(inp["n"], inp["n"])\nout = sorted(np.linalg.eigvalsh(a).tolist(), reverse=True)', {
    a: [...a],
    n,
  });
  for (let k = 0; k < n; k++) assert.ok(Math.abs(ref[k] - values[k]) < 1e-10, `${k}: ${ref[k]} vs ${values[k]}`);
});

test('a rank-deficient covariance (repeated zero eigenvalues) converges', () => {
  // X is 10 x 3, so X^T X... here the 8 x 8 Gram of 3 directions: rank 3, five zero eigenvalues.
  const r = rng(3);
  const n = 8;
  const x = Array.from({ length: 3 }, () => Float64Array.from({ length: n }, r));
  const a = new Float64Array(n * n);
  for (const row of x) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += row[i] * row[j];
  const { values } = symmetricEigen(a, n, true);
  for (let k = 3; k < n; k++) assert.ok(Math.abs(values[k]) < 1e-12, `${values[k]}`);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i];
  assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) - trace) < 1e-12);
});
