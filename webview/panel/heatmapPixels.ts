// The heatmap's pixels from a layer's class means: one pixel per class and per output row, units in SI order, a
// layer taller than the image averaging its units' normalised values into each row. Self-contained (no imports,
// no outer names): heatmapWorker.ts runs this very function's source in a Worker.

export interface HeatmapPixelsJob {
  classMeans: Float32Array;
  /** Units in SI order (the image's rows, top to bottom). */
  order: Int32Array;
  units: number;
  classes: number;
  rows: number;
  /** 'row': each unit scaled to its own max; 'global': one scale for the layer. */
  norm: 'row' | 'global';
  /** 256 opaque RGBA words, low to high. */
  ramp: Uint32Array;
}

export interface HeatmapPixels {
  /** rows x classes RGBA words. */
  pixels: Uint32Array;
  /** The layer's largest class mean ('global' scale), else 0. */
  globalMax: number;
}

export function heatmapPixels(job: HeatmapPixelsJob): HeatmapPixels {
  const { classMeans, order, units: U, classes: C, rows, norm, ramp } = job;
  let globalMax = 0;
  if (norm === 'global') for (let i = 0; i < classMeans.length; i++) if (classMeans[i] > globalMax) globalMax = classMeans[i];
  const px = new Uint32Array(rows * C);
  const acc = new Float32Array(C);
  for (let y = 0; y < rows; y++) {
    const from = Math.floor((y * U) / rows);
    const to = Math.max(from + 1, Math.floor(((y + 1) * U) / rows));
    acc.fill(0);
    for (let r = from; r < to; r++) {
      const base = order[r] * C;
      let scale = globalMax;
      if (norm === 'row') {
        scale = 0;
        for (let c = 0; c < C; c++) if (classMeans[base + c] > scale) scale = classMeans[base + c];
      }
      const inv = scale > 0 ? 255 / scale : 0;
      for (let c = 0; c < C; c++) acc[c] += classMeans[base + c] * inv;
    }
    const n = 1 / (to - from);
    const o = y * C;
    for (let c = 0; c < C; c++) {
      const v = acc[c] * n;
      px[o + c] = ramp[v > 255 ? 255 : v > 0 ? v | 0 : 0];
    }
  }
  return { pixels: px, globalMax };
}
