// The compare message as the views expect it. VS Code's postMessage keeps typed arrays and NaN, but a transport
// that went through JSON delivers SI arrays as plain arrays or {"0": x} objects and NaN as null; restore both so
// a missing value stays a gap (not 0) in curves and a dash in the table.
import type { CompareRun, CompareToWebview } from '../../src/protocol/compare';
import type { EpochMetrics } from '../../src/protocol/events';

const num = (x: unknown): number => (typeof x === 'number' ? x : NaN);

function floats(value: unknown, length: number): Float32Array {
  if (value instanceof Float32Array) return value;
  if (ArrayBuffer.isView(value)) return Float32Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return Float32Array.from(value, (x) => (x === null ? NaN : Number(x)));
  const out = new Float32Array(length).fill(NaN);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const i = Number(k);
      if (Number.isInteger(i) && i >= 0 && i < length) out[i] = v === null ? NaN : Number(v);
    }
  }
  return out;
}

function fixMetrics(m: EpochMetrics): EpochMetrics {
  const out = { ...m } as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (v === null) out[k] = NaN;
  const fixed = out as unknown as EpochMetrics;
  fixed.layers = (m.layers ?? []).map((l) => ({ ...l, meanSI: num(l.meanSI) }));
  return fixed;
}

export function fixCompareRun(r: CompareRun): CompareRun {
  return {
    ...r,
    finalTestAcc: num(r.finalTestAcc),
    bestTestAcc: num(r.bestTestAcc),
    finalNetworkSI: num(r.finalNetworkSI),
    layerMeanSI: (r.layerMeanSI ?? []).map((l) => ({ ...l, meanSI: num(l.meanSI) })),
    metrics: (r.metrics ?? []).map(fixMetrics),
    selectivity: r.selectivity && {
      ...r.selectivity,
      networkSI: num(r.selectivity.networkSI),
      layers: r.selectivity.layers.map((l) => ({ ...l, si: floats(l.si, l.units) })),
    },
  };
}

export function fixCompareMessage(m: CompareToWebview): CompareToWebview {
  return { type: 'compare', runs: (m.runs ?? []).map(fixCompareRun), problems: Array.isArray(m.problems) ? m.problems : [] };
}
