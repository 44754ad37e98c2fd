// Representational similarity of two representations of the same samples, from accumulated moments only:
// linear CKA (Kornblith et al. 2019), its debiased form (unbiased HSIC, Song et al. 2012; near 0 for
// independent representations where plain CKA is biased upwards for few samples), and the CCA family:
// SVCCA (Raghu et al. 2017: CCA after keeping the top principal directions of each side) and PWCCA (Morcos et
// al. 2018: canonical correlations weighted by how much of the first representation each direction accounts
// for). Leavitt & Morcos (2021, section 4.2) compared regularized with unregularized networks by PWCCA, so PWCCA
// is the paper's number; SVCCA and CKA are there to cross-check it (CKA does not depend on a variance cut-off).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SimilarityResult, SimilarityScores, SimilarityUnits } from '../../protocol/analyses';
import { testBatches } from '../data';
import { EngineError } from '../errors';
import { centredCross, centredScatter, PairMomentAccumulator, type Moments, type PairMoments } from './moments';
import { symmetricEigen, type SymmetricEigen } from './symmetricEigen';
import { resultHeader, type AnalysisTarget } from './target';

function frobenius2(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

/** Linear CKA = ||Xc^T Yc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F); invariant to rotations and isotropic scaling. */
export function linearCka(p: PairMoments): number {
  const xy = frobenius2(centredCross(p));
  const xx = Math.sqrt(frobenius2(centredScatter(p.x)));
  const yy = Math.sqrt(frobenius2(centredScatter(p.y)));
  return xy / (xx * yy);
}

/** v^T M w for a row-major rows x cols M. */
function bilinear(v: Float64Array, m: Float64Array, w: Float64Array): number {
  const cols = w.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    let r = 0;
    for (let j = 0; j < cols; j++) r += m[i * cols + j] * w[j];
    s += v[i] * r;
  }
  return s;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Unbiased HSIC of linear kernels K = X X^T, L = Y Y^T with zeroed diagonals, written with feature-space sums:
 * tr(KL) = ||X^T Y||^2 - sum q r; 1'K1 = |sum x|^2 - sum q; 1'KL1 = sum_i (x_i.Sx - q_i)(y_i.Sy - r_i).
 * Translation-invariant, so the shifted sums give the same value.
 */
function unbiasedHsic(
  n: number,
  sameSide: { trKL: number; oneK: number; oneL: number; oneKL: number },
): number {
  const { trKL, oneK, oneL, oneKL } = sameSide;
  return (trKL + (oneK * oneL) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * oneKL) / (n * (n - 3));
}

/** Debiased linear CKA; needs at least 4 samples. */
export function debiasedCka(p: PairMoments): number {
  const n = p.x.n;
  if (n < 4) return NaN;
  const sx = p.x.sum;
  const sy = p.y.sum;
  const oneK = dot(sx, sx) - p.sumQ;
  const oneL = dot(sy, sy) - p.sumR;
  const xy = unbiasedHsic(n, {
    trKL: frobenius2(p.cross) - p.sumQR,
    oneK,
    oneL,
    oneKL: bilinear(sx, p.cross, sy) - dot(sy, p.qy) - dot(sx, p.rx) + p.sumQR,
  });
  const xx = unbiasedHsic(n, {
    trKL: frobenius2(p.x.outer) - p.sumQQ,
    oneK,
    oneL: oneK,
    oneKL: bilinear(sx, p.x.outer, sx) - 2 * dot(sx, p.qx) + p.sumQQ,
  });
  const yy = unbiasedHsic(n, {
    trKL: frobenius2(p.y.outer) - p.sumRR,
    oneK: oneL,
    oneL,
    oneKL: bilinear(sy, p.y.outer, sy) - 2 * dot(sy, p.ry) + p.sumRR,
  });
  return xy / Math.sqrt(xx * yy);
}

/**
 * One side's principal axes: the eigen-decomposition of its centred scatter, the costly O(d^3) step of CCA.
 * Computed once per layer and shared by every pair and variance cut-off that uses it.
 */
export function principalAxes(m: Moments): SymmetricEigen {
  return symmetricEigen(centredScatter(m), m.d, true);
}

/** Both sides' principal axes of a pair. */
export interface PairAxes {
  x: SymmetricEigen;
  y: SymmetricEigen;
}

/**
 * Whitening of one side restricted to its top principal directions: W = U_k diag(lambda_k^-1/2), d x k, and
 * G = C W = U_k diag(lambda_k^1/2) (what a direction's projections onto the units are made of).
 */
function whitening(axes: SymmetricEigen, d: number, keepVariance: number): { w: Float64Array; g: Float64Array; k: number } {
  const { values, vectors } = axes;
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  // Directions with (numerically) no variance cannot be whitened: they are dropped whatever the cut-off.
  const floor = Math.max(values[0], 0) * 1e-10;
  let k = 0;
  let acc = 0;
  while (k < d && values[k] > floor && (keepVariance >= 1 || acc < keepVariance * total)) acc += values[k++];
  const w = new Float64Array(d * k);
  const g = new Float64Array(d * k);
  for (let c = 0; c < k; c++) {
    const root = Math.sqrt(values[c]);
    for (let i = 0; i < d; i++) {
      w[i * k + c] = vectors![c * d + i] / root;
      g[i * k + c] = vectors![c * d + i] * root;
    }
  }
  return { w, g, k };
}

/** A^T B C for A (r x a), B (r x c0), C (c0 x c): a x c. */
function sandwich(a: Float64Array, aCols: number, b: Float64Array, bCols: number, c: Float64Array, cCols: number): Float64Array {
  const rows = a.length / aCols;
  const bc = new Float64Array(rows * cCols);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < bCols; k++) {
      const v = b[i * bCols + k];
      if (v === 0) continue;
      for (let j = 0; j < cCols; j++) bc[i * cCols + j] += v * c[k * cCols + j];
    }
  }
  const out = new Float64Array(aCols * cCols);
  for (let i = 0; i < rows; i++) {
    for (let p = 0; p < aCols; p++) {
      const v = a[i * aCols + p];
      if (v === 0) continue;
      for (let j = 0; j < cCols; j++) out[p * cCols + j] += v * bc[i * cCols + j];
    }
  }
  return out;
}

export interface CcaResult {
  /** Canonical correlations, descending, min(kx, ky) of them. */
  correlations: Float64Array;
  /** PWCCA weight of each canonical direction (sum over X's units of |<h_i, x_j>|), normalised to sum 1. */
  weights: Float64Array;
  kx: number;
  ky: number;
}

/**
 * CCA of the two sides after keeping each side's top principal directions up to `keepVariance` of its variance
 * (1: all directions with variance; SVCCA's usual 0.99). Canonical correlations are the singular values of
 * Wx^T Cxy Wy, found as the eigenvalues of M M^T.
 */
export function cca(p: PairMoments, keepVariance = 1, axes: PairAxes = { x: principalAxes(p.x), y: principalAxes(p.y) }): CcaResult {
  const cxy = centredCross(p);
  const dx = p.x.d;
  const dy = p.y.d;
  const wx = whitening(axes.x, dx, keepVariance);
  const wy = whitening(axes.y, dy, keepVariance);
  const m = sandwich(wx.w, wx.k, cxy, dy, wy.w, wy.k); // kx x ky
  const mmT = new Float64Array(wx.k * wx.k);
  for (let i = 0; i < wx.k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let c = 0; c < wy.k; c++) s += m[i * wy.k + c] * m[j * wy.k + c];
      mmT[i * wx.k + j] = s;
      mmT[j * wx.k + i] = s;
    }
  }
  const eig = symmetricEigen(mmT, wx.k, true);
  const count = Math.min(wx.k, wy.k);
  const correlations = new Float64Array(count);
  for (let i = 0; i < count; i++) correlations[i] = Math.min(1, Math.sqrt(Math.max(0, eig.values[i])));
  // Canonical variate h_i = Xc Wx u_i has unit variance; <h_i, x_j> = (Cxx Wx u_i)_j = (Gx u_i)_j over X's units j.
  const weights = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u = eig.vectors!.subarray(i * wx.k, (i + 1) * wx.k);
    let total = 0;
    for (let j = 0; j < dx; j++) {
      let s = 0;
      for (let c = 0; c < wx.k; c++) s += wx.g[j * wx.k + c] * u[c];
      total += Math.abs(s);
    }
    weights[i] = total;
  }
  const wsum = weights.reduce((s, v) => s + v, 0);
  if (wsum > 0) for (let i = 0; i < count; i++) weights[i] /= wsum;
  return { correlations, weights, kx: wx.k, ky: wy.k };
}

/** Every score of one pair of representations (`axes`: each side's principal axes, when already computed). */
export function similarityScores(p: PairMoments, svccaVariance = 0.99, axes: PairAxes = { x: principalAxes(p.x), y: principalAxes(p.y) }): SimilarityScores {
  const full = cca(p, 1, axes);
  const sv = cca(p, svccaVariance, axes);
  const mean = (v: Float64Array) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);
  let pw = 0;
  for (let i = 0; i < full.correlations.length; i++) pw += full.weights[i] * full.correlations[i];
  return {
    cka: linearCka(p),
    ckaDebiased: debiasedCka(p),
    pwcca: full.correlations.length ? pw : NaN,
    svcca: mean(sv.correlations),
    samples: p.x.n,
  };
}

/**
 * Similarity of two runs' layers on the same held-out samples: layers with the same name pairwise
 * ('matching'), or every layer of A against every layer of B ('all'). Units: a channel's spatial mean (the
 * selectivity unit), or with 'position' every spatial position of a conv layer is a sample of its channels
 * (both layers must then have the same spatial size).
 */
export async function runSimilarity(
  a: AnalysisTarget,
  b: AnalysisTarget,
  options: {
    layersA: string[];
    layersB: string[];
    pairing: 'matching' | 'all';
    units?: SimilarityUnits;
    onProgress?: (done: number, total: number) => void;
    /** Pairs scored so far, after every sample has been seen. */
    onScoring?: (done: number, total: number) => void;
  },
): Promise<SimilarityResult> {
  const started = Date.now();
  const units = options.units ?? 'channel';
  if (a.ds.test.n !== b.ds.test.n || !sameLabels(a.ds.test.labels, b.ds.test.labels)) {
    throw new EngineError(
      'CONFIG_INVALID',
      `${a.runDir} and ${b.runDir} do not see the same held-out samples (${a.ds.name}, ${a.ds.test.n} samples against ${b.ds.name}, ${b.ds.test.n}); compare runs on one data set and split.`,
      { field: 'data' },
    );
  }
  const pairs: Array<{ a: string; b: string }> =
    options.pairing === 'matching'
      ? options.layersA.filter((l) => options.layersB.includes(l)).map((l) => ({ a: l, b: l }))
      : options.layersA.flatMap((la) => options.layersB.map((lb) => ({ a: la, b: lb })));
  if (pairs.length === 0) {
    throw new EngineError('CONFIG_INVALID', `The two runs have no unit layer of the same name; use --all-pairs to compare every layer with every layer.`, { field: 'layers' });
  }
  const acc = pairs.map(() => new PairMomentAccumulator());
  const fromA = responses(a, [...new Set(pairs.map((p) => p.a))], units);
  const fromB = responses(b, [...new Set(pairs.map((p) => p.b))], units);
  let done = 0;
  for (let ra = fromA.next(); !ra.done; ra = fromA.next()) {
    const rb = fromB.next();
    if (rb.done) throw new Error('similarity: the second run ran out of samples');
    try {
      for (let i = 0; i < pairs.length; i++) {
        const x = ra.value.layers.get(pairs[i].a)!;
        const y = rb.value.layers.get(pairs[i].b)!;
        if (x.shape[0] !== y.shape[0]) {
          throw new EngineError('CONFIG_INVALID', `--per-position needs layers of one spatial size: ${pairs[i].a} and ${pairs[i].b} differ.`, { field: 'per-position' });
        }
        await acc[i].add(x, y);
      }
    } finally {
      tf.dispose([...ra.value.layers.values(), ...rb.value.layers.values()]);
    }
    done += ra.value.size;
    options.onProgress?.(done, a.ds.test.n);
    await new Promise<void>((r) => setImmediate(r));
  }
  const scored = await scorePairs(pairs, acc, options.onScoring);
  return {
    // After the scores: `seconds` includes the CCA.
    ...resultHeader(a, a.ds.test.n, started),
    kind: 'similarity',
    runA: a.runDir,
    runB: b.runDir,
    modelB: b.model,
    units,
    layersA: options.layersA,
    layersB: options.layersB,
    pairing: options.pairing,
    pairs: scored,
  };
}

/**
 * The scores of every pair. A layer's principal axes are computed once, kept while pairs still need them
 * (all-pairs uses each layer many times) and dropped after its last pair, so memory stays that of the layers in use.
 */
async function scorePairs(
  pairs: Array<{ a: string; b: string }>,
  acc: PairMomentAccumulator[],
  onScoring?: (done: number, total: number) => void,
): Promise<Array<{ a: string; b: string } & SimilarityScores>> {
  const keys = pairs.map((p) => ({ x: `a\n${p.a}`, y: `b\n${p.b}` }));
  const usesLeft = new Map<string, number>();
  for (const k of keys) for (const key of [k.x, k.y]) usesLeft.set(key, (usesLeft.get(key) ?? 0) + 1);
  const cached = new Map<string, SymmetricEigen>();
  const axesOf = (key: string, m: Moments): SymmetricEigen => {
    const axes = cached.get(key) ?? principalAxes(m);
    const left = usesLeft.get(key)! - 1;
    usesLeft.set(key, left);
    if (left > 0) cached.set(key, axes);
    else cached.delete(key);
    return axes;
  };
  const scored: Array<{ a: string; b: string } & SimilarityScores> = [];
  for (let i = 0; i < pairs.length; i++) {
    const p = acc[i].result();
    scored.push({ ...pairs[i], ...similarityScores(p, 0.99, { x: axesOf(keys[i].x, p.x), y: axesOf(keys[i].y, p.y) }) });
    onScoring?.(i + 1, pairs.length);
    await new Promise<void>((r) => setImmediate(r));
  }
  return scored;
}

function sameLabels(x: Int32Array, y: Int32Array): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** A symbolic layer's activation: a UnitReLU's first output (its second is the spatial means). */
function activationOf(layer: tfl.layers.Layer): tfl.SymbolicTensor {
  const out = layer.output as tfl.SymbolicTensor | tfl.SymbolicTensor[];
  return Array.isArray(out) ? out[0] : out;
}

/**
 * A run's per-layer responses batch by batch, [rows, units] each (the caller disposes them): rows are samples
 * ('channel': the unit means of one forward pass) or samples x positions ('position': the full activations).
 */
function* responses(target: AnalysisTarget, layers: string[], units: SimilarityUnits): Generator<{ layers: Map<string, tf.Tensor2D>; size: number }> {
  const { built } = target;
  const index = new Map(built.unitLayers.map((l, i) => [l.name, i]));
  const probe =
    units === 'position'
      ? tfl.model({ inputs: built.model.inputs, outputs: layers.map((l) => activationOf(built.model.getLayer(l))), name: `${built.model.name}_positions` })
      : undefined;
  for (const batch of testBatches(target.ds, target.batchSize)) {
    const slices = tf.tidy(() => {
      if (probe) {
        const outs = probe.predict(batch.x) as tf.Tensor | tf.Tensor[];
        return (Array.isArray(outs) ? outs : [outs]).map((t) => tf.reshape(t, [-1, t.shape[t.rank - 1]!]) as tf.Tensor2D);
      }
      const { unitMeans } = built.forward(batch.x, false);
      return layers.map((name) => {
        const i = index.get(name)!;
        return tf.slice(unitMeans, [0, built.unitOffsets[i]], [-1, built.unitLayers[i].units]) as tf.Tensor2D;
      });
    });
    tf.dispose([batch.x, batch.y]);
    yield { layers: new Map(layers.map((l, i) => [l, slices[i]])), size: batch.size };
  }
}
