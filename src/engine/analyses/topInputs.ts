// Top-activating held-out inputs per unit (overall and per class), kept as sample indices plus small
// thumbnails of just the samples named, so a unit view can show what a selective unit responds to without
// the data set at hand.
import type { LayerTopInputs, TopInputsResult } from '../../protocol/analyses';
import type { UnitLayerInfo } from '../../protocol/events';
import type { Dataset } from '../contracts';
import { deepestLayersWithin } from '../selectivity/deepestLayers';
import { resultHeader, type AnalysisTarget } from './target';
import { forEachUnitBatch } from './unitResponses';

export const THUMB_MAX = 32;
export const TOP_INPUTS_K = 9;
export const TOP_INPUTS_PER_CLASS = 3;

/**
 * Sample indices (k overall plus perClassK per class, per unit) the default layers may keep: every layer of
 * ResNet-20 on CIFAR-100 (0.2 M), but on ResNet-50 with Tiny ImageNet's 200 classes one 2,048-unit layer alone
 * keeps 1.2 M (all 49 layers: 14 M, about 80 MB of JSON for the panel to take in), so the deepest layers within it.
 */
export const TOP_INPUTS_SLOTS = 2_000_000;

/** The layers top-inputs covers when none are named: the deepest ones within TOP_INPUTS_SLOTS. */
export function defaultTopInputsLayers(unitLayers: readonly UnitLayerInfo[], numClasses: number, k = TOP_INPUTS_K, perClassK = TOP_INPUTS_PER_CLASS): string[] {
  return deepestLayersWithin(unitLayers, k + numClasses * perClassK, TOP_INPUTS_SLOTS);
}

/** A fixed-size list of the largest values seen, strongest first (ties keep the earlier sample). */
class TopK {
  readonly values: Float64Array;
  readonly index: Int32Array;
  constructor(readonly k: number) {
    this.values = new Float64Array(k).fill(-Infinity);
    this.index = new Int32Array(k).fill(-1);
  }
  offer(v: number, i: number): void {
    const { values, index, k } = this;
    if (!(v > values[k - 1])) return;
    let p = k - 1;
    while (p > 0 && v > values[p - 1]) {
      values[p] = values[p - 1];
      index[p] = index[p - 1];
      p--;
    }
    values[p] = v;
    index[p] = i;
  }
  taken(): number[] {
    return Array.from(this.index).filter((i) => i >= 0);
  }
}

/** Image `i` of the held-out set, box-downsampled to at most THUMB_MAX on its longer side, as base64. */
export function thumbnail(ds: Dataset, i: number, side: number): string {
  const [h, w, c] = ds.shape;
  const src = ds.test.images.subarray(i * h * w * c, (i + 1) * h * w * c);
  if (side === h && side === w) return Buffer.from(src).toString('base64');
  const out = new Uint8Array(side * side * c);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const y0 = Math.floor((y * h) / side);
      const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * h) / side));
      const x0 = Math.floor((x * w) / side);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * w) / side));
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += src[(yy * w + xx) * c + ch];
        out[(y * side + x) * c + ch] = Math.round(s / ((y1 - y0) * (x1 - x0)));
      }
    }
  return Buffer.from(out).toString('base64');
}

export async function runTopInputs(
  target: AnalysisTarget,
  options: { layers: string[]; k?: number; perClassK?: number; onProgress?: (done: number, total: number) => void },
): Promise<TopInputsResult> {
  const started = Date.now();
  const k = options.k ?? TOP_INPUTS_K;
  const perClassK = options.perClassK ?? TOP_INPUTS_PER_CLASS;
  const { ds } = target;
  const classes = ds.classNames.length;
  const sizes = new Map(target.built.unitLayers.map((l) => [l.name, l.units]));
  const top = new Map(options.layers.map((l) => [l, Array.from({ length: sizes.get(l)! }, () => new TopK(k))]));
  const perClass = new Map(
    options.layers.map((l) => [l, Array.from({ length: sizes.get(l)! }, () => Array.from({ length: classes }, () => new TopK(perClassK)))]),
  );
  await forEachUnitBatch(
    target,
    options.layers,
    async ({ layers, start, batch }) => {
      for (const [name, x] of layers) {
        const v = await x.data();
        const units = x.shape[1];
        const t = top.get(name)!;
        const pc = perClass.get(name)!;
        for (let r = 0; r < batch.size; r++) {
          const sample = start + r;
          const label = ds.test.labels[sample];
          for (let u = 0; u < units; u++) {
            const a = v[r * units + u];
            t[u].offer(a, sample);
            pc[u][label].offer(a, sample);
          }
        }
      }
    },
    options.onProgress,
  );
  const used = new Set<number>();
  const layers: LayerTopInputs[] = options.layers.map((layer) => ({
    layer,
    units: top.get(layer)!.map((t, unit) => {
      const ids = t.taken();
      const pc = perClass.get(layer)![unit].map((c) => c.taken());
      for (const i of ids) used.add(i);
      for (const c of pc) for (const i of c) used.add(i);
      return { unit, top: ids, values: Array.from(t.values.subarray(0, ids.length)), perClass: pc };
    }),
  }));
  const side = Math.min(THUMB_MAX, ds.shape[0], ds.shape[1]);
  const thumbnails: Record<string, string> = {};
  const labels: Record<string, number> = {};
  for (const i of [...used].sort((a, b) => a - b)) {
    thumbnails[i] = thumbnail(ds, i, side);
    labels[i] = ds.test.labels[i];
  }
  return {
    ...resultHeader(target, ds.test.n, started),
    kind: 'topInputs',
    k,
    perClassK,
    classNames: ds.classNames,
    thumbSize: side,
    channels: ds.shape[2],
    thumbnails,
    labels,
    layers,
  };
}
