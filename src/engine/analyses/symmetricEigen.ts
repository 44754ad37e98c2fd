// Eigen-decomposition of a real symmetric matrix (covariances), in float64: Householder reduction to
// tridiagonal form, then the implicit QL iteration with Wilkinson-type shifts. No linear algebra library is
// installed and tfjs has no symmetric eigensolver; O(n^3), a 2,048 x 2,048 covariance takes seconds without
// vectors and about a minute with them.

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors as rows (row k, length n, belongs to values[k]), when asked for. */
  vectors?: Float64Array;
}

/**
 * Eigenvalues (and optionally eigenvectors) of the symmetric n x n matrix `a` (row-major; only read).
 * Throws when the QL iteration does not converge (NaN or infinite input).
 */
export function symmetricEigen(a: Float64Array, n: number, wantVectors = false): SymmetricEigen {
  if (a.length !== n * n) throw new Error(`symmetricEigen: expected ${n * n} entries, got ${a.length}`);
  const w = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // Rows of qt are the columns of the orthogonal Q with Q^T A Q = T; the QL rotations then turn them into
  // eigenvectors. Rows, not columns, so that each rotation touches two contiguous rows.
  const qt = wantVectors ? tridiagonalize(w, n, d, e, true) : (tridiagonalize(w, n, d, e, false), undefined);
  tridiagonalQL(d, e, n, qt);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j] - d[i]);
  const values = Float64Array.from(order, (i) => d[i]);
  if (!qt) return { values };
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => vectors.set(qt.subarray(src * n, src * n + n), dst * n));
  return { values, vectors };
}

/**
 * Reduces the symmetric `w` (overwritten) to tridiagonal form: diagonal in d, sub-diagonal in e[0..n-2]
 * (e[i] couples i and i+1). Returns Q^T (row-major) when `accumulate`.
 */
function tridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array, accumulate: boolean): Float64Array | undefined {
  const reflectors: Array<{ k: number; v: Float64Array; beta: number }> = [];
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // Householder vector v that maps column k below the diagonal, x = w[k+1.., k], onto -sign(x0)|x| e1.
    const m = n - k - 1;
    const v = new Float64Array(m);
    let norm2 = 0;
    for (let i = 0; i < m; i++) {
      // Column k below the diagonal: in the (kept) lower triangle.
      const x = w[(k + 1 + i) * n + k];
      v[i] = x;
      norm2 += x * x;
    }
    const norm = Math.sqrt(norm2);
    if (norm === 0 || norm2 - v[0] * v[0] === 0) {
      // Already tridiagonal in this column.
      e[k] = v[0];
      continue;
    }
    const alpha = v[0] >= 0 ? -norm : norm;
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < m; i++) vv += v[i] * v[i];
    const beta = 2 / vv;
    // Trailing block B <- H B H with H = I - beta v v^T: p = beta B v, q = p - (beta/2)(v.p) v, B -= v q^T + q v^T.
    // Only B's lower triangle is kept up to date (half the work); p = B v reads it from both sides.
    p.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const row = (k + 1 + i) * n + k + 1;
      const vi = v[i];
      let s = w[row + i] * vi;
      for (let j = 0; j < i; j++) {
        const b = w[row + j];
        s += b * v[j];
        p[j] += b * vi;
      }
      p[i] += s;
    }
    let vp = 0;
    for (let i = 0; i < m; i++) {
      p[i] *= beta;
      vp += v[i] * p[i];
    }
    const half = (beta / 2) * vp;
    for (let i = 0; i < m; i++) p[i] -= half * v[i];
    for (let i = 0; i < m; i++) {
      const row = (k + 1 + i) * n + k + 1;
      const vi = v[i];
      const qi = p[i];
      for (let j = 0; j <= i; j++) w[row + j] -= vi * p[j] + qi * v[j];
    }
    e[k] = alpha;
    if (accumulate) reflectors.push({ k, v, beta });
  }
  if (n >= 2) e[n - 2] = w[(n - 1) * n + n - 2];
  e[n - 1] = 0;
  for (let i = 0; i < n; i++) d[i] = w[i * n + i];
  if (!accumulate) return undefined;
  // Q = H_0 H_1 ... H_{n-3}, built right to left; each H_k touches rows and columns k+1.. only; Q is
  // transposed at the end (rows of Q^T are what the QL rotations mix).
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const t = new Float64Array(n);
  for (let r = reflectors.length - 1; r >= 0; r--) {
    const { k, v, beta } = reflectors[r];
    const m = n - k - 1;
    // Q <- H Q on rows k+1..: t = v^T Q (over those rows), Q -= beta v t.
    t.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const row = (k + 1 + i) * n + k + 1;
      const vi = v[i];
      for (let j = 0; j < m; j++) t[j] += vi * q[row + j];
    }
    for (let i = 0; i < m; i++) {
      const row = (k + 1 + i) * n + k + 1;
      const s = beta * v[i];
      for (let j = 0; j < m; j++) q[row + j] -= s * t[j];
    }
  }
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qt[j * n + i] = q[i * n + j];
  return qt;
}

/** Implicit QL on the tridiagonal (d, e); eigenvalues land in d, rotations are applied to the rows of z. */
function tridiagonalQL(d: Float64Array, e: Float64Array, n: number, z: Float64Array | undefined): void {
  for (let l = 0; l < n; l++) {
    for (let iter = 0; ; iter++) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (iter >= 60 || !Number.isFinite(e[l])) throw new Error('symmetricEigen: the QL iteration did not converge (NaN or infinite entries?)');
      // Shift from the leading 2 x 2 block, then chase the bulge from m up to l with Givens rotations.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (z) {
          const ri = i * n;
          const rj = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const zj = z[rj + k];
            const zi = z[ri + k];
            z[rj + k] = s * zi + c * zj;
            z[ri + k] = c * zi - s * zj;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}
