// Building and slicing the compact uint8 splits that data sets are kept in.
import type { Dataset, DataSplit } from '../contracts';

/** A decoded data set before normalisation statistics are attached. */
export type DecodedDataset = Omit<Dataset, 'mean' | 'std'>;

/** Bytes per sample of a [h, w, c] shape. */
export function sampleBytes(shape: readonly [number, number, number]): number {
  return shape[0] * shape[1] * shape[2];
}

/** A new split holding only the samples at `indices` (in that order). */
export function pickSamples(split: DataSplit, indices: ArrayLike<number>, bytesPerSample: number): DataSplit {
  const n = indices.length;
  if (n === split.n) {
    let identity = true;
    for (let i = 0; i < n && identity; i++) identity = indices[i] === i;
    if (identity) return split;
  }
  const images = new Uint8Array(n * bytesPerSample);
  const labels = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    images.set(split.images.subarray(i * bytesPerSample, (i + 1) * bytesPerSample), k * bytesPerSample);
    labels[k] = split.labels[i];
  }
  return { images, labels, n };
}

/** Concatenate splits of the same sample shape. */
export function concatSplits(parts: DataSplit[], bytesPerSample: number): DataSplit {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const images = new Uint8Array(n * bytesPerSample);
  const labels = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    images.set(p.images.subarray(0, p.n * bytesPerSample), at * bytesPerSample);
    labels.set(p.labels.subarray(0, p.n), at);
    at += p.n;
  }
  return { images, labels, n };
}
