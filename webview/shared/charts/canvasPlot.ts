// Paints a line chart's axes, grid, lines and newest-point dots on a canvas, as the SVG drawing of lineChart.ts
// lays them out (same scales, ticks, margins and colours). A live run's curves are redrawn on every epoch; on
// canvas that is one bitmap to repaint, not hundreds of SVG elements to re-style and re-lay out.
import { line, type ScaleLinear } from 'd3';
import { palette } from '../theme';

export interface PlotFrame {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
  margin: { top: number; right: number; bottom: number; left: number };
  width: number;
  height: number;
  xTicks: number;
  /** Sparklines: no axes. */
  spark: boolean;
}

export interface PlotSeries {
  color: string;
  points: Array<[number, number]>;
  width?: number;
  dashed?: boolean;
}

interface PlotStyle {
  muted: string;
  grid: string;
  border: string;
  font: string;
  /** Series colours given as CSS variables, resolved. */
  colors: Map<string, string>;
}

const styles = new WeakMap<HTMLCanvasElement, { version: number; style: PlotStyle }>();

/** The stylesheet's chart colours and font (styles.css: .axis text, --sl-grid, --sl-border), once per theme. */
function plotStyle(canvas: HTMLCanvasElement): PlotStyle {
  const version = palette().version;
  const cached = styles.get(canvas);
  if (cached?.version === version) return cached.style;
  const css = getComputedStyle(canvas);
  const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const style: PlotStyle = {
    muted: read('--sl-muted', '#9d9d9d'),
    grid: read('--sl-grid', 'rgba(128, 128, 128, 0.18)'),
    border: read('--sl-border', 'rgba(128, 128, 128, 0.35)'),
    font: read('--vscode-font-family', 'system-ui, sans-serif'),
    colors: new Map(),
  };
  styles.set(canvas, { version, style });
  return style;
}

function resolveColor(canvas: HTMLCanvasElement, style: PlotStyle, color: string): string {
  const v = /^var\((--[\w-]+)/.exec(color);
  if (!v) return color;
  let resolved = style.colors.get(color);
  if (resolved === undefined) {
    resolved = getComputedStyle(canvas).getPropertyValue(v[1]).trim() || style.muted;
    style.colors.set(color, resolved);
  }
  return resolved;
}

/** Sizes the canvas for the device's pixel ratio and paints the frame (nothing but a cleared canvas without one). */
export function paintPlot(
  canvas: HTMLCanvasElement,
  frame: PlotFrame | undefined,
  series: readonly PlotSeries[],
  options: { width: number; height: number; xTitle?: string; yPercent?: boolean },
): void {
  const { width, height } = options;
  const dpr = globalThis.devicePixelRatio || 1;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  // Resizing reallocates the bitmap: only when the size changed.
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  if (canvas.style.width !== `${width}px`) canvas.style.width = `${width}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (!frame) return;
  const style = plotStyle(canvas);
  const { x, y, spark } = frame;
  if (!spark) paintAxes(ctx, frame, style, options);
  const path = line<[number, number]>()
    .defined((p) => Number.isFinite(p[1]))
    .x((p) => x(p[0]))
    .y((p) => y(p[1]))
    .context(ctx);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  for (const s of series) {
    ctx.beginPath();
    path(s.points);
    ctx.strokeStyle = resolveColor(canvas, style, s.color);
    ctx.lineWidth = s.width ?? 1.5;
    ctx.setLineDash(s.dashed ? [4, 3] : []);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  // The newest point of each main series: live runs grow at the right edge.
  for (const s of series) {
    if ((s.width ?? 1.5) < 1.5) continue;
    const last = lastFinitePoint(s.points);
    if (!last) continue;
    ctx.beginPath();
    ctx.arc(x(last[0]), y(last[1]), spark ? 2 : 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = resolveColor(canvas, style, s.color);
    ctx.fill();
  }
}

function paintAxes(
  ctx: CanvasRenderingContext2D,
  frame: PlotFrame,
  style: PlotStyle,
  options: { width: number; height: number; xTitle?: string; yPercent?: boolean },
): void {
  const { x, y, margin: m, xTicks } = frame;
  const { width, height } = options;
  const base = height - m.bottom;
  const crisp = (v: number) => Math.round(v) + 0.5;
  ctx.font = `10px ${style.font}`;
  ctx.lineWidth = 1;
  // Horizontal grid at the y ticks, their labels left of the plot.
  const yTicks = y.ticks(4);
  const yFormat = y.tickFormat(4, options.yPercent ? '%' : undefined);
  ctx.strokeStyle = style.grid;
  ctx.beginPath();
  for (const t of yTicks) {
    ctx.moveTo(m.left, crisp(y(t)));
    ctx.lineTo(width - m.right, crisp(y(t)));
  }
  // The x ticks below the baseline (whole epochs only).
  const xs = x.ticks(xTicks).filter(Number.isInteger);
  for (const t of xs) {
    ctx.moveTo(crisp(x(t)), base);
    ctx.lineTo(crisp(x(t)), base + 6);
  }
  ctx.stroke();
  ctx.strokeStyle = style.border;
  ctx.beginPath();
  ctx.moveTo(crisp(m.left), m.top);
  ctx.lineTo(crisp(m.left), base);
  ctx.moveTo(m.left, crisp(base));
  ctx.lineTo(width - m.right, crisp(base));
  ctx.stroke();
  ctx.fillStyle = style.muted;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yTicks) ctx.fillText(yFormat(t), m.left - 3, y(t));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of xs) ctx.fillText(String(t), x(t), base + 9);
  if (options.xTitle) {
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(options.xTitle, (m.left + width - m.right) / 2, height - 3);
  }
}

export function lastFinitePoint(points: Array<[number, number]>): [number, number] | undefined {
  for (let i = points.length - 1; i >= 0; i--) if (Number.isFinite(points[i][1])) return points[i];
  return undefined;
}
