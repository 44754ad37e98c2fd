// Image corruptions computed on the fly, in the style of CIFAR-10-C (Hendrycks & Dietterich 2019) but simple
// enough to state: on pixels in [0, 1], HWC, one image at a time. Severity 0 is the identity, 1..5 grow
// harsher. Noise is seeded per sample (seed, sample index, severity), so a result does not depend on the
// batch size or on which other samples were corrupted.
import { CORRUPTIONS, type CorruptionName } from '../../protocol/analyses';
import { mixSeed, seededRandom } from '../data';

export const SEVERITIES = [1, 2, 3, 4, 5] as const;

/** Parameters per severity 1..5 (index 0 = severity 1). */
const NOISE_SD = [0.04, 0.08, 0.12, 0.18, 0.26];
/** Gaussian blur sigma in pixels at 32 px; scaled with the image side. */
const BLUR_SIGMA = [0.5, 0.75, 1, 1.5, 2];
/** Contrast kept: 1 = unchanged. */
const CONTRAST = [0.75, 0.5, 0.4, 0.3, 0.15];
const BRIGHTNESS = [0.1, 0.2, 0.3, 0.4, 0.5];
/** Side of the coarse grid relative to the image side. */
const PIXELATE = [0.75, 0.6, 0.5, 0.4, 0.3];

export interface ImageShape {
  h: number;
  w: number;
  c: number;
}

const clip01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

function checkSeverity(severity: number): void {
  if (!(Number.isInteger(severity) && severity >= 0 && severity <= 5)) throw new RangeError(`severity must be 0..5 (got ${severity})`);
}

/** A corrupted copy of one image `img` (h * w * c floats in [0, 1]); severity 0 returns an equal copy. */
export function corruptImage(name: CorruptionName, severity: number, img: Float32Array, shape: ImageShape, seed: number, sampleIndex: number): Float32Array {
  checkSeverity(severity);
  if (!CORRUPTIONS.includes(name)) throw new RangeError(`unknown corruption ${String(name)}`);
  if (severity === 0) return Float32Array.from(img);
  const s = severity - 1;
  switch (name) {
    case 'gaussianNoise': {
      const rand = seededRandom(mixSeed(seed, sampleIndex, severity));
      const out = new Float32Array(img.length);
      for (let i = 0; i < img.length; i++) {
        // Box-Muller; 1 - u keeps the logarithm finite.
        const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
        out[i] = clip01(img[i] + NOISE_SD[s] * g);
      }
      return out;
    }
    case 'blur':
      return gaussianBlur(img, shape, (BLUR_SIGMA[s] * Math.max(shape.h, shape.w)) / 32);
    case 'contrast': {
      const out = new Float32Array(img.length);
      for (let ch = 0; ch < shape.c; ch++) {
        let mean = 0;
        for (let i = ch; i < img.length; i += shape.c) mean += img[i];
        mean /= shape.h * shape.w;
        for (let i = ch; i < img.length; i += shape.c) out[i] = clip01((img[i] - mean) * CONTRAST[s] + mean);
      }
      return out;
    }
    case 'brightness':
      return Float32Array.from(img, (v) => clip01(v + BRIGHTNESS[s]));
    case 'pixelate':
      return pixelate(img, shape, PIXELATE[s]);
  }
}

function gaussianBlur(img: Float32Array, { h, w, c }: ImageShape, sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(2 * sigma));
  const kernel = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  for (let i = 0; i < kernel.length; i++) kernel[i] /= total;
  const tmp = new Float32Array(img.length);
  const out = new Float32Array(img.length);
  const at = (y: number, x: number, ch: number) => (y * w + x) * c + ch;
  // Separable: rows, then columns; edges clamp.
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = -r; k <= r; k++) s += kernel[k + r] * img[at(y, Math.min(w - 1, Math.max(0, x + k)), ch)];
        tmp[at(y, x, ch)] = s;
      }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let k = -r; k <= r; k++) s += kernel[k + r] * tmp[at(Math.min(h - 1, Math.max(0, y + k)), x, ch)];
        out[at(y, x, ch)] = s;
      }
  return out;
}

/** Box-average onto a coarser grid, then nearest-neighbour back up. */
function pixelate(img: Float32Array, { h, w, c }: ImageShape, scale: number): Float32Array {
  const gh = Math.max(1, Math.round(h * scale));
  const gw = Math.max(1, Math.round(w * scale));
  const grid = new Float64Array(gh * gw * c);
  const count = new Float64Array(gh * gw);
  const cell = (y: number, x: number) => Math.min(gh - 1, Math.floor((y * gh) / h)) * gw + Math.min(gw - 1, Math.floor((x * gw) / w));
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const g = cell(y, x);
      count[g]++;
      for (let ch = 0; ch < c; ch++) grid[g * c + ch] += img[(y * w + x) * c + ch];
    }
  const out = new Float32Array(img.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const g = cell(y, x);
      for (let ch = 0; ch < c; ch++) out[(y * w + x) * c + ch] = grid[g * c + ch] / count[g];
    }
  return out;
}
