// One unit's class responses: bar chart of class-conditional means (its SI and preferred class) and
// per-class activation histograms from the latest classResponses event.
import { axisBottom, axisLeft, max, range, scaleBand, scaleLinear, select } from 'd3';
import type { LayerClassHistograms, LayerSelectivity } from '../../src/protocol/selectivity';
import { unitsBySI } from '../charts/heatmap';
import { el, observeWidth } from '../dom';
import { className, fmtNum, fmtSI } from '../format';

export interface UnitViewInput {
  layer: LayerSelectivity;
  unit: number;
  epoch: number;
  classNames: readonly string[];
  responses?: { epoch: number; histograms: LayerClassHistograms };
  /** False when the run records no histograms for this layer (selectivity.histogramLayers). */
  histogramsRecorded?: boolean;
}

const BAR_MARGIN = { top: 12, right: 12, bottom: 26, left: 44 };
const MAX_MULTIPLES = 12;

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
  private multiplesTitle: HTMLElement;
  private input: UnitViewInput | undefined;
  private width = 0;
  private prev: HTMLElement;
  private next: HTMLElement;
  private rank: HTMLElement;

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
    this.multiplesTitle = el('h4', { className: 'subhead' });
    this.multiples = el('div', { className: 'multiples' });
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
    this.root.hidden = !input;
    if (!input) return;
    const { layer, unit, classNames } = input;
    this.root.dataset.unit = String(unit);
    this.title.textContent = `Unit #${unit} · ${layer.layer}`;
    const rank = unitsBySI(layer.si).indexOf(unit);
    this.rank.textContent = `rank ${rank + 1} of ${layer.units} by SI`;
    this.prev.toggleAttribute('disabled', rank <= 0);
    this.next.toggleAttribute('disabled', rank >= layer.units - 1);
    const trimmed = layer.classMeans.length !== layer.units * layer.classes;
    const s = trimmed ? undefined : unitStats(layer, unit);
    const preferred = layer.preferred[unit];
    this.stats.replaceChildren(
      ...stat('SI', fmtSI(layer.si[unit]), 'unit-si'),
      ...stat('Preferred class', className(classNames, preferred), 'unit-preferred'),
      ...stat('μ max', fmtNum(s?.muMax)),
      ...stat('μ rest', fmtNum(s?.muRest)),
      ...stat('Epoch', String(input.epoch)),
    );
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
    const svg = select(this.barsHost)
      .selectAll<SVGSVGElement, null>('svg')
      .data([null])
      .join('svg')
      .attr('width', width)
      .attr('height', h)
      .attr('role', 'img')
      .attr('aria-label', `Class-conditional mean activation of unit ${unit}; preferred class ${className(classNames, preferred)}`);
    const x = scaleBand<number>()
      .domain(range(C))
      .range([BAR_MARGIN.left, width - BAR_MARGIN.right])
      .paddingInner(C > 60 ? 0 : 0.15);
    const y = scaleLinear()
      .domain([0, Math.max(1e-6, max(means) ?? 1)])
      .nice(4)
      .range([h - bottom, BAR_MARGIN.top]);
    svg
      .selectAll<SVGGElement, null>('g.y-axis')
      .data([null])
      .join('g')
      .attr('class', 'axis y-axis')
      .attr('transform', `translate(${BAR_MARGIN.left},0)`)
      .call(axisLeft(y).ticks(4).tickSizeOuter(0).tickSize(-(width - BAR_MARGIN.left - BAR_MARGIN.right)));
    const xAxis = svg
      .selectAll<SVGGElement, null>('g.x-axis')
      .data([null])
      .join('g')
      .attr('class', 'axis x-axis')
      .attr('transform', `translate(0,${h - bottom})`)
      .call(
        axisBottom(x)
          .tickSizeOuter(0)
          .tickValues(showNames ? range(C) : [])
          .tickFormat((c) => className(classNames, c)),
      );
    xAxis
      .selectAll<SVGTextElement, number>('text')
      .attr('text-anchor', rotate ? 'end' : 'middle')
      .attr('transform', rotate ? 'rotate(-45)' : null)
      .attr('dx', rotate ? '-0.4em' : null)
      .attr('dy', rotate ? '0.6em' : '0.71em');
    svg
      .selectAll<SVGGElement, null>('g.bars')
      .data([null])
      .join('g')
      .attr('class', 'bars')
      .selectAll<SVGRectElement, number>('rect')
      .data(Array.from(means))
      .join('rect')
      .attr('class', (_m, c) => (c === preferred ? 'bar preferred' : 'bar'))
      .attr('data-class', (_m, c) => c)
      .attr('x', (_m, c) => x(c)!)
      .attr('width', Math.max(1, x.bandwidth()))
      .attr('y', (m) => y(Math.max(0, m)))
      .attr('height', (m) => y(0) - y(Math.max(0, m)))
      .selectAll('title')
      .data((m, c) => [`${className(classNames, c)}: ${fmtNum(m)}`])
      .join('title')
      .text((t) => t);
    const s = trimmed ? undefined : unitStats(layer, unit);
    const rest = s && Number.isFinite(s.muRest) ? [s.muRest] : [];
    const restLine = svg
      .selectAll<SVGGElement, number>('g.rest-line')
      .data(rest)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'rest-line');
        g.append('line');
        g.append('text');
        return g;
      })
      .attr('transform', (v) => `translate(0,${y(v)})`);
    restLine.select('line').attr('x1', BAR_MARGIN.left).attr('x2', width - BAR_MARGIN.right);
    restLine
      .select('text')
      .attr('x', width - BAR_MARGIN.right)
      .attr('y', -3)
      .attr('text-anchor', 'end')
      .text('μ rest');
  }

  private drawMultiples(): void {
    const input = this.input!;
    const r = input.responses;
    const { layer, unit, classNames } = input;
    this.multiples.replaceChildren();
    if (!r || unit >= r.histograms.units) {
      this.multiplesTitle.textContent = 'Per-class activation histograms';
      const text =
        input.histogramsRecorded === false
          ? `This run records no activation histograms for ${layer.layer} (selectivity.histogramLayers; "auto" keeps the deepest layers within a size budget). The class means above are complete.`
          : 'Histograms arrive with the next analysis of this layer.';
      this.multiples.appendChild(el('p', { className: 'hint', text }));
      return;
    }
    const { classes: C, bins: B, edges, counts } = r.histograms;
    this.multiplesTitle.textContent = `Per-class activation histograms (epoch ${r.epoch})`;
    const e = edges.subarray(unit * (B + 1), unit * (B + 1) + B + 1);
    const perClass = (c: number) => counts.subarray((unit * C + c) * B, (unit * C + c + 1) * B);
    const trimmed = layer.classMeans.length !== layer.units * layer.classes;
    const mean = (c: number) => (trimmed ? 0 : layer.classMeans[unit * layer.classes + c]);
    const order = range(C).sort((a, b) => mean(b) - mean(a));
    const shown = C > MAX_MULTIPLES ? order.slice(0, MAX_MULTIPLES - 1) : order;
    const panels: Array<{ label: string; counts: ArrayLike<number>; preferred: boolean; cls?: number }> = shown.map((c) => ({
      label: className(classNames, c),
      counts: perClass(c),
      preferred: c === layer.preferred[unit],
      cls: c,
    }));
    if (C > MAX_MULTIPLES) {
      const pooled = new Float64Array(B);
      for (const c of order.slice(MAX_MULTIPLES - 1)) {
        const pc = perClass(c);
        for (let b = 0; b < B; b++) pooled[b] += pc[b];
      }
      panels.push({ label: `other ${C - MAX_MULTIPLES + 1} classes`, counts: pooled, preferred: false });
    }
    for (const p of panels) this.multiples.appendChild(miniHistogram(p.label, p.counts, e, p.preferred, p.cls));
  }
}

function stat(label: string, value: string, id?: string): HTMLElement[] {
  return [el('dt', { text: label }), el('dd', { text: value, attrs: { id } })];
}

/** A small density histogram (each class normalised to its own total, so class sizes do not matter). */
function miniHistogram(label: string, counts: ArrayLike<number>, edges: Float32Array, preferred: boolean, cls?: number): HTMLElement {
  const W = 150;
  const H = 54;
  const total = Array.from(counts).reduce((a, b) => a + b, 0);
  const dens = Array.from(counts, (c) => (total > 0 ? c / total : 0));
  const figure = el('figure', { className: preferred ? 'mini preferred' : 'mini', attrs: { 'data-class': cls } });
  const caption = el('figcaption', { text: label, attrs: { title: label } });
  const svg = select(figure)
    .append('svg')
    .attr('width', W)
    .attr('height', H)
    .attr('role', 'img')
    .attr('aria-label', `Activation histogram of class ${label}, ${total} samples`);
  const x = scaleLinear().domain([0, counts.length]).range([2, W - 2]);
  const y = scaleLinear()
    .domain([0, Math.max(1e-9, max(dens) ?? 1)])
    .range([H - 14, 2]);
  svg
    .selectAll('rect')
    .data(dens)
    .join('rect')
    .attr('class', 'bar')
    .attr('x', (_d, i) => x(i))
    .attr('width', Math.max(1, x(1) - x(0) - 0.5))
    .attr('y', (d) => y(d))
    .attr('height', (d) => y(0) - y(d));
  svg
    .selectAll('text')
    .data([fmtNum(edges[0], 2), fmtNum(edges[edges.length - 1], 2)])
    .join('text')
    .attr('class', 'edge')
    .attr('x', (_t, i) => (i === 0 ? 2 : W - 2))
    .attr('y', H - 2)
    .attr('text-anchor', (_t, i) => (i === 0 ? 'start' : 'end'))
    .text((t) => t);
  figure.insertBefore(caption, figure.firstChild);
  figure.appendChild(el('div', { className: 'mini-n', text: total > 0 ? `n = ${total}` : 'no samples recorded' }));
  return figure;
}
