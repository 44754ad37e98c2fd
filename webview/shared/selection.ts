// What the current UI selection points at inside the active run (the panel and the side bar).
import type { LayerSelectivity } from '../../src/protocol/selectivity';
import type { RunViewState } from '../../src/protocol/runView';
import { findLayer, selectivityAt } from '../../src/protocol/runView';
import type { Availability } from './layerData';
import type { Store } from './store';

export interface Resolved {
  run?: RunViewState;
  entry?: RunViewState['selectivity'][number];
  /** Layers that have units, in network order. */
  layerNames: string[];
  layerName?: string;
  /** The layer shown, with its arrays when `layerStatus` is 'ready' (class means may be missing otherwise). */
  layer?: LayerSelectivity;
  layerStatus: Availability;
  /** Why the layer's arrays are not there, when the host said so. */
  layerMissing?: string;
  classNames: readonly string[];
  unit?: number;
}

const NO_NAMES: readonly string[] = [];

/** `needs`: what the view draws of the layer; what the page does not hold is asked of the host. */
export function resolve(store: Store, needs: 'si' | 'classMeans' = 'classMeans'): Resolved {
  const run = store.activeRun;
  if (!run) return { layerNames: [], classNames: NO_NAMES, layerStatus: 'missing' };
  const entry = selectivityAt(run, store.ui.epoch);
  const fromMeta = run.meta?.layers.map((l) => l.name) ?? [];
  const analysed = entry?.layers.map((l) => l.layer) ?? [];
  // Network order from the meta, plus any analysed layer the meta does not list.
  const layerNames = [...fromMeta, ...analysed.filter((n) => !fromMeta.includes(n))];
  let layerName = store.ui.layer;
  if (!layerName || !layerNames.includes(layerName) || (entry && !analysed.includes(layerName))) {
    layerName = analysed[0] ?? layerNames[0];
  }
  const held = findLayer(entry, layerName);
  const lookup = held && entry ? store.layerData.layer(run.runId, entry.epoch, held, needs) : { layer: undefined, status: 'missing' as const };
  const layer = lookup.layer;
  // The selected unit belongs to the layer the user picked, not to a fallback layer.
  const unit =
    held && layerName === store.ui.layer && store.ui.unit !== undefined && store.ui.unit < held.units ? store.ui.unit : undefined;
  return {
    run,
    entry,
    layerNames,
    layerName,
    layer,
    layerStatus: lookup.status,
    layerMissing: lookup.missing,
    classNames: run.meta?.classNames ?? NO_NAMES,
    unit,
  };
}
