// Distribution of one layer's unit SIs. Bars are keyboard-navigable (roving tabindex); picking a bar lists
// its units so any single unit can be opened.
import { max, scaleLinear, select, type Selection } from 'd3';
import { el, observeWidth } from '../dom';
import { fmtSI } from '../format';
import { unitsBySI } from '../unitOrder';
import { setAttrs, setTexts } from './quietWrites';
import { drawCountTitle, drawSIAxes } from './siAxes';

export interface SIBins {
  /** Count per bin; bin i holds SI in [i/n, (i+1)/n), the last one also SI = 1 (values outside [0,1] clamp). */
  counts: number[];
  /** Units per bin, sorted by SI, highest first. */
  units: number[][];
  /** Units whose SI is not a number. */
  invalid: number;
}

/** `order`: the units ranked by SI (unitsBySI), which leaves each bin's list sorted without sorting it. */
export function binSI(si: ArrayLike<number>, bins: number, order?: ArrayLike<number>): SIBins {
  const counts = new Array<number>(bins).fill(0);
  const units: number[][] = Array.from({ length: bins }, () => []);
  let invalid = 0;
  for (let i = 0; i < si.length; i++) {
    const u = order ? order[i] : i;
    const v = si[u];
    if (!Number.isFinite(v)) {
      invalid++;
      continue;
    }
    const b = Math.min(bins - 1, Math.max(0, Math.floor(v * bins)));
    counts[b]++;
    units[b].push(u);
  }
  if (!order) for (const list of units) list.sort((a, b) => si[b] - si[a] || a - b);
  return { counts, units, invalid };
}

export interface SIHistogramInput {
  si: Float32Array;
  layer: string;
  epoch: number;
  selectedUnit?: number;
  /** Describes a unit in the bin list (preferred class name). */
  describeUnit?: (unit: number) => string;
}

export interface SIHistogramOptions {
  height: number;
  bins: number;
  /** Panel: bars can be picked and list their units. */
  interactive: boolean;
  onSelectUnit?: (unit: number) => void;
}

const MARGIN = { top: 10, right: 10, bottom: 30, left: 46 };
const LIST_LIMIT = 60;

export class SIHistogram {
  readonly root: HTMLElement;
  private svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private list: HTMLElement;
  private width = 0;
  private input: SIHistogramInput | undefined;
  private binned: SIBins | undefined;
  private binnedFor: Float32Array | undefined;
  private pickedBin: number | undefined;
  private focusBin = 0;

  constructor(container: HTMLElement, private readonly options: SIHistogramOptions) {
    this.root = el('div', { className: 'si-histogram' });
    container.appendChild(this.root);
    this.svg = select(this.root).append('svg').attr('height', options.height).attr('role', 'group');
    this.list = el('div', { className: 'bin-units', attrs: { 'aria-live': 'polite' } });
    if (options.interactive) this.root.appendChild(this.list);
    observeWidth(this.root, (w) => {
      this.width = w;
      this.draw();
    });
  }

  update(input: SIHistogramInput | undefined): void {
    if (input?.si !== this.binnedFor) {
      this.binnedFor = input?.si;
      this.binned = input ? binSI(input.si, this.options.bins, unitsBySI(input.si)) : undefined;
    }
    if (input?.layer !== this.input?.layer) this.pickedBin = undefined;
    this.input = input;
    this.draw();
    this.drawList();
  }

  private draw(): void {
    const { width, input, binned } = this;
    if (width <= 0) return;
    const h = this.options.height;
    const n = this.options.bins;
    setAttrs(this.svg, {
      width,
      viewBox: `0 0 ${width} ${h}`,
      'aria-label': input ? `Histogram of unit selectivity in layer ${input.layer}, epoch ${input.epoch}` : 'No selectivity data yet',
    });
    const counts = binned?.counts ?? [];
    const x = scaleLinear().domain([0, 1]).range([MARGIN.left, width - MARGIN.right]);
    const y = scaleLinear()
      .domain([0, Math.max(1, max(counts) ?? 1)])
      .nice(4)
      .range([h - MARGIN.bottom, MARGIN.top]);
    // Counts are whole numbers: no more ticks than the top count.
    drawSIAxes(this.svg, { x, y }, { width, height: h, margin: MARGIN }, { count: Math.min(4, y.domain()[1]), format: 'd' });
    drawCountTitle(this.svg, { height: h, margin: MARGIN }, 'units');

    const bw = (width - MARGIN.left - MARGIN.right) / n;
    const interactive = this.options.interactive;
    const bars = this.svg
      .selectAll<SVGGElement, null>('g.bars')
      .data([null])
      .join('g')
      .attr('class', 'bars');
    const rects = bars
      .selectAll<SVGRectElement, number>('rect.bar')
      .data(counts)
      .join((enter) => {
        const rect = enter.append('rect').attr('class', 'bar');
        if (interactive) {
          rect
            .attr('role', 'button')
            .on('click', (e: MouseEvent) => this.pickBin(Number((e.currentTarget as SVGRectElement).dataset.bin)))
            .on('keydown', (e: KeyboardEvent) => this.onKey(e));
        }
        return rect;
      })
    setAttrs(rects, {
      class: (_c, i) => (i === this.pickedBin ? 'bar picked' : 'bar'),
      'data-bin': (_c, i) => i,
      'data-count': (c) => c,
      x: (_c, i) => x(i / n) + 0.5,
      width: Math.max(1, bw - 1),
      y: (c) => y(c),
      height: (c) => y(0) - y(c),
      tabindex: interactive ? (_c: number, i: number) => (i === this.focusBin ? 0 : -1) : null,
      'aria-pressed': interactive ? (_c: number, i: number) => String(i === this.pickedBin) : null,
      'aria-label': (c, i) => `SI ${fmtSI(i / n)} to ${fmtSI((i + 1) / n)}: ${c} units`,
    });
    setTexts(
      rects.selectAll<SVGTitleElement, readonly [number, number]>('title').data((c, i) => [[c, i] as const]).join('title'),
      ([c, i]) => `SI ${fmtSI(i / n)}–${fmtSI((i + 1) / n)}: ${c} unit${c === 1 ? '' : 's'}`,
    );

    const u = input?.selectedUnit;
    const markerData = input && u !== undefined && u < input.si.length && Number.isFinite(input.si[u]) ? [input.si[u]] : [];
    const marker = this.svg
      .selectAll<SVGGElement, number>('g.unit-marker')
      .data(markerData)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'unit-marker');
        g.append('line');
        g.append('text');
        return g;
      })
      .attr('transform', (v) => `translate(${x(Math.min(1, Math.max(0, v)))},0)`);
    marker.select('line').attr('y1', MARGIN.top).attr('y2', h - MARGIN.bottom);
    marker
      .select('text')
      .attr('y', MARGIN.top + 8)
      .attr('x', (v) => (x(v) > width - 70 ? -4 : 4))
      .attr('text-anchor', (v) => (x(v) > width - 70 ? 'end' : 'start'))
      .text(() => `unit ${u}`);
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.options.bins;
    let next = this.focusBin;
    if (e.key === 'ArrowRight') next = Math.min(n - 1, next + 1);
    else if (e.key === 'ArrowLeft') next = Math.max(0, next - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.pickBin(this.focusBin);
      return;
    } else return;
    e.preventDefault();
    this.focusBin = next;
    this.draw();
    (this.svg.node()!.querySelector(`rect.bar[data-bin="${next}"]`) as SVGRectElement | null)?.focus();
  }

  private pickBin(bin: number): void {
    this.focusBin = bin;
    this.pickedBin = this.pickedBin === bin ? undefined : bin;
    this.draw();
    this.drawList();
  }

  private drawList(): void {
    if (!this.options.interactive) return;
    const list = this.list;
    const bin = this.pickedBin;
    if (bin === undefined || !this.binned || !this.input) {
      // The hint stays as it is from one epoch to the next.
      if (list.childElementCount === 1 && list.firstElementChild!.classList.contains('hint')) return;
      list.replaceChildren(el('p', { className: 'hint', text: 'Pick a bar to list its units; pick a unit to see its class responses.' }));
      return;
    }
    list.replaceChildren();
    const n = this.options.bins;
    const units = this.binned.units[bin];
    list.appendChild(
      el('p', {
        className: 'bin-title',
        text: `${units.length} unit${units.length === 1 ? '' : 's'} with SI ${fmtSI(bin / n)}–${fmtSI((bin + 1) / n)}`,
      }),
    );
    const chips = el('div', { className: 'chips', attrs: { role: 'list' } });
    for (const unit of units.slice(0, LIST_LIMIT)) {
      const extra = this.input.describeUnit?.(unit);
      const chip = el('button', {
        className: unit === this.input.selectedUnit ? 'chip selected' : 'chip',
        attrs: { type: 'button', role: 'listitem', 'data-unit': unit },
      });
      chip.appendChild(el('span', { className: 'chip-unit', text: `#${unit}` }));
      chip.appendChild(el('span', { className: 'chip-si', text: `SI ${fmtSI(this.input.si[unit])}` }));
      if (extra) chip.appendChild(el('span', { className: 'chip-class', text: `prefers ${extra}` }));
      chip.setAttribute('aria-label', `Unit ${unit}, SI ${fmtSI(this.input.si[unit])}${extra ? `, prefers class ${extra}` : ''}`);
      chip.addEventListener('click', () => this.options.onSelectUnit?.(unit));
      chips.appendChild(chip);
    }
    list.appendChild(chips);
    if (units.length > LIST_LIMIT) list.appendChild(el('p', { className: 'hint', text: `…and ${units.length - LIST_LIMIT} more` }));
  }
}
