// First and second moments of one representation, or of a pair, accumulated batch by batch: memory is
// O(d^2) whatever the number of samples (a 2,048-unit layer holds 32 MiB per matrix). Batch products run in
// tfjs (float32, on rows shifted by the first batch's mean so they stay small), running sums in float64.
// The pair also keeps what the debiased (unbiased-HSIC) CKA needs, which would otherwise take n x n Grams.
import * as tf from '@tensorflow/tfjs-core';

/** Sums over samples of one representation, rows shifted by `shift`. */
export interface Moments {
  n: number;
  d: number;
  shift: Float64Array;
  /** sum of x (shifted). */
  sum: Float64Array;
  /** sum of x x^T (shifted), d x d row-major. */
  outer: Float64Array;
}

/** The debiased-HSIC sums for a pair, with q_i = |x_i|^2 and r_i = |y_i|^2 (shifted rows). */
export interface PairMoments {
  x: Moments;
  y: Moments;
  /** sum of x y^T, dx x dy. */
  cross: Float64Array;
  sumQR: number;
  sumQQ: number;
  sumRR: number;
  sumQ: number;
  sumR: number;
  /** sum of r_i x_i (dx), q_i y_i (dy), q_i x_i (dx), r_i y_i (dy). */
  rx: Float64Array;
  qy: Float64Array;
  qx: Float64Array;
  ry: Float64Array;
}

async function addInto(target: Float64Array, t: tf.Tensor): Promise<void> {
  const v = await t.data();
  for (let i = 0; i < v.length; i++) target[i] += v[i];
}

/** Read asynchronously: a GPU backend refuses synchronous reads. */
async function startMoments(first: tf.Tensor2D): Promise<Moments> {
  const d = first.shape[1];
  const mean = tf.mean(first, 0);
  const shift = Float64Array.from(await mean.data());
  mean.dispose();
  return {
    n: 0,
    d,
    shift,
    sum: new Float64Array(d),
    outer: new Float64Array(d * d),
  };
}

function shifted(x: tf.Tensor2D, m: Moments): tf.Tensor2D {
  return tf.sub(x, tf.tensor1d(Float32Array.from(m.shift))) as tf.Tensor2D;
}

/** Moments of one representation ([b, d] batches); dimensionality needs only these. */
export class MomentAccumulator {
  private m: Moments | undefined;

  async add(x: tf.Tensor2D): Promise<void> {
    if (x.shape[0] === 0) return;
    const m = (this.m ??= await startMoments(x));
    if (x.shape[1] !== m.d) throw new Error(`MomentAccumulator: expected ${m.d} columns, got ${x.shape[1]}`);
    const [s, o] = tf.tidy(() => {
      const xs = shifted(x, m);
      return [tf.sum(xs, 0), tf.matMul(xs, xs, true, false)];
    });
    try {
      await addInto(m.sum, s);
      await addInto(m.outer, o);
    } finally {
      tf.dispose([s, o]);
    }
    m.n += x.shape[0];
  }

  result(): Moments {
    if (!this.m) throw new Error('MomentAccumulator: no samples');
    return this.m;
  }
}

/** Moments of two representations of the same samples ([b, dx] and [b, dy] batches, rows aligned). */
export class PairMomentAccumulator {
  private p: PairMoments | undefined;

  async add(x: tf.Tensor2D, y: tf.Tensor2D): Promise<void> {
    if (x.shape[0] !== y.shape[0]) throw new Error(`PairMomentAccumulator: ${x.shape[0]} rows against ${y.shape[0]}`);
    if (x.shape[0] === 0) return;
    const p = (this.p ??= await startPair(x, y));
    const parts = tf.tidy(() => {
      const xs = shifted(x, p.x);
      const ys = shifted(y, p.y);
      const q = tf.sum(tf.square(xs), 1);
      const r = tf.sum(tf.square(ys), 1);
      const col = (v: tf.Tensor) => tf.expandDims(v, 1);
      return [
        tf.sum(xs, 0),
        tf.sum(ys, 0),
        tf.matMul(xs, xs, true, false),
        tf.matMul(ys, ys, true, false),
        tf.matMul(xs, ys, true, false),
        tf.stack([tf.sum(tf.mul(q, r)), tf.sum(tf.square(q)), tf.sum(tf.square(r)), tf.sum(q), tf.sum(r)]),
        tf.sum(tf.mul(xs, col(r)), 0),
        tf.sum(tf.mul(ys, col(q)), 0),
        tf.sum(tf.mul(xs, col(q)), 0),
        tf.sum(tf.mul(ys, col(r)), 0),
      ];
    });
    try {
      const [sx, sy, oxx, oyy, oxy, scalars, rx, qy, qx, ry] = parts;
      await addInto(p.x.sum, sx);
      await addInto(p.y.sum, sy);
      await addInto(p.x.outer, oxx);
      await addInto(p.y.outer, oyy);
      await addInto(p.cross, oxy);
      const s = await scalars.data();
      p.sumQR += s[0];
      p.sumQQ += s[1];
      p.sumRR += s[2];
      p.sumQ += s[3];
      p.sumR += s[4];
      await addInto(p.rx, rx);
      await addInto(p.qy, qy);
      await addInto(p.qx, qx);
      await addInto(p.ry, ry);
    } finally {
      tf.dispose(parts);
    }
    p.x.n += x.shape[0];
    p.y.n += y.shape[0];
  }

  result(): PairMoments {
    if (!this.p) throw new Error('PairMomentAccumulator: no samples');
    return this.p;
  }
}

async function startPair(x: tf.Tensor2D, y: tf.Tensor2D): Promise<PairMoments> {
  const mx = await startMoments(x);
  const my = await startMoments(y);
  return {
    x: mx,
    y: my,
    cross: new Float64Array(mx.d * my.d),
    sumQR: 0,
    sumQQ: 0,
    sumRR: 0,
    sumQ: 0,
    sumR: 0,
    rx: new Float64Array(mx.d),
    qy: new Float64Array(my.d),
    qx: new Float64Array(mx.d),
    ry: new Float64Array(my.d),
  };
}

/** Centred scatter: sum (x - mean)(x - mean)^T = outer - sum sum^T / n (shift cancels). d x d. */
export function centredScatter(m: Moments): Float64Array {
  const { d, n, sum, outer } = m;
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[i * d + j] = outer[i * d + j] - (sum[i] * sum[j]) / n;
  return c;
}

/** Centred cross scatter sum (x - mx)(y - my)^T, dx x dy. */
export function centredCross(p: PairMoments): Float64Array {
  const { x, y, cross } = p;
  const n = x.n;
  const c = new Float64Array(x.d * y.d);
  for (let i = 0; i < x.d; i++) for (let j = 0; j < y.d; j++) c[i * y.d + j] = cross[i * y.d + j] - (x.sum[i] * y.sum[j]) / n;
  return c;
}
