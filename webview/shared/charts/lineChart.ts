// Multi-series line chart over epochs (training curves, compare, sparklines): SVG (few points, crisp text), or
// canvas for the charts a live run redraws on every epoch.
import { axisBottom, axisLeft, extent, line, max, min, pointer, scaleLinear, select, type Selection } from 'd3';
import { observeWidth } from '../dom';
import { drawVectorWhileExported } from '../export/vectorExport';
import { lastFinitePoint as lastFinite, paintLines, type PlotFrame } from './canvasPlot';
import { drawAxis, scaleKey, setAttrs, setStyles, setTexts } from './quietWrites';

export interface Series {
  name: string;
  /** Any CSS colour, including var(--vscode-charts-blue). */
  color: string;
  points: Array<[x: number, y: number]>;
  width?: number;
  dashed?: boolean;
}

export interface LineChartOptions {
  height: number;
  ariaLabel: string;
  /** Sparklines hide axes and legend. */
  axes?: boolean;
  legend?: boolean;
  /** Fixed y range; otherwise fit to data (always including `yInclude`). */
  yDomain?: [number, number];
  yInclude?: number[];
  /** Value format of the hover tooltip. */
  yFormat?: (y: number) => string;
  /** Axis ticks as percentages. */
  yPercent?: boolean;
  /** Legend entries beyond this many are summarised (per-layer lines of deep networks). */
  maxLegend?: number;
  /** Title under the x axis (e.g. "epoch"). */
  xTitle?: string;
  /** Shown instead of axes while no series has a point. */
  waitingText?: string;
  /**
   * Lines drawn on a canvas over the SVG axes: a chart redrawn on every epoch of a live run, where repainting the
   * SVG paths costs more than drawing them. Exports still get SVG paths.
   */
  canvas?: boolean;
}

const MARGIN = { top: 8, right: 12, bottom: 22, left: 42 };
const TITLED_MARGIN = { ...MARGIN, bottom: 34 };
const SPARK_MARGIN = { top: 3, right: 3, bottom: 3, left: 3 };

export class LineChart {
  readonly root: HTMLElement;
  private svg: Selection<SVGSVGElement, unknown, null, undefined>;
  /** Canvas charts: the lines and their newest points (axes, titles and hover stay SVG). */
  private canvas: HTMLCanvasElement | undefined;
  /** Canvas charts being exported: the lines are SVG paths meanwhile. */
  private exporting = false;
  private legend: HTMLElement | undefined;
  private width = 0;
  private series: Series[] = [];
  private tooltip: HTMLElement | undefined;
  private xScale = scaleLinear();

  constructor(container: HTMLElement, private readonly options: LineChartOptions) {
    this.root = document.createElement('div');
    this.root.className = options.axes === false ? 'line-chart spark' : 'line-chart';
    container.appendChild(this.root);
    this.svg = select(this.root)
      .append('svg')
      .attr('role', 'img')
      .attr('aria-label', options.ariaLabel)
      .attr('height', options.height);
    if (options.canvas) {
      // Over the SVG (lines above the grid), letting the pointer through to it.
      this.canvas = document.createElement('canvas');
      this.canvas.className = 'plot';
      this.canvas.setAttribute('aria-hidden', 'true');
      this.root.appendChild(this.canvas);
      // Exports are vector: the lines become SVG paths while the exporter reads the chart.
      const exporting = (on: boolean) => () => {
        this.exporting = on;
        this.draw();
      };
      drawVectorWhileExported(this.root, exporting(true), exporting(false));
    }
    if (options.legend !== false && options.axes !== false) {
      this.legend = document.createElement('div');
      this.legend.className = 'legend';
      this.root.appendChild(this.legend);
    }
    if (options.axes !== false) {
      this.tooltip = document.createElement('div');
      this.tooltip.className = 'tooltip chart-tooltip';
      this.tooltip.hidden = true;
      this.root.appendChild(this.tooltip);
      this.svg.on('mousemove', (e: MouseEvent) => this.hover(pointer(e, this.svg.node())[0]));
      this.svg.on('mouseleave', () => this.hover(undefined));
    }
    observeWidth(this.root, (w) => {
      this.width = w;
      this.draw();
    });
  }

  /** Crosshair at the nearest epoch with every series' value there. */
  private hover(px: number | undefined): void {
    const tip = this.tooltip!;
    const xs = [...new Set(this.series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
    if (px === undefined || xs.length === 0) {
      tip.hidden = true;
      this.svg.selectAll('line.crosshair').remove();
      return;
    }
    const target = this.xScale.invert(px);
    const x = xs.reduce((best, v) => (Math.abs(v - target) < Math.abs(best - target) ? v : best), xs[0]);
    const h = this.options.height;
    this.svg
      .selectAll<SVGLineElement, number>('line.crosshair')
      .data([x])
      .join('line')
      .attr('class', 'crosshair')
      .attr('x1', (v) => this.xScale(v))
      .attr('x2', (v) => this.xScale(v))
      .attr('y1', MARGIN.top)
      .attr('y2', h - MARGIN.bottom);
    const fmt = this.options.yFormat ?? ((v: number) => String(v));
    const rows = this.series
      .filter((s) => (s.width ?? 1.5) >= 1.5 || this.series.length <= (this.options.maxLegend ?? 8))
      .map((s) => [s, s.points.find((p) => p[0] === x)?.[1]] as const)
      .filter(([, v]) => v !== undefined && Number.isFinite(v));
    tip.replaceChildren();
    const head = document.createElement('div');
    head.className = 'tip-head';
    head.textContent = `epoch ${x}`;
    tip.appendChild(head);
    for (const [s, v] of rows) {
      const row = document.createElement('div');
      row.className = 'tip-row';
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = s.color;
      const label = document.createElement('span');
      label.textContent = `${s.name}: ${fmt(v!)}`;
      row.append(sw, label);
      tip.appendChild(row);
    }
    tip.hidden = false;
    const left = this.xScale(x) + 10;
    tip.style.left = `${Math.min(left, this.width - tip.offsetWidth - 2)}px`;
    tip.style.top = `${MARGIN.top}px`;
  }

  update(series: Series[]): void {
    this.series = series;
    this.draw();
    this.drawLegend();
  }

  /** Scales for the current width and series; undefined while there is no width or no point yet. */
  private frame(): PlotFrame | undefined {
    const width = this.width;
    if (width <= 0) return undefined;
    const spark = this.options.axes === false;
    const m = spark ? SPARK_MARGIN : this.options.xTitle ? TITLED_MARGIN : MARGIN;
    const h = this.options.height;
    const all = this.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p[1]));
    if (all.length === 0) return undefined;
    const [x0, x1] = extent(all, (p) => p[0]) as [number, number];
    const xTicks = Math.max(2, Math.min(8, Math.floor((width - m.left) / 50)));
    const x = scaleLinear()
      .domain(x0 === x1 ? [x0 - 1, x0 + 1] : [x0, x1])
      .range([m.left, width - m.right]);
    // Epoch axes end on a round tick ahead of the newest epoch: a live run's axis and grid then stay put for
    // several epochs (calmer to read, and nothing but the lines to redraw) instead of shifting on every one.
    if (!spark) x.nice(xTicks);
    let yDomain = this.options.yDomain;
    if (!yDomain) {
      const ys = all.map((p) => p[1]).concat(this.options.yInclude ?? []);
      const lo = min(ys) ?? 0;
      const hi = max(ys) ?? 1;
      yDomain = lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
    }
    const y = scaleLinear().domain(yDomain).range([h - m.bottom, m.top]);
    if (!spark) y.nice(4);
    return { x, y, margin: m, width, height: h, xTicks, spark };
  }

  private draw(): void {
    if (this.width <= 0) return;
    const frame = this.frame();
    this.xScale = frame?.x ?? this.xScale;
    // Before the first point there is nothing to scale: no made-up axes, just say what is awaited.
    const waiting = !frame && this.options.axes !== false;
    this.root.classList.toggle('waiting', waiting);
    const onCanvas = !!this.canvas && !this.exporting;
    this.drawSvg(frame, waiting ? (this.options.waitingText ?? 'Waiting for the first epoch…') : '', !onCanvas);
    if (this.canvas) {
      this.canvas.hidden = this.exporting;
      paintLines(this.canvas, onCanvas ? frame : undefined, this.series, this.width, this.options.height);
      this.describeDrawn(onCanvas ? frame : undefined);
    }
  }

  /** What the canvas shows, as data attributes (tests read what was drawn; the SVG's aria-label describes it). */
  private describeDrawn(frame: PlotFrame | undefined): void {
    const c = this.canvas!;
    const drawn = frame ? this.series.filter((s) => s.points.some((p) => Number.isFinite(p[1]))) : [];
    const text = drawn.map((s) => `${s.name}:${s.points.filter((p) => Number.isFinite(p[1])).length}`).join('\n');
    if (c.dataset.series !== text) c.dataset.series = text;
  }

  /** Axes, titles and the waiting text; the lines too unless they are on the canvas. */
  private drawSvg(frame: PlotFrame | undefined, waitingText: string, withLines: boolean): void {
    const svg = this.svg;
    const width = this.width;
    const h = this.options.height;
    setAttrs(svg, { width, viewBox: `0 0 ${width} ${h}` });
    const waitingNode = svg.selectAll<SVGTextElement, string>('text.waiting').data(waitingText ? [waitingText] : []).join('text');
    setAttrs(waitingNode, { class: 'waiting', x: width / 2, y: h / 2, 'text-anchor': 'middle' });
    setTexts(waitingNode, (t) => t);
    if (!frame) {
      svg.selectAll('g.axis, g.lines, text.axis-title').remove();
      return;
    }
    const { x, y, margin: m, xTicks, spark } = frame;
    if (!spark) {
      const yAxis = svg.selectAll<SVGGElement, null>('g.y-axis').data([null]).join('g');
      setAttrs(yAxis, { class: 'axis y-axis', transform: `translate(${m.left},0)` });
      drawAxis(
        yAxis,
        axisLeft(y)
          .ticks(4)
          .tickSizeOuter(0)
          .tickSize(-(width - m.left - m.right))
          // d3 picks the precision from the tick step, so small ranges never repeat a label.
          .tickFormat(y.tickFormat(4, this.options.yPercent ? '%' : undefined)),
        `${scaleKey(y)}|${this.options.yPercent ? '%' : ''}|${width}`,
      );
      const xAxis = svg.selectAll<SVGGElement, null>('g.x-axis').data([null]).join('g');
      setAttrs(xAxis, { class: 'axis x-axis', transform: `translate(0,${h - m.bottom})` });
      drawAxis(
        xAxis,
        axisBottom(x)
          .ticks(xTicks)
          .tickSizeOuter(0)
          .tickFormat((v) => (Number.isInteger(+v) ? String(+v) : '')),
        `${scaleKey(x)}|${xTicks}`,
      );
      const title = svg
        .selectAll<SVGTextElement, string>('text.axis-title')
        .data(this.options.xTitle ? [this.options.xTitle] : [])
        .join('text');
      setAttrs(title, { class: 'axis-title x-title', x: (m.left + width - m.right) / 2, y: h - 3, 'text-anchor': 'middle' });
      setTexts(title, (t) => t);
    }

    if (!withLines) {
      svg.selectAll('g.lines').remove();
      return;
    }
    const path = line<[number, number]>()
      .defined((p) => Number.isFinite(p[1]))
      .x((p) => x(p[0]))
      .y((p) => y(p[1]));
    const lines = svg
      .selectAll<SVGGElement, null>('g.lines')
      .data([null])
      .join('g')
      .attr('class', 'lines');
    const paths = lines
      .selectAll<SVGPathElement, Series>('path')
      .data(this.series, (s) => s.name)
      .join('path');
    setAttrs(paths, { class: (s) => (s.dashed ? 'series dashed' : 'series'), d: (s) => path(s.points) });
    setStyles(paths, { stroke: (s) => s.color, 'stroke-width': (s) => String(s.width ?? 1.5) });
    // Mark the newest point of each series: live runs grow at the right edge.
    const dots = lines
      .selectAll<SVGCircleElement, Series>('circle')
      .data(
        this.series.filter((s) => (s.width ?? 1.5) >= 1.5 && s.points.some((p) => Number.isFinite(p[1]))),
        (s) => s.name,
      )
      .join('circle');
    setAttrs(dots, { r: spark ? 2 : 2.5, cx: (s) => x(lastFinite(s.points)![0]), cy: (s) => y(lastFinite(s.points)![1]) });
    setStyles(dots, { fill: (s) => s.color });
    setTexts(
      dots
        .selectAll<SVGTitleElement, Series>('title')
        .data((s) => [s])
        .join('title'),
      (s) => `${s.name}: ${(this.options.yFormat ?? String)(lastFinite(s.points)![1])}`,
    );
  }

  private legendKey = '';

  private drawLegend(): void {
    if (!this.legend) return;
    // Names and colours rarely change from one epoch to the next; rewriting the same text re-lays the legend.
    const key = this.series.map((s) => `${s.name}\t${s.color}\t${s.width ?? ''}\t${s.dashed ? 1 : 0}`).join('\n');
    if (key === this.legendKey) return;
    this.legendKey = key;
    const maxLegend = this.options.maxLegend ?? 8;
    const shown = this.series.length > maxLegend ? this.series.filter((s) => (s.width ?? 1.5) >= 1.5) : this.series;
    select(this.legend)
      .selectAll<HTMLSpanElement, Series>('span.item')
      .data(shown, (s) => s.name)
      .join((enter) => {
        const item = enter.append('span').attr('class', 'item');
        item.append('span').attr('class', 'swatch');
        item.append('span').attr('class', 'label');
        return item;
      })
      .call((item) => {
        item.select('.swatch').style('background', (s) => s.color).classed('dashed', (s) => !!s.dashed);
        item.select('.label').text((s) => s.name);
      });
    const hidden = this.series.length - shown.length;
    select(this.legend)
      .selectAll<HTMLSpanElement, number>('span.more')
      .data(hidden > 0 ? [hidden] : [])
      .join('span')
      .attr('class', 'more')
      .text((n) => `+ ${n} layers (thin lines, faint = early, strong = late)`);
  }
}
