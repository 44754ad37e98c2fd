// The run stream's typed arrays and NaN, read back with the protocol's wire format (src/protocol/wire.ts).
// VS Code's postMessage keeps both intact; a host or transport that went through JSON delivers typed arrays as
// plain arrays or {"0": x, "1": y} objects and NaN as null, and the views rely on the protocol types.
import type { EngineEvent } from '../../src/protocol/events';
import type { RunViewState } from '../../src/protocol/runView';
import type { LayerClassHistograms, LayerSelectivity } from '../../src/protocol/selectivity';
import type { LayerData } from '../../src/protocol/webviews/core';
import { numberFromWire, typedFromWire } from '../../src/protocol/wire';

type Ctor = typeof Float32Array | typeof Int32Array | typeof Uint32Array;

/** An array the host left empty (not sent) stays empty: JSON turns an empty typed array into {}. */
function arrayFromWire<C extends Ctor>(value: unknown, ctor: C, length: number): InstanceType<C> {
  const empty = value && typeof value === 'object' && !ArrayBuffer.isView(value) && Object.keys(value).length === 0;
  return typedFromWire(value, ctor, empty ? 0 : length);
}

function selectivityLayerFromWire(l: LayerSelectivity): LayerSelectivity {
  if (l.si instanceof Float32Array && l.preferred instanceof Int32Array && l.classMeans instanceof Float32Array) return l;
  return {
    ...l,
    si: arrayFromWire(l.si, Float32Array, l.units),
    preferred: arrayFromWire(l.preferred, Int32Array, l.units),
    classMeans: arrayFromWire(l.classMeans, Float32Array, l.units * l.classes),
  };
}

function histogramLayerFromWire(l: LayerClassHistograms): LayerClassHistograms {
  if (l.edges instanceof Float32Array && l.counts instanceof Uint32Array) return l;
  return {
    ...l,
    edges: arrayFromWire(l.edges, Float32Array, l.units * (l.bins + 1)),
    counts: arrayFromWire(l.counts, Uint32Array, l.units * l.classes * l.bins),
  };
}

export function eventFromWire(event: EngineEvent): EngineEvent {
  if (event.type === 'selectivity') {
    return { ...event, networkSI: numberFromWire(event.networkSI), layers: event.layers.map(selectivityLayerFromWire) };
  }
  if (event.type === 'classResponses') return { ...event, layers: event.layers.map(histogramLayerFromWire) };
  return event;
}

export function layerDataFromWire(m: LayerData): LayerData {
  return {
    ...m,
    selectivity: m.selectivity && selectivityLayerFromWire(m.selectivity),
    histograms: m.histograms && histogramLayerFromWire(m.histograms),
  };
}

export function runFromWire(run: RunViewState): RunViewState {
  return {
    ...run,
    selectivity: run.selectivity.map((s) => ({ ...s, networkSI: numberFromWire(s.networkSI), layers: s.layers.map(selectivityLayerFromWire) })),
    classResponses: run.classResponses && { ...run.classResponses, layers: run.classResponses.layers.map(histogramLayerFromWire) },
  };
}
