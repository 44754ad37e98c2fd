// The compare panel: overlaid per-layer SI histograms (layer picker), one training-curve chart with every run
// (metric picker) and a table of final metrics. Each run keeps one colour everywhere; legends name the runs
// inside each chart card so exported figures carry them.
import type { CompareRun, HostToCompare } from '../../src/protocol/webviews/compare';
import { LineChart } from '../shared/charts/lineChart';
import { LayerPicker } from '../shared/controls';
import { el } from '../shared/dom';
import { CompareTable } from './compareTable';
import { curveMetrics, type CurveMetric } from './metrics';
import { OverlayHistogram, type YMode } from './overlayHistogram';
import { runColors } from './runColors';

export interface CompareUi {
  layer?: string;
  metric?: string;
  yMode?: YMode;
}

type Select = HTMLElement & { value: string };

function select(id: string, label: string, options: Array<[string, string]>, onChange: (v: string) => void): { root: HTMLElement; select: Select } {
  const s = el('vscode-single-select', { attrs: { id, 'aria-label': label } }) as Select;
  s.append(...options.map(([value, text]) => el('vscode-option', { text, attrs: { value } })));
  s.addEventListener('change', () => onChange(s.value));
  return { root: el('div', { className: 'control' }, [el('label', { text: label, attrs: { for: id } }), s]), select: s };
}

/** Layers with per-unit SI in any run, in the order the runs list them. */
export function compareLayers(runs: CompareRun[]): string[] {
  const out: string[] = [];
  for (const r of runs) for (const l of r.selectivity?.layers ?? []) if (!out.includes(l.layer)) out.push(l.layer);
  return out;
}

export class CompareView {
  private data: HostToCompare = { type: 'compare', runs: [] };
  private readonly title: HTMLElement;
  private readonly problems: HTMLElement;
  private readonly content: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly layerPicker: LayerPicker;
  private readonly yMode: Select;
  private readonly metricSelect: Select;
  private readonly histTitle: HTMLElement;
  private readonly histLegend: HTMLElement;
  private readonly histCard: HTMLElement;
  private readonly histogram: OverlayHistogram;
  private readonly curveCard: HTMLElement;
  private readonly curveTitle: HTMLElement;
  private curves: { chart: LineChart; metric: string } | undefined;
  private readonly table: CompareTable;
  private metrics: CurveMetric[] = [];

  constructor(
    root: HTMLElement,
    private ui: CompareUi,
    private readonly onUiChange: (ui: CompareUi) => void,
    onOpenRun: (runId: string) => void,
  ) {
    this.title = el('h2', { className: 'compare-title', text: 'Compare runs' });
    this.problems = el('ul', { className: 'compare-problems', attrs: { role: 'alert' } });
    this.empty = el('div', { className: 'empty-state' }, [
      el('p', { text: 'Select two or more runs in the Runs view (Ctrl/Cmd+click) and run "Selectivity Lens: Compare Runs".' }),
    ]);
    this.content = el('div', { className: 'compare-content' });
    root.append(this.title, this.problems, this.empty, this.content);

    // Selectivity: layer picker + y scale, then the overlaid histograms with their legend.
    const selSection = el('section', { className: 'card', attrs: { 'aria-label': 'Selectivity' } }, [
      el('h3', { className: 'section-title', text: 'Selectivity' }),
    ]);
    const selToolbar = el('div', { className: 'toolbar' });
    this.layerPicker = new LayerPicker(selToolbar, (layer) => this.setUi({ layer }));
    const y = select('compare-y', 'Y axis', [
      ['count', 'units per bin'],
      ['share', 'share of units'],
    ], (v) => this.setUi({ yMode: v === 'share' ? 'share' : 'count' }));
    this.yMode = y.select;
    selToolbar.appendChild(y.root);
    this.histTitle = el('h4', { className: 'chart-title' });
    this.histLegend = el('div', { className: 'legend compare-legend' });
    this.histCard = el('div', { className: 'chart-card compare-hist-card' }, [this.histTitle]);
    this.histogram = new OverlayHistogram(this.histCard, { height: 240, bins: 20 });
    this.histCard.appendChild(this.histLegend);
    selSection.append(selToolbar, this.histCard);

    // Training curves: metric picker, one chart, one line per run (its legend lists the runs).
    const trainSection = el('section', { className: 'card', attrs: { 'aria-label': 'Training curves' } }, [
      el('h3', { className: 'section-title', text: 'Training' }),
    ]);
    const trainToolbar = el('div', { className: 'toolbar' });
    const metric = select('compare-metric', 'Metric', [], (v) => this.setUi({ metric: v }));
    this.metricSelect = metric.select;
    trainToolbar.appendChild(metric.root);
    this.curveTitle = el('h4', { className: 'chart-title' });
    this.curveCard = el('div', { className: 'chart-card compare-curve-card' }, [this.curveTitle]);
    trainSection.append(trainToolbar, this.curveCard);

    const tableSection = el('section', { className: 'card', attrs: { 'aria-label': 'Final metrics' } }, [
      el('h3', { className: 'section-title', text: 'Final metrics' }),
    ]);
    this.table = new CompareTable(tableSection, onOpenRun);
    this.content.append(selSection, trainSection, tableSection);
  }

  update(data: HostToCompare): void {
    this.data = data;
    this.metrics = curveMetrics(data.runs);
    const keys = this.metrics.map((m) => `${m.key}\n${m.label}`).join('\n');
    if (this.metricSelect.dataset.keys !== keys) {
      this.metricSelect.dataset.keys = keys;
      this.metricSelect.replaceChildren(...this.metrics.map((m) => el('vscode-option', { text: m.label, attrs: { value: m.key } })));
    }
    this.render(true);
  }

  private setUi(patch: CompareUi): void {
    this.ui = { ...this.ui, ...patch };
    this.onUiChange(this.ui);
    this.render(false);
  }

  /** Redraws everything (after a theme change the run colours change too). */
  render(dataChanged = true): void {
    const runs = this.data.runs;
    this.title.textContent = runs.length ? `Compare ${runs.length} run${runs.length === 1 ? '' : 's'}` : 'Compare runs';
    this.problems.replaceChildren(...(this.data.problems ?? []).map((p) => el('li', { text: p })));
    this.empty.hidden = runs.length > 0;
    this.content.hidden = runs.length === 0;
    if (runs.length === 0) return;
    const colors = runColors(runs.length);

    // Histograms.
    const layers = compareLayers(runs);
    const layer = this.ui.layer && layers.includes(this.ui.layer) ? this.ui.layer : layers[0];
    this.layerPicker.update(layers, layer);
    const unitCounts = new Set(runs.map((r) => r.selectivity?.layers.find((l) => l.layer === layer)?.units).filter((u) => u !== undefined));
    // Runs of different widths compare as shares; equal widths as plain unit counts.
    const yMode: YMode = this.ui.yMode ?? (unitCounts.size > 1 ? 'share' : 'count');
    if (this.yMode.value !== yMode) this.yMode.value = yMode;
    this.histTitle.textContent = layer ? `SI distribution · ${layer}` : 'SI distribution (no run was analysed yet)';
    this.histCard.dataset.exportName = `compare-si-histogram-${layer ?? 'none'}`;
    this.histogram.update({
      layer: layer ?? '',
      yMode,
      runs: runs.map((r, i) => ({ name: r.name, color: colors[i], si: r.selectivity?.layers.find((l) => l.layer === layer)?.si })),
    });
    this.histLegend.replaceChildren(
      ...runs.map((r, i) => {
        const sel = r.selectivity;
        const has = sel?.layers.some((l) => l.layer === layer);
        const swatch = el('span', { className: 'swatch block', attrs: { 'aria-hidden': 'true' } });
        swatch.style.background = colors[i];
        return el('span', { className: has ? 'item' : 'item missing', attrs: { 'data-run': r.name } }, [
          swatch,
          el('span', { className: 'label', text: has ? `${r.name} (epoch ${sel!.epoch})` : `${r.name} (no data)` }),
        ]);
      }),
      // The dashed vertical lines of the histogram.
      el('span', { className: 'item key-mean' }, [
        el('span', { className: 'swatch dashed', attrs: { 'aria-hidden': 'true' } }),
        el('span', { className: 'label', text: "dashed line: each run's mean SI" }),
      ]),
    );

    // Curves: one chart per metric kind (its y format is fixed at creation).
    const metric = this.metrics.find((m) => m.key === this.ui.metric) ?? this.metrics[0];
    if (this.metricSelect.value !== metric.key) this.metricSelect.value = metric.key;
    if (!this.curves || this.curves.metric !== metric.key) {
      this.curves?.chart.root.remove();
      this.curves = {
        metric: metric.key,
        chart: new LineChart(this.curveCard, {
          height: 220,
          ariaLabel: `${metric.label} over epochs for ${runs.length} runs`,
          yFormat: metric.yFormat,
          yInclude: metric.yInclude,
          yPercent: metric.yPercent,
          xTitle: 'epoch',
          maxLegend: 1000,
        }),
      };
    }
    this.curveTitle.textContent = `${metric.label} by epoch`;
    this.curveCard.dataset.exportName = `compare-${metric.key.replace(':', '-')}`;
    this.curves.chart.update(runs.map((r, i) => ({ name: r.name, color: colors[i], points: metric.points(r), width: 1.75 })));

    if (dataChanged || this.tableColors !== colors.join()) {
      this.tableColors = colors.join();
      this.table.update(runs, colors);
    }
  }

  private tableColors = '';
}
