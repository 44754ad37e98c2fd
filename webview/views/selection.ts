// What the current UI selection points at inside the active run (shared by both surfaces).
import type { LayerSelectivity } from '../../src/protocol/selectivity';
import type { RunViewState } from '../../src/protocol/webview';
import { findLayer, selectivityAt } from '../../src/protocol/runView';
import type { Store } from '../store';

export interface Resolved {
  run?: RunViewState;
  entry?: RunViewState['selectivity'][number];
  /** Layers that have units, in network order. */
  layerNames: string[];
  layerName?: string;
  layer?: LayerSelectivity;
  classNames: readonly string[];
  unit?: number;
}

const NO_NAMES: readonly string[] = [];

export function resolve(store: Store): Resolved {
  const run = store.activeRun;
  if (!run) return { layerNames: [], classNames: NO_NAMES };
  const entry = selectivityAt(run, store.ui.epoch);
  const fromMeta = run.meta?.layers.map((l) => l.name) ?? [];
  const analysed = entry?.layers.map((l) => l.layer) ?? [];
  // Network order from the meta, plus any analysed layer the meta does not list.
  const layerNames = [...fromMeta, ...analysed.filter((n) => !fromMeta.includes(n))];
  let layerName = store.ui.layer;
  if (!layerName || !layerNames.includes(layerName) || (entry && !analysed.includes(layerName))) {
    layerName = analysed[0] ?? layerNames[0];
  }
  const layer = findLayer(entry, layerName);
  // The selected unit belongs to the layer the user picked, not to a fallback layer.
  const unit =
    layer && layerName === store.ui.layer && store.ui.unit !== undefined && store.ui.unit < layer.units ? store.ui.unit : undefined;
  return { run, entry, layerNames, layerName, layer, classNames: run.meta?.classNames ?? NO_NAMES, unit };
}
