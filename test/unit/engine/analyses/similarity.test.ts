// CKA, debiased CKA, CCA and dimensionality against values known without the code (invariances, a known
// spectrum) and against numpy computing the same quantities from the full data matrices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { MomentAccumulator, PairMomentAccumulator, type PairMoments } from '../../../../src/engine/analyses/moments';
import { cca, debiasedCka, linearCka, similarityScores } from '../../../../src/engine/analyses/similarity';
import { componentsFor, layerDimensionality, participationRatio } from '../../../../src/engine/analyses/dimensionality';
import { numpy, numpyAvailable } from './numpy';

function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** n x d row-major standard normal, with column j scaled by scales[j] when given. */
function randn(n: number, d: number, seed: number, scales?: number[]): Float64Array {
  const g = gaussian(seed);
  return Float64Array.from({ length: n * d }, (_, i) => g() * (scales ? scales[i % d] : 1));
}

function matmul(a: Float64Array, n: number, k: number, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) for (let j = 0; j < m; j++) out[i * m + j] += a[i * k + p] * b[p * m + j];
  return out;
}

/** A random orthogonal d x d matrix (Gram-Schmidt of a Gaussian one). */
function orthogonal(d: number, seed: number): Float64Array {
  const q = randn(d, d, seed);
  for (let c = 0; c < d; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += q[i * d + c] * q[i * d + p];
      for (let i = 0; i < d; i++) q[i * d + c] -= dot * q[i * d + p];
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += q[i * d + c] ** 2;
    for (let i = 0; i < d; i++) q[i * d + c] /= Math.sqrt(norm);
  }
  return q;
}

/** Pair moments over batches of `batch` rows, as the engine feeds them. */
async function pairOf(x: Float64Array, dx: number, y: Float64Array, dy: number, n: number, batch = 64): Promise<PairMoments> {
  const acc = new PairMomentAccumulator();
  for (let s = 0; s < n; s += batch) {
    const e = Math.min(n, s + batch);
    const xb = tf.tensor2d(Float32Array.from(x.subarray(s * dx, e * dx)), [e - s, dx]);
    const yb = tf.tensor2d(Float32Array.from(y.subarray(s * dy, e * dy)), [e - s, dy]);
    await acc.add(xb, yb);
    tf.dispose([xb, yb]);
  }
  return acc.result();
}

const N = 300;
const D = 12;

test('CKA(X, XQ) = 1 for an orthogonal Q and CKA(X, aX + b) = 1; both CKAs and CCA are 1 for X against itself', async () => {
  const x = randn(N, D, 1, Array.from({ length: D }, (_, j) => 1 + j));
  const xq = matmul(x, N, D, orthogonal(D, 2), D);
  const p = await pairOf(x, D, xq, D, N);
  assert.ok(Math.abs(linearCka(p) - 1) < 1e-5, `CKA ${linearCka(p)}`);
  assert.ok(Math.abs(debiasedCka(p) - 1) < 1e-5, `debiased ${debiasedCka(p)}`);
  // a X + b with a per-column offset: isotropic scaling and translation.
  const shiftedScaled = Float64Array.from(x, (v, i) => 3.5 * v + 10 + (i % D));
  const p2 = await pairOf(x, D, shiftedScaled, D, N);
  assert.ok(Math.abs(linearCka(p2) - 1) < 1e-5, `CKA ${linearCka(p2)}`);
  assert.ok(Math.abs(debiasedCka(p2) - 1) < 1e-4, `debiased ${debiasedCka(p2)}`);
  // Anisotropic scaling is not an invariance of CKA: it drops below 1.
  const stretched = Float64Array.from(x, (v, i) => (i % D === 0 ? 20 * v : v));
  assert.ok(linearCka(await pairOf(x, D, stretched, D, N)) < 0.99);
});

test('debiased CKA of independent random matrices is near 0 while plain CKA is biased upwards', async () => {
  const n = 200;
  const d = 50;
  const p = await pairOf(randn(n, d, 11), d, randn(n, d, 12), d, n);
  const plain = linearCka(p);
  const debiased = debiasedCka(p);
  // With d / n = 0.25 plain CKA of unrelated data sits near d / (n + d) ~ 0.2; the debiased one near 0.
  assert.ok(plain > 0.1, `plain ${plain}`);
  assert.ok(Math.abs(debiased) < 0.03, `debiased ${debiased}`);
});

test('CCA correlations of a full-rank linear map are all 1; of independent data all small', async () => {
  const x = randn(N, D, 21);
  const a = randn(D, D, 22);
  const y = matmul(x, N, D, a, D);
  const full = cca(await pairOf(x, D, y, D, N), 1);
  assert.equal(full.correlations.length, D);
  for (const r of full.correlations) assert.ok(Math.abs(r - 1) < 1e-4, `rho ${r}`);
  const scores = similarityScores(await pairOf(x, D, y, D, N));
  assert.ok(Math.abs(scores.pwcca - 1) < 1e-4);
  const indep = cca(await pairOf(x, D, randn(N, 5, 23), 5, N), 1);
  assert.equal(indep.correlations.length, 5);
  assert.ok(indep.correlations[0] < 0.4, `${indep.correlations[0]}`);
});

test('CKA, debiased CKA and canonical correlations agree with numpy on the full data matrices', async (t) => {
  if (!numpyAvailable()) return t.skip('numpy (python3-numpy) is not installed');
  const n = 150;
  const dx = 9;
  const dy = 6;
  const x = randn(n, dx, 31, [3, 1, 1, 2, 0.5, 1, 1, 4, 1]);
  const noise = randn(n, dy, 32);
  const y = Float64Array.from(matmul(x, n, dx, randn(dx, dy, 33), dy), (v, i) => v + 2 * noise[i] + 5);
  const p = await pairOf(x, dx, y, dy, n, 40);
  const ref = numpy<{ cka: number; dcka: number; rho: number[] }>(
    `
X = np.array(inp["x"]).reshape(inp["n"], inp["dx"]); Y = np.array(inp["y"]).reshape(inp["n"], inp["dy"])
n = X.shape[0]
def hsic_u(K, L):
    K = K.copy(); L = L.copy(); np.fill_diagonal(K, 0); np.fill_diagonal(L, 0); one = np.ones(n)
    return (np.trace(K @ L) + (one @ K @ one) * (one @ L @ one) / ((n - 1) * (n - 2)) - 2 / (n - 2) * (one @ K @ L @ one)) / (n * (n - 3))
K = X @ X.T; L = Y @ Y.T
dcka = hsic_u(K, L) / np.sqrt(hsic_u(K, K) * hsic_u(L, L))
Xc = X - X.mean(0); Yc = Y - Y.mean(0)
cka = np.linalg.norm(Xc.T @ Yc) ** 2 / (np.linalg.norm(Xc.T @ Xc) * np.linalg.norm(Yc.T @ Yc))
qx, _ = np.linalg.qr(Xc); qy, _ = np.linalg.qr(Yc)
rho = np.linalg.svd(qx.T @ qy, compute_uv=False)
out = {"cka": cka, "dcka": dcka, "rho": sorted(rho.tolist(), reverse=True)}
`,
    { x: [...x], y: [...y], n, dx, dy },
  );
  assert.ok(Math.abs(linearCka(p) - ref.cka) < 1e-5, `${linearCka(p)} vs ${ref.cka}`);
  assert.ok(Math.abs(debiasedCka(p) - ref.dcka) < 1e-4, `${debiasedCka(p)} vs ${ref.dcka}`);
  const rho = cca(p, 1).correlations;
  assert.equal(rho.length, ref.rho.length);
  ref.rho.forEach((r, i) => assert.ok(Math.abs(rho[i] - r) < 1e-4, `rho ${i}: ${rho[i]} vs ${r}`));
});

test('participation ratio and components for 90% / 95% of a known spectrum', async () => {
  assert.equal(participationRatio(Float64Array.from([1, 1, 1, 1])), 4);
  assert.equal(participationRatio(Float64Array.from([1, 0, 0])), 1);
  // Variances 6, 2, 1, 1 (total 10): PR = 100 / 42; 90% needs 3 components, 95% all 4.
  const values = Float64Array.from([6, 2, 1, 1]);
  assert.ok(Math.abs(participationRatio(values) - 100 / 42) < 1e-12);
  assert.equal(componentsFor(values, 0.9), 3);
  assert.equal(componentsFor(values, 0.95), 4);
  // The same spectrum as data: independent columns with those variances, rotated by an orthogonal Q.
  const n = 4000;
  const x = matmul(randn(n, 4, 41, [6, 2, 1, 1].map(Math.sqrt)), n, 4, orthogonal(4, 42), 4);
  const acc = new MomentAccumulator();
  for (let s = 0; s < n; s += 500) {
    const b = tf.tensor2d(Float32Array.from(x.subarray(s * 4, (s + 500) * 4)), [500, 4]);
    await acc.add(b);
    b.dispose();
  }
  const dim = layerDimensionality('fc', acc.result());
  assert.ok(Math.abs(dim.participationRatio - 100 / 42) < 0.15, `PR ${dim.participationRatio}`);
  assert.equal(dim.components95, 4);
  assert.ok(Math.abs(dim.spectrum[0] - 0.6) < 0.03);
});

test('a 2,048-unit layer: moments accumulate in O(units^2) and both CKAs come out without any n x n matrix', async () => {
  const d = 2048;
  const n = 24;
  const x = randn(n, d, 51);
  const y = Float64Array.from(x, (v) => -2 * v + 1);
  const p = await pairOf(x, d, y, d, n, 8);
  assert.equal(p.x.outer.length, d * d);
  assert.equal(p.cross.length, d * d);
  assert.ok(Math.abs(linearCka(p) - 1) < 1e-4, `CKA ${linearCka(p)}`);
  assert.ok(Math.abs(debiasedCka(p) - 1) < 1e-3, `debiased ${debiasedCka(p)}`);
});
