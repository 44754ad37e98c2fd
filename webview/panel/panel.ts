// The full panel: header, training curves, SI histogram + units x classes heatmap with layer picker and
// epoch scrubber, the selected unit's class responses, and the Sweep tab.
import { findLayer } from '../../src/protocol/runView';
import type { LayerSelectivity } from '../../src/protocol/selectivity';
import { SIHistogram } from '../shared/charts/siHistogram';
import { LayerPicker } from '../shared/controls';
import { ChangeGate, el, setHidden, setText } from '../shared/dom';
import { className, fmtSI } from '../shared/format';
import { RunHeader } from '../shared/runHeader';
import type { Availability } from '../shared/layerData';
import { resolve, type Resolved } from '../shared/selection';
import type { HeatmapNorm, Store } from '../shared/store';
import { palette } from '../shared/theme';
import type { HostChannel } from '../shared/vscodeApi';
import { AnalysesSection } from './analyses/analysesSection';
import type { AnalysesState } from './analyses/analysesState';
import { TopInputsView } from './analyses/topInputsView';
import { Curves } from './curves';
import { EpochScrubber } from './epochScrubber';
import { Heatmap } from './heatmap';
import { unitsBySI } from '../shared/unitOrder';
import { UnitView, type UnitResponses } from './unitView';

export interface PanelView {
  render(): void;
  sweepRoot: HTMLElement;
}

export function createPanel(app: HTMLElement, store: Store, analyses: AnalysesState, post: HostChannel<'panel'>['post']): PanelView {
  const header = new RunHeader(app, false, {
    onPickRun: (runId) => {
      store.select({ activeRunId: runId });
      post({ type: 'selectRun', runId });
    },
    onStop: (runId) => post({ type: 'stopRun', runId }),
  });

  const tabs = el('vscode-tabs', { attrs: { 'selected-index': store.ui.tab === 'sweep' ? 1 : 0 } });
  const runPanel = el('vscode-tab-panel', { className: 'run-tab' });
  const sweepRoot = el('vscode-tab-panel', { className: 'sweep-tab', attrs: { id: 'sweep-root' } });
  tabs.append(
    el('vscode-tab-header', { text: 'Run', attrs: { slot: 'header', 'data-tab': 'run' } }),
    runPanel,
    el('vscode-tab-header', { text: 'Sweep', attrs: { slot: 'header', 'data-tab': 'sweep' } }),
    sweepRoot,
  );
  tabs.addEventListener('vsc-tabs-select', (e) => {
    const index = (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
    store.select({ tab: index === 1 ? 'sweep' : 'run' });
  });
  app.appendChild(tabs);

  const empty = el('div', { className: 'empty-state' }, [
    el('h2', { text: 'No runs yet' }),
    el('p', { text: 'Start a run from a *.selectivity.json file (Selectivity Lens: Start Run) to watch it here.' }),
  ]);
  runPanel.appendChild(empty);
  const content = el('div', { className: 'run-content' });
  runPanel.appendChild(content);

  const training = section(content, 'Training');
  const curves = new Curves(training);

  const sel = section(content, 'Selectivity');
  const toolbar = el('div', { className: 'toolbar' });
  sel.appendChild(toolbar);
  const layerPicker = new LayerPicker(toolbar, (layer) => store.select({ layer }));
  const scrubber = new EpochScrubber(toolbar, (epoch) => store.select({ epoch }));
  const normSelect = el('vscode-single-select', { attrs: { id: 'norm-select', 'aria-label': 'Heatmap colour scale' } }) as HTMLElement & {
    value: string;
  };
  normSelect.append(
    el('vscode-option', { text: 'per unit', attrs: { value: 'row' } }),
    el('vscode-option', { text: 'whole layer', attrs: { value: 'global' } }),
  );
  normSelect.addEventListener('change', () => store.select({ norm: normSelect.value as HeatmapNorm }));
  toolbar.appendChild(el('div', { className: 'control' }, [el('label', { text: 'Scale', attrs: { for: 'norm-select' } }), normSelect]));
  const networkSI = el('div', { className: 'network-si', attrs: { 'aria-live': 'polite' } });
  toolbar.appendChild(networkSI);

  const grid = el('div', { className: 'sel-grid' });
  sel.appendChild(grid);
  const histStats = el('p', { className: 'layer-stats' });
  const histCard = el('div', { className: 'chart-card hist-card' }, [el('h4', { className: 'chart-title', text: 'SI distribution' }), histStats]);
  const heatCard = el('div', { className: 'chart-card heat-card' });
  const heatTitle = el('h4', { className: 'chart-title' });
  heatCard.appendChild(heatTitle);
  grid.append(histCard, heatCard);
  // A unit is always picked in the layer on screen (which may be the default layer, never picked explicitly).
  const selectUnit = (unit: number) => store.select({ unit, layer: resolve(store).layerName });
  const histogram = new SIHistogram(histCard, { height: 200, bins: 20, interactive: true, onSelectUnit: selectUnit });
  const heatmap = new Heatmap(heatCard, { maxHeight: 420, onSelectUnit: selectUnit, onBuilt: () => imageBuilt() });
  const unitView = new UnitView(
    content,
    () => store.select({ unit: undefined }),
    (delta) => {
      const r = resolve(store);
      if (!r.layer || r.unit === undefined) return;
      const order = unitsBySI(r.layer.si);
      const next = order[order.indexOf(r.unit) + delta];
      if (next !== undefined) store.select({ unit: next, layer: r.layerName });
    },
  );

  const topInputs = new TopInputsView(
    unitView.root,
    (layers) => r0() && post({ type: 'runAnalysis', runId: r0()!, kind: 'topInputs', layers }),
    () => r0() && post({ type: 'cancelAnalysis', runId: r0()!, kind: 'topInputs' }),
  );
  // A picker inside the analyses (ablation mode, similarity run or measure) redraws them.
  let analysesPicks = 0;
  const analysesSection = new AnalysesSection(content, analyses, post, () => {
    analysesPicks++;
    store.changed();
  });
  /** The run on screen. */
  const r0 = () => resolve(store).run?.runId;

  const histGate = new ChangeGate();
  const analysesGate = new ChangeGate();
  const heatGate = new ChangeGate();
  const unitGate = new ChangeGate();
  let lastUnit: number | undefined;
  /** A unit was just picked and its histograms are still on the way: the view grows when they come. */
  let scrollWhenReady = false;
  let shown = '';
  /** Since when the panel has been waiting for the heatmap's image, and the timer that stops waiting. */
  let holdingSince: number | undefined;
  let holdTimer = 0;

  /** Tells the host which layer and unit to send along with new epochs (only while following the newest). */
  function announceShown(r: Resolved): void {
    if (!r.run) return;
    const following = store.ui.epoch === undefined;
    const message = { type: 'showLayer' as const, runId: r.run.runId, layer: following ? r.layerName : undefined, unit: following ? r.unit : undefined };
    const key = JSON.stringify(message);
    if (key === shown) return;
    shown = key;
    post(message);
  }

  function updateHeatmap(r: Resolved): void {
    const pal = palette();
    const held = findLayer(r.entry, r.layerName);
    if (heatGate.changed([r.layer, r.layerStatus, held, r.unit, r.classNames, store.ui.norm, pal.version])) {
      setText(heatTitle, held ? `Class means · ${held.units} units × ${held.classes} classes, sorted by SI` : 'Class means');
      if (r.layer && r.entry && r.layerStatus === 'ready') {
        heatmap.update({ layer: r.layer, epoch: r.entry.epoch, classNames: r.classNames, selectedUnit: r.unit, norm: store.ui.norm });
      } else if (held && r.entry) {
        heatmap.unavailable(
          r.layerStatus === 'loading'
            ? { loading: true, text: `Loading the class means of epoch ${r.entry.epoch}…` }
            : { loading: false, text: `No class means for epoch ${r.entry.epoch}: ${r.layerMissing ?? 'they were dropped to save memory.'}` },
        );
      } else heatmap.update(undefined);
    }
  }

  /** The panel waits for this image: it draws it with everything else. Otherwise it goes on screen now, alone. */
  function imageBuilt(): void {
    if (holdingSince !== undefined) store.changed();
    else heatmap.showBuilt();
  }

  /**
   * While the heatmap's image of a new epoch is being built (off the main thread, a few ms), the rest of the panel
   * waits for it, up to HOLD_MS, so that the epoch reaches the screen in one frame: every frame costs this page
   * several ms of style, layout, paint and compositing, whatever changed in it.
   */
  function holdForImage(): boolean {
    const now = performance.now();
    holdingSince ??= now;
    const left = HOLD_MS - (now - holdingSince);
    if (left <= 0) return false;
    clearTimeout(holdTimer);
    holdTimer = window.setTimeout(() => store.changed(), left);
    return true;
  }

  function render(): void {
    const r = resolve(store);
    heatmap.showBuilt();
    if (r.run) {
      updateHeatmap(r);
      // Only for a live run's next epoch of the layer on screen: a pick or a scrub shows at once (the picker and
      // scrubber have drawn themselves already), and the heatmap follows.
      const nextEpoch = store.ui.epoch === undefined && heatmap.shownLayer === r.layerName;
      if (heatmap.building && nextEpoch && holdForImage()) return;
    }
    holdingSince = undefined;
    clearTimeout(holdTimer);
    header.update(store.runs, r.run);
    setHidden(empty, !!r.run);
    setHidden(content, !r.run);
    if (!r.run) return;
    announceShown(r);
    if (analyses.needsRequest(r.run.runId)) post({ type: 'requestAnalyses', runId: r.run.runId });
    curves.update(r.run, r.layerName);
    const analysed = r.entry?.layers.map((l) => l.layer) ?? [];
    layerPicker.update(r.layerNames.filter((n) => analysed.length === 0 || analysed.includes(n)), r.layerName);
    const epochs = r.run.selectivity.map((s) => s.epoch);
    scrubber.update(epochs, r.entry?.epoch, store.ui.epoch === undefined);
    if (normSelect.value !== store.ui.norm) normSelect.value = store.ui.norm;
    networkSI.textContent = r.entry ? `Network SI ${fmtSI(r.entry.networkSI)} at epoch ${r.entry.epoch}` : 'Waiting for the first analysis…';

    const pal = palette();
    if (histGate.changed([r.layer, r.layerStatus, r.unit, r.classNames, pal.version])) {
      histStats.textContent = r.layer ? layerStatsText(r.layer) : r.layerStatus === 'loading' && r.entry ? `Loading epoch ${r.entry.epoch}…` : '';
      histogram.update(
        r.layer && r.entry
          ? {
              si: r.layer.si,
              layer: r.layer.layer,
              epoch: r.entry.epoch,
              selectedUnit: r.unit,
              describeUnit: (u) => className(r.classNames, r.layer!.preferred[u]),
            }
          : undefined,
      );
    }
    const responses = unitResponses(store, r);
    if (unitGate.changed([r.layer, r.unit, r.classNames, responses.key, responses.status, r.run.meta, pal.version])) {
      unitView.update(
        r.layer && r.entry && r.unit !== undefined
          ? {
              layer: r.layer,
              unit: r.unit,
              epoch: r.entry.epoch,
              classNames: r.classNames,
              responses: responses.value,
              histogramsStatus: responses.status,
              histogramsRecorded: r.run.meta?.histogramLayers?.includes(r.layer.layer) ?? true,
            }
          : undefined,
      );
      // A picked unit is brought into view, and once more when its histograms arrive and the view grows below the
      // fold (only then: later epochs or a scrub never move the page).
      const ready = responses.status === 'ready';
      const scroll = r.unit !== undefined && (r.unit !== lastUnit || (scrollWhenReady && ready));
      if (scroll) unitView.root.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
      if (r.unit !== lastUnit) scrollWhenReady = r.unit !== undefined && responses.status === 'loading';
      else if (ready) scrollWhenReady = false;
      lastUnit = r.unit;
    }
    if (analysesGate.changed([r.run.runId, analyses.version, r.layer?.layer, r.unit, pal.version, analysesPicks])) {
      if (r.layer && r.unit !== undefined) {
        topInputs.update({ result: analyses.result(r.run.runId, 'topInputs'), layer: r.layer.layer, unit: r.unit, job: analyses.job(r.run.runId, 'topInputs') });
      }
      analysesSection.update(r.run.runId);
    }
  }

  return { render, sweepRoot };
}

/**
 * The selected unit's class histograms of the latest analysis: from a classResponses event that carried them
 * (an older host), else asked of the host. `key` changes exactly when the histograms do.
 */
function unitResponses(store: Store, r: Resolved): { key: unknown; value?: UnitResponses; status: Availability } {
  const responses = r.run?.classResponses;
  if (!r.run || !responses || r.unit === undefined || r.layerName === undefined) return { key: undefined, status: 'missing' };
  const full = responses.layers.find((l) => l.layer === r.layerName);
  const row = full ? r.unit - (full.firstUnit ?? 0) : -1;
  if (full && row >= 0 && row < full.units) return { key: full, value: { epoch: responses.epoch, histograms: full, row }, status: 'ready' };
  if (!(r.run.meta?.histogramLayers?.includes(r.layerName) ?? true)) return { key: undefined, status: 'missing' };
  const lookup = store.layerData.unitHistograms(r.run.runId, responses.epoch, r.layerName, r.unit);
  return {
    key: lookup.histograms,
    value: lookup.histograms && { epoch: responses.epoch, histograms: lookup.histograms, row: r.unit - (lookup.histograms.firstUnit ?? 0) },
    status: lookup.status,
  };
}

/** The longest the panel waits for the heatmap's image before it draws the rest without it. */
const HOLD_MS = 150;

const statsCache = new WeakMap<LayerSelectivity, string>();

/** Mean and median SI, and how many units never fire on the held-out set (all class means 0). Once per layer. */
export function layerStatsText(layer: LayerSelectivity): string {
  let text = statsCache.get(layer);
  if (text === undefined) {
    text = computeLayerStats(layer);
    statsCache.set(layer, text);
  }
  return text;
}

function computeLayerStats(layer: LayerSelectivity): string {
  // The ranking by SI (shared with the heatmap and the histogram) is sorted already, NaN last.
  const order = unitsBySI(layer.si);
  let finite = 0;
  let sum = 0;
  for (let i = 0; i < order.length; i++) {
    const v = layer.si[order[i]];
    if (!Number.isFinite(v)) break;
    finite++;
    sum += v;
  }
  const mean = sum / Math.max(1, finite);
  // The lower median of the finite values: the ranking runs from high to low.
  const median = finite ? layer.si[order[finite - 1 - Math.floor((finite - 1) / 2)]] : NaN;
  const parts = [`${layer.units} units`, `mean ${fmtSI(mean)}`, `median ${fmtSI(median)}`];
  if (layer.classMeans.length === layer.units * layer.classes) {
    let dead = 0;
    const C = layer.classes;
    // A unit is alive at its first positive class mean: nearly always the first one looked at.
    for (let u = 0; u < layer.units; u++) {
      let alive = false;
      for (let c = u * C; c < u * C + C; c++) {
        if (layer.classMeans[c] > 0) {
          alive = true;
          break;
        }
      }
      if (!alive) dead++;
    }
    if (dead > 0) parts.push(`${dead} silent (never active)`);
  }
  return parts.join(' · ');
}

function section(parent: HTMLElement, title: string): HTMLElement {
  const s = el('section', { className: 'card', attrs: { 'aria-label': title } }, [el('h3', { className: 'section-title', text: title })]);
  parent.appendChild(s);
  return s;
}
