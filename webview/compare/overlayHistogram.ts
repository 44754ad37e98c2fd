// Per-layer SI histograms of several runs on one axis. Up to GROUPED_MAX runs share each bin as side-by-side
// bars; more runs (a whole sweep) are drawn as step outlines so they stay readable. A dashed line marks each
// run's mean SI. Colours are set through CSSOM (the CSP forbids style attributes, and CSS would beat a fill
// attribute).
import { line, max, scaleLinear, select, type Selection, curveStepAfter } from 'd3';
import { binSI } from '../shared/charts/siHistogram';
import { drawSIAxes } from '../shared/charts/siAxes';
import { observeWidth } from '../shared/dom';
import { fmtSI } from '../shared/format';

export interface OverlayRun {
  name: string;
  color: string;
  /** Per-unit SI of the layer; undefined when the run has no such layer. */
  si?: Float32Array;
}

export type YMode = 'count' | 'share';

export interface OverlayInput {
  layer: string;
  runs: OverlayRun[];
  yMode: YMode;
}

const MARGIN = { top: 10, right: 12, bottom: 32, left: 46 };
export const GROUPED_MAX = 6;

interface Binned {
  run: OverlayRun;
  index: number;
  counts: number[];
  values: number[];
  units: number;
  mean: number;
}

function meanOf(si: Float32Array): number {
  let s = 0;
  let n = 0;
  for (const v of si) {
    if (!Number.isFinite(v)) continue;
    s += v;
    n++;
  }
  return n ? s / n : NaN;
}

export class OverlayHistogram {
  readonly root: HTMLElement;
  private svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private width = 0;
  private input: OverlayInput | undefined;

  constructor(
    container: HTMLElement,
    private readonly options: { height: number; bins: number },
  ) {
    this.root = document.createElement('div');
    this.root.className = 'compare-histogram';
    container.appendChild(this.root);
    this.svg = select(this.root).append('svg').attr('height', options.height).attr('role', 'img');
    observeWidth(this.root, (w) => {
      this.width = w;
      this.draw();
    });
  }

  update(input: OverlayInput): void {
    this.input = input;
    this.draw();
  }

  private draw(): void {
    const { width, input } = this;
    if (width <= 0 || !input) return;
    const h = this.options.height;
    const n = this.options.bins;
    const binned: Binned[] = input.runs.flatMap((run, index) => {
      if (!run.si) return [];
      const { counts } = binSI(run.si, n);
      const units = counts.reduce((a, b) => a + b, 0);
      const values = input.yMode === 'share' ? counts.map((c) => (units ? c / units : 0)) : counts;
      return [{ run, index, counts, values, units, mean: meanOf(run.si) }];
    });
    this.svg
      .attr('width', width)
      .attr('viewBox', `0 0 ${width} ${h}`)
      .attr('aria-label', `SI histograms of layer ${input.layer} for ${binned.length} runs (${input.yMode === 'share' ? 'share of units' : 'units'} per bin)`);
    const x = scaleLinear().domain([0, 1]).range([MARGIN.left, width - MARGIN.right]);
    const top = max(binned, (b) => max(b.values)) ?? 0;
    const y = scaleLinear()
      .domain([0, top > 0 ? top : 1])
      .nice(4)
      .range([h - MARGIN.bottom, MARGIN.top]);
    const share = input.yMode === 'share';
    drawSIAxes(this.svg, { x, y }, { width, height: h, margin: MARGIN }, { count: 4, format: share ? '.0%' : 'd' });
    this.svg
      .selectAll<SVGTextElement, null>('text.y-label')
      .data([null])
      .join('text')
      .attr('class', 'x-label y-label')
      .attr('transform', `translate(11,${(MARGIN.top + h - MARGIN.bottom) / 2}) rotate(-90)`)
      .text(share ? 'share of units' : 'units');

    const grouped = binned.length <= GROUPED_MAX;
    const bw = (width - MARGIN.left - MARGIN.right) / n;
    const sub = Math.max(1, (bw - 2) / Math.max(1, binned.length));
    const runs = this.svg
      .selectAll<SVGGElement, null>('g.runs')
      .data([null])
      .join('g')
      .attr('class', 'runs');
    const groups = runs
      .selectAll<SVGGElement, Binned>('g.cmp-run')
      .data(binned, (b) => b.run.name)
      .join('g')
      .attr('class', 'cmp-run')
      .attr('data-run', (b) => b.run.name);
    groups
      .selectAll<SVGRectElement, { b: Binned; bin: number }>('rect.cmp-bar')
      .data((b) => (grouped ? b.values.map((_v, bin) => ({ b, bin })) : []))
      .join('rect')
      .attr('class', 'cmp-bar')
      .attr('data-run', (d) => d.b.run.name)
      .attr('data-bin', (d) => d.bin)
      .attr('data-count', (d) => d.b.counts[d.bin])
      .attr('x', (d) => x(d.bin / n) + 1 + d.b.index * sub)
      .attr('width', Math.max(0.5, sub - (sub > 3 ? 0.5 : 0)))
      .attr('y', (d) => y(d.b.values[d.bin]))
      .attr('height', (d) => y(0) - y(d.b.values[d.bin]))
      .style('fill', (d) => d.b.run.color)
      .selectAll('title')
      .data((d) => [d])
      .join('title')
      .text((d) => `${d.b.run.name}: SI ${fmtSI(d.bin / n)}–${fmtSI((d.bin + 1) / n)}: ${d.b.counts[d.bin]} of ${d.b.units} units`);
    const step = line<number>()
      .x((_v, i) => x(Math.min(1, i / n)))
      .y((v) => y(v))
      .curve(curveStepAfter);
    groups
      .selectAll<SVGPathElement, Binned>('path.cmp-step')
      .data((b) => (grouped ? [] : [b]))
      .join('path')
      .attr('class', 'cmp-step')
      .attr('data-run', (b) => b.run.name)
      .attr('d', (b) => step([...b.values, b.values[b.values.length - 1]]))
      .style('stroke', (b) => b.run.color);
    groups
      .selectAll<SVGLineElement, Binned>('line.cmp-mean')
      .data((b) => (Number.isFinite(b.mean) ? [b] : []))
      .join('line')
      .attr('class', 'cmp-mean')
      .attr('data-run', (b) => b.run.name)
      .attr('x1', (b) => x(b.mean))
      .attr('x2', (b) => x(b.mean))
      .attr('y1', MARGIN.top)
      .attr('y2', h - MARGIN.bottom)
      .style('stroke', (b) => b.run.color)
      .selectAll('title')
      .data((b) => [b])
      .join('title')
      .text((b) => `${b.run.name}: mean SI ${fmtSI(b.mean)}`);
  }
}
