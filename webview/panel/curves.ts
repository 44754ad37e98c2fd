// Training curves over epochs: loss terms, accuracy, and selectivity (network SI and per-layer mean SI). A deep
// network's 49 per-layer lines are unreadable together: by default each stage (the name before the first dot:
// layer1, layer2...) is one line, the mean of its layers, with the layer shown below highlighted; "all layers"
// draws every layer thin, "selected layer" only that one.
import { color } from 'd3';
import type { EpochMetrics } from '../../src/protocol/events';
import type { RunViewState } from '../../src/protocol/runView';
import { LineChart, type Series } from '../shared/charts/lineChart';
import { ChangeGate, el } from '../shared/dom';
import { fmtNum } from '../shared/format';
import { palette } from '../shared/theme';

export type LayerCurves = 'stages' | 'all' | 'selected';

/** Networks with more unit layers than this group them by stage unless asked otherwise. */
const MAX_LAYER_LINES = 8;

/** The stage a layer belongs to: "layer3" of "layer3.4.relu2"; a name without dots is its own stage. */
export function stageOf(layer: string): string {
  const dot = layer.indexOf('.');
  return dot < 0 ? layer : layer.slice(0, dot);
}

const meansCache = new WeakMap<EpochMetrics, Map<string, number>>();

/** Each layer's mean SI at an epoch, by layer name: built once per epoch's metrics (they never change). */
function layerMeans(metrics: EpochMetrics): Map<string, number> {
  let means = meansCache.get(metrics);
  if (!means) {
    means = new Map(metrics.layers.map((l) => [l.layer, l.meanSI]));
    meansCache.set(metrics, means);
  }
  return means;
}

export class Curves {
  readonly root: HTMLElement;
  private loss: LineChart;
  private acc: LineChart;
  private si: LineChart;
  private gate = new ChangeGate();
  private mode: LayerCurves | undefined;
  private modeSelect: HTMLElement & { value: string };
  private last: [RunViewState | undefined, string | undefined] = [undefined, undefined];
  /** Scrolled out of view (the user reads the unit view below): new epochs wait until the curves show again. */
  private offscreen = false;
  private stale = false;

  constructor(container: HTMLElement) {
    this.root = el('div', { className: 'curves' });
    container.appendChild(this.root);
    const card = (title: string, extra?: HTMLElement) => {
      const c = el('div', { className: 'chart-card' }, [el('div', { className: 'chart-head' }, [el('h4', { className: 'chart-title', text: title }), extra])]);
      this.root.appendChild(c);
      return c;
    };
    this.loss = new LineChart(card('Loss'), { height: 150, canvas: true, ariaLabel: 'Training loss terms over epochs', yFormat: (v) => fmtNum(v, 2), xTitle: 'epoch' });
    this.acc = new LineChart(card('Accuracy'), {
      height: 150,
      canvas: true,
      ariaLabel: 'Train and test accuracy over epochs',
      yFormat: (v) => `${(v * 100).toFixed(1)}%`,
      yPercent: true,
      xTitle: 'epoch',
    });
    this.modeSelect = el('vscode-single-select', { className: 'layer-curves', attrs: { 'aria-label': 'Per-layer curves' } }) as HTMLElement & {
      value: string;
    };
    this.modeSelect.append(
      el('vscode-option', { text: 'by stage', attrs: { value: 'stages' } }),
      el('vscode-option', { text: 'all layers', attrs: { value: 'all' } }),
      el('vscode-option', { text: 'selected layer', attrs: { value: 'selected' } }),
    );
    this.modeSelect.addEventListener('change', () => {
      this.mode = this.modeSelect.value as LayerCurves;
      this.gate.reset();
      this.update(...this.last);
    });
    new IntersectionObserver((entries) => {
      this.offscreen = !entries[entries.length - 1].isIntersecting;
      if (!this.offscreen && this.stale) this.update(...this.last);
    }).observe(this.root);
    this.si = new LineChart(card('Selectivity', this.modeSelect), {
      height: 150,
      canvas: true,
      ariaLabel: 'Network and per-layer mean selectivity index over epochs',
      yInclude: [0],
      yFormat: (v) => fmtNum(v, 2),
      xTitle: 'epoch',
      maxLegend: 12,
    });
  }

  /** `selectedLayer`: the layer shown in the Selectivity section, highlighted here. */
  update(run: RunViewState | undefined, selectedLayer?: string): void {
    this.last = [run, selectedLayer];
    this.stale = this.offscreen;
    if (this.offscreen) return;
    const pal = palette();
    if (!this.gate.changed([run?.metrics, run?.selectivity, selectedLayer, this.mode, pal.version])) return;
    const m = run?.metrics ?? [];
    const [blue, orange, green, red, purple] = pal.series;
    const pts = (f: (x: (typeof m)[number]) => number): Array<[number, number]> => m.map((x) => [x.epoch, f(x)]);
    this.loss.update([
      { name: 'train CE', color: blue, points: pts((x) => x.trainCE) },
      { name: '−α·SI (reg. term)', color: orange, points: pts((x) => x.trainReg) },
      { name: 'test loss', color: green, points: pts((x) => x.testLoss), dashed: true },
    ]);
    this.acc.update([
      { name: 'train', color: blue, points: pts((x) => x.trainAcc) },
      { name: 'test', color: green, points: pts((x) => x.testAcc) },
    ]);
    // Network SI on the held-out set comes from analysed epochs; fill from selectivity events when metrics lack it.
    const netSI = new Map<number, number>();
    for (const x of m) if (Number.isFinite(x.networkSI)) netSI.set(x.epoch, x.networkSI);
    for (const s of run?.selectivity ?? []) if (!netSI.has(s.epoch)) netSI.set(s.epoch, s.networkSI);
    const layerNames = [...new Set(m.flatMap((x) => x.layers.map((l) => l.layer)))];
    const mode = this.mode ?? (layerNames.length > MAX_LAYER_LINES ? 'stages' : 'all');
    if (this.modeSelect.value !== mode) this.modeSelect.value = mode;
    if (this.modeSelect.hidden !== layerNames.length <= 1) this.modeSelect.hidden = layerNames.length <= 1;
    const meanSI = m.map(layerMeans);
    const layerPoints = (name: string): Array<[number, number]> => m.map((x, i) => [x.epoch, meanSI[i].get(name) ?? NaN]);
    const faded = (i: number, n: number) => {
      const c = color(purple)!;
      c.opacity = 0.25 + (0.65 * i) / Math.max(1, n - 1);
      return c.formatRgb();
    };
    let layerSeries: Series[] = [];
    if (mode === 'all') {
      layerSeries = layerNames
        .filter((n) => n !== selectedLayer)
        .map((name, i, all) => ({ name: `${name} mean SI`, color: faded(i, all.length), width: 1, points: layerPoints(name) }));
    } else if (mode === 'stages') {
      const stages = new Map<string, string[]>();
      for (const name of layerNames) stages.set(stageOf(name), [...(stages.get(stageOf(name)) ?? []), name]);
      layerSeries = [...stages].map(([stage, names], i) => ({
        name: `${stage} (${names.length} layer${names.length === 1 ? '' : 's'}) mean SI`,
        color: faded(i, stages.size),
        width: 1.5,
        points: m.map((x, e) => {
          let sum = 0;
          let n = 0;
          for (const name of names) {
            const v = meanSI[e].get(name);
            if (v === undefined || !Number.isFinite(v)) continue;
            sum += v;
            n++;
          }
          return [x.epoch, n ? sum / n : NaN] as [number, number];
        }),
      }));
    }
    const highlighted: Series[] =
      selectedLayer && layerNames.includes(selectedLayer)
        ? [{ name: `${selectedLayer} mean SI (shown below)`, color: orange, width: 2.5, points: layerPoints(selectedLayer) }]
        : [];
    this.si.update([
      ...layerSeries,
      ...highlighted,
      { name: 'network SI (test)', color: red, width: 2.5, points: [...netSI].sort((a, b) => a[0] - b[0]) },
      { name: 'train SI', color: blue, points: pts((x) => x.trainSI), dashed: true },
    ]);
  }
}
