// The compact sidebar: the active run's progress, network SI and test accuracy sparklines, and the
// selected layer's live SI histogram.
import { LineChart } from '../shared/charts/lineChart';
import { SIHistogram } from '../shared/charts/siHistogram';
import { LayerPicker } from '../shared/controls';
import { ChangeGate, el, setText } from '../shared/dom';
import { fmtPct, fmtSI } from '../shared/format';
import { RunHeader } from '../shared/runHeader';
import { resolve } from '../shared/selection';
import type { Store } from '../shared/store';
import { palette } from '../shared/theme';
import type { HostChannel } from '../shared/vscodeApi';

export function createSidebar(app: HTMLElement, store: Store, post: HostChannel<'sidebar'>['post']): { render(): void } {
  const header = new RunHeader(app, true, {
    onPickRun: (runId) => {
      store.select({ activeRunId: runId });
      post({ type: 'selectRun', runId });
    },
    onStop: (runId) => post({ type: 'stopRun', runId }),
  });
  const empty = el('div', { className: 'empty-state' }, [
    el('p', { text: 'No runs yet. Open a *.selectivity.json file and run "Selectivity Lens: Start Run".' }),
  ]);
  app.appendChild(empty);
  const content = el('div', { className: 'sidebar-content' });
  app.appendChild(content);

  const spark = (label: string, key: string) => {
    const value = el('span', { className: 'spark-value', attrs: { 'data-spark': key } });
    const box = el('div', { className: 'spark-row' }, [el('span', { className: 'spark-label', text: label }), value]);
    content.appendChild(box);
    const chart = new LineChart(box, { height: 34, axes: false, ariaLabel: `${label} over epochs` });
    return { chart, value };
  };
  const si = spark('Network SI', 'network-si');
  const acc = spark('Test accuracy', 'test-acc');

  const histBox = el('div', { className: 'sidebar-hist' });
  content.appendChild(histBox);
  const layerPicker = new LayerPicker(histBox, (layer) => store.select({ layer }));
  const histCaption = el('div', { className: 'hist-caption' });
  histBox.appendChild(histCaption);
  const histogram = new SIHistogram(histBox, { height: 120, bins: 20, interactive: false });

  const open = el('vscode-button', { className: 'open-panel', text: 'Open full panel', attrs: { block: true } });
  open.addEventListener('click', () => post({ type: 'openPanel', runId: store.activeRun?.runId }));
  app.appendChild(open);

  const sparkGate = new ChangeGate();
  const histGate = new ChangeGate();

  function render(): void {
    const r = resolve(store, 'si');
    header.update(store.runs, r.run);
    empty.hidden = !!r.run;
    content.hidden = !r.run;
    open.toggleAttribute('disabled', !r.run);
    if (!r.run) return;
    const pal = palette();
    if (sparkGate.changed([r.run.metrics, r.run.selectivity, pal.version])) {
      const netSI = r.run.selectivity.map((s) => [s.epoch, s.networkSI] as [number, number]);
      si.chart.update([{ name: 'network SI', color: pal.series[3], points: netSI }]);
      setText(si.value, fmtSI(netSI.at(-1)?.[1]));
      const testAcc = r.run.metrics.map((m) => [m.epoch, m.testAcc] as [number, number]);
      acc.chart.update([{ name: 'test accuracy', color: pal.series[2], points: testAcc }]);
      setText(acc.value, fmtPct(testAcc.at(-1)?.[1]));
    }
    layerPicker.update(r.entry?.layers.map((l) => l.layer) ?? r.layerNames, r.layerName);
    if (histGate.changed([r.layer, pal.version])) {
      setText(histCaption, r.layer && r.entry ? `SI of ${r.layer.units} units · epoch ${r.entry.epoch}` : 'Waiting for the first analysis…');
      histogram.update(r.layer && r.entry ? { si: r.layer.si, layer: r.layer.layer, epoch: r.entry.epoch } : undefined);
    }
  }

  return { render };
}
