// Decoding PNG/JPEG files (pngjs, jpeg-js) and resizing them to a square RGB uint8 image.
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { dataCorrupt } from './files';

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes. */
  data: Uint8Array;
}

export const IMAGE_EXTENSIONS = /\.(png|jpe?g)$/i;

/** Decode by content (PNG or JPEG signature), not by file name; anything else is DATA_CORRUPT naming the file. */
export function decodeImage(buf: Buffer, file: string): RgbaImage {
  try {
    if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47) {
      const png = PNG.sync.read(buf);
      return { width: png.width, height: png.height, data: png.data };
    }
    if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (e) {
    throw dataCorrupt(file, `image does not decode (${e instanceof Error ? e.message : String(e)})`);
  }
  throw dataCorrupt(file, 'not a PNG or JPEG image');
}

/** For each output index along one axis: the source indices and weights that make it. */
function axisWeights(src: number, dst: number): { index: Int32Array; weight: Float32Array; taps: number } {
  if (dst < src) {
    // Downscaling: average the source pixels each output pixel covers (area resampling), so no aliasing.
    const scale = src / dst;
    const taps = Math.ceil(scale) + 1;
    const index = new Int32Array(dst * taps);
    const weight = new Float32Array(dst * taps);
    for (let i = 0; i < dst; i++) {
      const lo = i * scale;
      const hi = lo + scale;
      let t = 0;
      for (let s = Math.floor(lo); s < hi && s < src; s++) {
        const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
        if (overlap <= 0) continue;
        index[i * taps + t] = s;
        weight[i * taps + t] = overlap / scale;
        t++;
      }
    }
    return { index, weight, taps };
  }
  // Same size or upscaling: bilinear with pixel centres aligned (half-pixel convention).
  const taps = 2;
  const index = new Int32Array(dst * taps);
  const weight = new Float32Array(dst * taps);
  for (let i = 0; i < dst; i++) {
    const centre = Math.min(src - 1, Math.max(0, ((i + 0.5) * src) / dst - 0.5));
    const s0 = Math.floor(centre);
    const f = centre - s0;
    index[i * 2] = s0;
    weight[i * 2] = 1 - f;
    index[i * 2 + 1] = Math.min(src - 1, s0 + 1);
    weight[i * 2 + 1] = f;
  }
  return { index, weight, taps };
}

/** Resize to size x size and drop alpha, writing RGB bytes into `out` at `offset`. */
export function resizeToRgb(img: RgbaImage, size: number, out: Uint8Array, offset: number): void {
  const { width, height, data } = img;
  if (width === size && height === size) {
    for (let p = 0; p < size * size; p++) {
      out[offset + 3 * p] = data[4 * p];
      out[offset + 3 * p + 1] = data[4 * p + 1];
      out[offset + 3 * p + 2] = data[4 * p + 2];
    }
    return;
  }
  const wx = axisWeights(width, size);
  const wy = axisWeights(height, size);
  // Horizontal pass into floats (height x size x 3), then vertical pass into bytes.
  const mid = new Float32Array(height * size * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = 0; t < wx.taps; t++) {
        const w = wx.weight[x * wx.taps + t];
        if (w === 0) continue;
        const s = 4 * (y * width + wx.index[x * wx.taps + t]);
        r += w * data[s];
        g += w * data[s + 1];
        b += w * data[s + 2];
      }
      const m = 3 * (y * size + x);
      mid[m] = r;
      mid[m + 1] = g;
      mid[m + 2] = b;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = 0; t < wy.taps; t++) {
        const w = wy.weight[y * wy.taps + t];
        if (w === 0) continue;
        const m = 3 * (wy.index[y * wy.taps + t] * size + x);
        r += w * mid[m];
        g += w * mid[m + 1];
        b += w * mid[m + 2];
      }
      const d = offset + 3 * (y * size + x);
      out[d] = Math.min(255, Math.max(0, Math.round(r)));
      out[d + 1] = Math.min(255, Math.max(0, Math.round(g)));
      out[d + 2] = Math.min(255, Math.max(0, Math.round(b)));
    }
  }
}
