// Minibatches as tensors: seeded per-epoch shuffle, pad-and-crop / flip augmentation and normalisation,
// all done in JS on the uint8 pixels into one Float32Array per batch; tensors are made only at the end.
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, Dataset, DataSplit } from '../contracts';
import { mixSeed, permutation, seededRandom } from './random';

export interface AugmentOptions {
  /** Zero-pad by this many pixels, then crop back to size at a random offset (0 = off). */
  crop?: number;
  /** Random horizontal flip with probability 1/2. */
  flip?: boolean;
}

export interface TrainBatchOptions {
  batchSize: number;
  epoch: number;
  seed: number;
  /** Missing fields take the data set's defaults (see defaultAugment). */
  augment?: AugmentOptions;
  /** Stop after this many batches (quick runs). */
  maxBatches?: number;
}

/** Digits (1 channel) are not augmented; colour images get pad-4 random crops and horizontal flips. */
export function defaultAugment(ds: Pick<Dataset, 'shape'>): Required<AugmentOptions> {
  const colour = ds.shape[2] === 3;
  return { crop: colour ? 4 : 0, flip: colour };
}

/** Number of training batches one epoch yields (the last partial batch is dropped when a full one exists). */
export function trainBatchCount(ds: Pick<Dataset, 'train'>, batchSize: number, maxBatches?: number): number {
  const n = ds.train.n;
  const full = n >= batchSize ? Math.floor(n / batchSize) : n > 0 ? 1 : 0;
  return maxBatches !== undefined ? Math.min(full, Math.max(0, maxBatches)) : full;
}

/** Number of batches testBatches yields (every sample, last batch may be smaller). */
export function testBatchCount(ds: Pick<Dataset, 'test'>, batchSize: number): number {
  return Math.ceil(ds.test.n / batchSize);
}

/** Lookup table from (channel, byte) to the normalised float, so a pixel costs one array read. */
function normalizationTable(ds: Dataset): Float32Array {
  const c = ds.shape[2];
  const lut = new Float32Array(c * 256);
  for (let ch = 0; ch < c; ch++) {
    for (let v = 0; v < 256; v++) lut[ch * 256 + v] = (v / 255 - ds.mean[ch]) / ds.std[ch];
  }
  return lut;
}

function makeBatch(x: Float32Array, labels: Int32Array, b: number, shape: [number, number, number]): Batch {
  return {
    x: tf.tensor4d(x, [b, shape[0], shape[1], shape[2]], 'float32'),
    y: tf.tensor1d(labels, 'int32'),
    size: b,
  };
}

/** One epoch of shuffled, augmented, normalised training batches. Same seed + epoch -> same batches. */
export function* trainBatches(ds: Dataset, opts: TrainBatchOptions): Generator<Batch> {
  const { batchSize } = opts;
  if (!(batchSize >= 1)) throw new RangeError(`batchSize must be >= 1 (got ${batchSize})`);
  const [h, w, c] = ds.shape;
  const defaults = defaultAugment(ds);
  const crop = Math.max(0, Math.floor(opts.augment?.crop ?? defaults.crop));
  const flip = opts.augment?.flip ?? defaults.flip;
  const rand = seededRandom(mixSeed(opts.seed, opts.epoch, 0x5e1ec7));
  const order = permutation(ds.train.n, rand);
  const count = trainBatchCount(ds, batchSize, opts.maxBatches);
  const lut = normalizationTable(ds);
  const pad = lut.subarray(0, c).map((_, ch) => lut[ch * 256]); // what a zero (black) padding pixel becomes
  const sample = h * w * c;
  const row = w * c;
  const src = ds.train.images;
  for (let bi = 0; bi < count; bi++) {
    const start = bi * batchSize;
    const b = Math.min(batchSize, ds.train.n - start);
    const x = new Float32Array(b * sample);
    const y = new Int32Array(b);
    for (let k = 0; k < b; k++) {
      const i = order[start + k];
      y[k] = ds.train.labels[i];
      // Offsets drawn for every sample (even when off) keep the random stream independent of the options.
      const dy = crop > 0 ? Math.floor(rand() * (2 * crop + 1)) - crop : 0;
      const dx = crop > 0 ? Math.floor(rand() * (2 * crop + 1)) - crop : 0;
      const mirror = flip && rand() < 0.5;
      const s0 = i * sample;
      const d0 = k * sample;
      if (dy === 0 && dx === 0 && !mirror) {
        for (let p = 0; p < sample; p += c) {
          for (let ch = 0; ch < c; ch++) x[d0 + p + ch] = lut[ch * 256 + src[s0 + p + ch]];
        }
        continue;
      }
      for (let yy = 0; yy < h; yy++) {
        const sy = yy + dy;
        const drow = d0 + yy * row;
        for (let xx = 0; xx < w; xx++) {
          const sx = (mirror ? w - 1 - xx : xx) + dx;
          const d = drow + xx * c;
          if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
            for (let ch = 0; ch < c; ch++) x[d + ch] = pad[ch];
          } else {
            const s = s0 + sy * row + sx * c;
            for (let ch = 0; ch < c; ch++) x[d + ch] = lut[ch * 256 + src[s + ch]];
          }
        }
      }
    }
    yield makeBatch(x, y, b, ds.shape);
  }
}

/** Every sample of a split in order, normalised, no augmentation; the last batch may be smaller. */
export function* orderedBatches(ds: Dataset, split: DataSplit, batchSize: number): Generator<Batch> {
  if (!(batchSize >= 1)) throw new RangeError(`batchSize must be >= 1 (got ${batchSize})`);
  const c = ds.shape[2];
  const sample = ds.shape[0] * ds.shape[1] * c;
  const lut = normalizationTable(ds);
  for (let start = 0; start < split.n; start += batchSize) {
    const b = Math.min(batchSize, split.n - start);
    const x = new Float32Array(b * sample);
    const src = split.images.subarray(start * sample, (start + b) * sample);
    for (let p = 0; p < src.length; p += c) {
      for (let ch = 0; ch < c; ch++) x[p + ch] = lut[ch * 256 + src[p + ch]];
    }
    yield makeBatch(x, split.labels.slice(start, start + b), b, ds.shape);
  }
}

/** The held-out set in order, for analysis and evaluation. */
export function testBatches(ds: Dataset, batchSize: number): Generator<Batch> {
  return orderedBatches(ds, ds.test, batchSize);
}
