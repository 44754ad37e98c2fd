// Deterministic, class-stratified selection of samples: used for the held-out split and for trainLimit/testLimit.
import type { DataConfig } from '../../protocol/config';
import { EngineError } from '../errors';
import { permutation, seededRandom } from './random';

/**
 * An order of all sample indices in which every prefix holds the classes in (nearly) their overall
 * proportions: take the first k for a stratified sample of size k.
 */
export function stratifiedOrder(labels: ArrayLike<number>, seed: number): Int32Array {
  const n = labels.length;
  const rand = seededRandom(seed);
  const order = permutation(n, rand);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  // Each sample's key is its (jittered) relative position within its own class; sorting by it interleaves classes.
  const key = new Float64Array(n);
  const seen = new Map<number, number>();
  const offset = new Map<number, number>();
  for (const c of counts.keys()) offset.set(c, rand());
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const c = labels[i];
    const r = seen.get(c) ?? 0;
    seen.set(c, r + 1);
    key[i] = (r + offset.get(c)!) / counts.get(c)!;
  }
  return Int32Array.from(order).sort((a, b) => key[a] - key[b] || a - b);
}

/** Split indices into held-out (first `testCount` of the stratified order) and the rest, each ascending. */
export function stratifiedSplit(labels: ArrayLike<number>, testCount: number, seed: number): { train: Int32Array; test: Int32Array } {
  const order = stratifiedOrder(labels, seed);
  return {
    test: order.slice(0, testCount).sort(),
    train: order.slice(testCount).sort(),
  };
}

/** Indices (ascending) of a stratified subsample of at most `limit` items; all of them when no limit applies. */
export function limitIndices(labels: ArrayLike<number>, limit: number | undefined, seed: number): Int32Array {
  const n = labels.length;
  if (limit === undefined || limit >= n) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  return stratifiedOrder(labels, seed).slice(0, limit).sort();
}

/** Check a trainLimit/testLimit value, naming the field when it is unusable. */
export function checkLimit(value: number | undefined, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || value < 1) {
    throw new EngineError('CONFIG_INVALID', `${field} must be a positive whole number of samples (got ${JSON.stringify(value)}).`, { field });
  }
  return value;
}

/** Fixed seeds for trainLimit/testLimit subsamples: the same limit picks the same samples in every run. */
export const TRAIN_LIMIT_SEED = 7151;
export const TEST_LIMIT_SEED = 7152;

/** The held-out fraction for sets without a given split (data.testFraction, default 0.2). */
export function testFractionOf(cfg: DataConfig): number {
  const f = cfg.testFraction ?? 0.2;
  if (typeof f !== 'number' || !(f > 0 && f < 1)) {
    throw new EngineError('CONFIG_INVALID', `data.testFraction must be a number between 0 and 1 (got ${JSON.stringify(f)}).`, {
      field: 'data.testFraction',
    });
  }
  return f;
}
