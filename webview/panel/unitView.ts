// One unit's class responses: bar chart of class-conditional means (its SI and preferred class) and
// per-class activation histograms from the latest classResponses event.
import { axisBottom, axisLeft, max, range, scaleBand, scaleLinear, select, type ScaleBand, type ScaleLinear } from 'd3';
import type { LayerClassHistograms, LayerSelectivity } from '../../src/protocol/selectivity';
import { clearedContext, plotStyle } from '../shared/charts/canvasPlot';
import { drawAxis, scaleKey, setAttrs, setTexts } from '../shared/charts/quietWrites';
import { el, observeWidth, setData, setHidden, setText } from '../shared/dom';
import { drawVectorWhileExported } from '../shared/export/vectorExport';
import { className, fmtNum, fmtSI } from '../shared/format';
import type { Availability } from '../shared/layerData';
import { ClassHistogramGrid, type MiniPanel } from './classHistogramGrid';
import { unitsBySI } from '../shared/unitOrder';

/** Class histograms that hold the unit's: row `row` of `histograms` (0 when they are the unit's alone). */
export interface UnitResponses {
  epoch: number;
  histograms: LayerClassHistograms;
  row: number;
}

export interface UnitViewInput {
  layer: LayerSelectivity;
  unit: number;
  epoch: number;
  classNames: readonly string[];
  responses?: UnitResponses;
  /** 'loading' while the host is asked for the unit's histograms. */
  histogramsStatus?: Availability;
  /** False when the run records no histograms for this layer (selectivity.histogramLayers). */
  histogramsRecorded?: boolean;
}

/** Room on top for the μ rest key, at the bottom for the class axis and its title. */
const BAR_MARGIN = { top: 22, right: 12, bottom: 40, left: 52 };
const MAX_MULTIPLES = 12;
/** Above this many classes the unit's bars are drawn as one path. */
const MANY_CLASSES = 60;

/** The SI formula of the paper, recomputed from the class means shown (the engine's value is displayed). */
export function unitStats(layer: LayerSelectivity, unit: number): { muMax: number; muRest: number; preferred: number } {
  const C = layer.classes;
  const means = layer.classMeans.subarray(unit * C, unit * C + C);
  let preferred = 0;
  for (let c = 1; c < C; c++) if (means[c] > means[preferred]) preferred = c;
  let rest = 0;
  for (let c = 0; c < C; c++) if (c !== preferred) rest += means[c];
  return { muMax: means[preferred] ?? NaN, muRest: C > 1 ? rest / (C - 1) : NaN, preferred };
}

export class UnitView {
  readonly root: HTMLElement;
  private title: HTMLElement;
  private stats: HTMLElement;
  private barsHost: HTMLElement;
  private multiples: HTMLElement;
  private multiplesHint: HTMLElement;
  private grid = new ClassHistogramGrid();
  private multiplesTitle: HTMLElement;
  private input: UnitViewInput | undefined;
  private width = 0;
  private prev: HTMLElement;
  private next: HTMLElement;
  private rank: HTMLElement;
  private barTip: HTMLElement;
  private barsCanvas: HTMLCanvasElement;
  private manyBars: ManyBars | undefined;
  private exporting = false;
  private classBands: ScaleBand<number> | undefined;
  private classScaleFor = '';
  private yTop: { shown: string; top: number } | undefined;

  /** `onStep(+1)` opens the next unit down the SI ranking, `onStep(-1)` the one above. */
  constructor(container: HTMLElement, onClose: () => void, onStep: (delta: 1 | -1) => void) {
    this.root = el('section', { className: 'unit-view card', attrs: { 'aria-label': 'Unit class responses' } });
    this.title = el('h3', { className: 'unit-title' });
    const close = el('vscode-button', { text: 'Close', attrs: { secondary: true, 'aria-label': 'Close unit view' } });
    close.addEventListener('click', onClose);
    this.prev = el('vscode-button', { className: 'step-prev', text: '↑ Higher SI', attrs: { secondary: true, 'aria-label': 'Previous unit (higher SI)' } });
    this.next = el('vscode-button', { className: 'step-next', text: 'Lower SI ↓', attrs: { secondary: true, 'aria-label': 'Next unit (lower SI)' } });
    this.prev.addEventListener('click', () => onStep(-1));
    this.next.addEventListener('click', () => onStep(1));
    this.rank = el('span', { className: 'unit-rank' });
    this.stats = el('dl', { className: 'unit-stats' });
    this.barsHost = el('div', { className: 'unit-bars' });
    this.barsCanvas = el('canvas', { className: 'bar-area', attrs: { 'aria-hidden': 'true' } });
    this.barsCanvas.hidden = true;
    this.barsHost.appendChild(this.barsCanvas);
    const exporting = (on: boolean) => () => {
      this.exporting = on;
      this.paintManyBars(this.manyBars);
    };
    drawVectorWhileExported(this.barsHost, exporting(true), exporting(false));
    this.barTip = el('div', { className: 'bar-readout', attrs: { 'aria-hidden': 'true' } });
    this.barTip.hidden = true;
    this.multiplesTitle = el('h4', { className: 'subhead' });
    this.multiplesHint = el('p', { className: 'hint' });
    this.multiples = el('div', { className: 'multiples' }, [this.multiplesHint, this.grid.root]);
    this.root.append(
      el('div', { className: 'card-head' }, [
        this.title,
        this.rank,
        el('span', { className: 'spacer' }),
        el('div', { className: 'unit-nav' }, [this.prev, this.next, close]),
      ]),
      this.stats,
      el('h4', { className: 'subhead', text: 'Class-conditional mean activation' }),
      this.barsHost,
      this.barTip,
      this.multiplesTitle,
      this.multiples,
    );
    container.appendChild(this.root);
    observeWidth(this.barsHost, (w) => {
      this.width = w;
      this.drawBars();
    });
  }

  update(input: UnitViewInput | undefined): void {
    this.input = input;
    setHidden(this.root, !input);
    if (!input) return;
    const { layer, unit, classNames } = input;
    setData(this.root, { unit: String(unit) });
    setText(this.title, `Unit #${unit} · ${layer.layer}`);
    const rank = unitsBySI(layer.si).indexOf(unit);
    setText(this.rank, `rank ${rank + 1} of ${layer.units} by SI`);
    this.prev.toggleAttribute('disabled', rank <= 0);
    this.next.toggleAttribute('disabled', rank >= layer.units - 1);
    const trimmed = layer.classMeans.length !== layer.units * layer.classes;
    const s = trimmed ? undefined : unitStats(layer, unit);
    const preferred = layer.preferred[unit];
    const values: Array<[string, string, string?]> = [
      ['SI', fmtSI(layer.si[unit]), 'unit-si'],
      ['Preferred class', className(classNames, preferred), 'unit-preferred'],
      ['μ max', fmtNum(s?.muMax)],
      ['μ rest', fmtNum(s?.muRest)],
      ['Epoch', String(input.epoch)],
    ];
    // Built once, then only their text changes (new elements every epoch re-lay the whole view).
    if (this.stats.childElementCount !== values.length * 2) this.stats.replaceChildren(...values.flatMap(([label, value, id]) => stat(label, value, id)));
    values.forEach(([, value], i) => setText(this.stats.children[i * 2 + 1], value));
    this.drawBars();
    this.drawMultiples();
  }

  private drawBars(): void {
    const input = this.input;
    const width = this.width;
    if (!input || width <= 0) return;
    const { layer, unit, classNames } = input;
    const C = layer.classes;
    const trimmed = layer.classMeans.length !== layer.units * C;
    const means = trimmed ? new Float32Array(0) : layer.classMeans.subarray(unit * C, unit * C + C);
    const preferred = layer.preferred[unit];
    const showNames = C <= 24;
    const longest = showNames ? Math.max(...range(C).map((c) => className(classNames, c).length)) : 0;
    const rotate = showNames && longest * 6.5 > (width - BAR_MARGIN.left) / C;
    const bottom = BAR_MARGIN.bottom + (rotate ? Math.min(70, longest * 5) : 0);
    const h = 180 + bottom - BAR_MARGIN.bottom;
    const svg = setAttrs(select(this.barsHost).selectAll<SVGSVGElement, null>('svg').data([null]).join('svg'), {
      width,
      height: h,
      role: 'img',
      'aria-label': `Class-conditional mean activation of unit ${unit}; preferred class ${className(classNames, preferred)}`,
    });
    const x = this.classScale(C, width);
    const y = scaleLinear()
      .domain([0, this.barsTop(`${layer.layer}|${unit}`, Math.max(1e-6, max(means) ?? 1))])
      .range([h - bottom, BAR_MARGIN.top]);
    const yAxis = svg.selectAll<SVGGElement, null>('g.y-axis').data([null]).join('g');
    setAttrs(yAxis, { class: 'axis y-axis', transform: `translate(${BAR_MARGIN.left},0)` });
    const gridWidth = width - BAR_MARGIN.left - BAR_MARGIN.right;
    drawAxis(yAxis, axisLeft(y).ticks(4).tickSizeOuter(0).tickSize(-gridWidth), `${scaleKey(y)}|${gridWidth}`);
    const xAxis = svg.selectAll<SVGGElement, null>('g.x-axis').data([null]).join('g');
    setAttrs(xAxis, { class: 'axis x-axis', transform: `translate(0,${h - bottom})` });
    drawAxis(
      xAxis,
      axisBottom(x)
        .tickSizeOuter(0)
        .tickValues(showNames ? range(C) : [])
        .tickFormat((c) => className(classNames, c)),
      // The class names are in the key: another run's classes relabel the same scale.
      `${scaleKey(x)}|${showNames ? range(C).map((c) => className(classNames, c)).join('\t') : ''}|${rotate}`,
    );
    setAttrs(xAxis.selectAll<SVGTextElement, number>('text'), {
      'text-anchor': rotate ? 'end' : 'middle',
      transform: rotate ? 'rotate(-45)' : null,
      dx: rotate ? '-0.4em' : null,
      dy: rotate ? '0.6em' : '0.71em',
    });
    // Few classes: a rect per class (each with its title). Many: the bars are one path, the preferred one a
    // rect on top; 200 elements updated every epoch cost more style and layout than the drawing itself.
    const many = C > MANY_CLASSES;
    const bars = svg.selectAll<SVGGElement, null>('g.bars').data([null]).join('g').attr('class', 'bars');
    bars
      .selectAll<SVGRectElement, number>('rect')
      .data(many ? (preferred >= 0 && preferred < C ? [preferred] : []) : range(means.length))
      .join('rect')
      .attr('class', (c) => (c === preferred ? 'bar preferred' : 'bar'))
      .attr('data-class', (c) => c)
      .attr('x', (c) => x(c)!)
      .attr('width', Math.max(1, x.bandwidth()))
      .attr('y', (c) => y(Math.max(0, means[c])))
      .attr('height', (c) => y(0) - y(Math.max(0, means[c])))
      .selectAll('title')
      .data((c) => (showNames ? [`${className(classNames, c)}: ${fmtNum(means[c])}`] : []))
      .join('title')
      .text((t) => t);
    this.paintManyBars(many ? { x, y, means, preferred, width, height: h } : undefined);
    svg.on('mousemove', (e: MouseEvent) => {
      const c = Math.floor(((e.offsetX - BAR_MARGIN.left) / (width - BAR_MARGIN.left - BAR_MARGIN.right)) * C);
      this.barTip.hidden = showNames || !(c >= 0 && c < C);
      if (!this.barTip.hidden) this.barTip.textContent = `${className(classNames, c)}: ${fmtNum(means[c])}`;
    });
    svg.on('mouseleave', () => (this.barTip.hidden = true));
    const s = trimmed ? undefined : unitStats(layer, unit);
    const rest = s && Number.isFinite(s.muRest) ? [s.muRest] : [];
    setAttrs(svg.selectAll<SVGLineElement, number>('line.rest-line').data(rest).join('line'), {
      class: 'rest-line',
      x1: BAR_MARGIN.left,
      x2: width - BAR_MARGIN.right,
      y1: (v) => y(v),
      y2: (v) => y(v),
    });
    // The key sits in the top margin, above every bar, however many classes there are.
    const key = svg
      .selectAll<SVGGElement, number>('g.rest-key')
      .data(rest)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'rest-key');
        g.append('line').attr('class', 'rest-line').attr('x1', 0).attr('x2', 18).attr('y1', -4).attr('y2', -4);
        g.append('text').attr('x', 22);
        return g;
      });
    setAttrs(key, { transform: `translate(${BAR_MARGIN.left},${BAR_MARGIN.top - 8})` });
    setTexts(key.select<SVGTextElement>('text'), (v) => `μ rest = ${fmtNum(v)} (mean over the other classes)`);
    const yTitle = svg.selectAll<SVGTextElement, string>('text.axis-title.y-title').data(['mean activation']).join('text');
    setAttrs(yTitle, { class: 'axis-title y-title', transform: `translate(12,${(BAR_MARGIN.top + h - bottom) / 2}) rotate(-90)`, 'text-anchor': 'middle' });
    setTexts(yTitle, (t) => t);
    const xTitle = svg
      .selectAll<SVGTextElement, string>('text.axis-title.x-title')
      .data([showNames ? 'class' : `class (${C}, preferred highlighted)`])
      .join('text');
    setAttrs(xTitle, { class: 'axis-title x-title', x: (BAR_MARGIN.left + width - BAR_MARGIN.right) / 2, y: h - 6, 'text-anchor': 'middle' });
    setTexts(xTitle, (t) => t);
  }

  /**
   * The top of the mean-activation axis: a nice value above the tallest bar, kept from epoch to epoch while that bar
   * stays above half of it. A live run then shows its bars grow and shrink against a still axis (and the axis is
   * not redrawn each epoch); another unit or layer starts afresh.
   */
  private barsTop(shown: string, tallest: number): number {
    const kept = this.yTop;
    if (kept && kept.shown === shown && tallest <= kept.top && tallest > kept.top / 2) return kept.top;
    const top = scaleLinear().domain([0, tallest]).nice(4).domain()[1];
    this.yTop = { shown, top };
    return top;
  }

  /** The class axis' band scale, made again only when the class count or width changes (its domain is a hash map). */
  private classScale(C: number, width: number): ScaleBand<number> {
    const key = `${C}|${width}`;
    if (this.classScaleFor !== key) {
      this.classScaleFor = key;
      this.classBands = scaleBand<number>()
        .domain(range(C))
        .range([BAR_MARGIN.left, width - BAR_MARGIN.right])
        .paddingInner(C > 60 ? 0 : 0.15);
    }
    return this.classBands!;
  }

  /**
   * Many classes: every bar but the preferred one (an SVG rect on top) on a canvas under the SVG, redrawn each epoch
   * as one bitmap. While an export reads the chart they are one SVG path instead, so the figure stays vector.
   */
  private paintManyBars(bars: ManyBars | undefined): void {
    this.manyBars = bars;
    const canvas = this.barsCanvas;
    canvas.hidden = !bars || this.exporting;
    const svgBars = this.barsHost.querySelector<SVGGElement>('g.bars');
    if (svgBars) select(svgBars).selectAll('path.bar-area').data(bars && this.exporting ? [bars] : []).join('path').attr('class', 'bar bar-area').attr('d', manyBarsPath);
    if (!bars) return;
    const C = bars.means.length;
    if (canvas.dataset.classes !== String(C)) canvas.dataset.classes = String(C);
    const drawn = String(C - (bars.preferred >= 0 && bars.preferred < C ? 1 : 0));
    if (canvas.dataset.bars !== drawn) canvas.dataset.bars = drawn;
    if (this.exporting) return;
    const ctx = clearedContext(canvas, bars.width, bars.height);
    if (!ctx) return;
    ctx.fillStyle = plotStyle(canvas).accent;
    const bw = Math.max(1, bars.x.bandwidth());
    const y0 = bars.y(0);
    // The band scale's positions by arithmetic: its lookup hashes each class, 200 times an epoch.
    const x0 = bars.x(0)!;
    const step = bars.x.step();
    for (let c = 0; c < C; c++) {
      if (c === bars.preferred) continue;
      const top = bars.y(Math.max(0, bars.means[c]));
      ctx.fillRect(x0 + c * step, top, bw, y0 - top);
    }
  }

  private drawMultiples(): void {
    const input = this.input!;
    const r = input.responses;
    const { layer, unit, classNames } = input;
    if (!r || r.row >= r.histograms.units) {
      setText(this.multiplesTitle, 'Per-class activation histograms');
      const text =
        input.histogramsRecorded === false
          ? `This run records no activation histograms for ${layer.layer} (selectivity.histogramLayers; "auto" keeps the deepest layers within a size budget). The class means above are complete.`
          : input.histogramsStatus === 'loading'
            ? 'Loading the histograms of this unit…'
            : 'Histograms arrive with the next analysis of this layer.';
      setText(this.multiplesHint, text);
      this.multiplesHint.classList.toggle('loading', input.histogramsStatus === 'loading');
      setHidden(this.multiplesHint, false);
      setHidden(this.grid.root, true);
      return;
    }
    const { classes: C, bins: B, edges, counts } = r.histograms;
    setText(this.multiplesTitle, `Per-class activation histograms (epoch ${r.epoch})`);
    const row = r.row;
    const e = edges.subarray(row * (B + 1), row * (B + 1) + B + 1);
    const perClass = (c: number) => counts.subarray((row * C + c) * B, (row * C + c + 1) * B);
    const trimmed = layer.classMeans.length !== layer.units * layer.classes;
    const means = trimmed ? undefined : layer.classMeans.subarray(unit * layer.classes, (unit + 1) * layer.classes);
    const order = topClasses(means, C, C > MAX_MULTIPLES ? MAX_MULTIPLES - 1 : C);
    const panels: MiniPanel[] = order.map((c) => ({
      label: className(classNames, c),
      counts: perClass(c),
      preferred: c === layer.preferred[unit],
      cls: c,
    }));
    if (C > MAX_MULTIPLES) {
      // Everything but the shown classes, pooled: the total over all classes minus the shown ones.
      const pooled = new Float64Array(B);
      const base = row * C * B;
      for (let i = 0; i < C * B; i++) pooled[i % B] += counts[base + i];
      for (const c of order) {
        const pc = perClass(c);
        for (let b = 0; b < B; b++) pooled[b] -= pc[b];
      }
      panels.push({ label: `other ${C - MAX_MULTIPLES + 1} classes`, counts: pooled, preferred: false });
    }
    setHidden(this.multiplesHint, true);
    setHidden(this.grid.root, false);
    this.grid.update(panels, e);
  }
}

/** The `k` classes with the highest mean, highest first (all classes in index order without means). */
function topClasses(means: Float32Array | undefined, C: number, k: number): number[] {
  const all = range(C);
  if (!means) return all.slice(0, k);
  return all.sort((a, b) => means[b] - means[a] || a - b).slice(0, k);
}

function stat(label: string, value: string, id?: string): HTMLElement[] {
  return [el('dt', { text: label }), el('dd', { text: value, attrs: { id } })];
}

interface ManyBars {
  x: ScaleBand<number>;
  y: ScaleLinear<number, number>;
  means: Float32Array;
  preferred: number;
  width: number;
  height: number;
}

/** The bars of `manyBars` but the preferred one, as one SVG path (exports). */
function manyBarsPath(b: ManyBars): string {
  const y0 = b.y(0);
  const bw = Math.max(1, b.x.bandwidth());
  let d = '';
  for (let c = 0; c < b.means.length; c++) if (c !== b.preferred) d += `M${b.x(c)!},${y0}V${b.y(Math.max(0, b.means[c]))}h${bw}V${y0}Z`;
  return d;
}
