// Linear dimensionality of a layer's unit responses: PCA of their covariance. The participation ratio
// (sum lambda)^2 / sum lambda^2 needs no eigen-decomposition (trace and Frobenius norm of the covariance); the
// components for 90% / 95% of the variance do (eigenvalues only, no vectors).
import type { DimensionalityResult, LayerDimensionality } from '../../protocol/analyses';
import { centredScatter, MomentAccumulator, type Moments } from './moments';
import { symmetricEigen } from './symmetricEigen';
import { resultHeader, type AnalysisTarget } from './target';
import { forEachUnitBatch } from './unitResponses';

const SPECTRUM_LENGTH = 64;

/** Components needed to reach `fraction` of the total variance, from descending eigenvalues. */
export function componentsFor(values: Float64Array, fraction: number): number {
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  if (!(total > 0)) return 0;
  let acc = 0;
  for (let k = 0; k < values.length; k++) {
    acc += Math.max(0, values[k]);
    // A relative tolerance so that exactly 90% (a spectrum built to hit it) counts as reached.
    if (acc >= fraction * total * (1 - 1e-12)) return k + 1;
  }
  return values.length;
}

export function participationRatio(values: Float64Array): number {
  let s = 0;
  let s2 = 0;
  for (const v of values) {
    s += v;
    s2 += v * v;
  }
  return s2 > 0 ? (s * s) / s2 : NaN;
}

export function layerDimensionality(layer: string, m: Moments): LayerDimensionality {
  const c = centredScatter(m);
  const { values } = symmetricEigen(c, m.d);
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  return {
    layer,
    units: m.d,
    participationRatio: participationRatio(values),
    components90: componentsFor(values, 0.9),
    components95: componentsFor(values, 0.95),
    spectrum: Array.from(values.subarray(0, SPECTRUM_LENGTH), (v) => (total > 0 ? Math.max(0, v) / total : 0)),
  };
}

/**
 * PCA dimensionality of every chosen layer's unit responses over the held-out set, in one pass. The eigenvalues
 * then come layer by layer (seconds each for thousands of units): `onPartial` gets the result so far after each.
 */
export async function runDimensionality(
  target: AnalysisTarget,
  layers: string[],
  onProgress?: (samplesDone: number, samples: number) => void,
  onPartial?: (soFar: DimensionalityResult, layersDone: number) => void,
): Promise<DimensionalityResult> {
  const started = Date.now();
  const acc = new Map(layers.map((l) => [l, new MomentAccumulator()]));
  await forEachUnitBatch(
    target,
    layers,
    async ({ layers: per }) => {
      for (const [name, x] of per) await acc.get(name)!.add(x);
    },
    onProgress,
  );
  const result: DimensionalityResult = { ...resultHeader(target, target.ds.test.n, started), kind: 'dimensionality', layers: [] };
  for (const l of layers) {
    result.layers.push(layerDimensionality(l, acc.get(l)!.result()));
    acc.delete(l);
    if (result.layers.length < layers.length) {
      onPartial?.({ ...result, layers: [...result.layers] }, result.layers.length);
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  return { ...result, seconds: (Date.now() - started) / 1000 };
}
