// Typed arrays normally arrive intact (VS Code's postMessage keeps them). A host or transport that went through
// JSON delivers them as plain arrays or as {"0": x, "1": y} objects, and NaN as null; put them back so the
// views can rely on the protocol types.
import type { EngineEvent } from '../src/protocol/events';
import type { LayerClassHistograms, LayerSelectivity } from '../src/protocol/selectivity';
import type { RunViewState } from '../src/protocol/webview';

type TypedCtor = Float32ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor;

function typed<T>(value: unknown, ctor: TypedCtor, length: number): T {
  if (ArrayBuffer.isView(value)) return value as T;
  if (Array.isArray(value)) return ctor.from(value.map((x: unknown) => (x === null ? NaN : Number(x)))) as T;
  if (value && typeof value === 'object') {
    const out = new ctor(length);
    for (const [k, v] of Object.entries(value)) {
      const i = Number(k);
      if (Number.isInteger(i) && i >= 0 && i < length) out[i] = v === null ? NaN : Number(v);
    }
    return out as T;
  }
  return new ctor(0) as T;
}

const num = (x: unknown): number => (typeof x === 'number' ? x : NaN);

export function fixSelectivityLayer(l: LayerSelectivity): LayerSelectivity {
  if (ArrayBuffer.isView(l.si) && ArrayBuffer.isView(l.preferred) && ArrayBuffer.isView(l.classMeans)) return l;
  return {
    ...l,
    si: typed(l.si, Float32Array, l.units),
    preferred: typed(l.preferred, Int32Array, l.units),
    classMeans: typed(l.classMeans, Float32Array, l.units * l.classes),
  };
}

export function fixHistogramLayer(l: LayerClassHistograms): LayerClassHistograms {
  if (ArrayBuffer.isView(l.edges) && ArrayBuffer.isView(l.counts)) return l;
  return {
    ...l,
    edges: typed(l.edges, Float32Array, l.units * (l.bins + 1)),
    counts: typed(l.counts, Uint32Array, l.units * l.classes * l.bins),
  };
}

export function fixEvent(event: EngineEvent): EngineEvent {
  if (event.type === 'selectivity') {
    return { ...event, networkSI: num(event.networkSI), layers: event.layers.map(fixSelectivityLayer) };
  }
  if (event.type === 'classResponses') return { ...event, layers: event.layers.map(fixHistogramLayer) };
  return event;
}

export function fixRun(run: RunViewState): RunViewState {
  return {
    ...run,
    selectivity: run.selectivity.map((s) => ({ ...s, networkSI: num(s.networkSI), layers: s.layers.map(fixSelectivityLayer) })),
    classResponses: run.classResponses && { ...run.classResponses, layers: run.classResponses.layers.map(fixHistogramLayer) },
  };
}
