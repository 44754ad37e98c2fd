// Per-channel normalisation statistics (pixel values scaled to [0, 1]).
import type { DataConfig } from '../../protocol/config';
import type { DataSplit } from '../contracts';
import { EngineError } from '../errors';

/** Mean and standard deviation of every channel over all pixels of a split. */
export function channelStats(split: DataSplit, channels: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  const count = split.n * (split.images.length / Math.max(1, split.n) / channels);
  // Histogram per channel first: exact and much faster than summing floats per pixel.
  const hist = new Float64Array(channels * 256);
  const { images } = split;
  const len = split.n === 0 ? 0 : images.length;
  if (channels === 1) {
    for (let i = 0; i < len; i++) hist[images[i]]++;
  } else {
    for (let i = 0; i < len; i += channels) {
      for (let c = 0; c < channels; c++) hist[c * 256 + images[i + c]]++;
    }
  }
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < 256; v++) {
      const h = hist[c * 256 + v];
      const x = v / 255;
      sum[c] += h * x;
      sumSq[c] += h * x * x;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    const m = count > 0 ? sum[c] / count : 0;
    const variance = count > 0 ? Math.max(0, sumSq[c] / count - m * m) : 0;
    mean.push(m);
    // A constant channel would divide by zero; leave it unscaled instead.
    std.push(Math.sqrt(variance) > 1e-6 ? Math.sqrt(variance) : 1);
  }
  return { mean, std };
}

/** The mean/std a config asks for: from the training pixels ('auto', default), identity ('none') or given. */
export function resolveNormalization(cfg: DataConfig, train: DataSplit, channels: number): { mean: number[]; std: number[] } {
  const n = cfg.normalize ?? 'auto';
  if (n === 'auto') return channelStats(train, channels);
  if (n === 'none') return { mean: new Array(channels).fill(0), std: new Array(channels).fill(1) };
  const field = 'data.normalize';
  const ok = (a: unknown): a is number[] =>
    Array.isArray(a) && (a.length === channels || a.length === 1) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (typeof n !== 'object' || !ok(n.mean) || !ok(n.std) || n.std.some((s) => s <= 0)) {
    throw new EngineError(
      'CONFIG_INVALID',
      `${field} must be 'auto', 'none' or { "mean": [...], "std": [...] } with 1 or ${channels} numbers each (std > 0) for this ${channels}-channel data set.`,
      { field },
    );
  }
  const widen = (a: number[]) => (a.length === channels ? [...a] : new Array(channels).fill(a[0]));
  return { mean: widen(n.mean), std: widen(n.std) };
}
