// What the live webviews are sent of a run: enough to draw every view at once, not every array of every layer.
// A ResNet-50 epoch is ~50 MB of class means and histograms; the page gets SI and preferred classes (0.2 MB),
// and asks for the one layer's class means or the one unit's histograms it shows (answerLayerRequest), read from
// the host's run state or, for epochs it no longer holds, from the run folder. Plain Node: no vscode.
import type { EngineEvent } from '../../../protocol/events';
import type { RunViewState } from '../../../protocol/runView';
import type { LayerClassHistograms, LayerSelectivity } from '../../../protocol/selectivity';
import type { LayerData, LayerDataRequest, ShowLayer } from '../../../protocol/webviews/core';

/** SI and preferred classes of the newest epochs a snapshot carries; older epochs' are asked for. */
export const SNAPSHOT_SI_BYTES = 8 * 1024 * 1024;

const NO_MEANS = new Float32Array(0);

function withoutClassMeans(l: LayerSelectivity): LayerSelectivity {
  return l.classMeans.length === 0 ? l : { ...l, classMeans: NO_MEANS };
}

function withoutUnitArrays(l: LayerSelectivity): LayerSelectivity {
  return { ...l, si: new Float32Array(0), preferred: new Int32Array(0), classMeans: NO_MEANS };
}

/** An engine event as a live webview gets it: with the class means and unit histograms it `shows` only. */
export function eventForWebview(event: EngineEvent, shows?: ShowLayer): EngineEvent {
  const shown = shows && shows.runId === ('runId' in event ? event.runId : undefined) ? shows : undefined;
  switch (event.type) {
    case 'selectivity':
      return { ...event, layers: event.layers.map((l) => (l.layer === shown?.layer ? l : withoutClassMeans(l))) };
    case 'classResponses': {
      // Otherwise only "new histograms exist for this epoch": a view asks for the unit it shows then.
      const layer = shown?.unit === undefined ? undefined : event.layers.find((l) => l.layer === shown.layer);
      const unit = shown?.unit ?? -1;
      return { ...event, layers: layer && unit >= 0 && unit < layer.units ? [unitSlice(layer, unit)] : [] };
    }
    case 'runStarted':
    case 'progress':
    case 'dataDownload':
    case 'epoch':
    case 'checkpoint':
    case 'runFinished':
    case 'log':
    case 'hello':
    case 'error':
      return event;
  }
}

/** A run as a snapshot carries it: no class means or histograms; SI of the newest epochs within `siBytes`. */
export function runForWebview(run: RunViewState, siBytes = SNAPSHOT_SI_BYTES): RunViewState {
  let budget = siBytes;
  const selectivity = run.selectivity
    .slice()
    .reverse()
    .map((entry, i) => {
      const bytes = entry.layers.reduce((sum, l) => sum + l.si.byteLength + l.preferred.byteLength, 0);
      const keep = i === 0 || bytes <= budget;
      budget -= bytes;
      return { ...entry, layers: entry.layers.map(keep ? withoutClassMeans : withoutUnitArrays) };
    })
    .reverse();
  return {
    ...run,
    selectivity,
    classResponses: run.classResponses && { epoch: run.classResponses.epoch, layers: [] },
  };
}

function hasUnitArrays(l: LayerSelectivity): boolean {
  return l.si.length === l.units && l.classMeans.length === l.units * l.classes;
}

function unitSlice(h: LayerClassHistograms, unit: number): LayerClassHistograms {
  const { classes: C, bins: B } = h;
  return {
    firstUnit: unit + (h.firstUnit ?? 0),
    layer: h.layer,
    units: 1,
    classes: C,
    bins: B,
    edges: h.edges.slice(unit * (B + 1), (unit + 1) * (B + 1)),
    counts: h.counts.slice(unit * C * B, (unit + 1) * C * B),
  };
}

/** What a run's folder can give back of an epoch the run's state no longer holds. */
export interface StoredLayerReader {
  layer(epoch: number, layer: string): LayerSelectivity | undefined;
  unitHistograms(epoch: number, layer: string, unit: number): LayerClassHistograms | undefined;
}

/**
 * Answers a view's request from the run's state, else from its folder (`stored`, which may be absent for a run
 * without one). Always one message: the arrays, or `missing` saying why not.
 */
export function answerLayerRequest(run: RunViewState | undefined, request: LayerDataRequest, stored?: StoredLayerReader): LayerData {
  const base = { type: 'layerData' as const, runId: request.runId, epoch: request.epoch, layer: request.layer };
  if (!run) return { ...base, missing: `Run ${request.runId} is no longer listed.` };
  if (request.type === 'requestLayer') {
    const held = run.selectivity.find((s) => s.epoch === request.epoch)?.layers.find((l) => l.layer === request.layer);
    if (held && hasUnitArrays(held)) return { ...base, selectivity: held };
    const read = stored?.layer(request.epoch, request.layer);
    if (read && hasUnitArrays(read)) return { ...base, selectivity: read };
    return {
      ...base,
      missing: stored
        ? `The class means of ${request.layer} at epoch ${request.epoch} were dropped from memory and the run folder has none for that epoch.`
        : `The class means of ${request.layer} at epoch ${request.epoch} were dropped from memory and this run has no folder to read them from.`,
    };
  }
  const withUnit = { ...base, unit: request.unit };
  const latest = run.classResponses;
  const held = latest?.epoch === request.epoch ? latest.layers.find((l) => l.layer === request.layer) : undefined;
  const row = request.unit - (held?.firstUnit ?? 0);
  if (held && row >= 0 && row < held.units) return { ...withUnit, histograms: unitSlice(held, row) };
  const read = stored?.unitHistograms(request.epoch, request.layer, request.unit);
  if (read) return { ...withUnit, histograms: read };
  return { ...withUnit, missing: `No activation histograms of ${request.layer} were recorded at epoch ${request.epoch}.` };
}
