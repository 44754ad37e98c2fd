// Plain-JS selectivity index, the reference the tensor code is tested against and what analysis reports use.
import { SI_EPSILON } from './batchSelectivity';

/**
 * SI per unit from class means laid out [unit][class] (row-major, length units * classes).
 * `present` (length classes) leaves absent classes out of both the max and the rest-mean; with fewer than
 * two present classes the SI is 0.
 */
export function computeUnitSI(classMeans: Float32Array, units: number, classes: number, present?: ArrayLike<boolean | number>): Float32Array {
  const si = new Float32Array(units);
  const isPresent = (c: number) => present == null || Boolean(present[c]);
  let nPresent = 0;
  for (let c = 0; c < classes; c++) if (isPresent(c)) nPresent++;
  if (nPresent < 2) return si;
  for (let u = 0; u < units; u++) {
    let max = -Infinity;
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      if (!isPresent(c)) continue;
      const v = classMeans[u * classes + c];
      sum += v;
      if (v > max) max = v;
    }
    const rest = (sum - max) / (nPresent - 1);
    si[u] = (max - rest) / (max + rest + SI_EPSILON);
  }
  return si;
}

/** Preferred class (argmax of the class means among present classes) per unit. */
export function preferredClasses(classMeans: Float32Array, units: number, classes: number, present?: ArrayLike<boolean | number>): Int32Array {
  const out = new Int32Array(units);
  for (let u = 0; u < units; u++) {
    let best = -1;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      if (present != null && !present[c]) continue;
      const v = classMeans[u * classes + c];
      if (v > max) {
        max = v;
        best = c;
      }
    }
    out[u] = best;
  }
  return out;
}
