// The compare message read back with the protocol's wire format (src/protocol/wire.ts). VS Code's postMessage
// keeps typed arrays and NaN, but a transport that went through JSON delivers SI arrays as plain arrays or
// {"0": x} objects and NaN as null; restore both so a missing value stays a gap (not 0) in curves and a dash in
// the table.
import type { EpochMetrics } from '../../src/protocol/events';
import type { CompareRun, HostToCompare } from '../../src/protocol/webviews/compare';
import { numberFromWire, typedFromWire } from '../../src/protocol/wire';

function metricsFromWire(m: EpochMetrics): EpochMetrics {
  const out = { ...m } as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (v === null) out[k] = NaN;
  const fixed = out as unknown as EpochMetrics;
  fixed.layers = (m.layers ?? []).map((l) => ({ ...l, meanSI: numberFromWire(l.meanSI) }));
  return fixed;
}

function compareRunFromWire(r: CompareRun): CompareRun {
  return {
    ...r,
    finalTestAcc: numberFromWire(r.finalTestAcc),
    bestTestAcc: numberFromWire(r.bestTestAcc),
    finalNetworkSI: numberFromWire(r.finalNetworkSI),
    layerMeanSI: (r.layerMeanSI ?? []).map((l) => ({ ...l, meanSI: numberFromWire(l.meanSI) })),
    metrics: (r.metrics ?? []).map(metricsFromWire),
    selectivity: r.selectivity && {
      ...r.selectivity,
      networkSI: numberFromWire(r.selectivity.networkSI),
      layers: r.selectivity.layers.map((l) => ({ ...l, si: typedFromWire(l.si, Float32Array, l.units) })),
    },
  };
}

export function compareFromWire(m: HostToCompare): HostToCompare {
  return { type: 'compare', runs: (m.runs ?? []).map(compareRunFromWire), problems: Array.isArray(m.problems) ? m.problems : [] };
}
