// The full panel: header, training curves, SI histogram + units x classes heatmap with layer picker and
// epoch scrubber, the selected unit's class responses, and the Sweep tab.
import type { LayerSelectivity } from '../../src/protocol/selectivity';
import { Heatmap, unitsBySI } from '../charts/heatmap';
import { SIHistogram } from '../charts/siHistogram';
import { ChangeGate, el } from '../dom';
import { className, fmtSI } from '../format';
import type { HeatmapNorm, Store } from '../store';
import { palette } from '../theme';
import { post } from '../vscodeApi';
import { EpochScrubber, LayerPicker } from './controls';
import { Curves } from './curves';
import { RunHeader } from './runHeader';
import { resolve } from './selection';
import { UnitView } from './unitView';

export interface PanelView {
  render(): void;
  sweepRoot: HTMLElement;
}

export function createPanel(app: HTMLElement, store: Store): PanelView {
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
  const heatmap = new Heatmap(heatCard, { maxHeight: 420, onSelectUnit: selectUnit });
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

  const histGate = new ChangeGate();
  const heatGate = new ChangeGate();
  const unitGate = new ChangeGate();
  let lastUnit: number | undefined;

  function render(): void {
    const r = resolve(store);
    header.update(store.runs, r.run);
    empty.hidden = !!r.run;
    content.hidden = !r.run;
    if (!r.run) return;
    curves.update(r.run);
    const analysed = r.entry?.layers.map((l) => l.layer) ?? [];
    layerPicker.update(r.layerNames.filter((n) => analysed.length === 0 || analysed.includes(n)), r.layerName);
    const epochs = r.run.selectivity.map((s) => s.epoch);
    scrubber.update(epochs, r.entry?.epoch, store.ui.epoch === undefined);
    if (normSelect.value !== store.ui.norm) normSelect.value = store.ui.norm;
    networkSI.textContent = r.entry ? `Network SI ${fmtSI(r.entry.networkSI)} at epoch ${r.entry.epoch}` : 'Waiting for the first analysis…';

    const pal = palette();
    if (histGate.changed([r.layer, r.unit, r.classNames, pal.version])) {
      histStats.textContent = r.layer ? layerStatsText(r.layer) : '';
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
    if (heatGate.changed([r.layer, r.unit, r.classNames, store.ui.norm, pal.version])) {
      heatTitle.textContent = r.layer
        ? `Class means · ${r.layer.units} units × ${r.layer.classes} classes, sorted by SI`
        : 'Class means';
      heatmap.update(
        r.layer && r.entry
          ? { layer: r.layer, epoch: r.entry.epoch, classNames: r.classNames, selectedUnit: r.unit, norm: store.ui.norm }
          : undefined,
      );
    }
    const responses = r.run.classResponses;
    const hist = responses?.layers.find((l) => l.layer === r.layerName);
    if (unitGate.changed([r.layer, r.unit, r.classNames, hist, r.run.meta, pal.version])) {
      unitView.update(
        r.layer && r.entry && r.unit !== undefined
          ? {
              layer: r.layer,
              unit: r.unit,
              epoch: r.entry.epoch,
              classNames: r.classNames,
              responses: hist && responses ? { epoch: responses.epoch, histograms: hist } : undefined,
              histogramsRecorded: r.run.meta?.histogramLayers?.includes(r.layer.layer) ?? true,
            }
          : undefined,
      );
      if (r.unit !== undefined && r.unit !== lastUnit) unitView.root.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
      lastUnit = r.unit;
    }
  }

  return { render, sweepRoot };
}

/** Mean and median SI, and how many units never fire on the held-out set (all class means 0). */
export function layerStatsText(layer: LayerSelectivity): string {
  const finite = Array.from(layer.si).filter(Number.isFinite).sort((a, b) => a - b);
  const mean = finite.reduce((a, b) => a + b, 0) / Math.max(1, finite.length);
  const median = finite.length ? finite[Math.floor((finite.length - 1) / 2)] : NaN;
  const parts = [`${layer.units} units`, `mean ${fmtSI(mean)}`, `median ${fmtSI(median)}`];
  if (layer.classMeans.length === layer.units * layer.classes) {
    let dead = 0;
    for (let u = 0; u < layer.units; u++) {
      let max = 0;
      for (let c = 0; c < layer.classes; c++) max = Math.max(max, layer.classMeans[u * layer.classes + c]);
      if (max <= 0) dead++;
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
