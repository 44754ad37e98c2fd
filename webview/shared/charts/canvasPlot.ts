// Canvas drawing for the charts a live run redraws on every epoch (training curves, the unit view's small
// histograms): one bitmap to repaint instead of SVG paths to re-style, re-lay out and re-paint. Mostly shapes: canvas
// text is shaped anew on every draw, so labels that rarely change stay SVG or HTML, which the page lays out once.
// The small histograms draw their words too: every one of them changes with the epoch.
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

export interface PlotStyle {
  muted: string;
  /** Bars (.bar) and the highlighted one (the preferred class). */
  accent: string;
  select: string;
  /** Text (--sl-fg), box outlines (--sl-border) and the page's font family, for the few charts that draw words. */
  text: string;
  border: string;
  fontFamily: string;
  /** Series colours given as CSS variables, resolved. */
  colors: Map<string, string>;
}

const styles = new WeakMap<HTMLCanvasElement, { version: number; style: PlotStyle }>();

/** The stylesheet's chart colours (styles.css: --sl-muted, --sl-accent, --sl-select), once per theme and canvas. */
export function plotStyle(canvas: HTMLCanvasElement): PlotStyle {
  const version = palette().version;
  const cached = styles.get(canvas);
  if (cached?.version === version) return cached.style;
  const css = getComputedStyle(canvas);
  const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const style: PlotStyle = {
    muted: read('--sl-muted', '#9d9d9d'),
    accent: read('--sl-accent', '#3794ff'),
    select: read('--sl-select', '#d18616'),
    text: read('--sl-fg', '#cccccc'),
    border: read('--sl-border', 'rgba(128, 128, 128, 0.35)'),
    fontFamily: css.fontFamily || 'sans-serif',
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

/** The canvas sized to `width` x `height` CSS pixels at the device's pixel ratio, cleared, drawn in CSS pixels. */
export function clearedContext(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = globalThis.devicePixelRatio || 1;
  const w = Math.round(width * dpr);
  const h = Math.round(height * dpr);
  // Resizing reallocates the bitmap: only when the size changed.
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  if (canvas.style.width !== `${width}px`) canvas.style.width = `${width}px`;
  if (canvas.style.height !== `${height}px`) canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/**
 * The lines and newest-point dots of a line chart at the device's pixel ratio, laid out by the chart's scales; the
 * axes and text are the chart's SVG. Without a frame the canvas is cleared.
 */
export function paintLines(canvas: HTMLCanvasElement, frame: PlotFrame | undefined, series: readonly PlotSeries[], width: number, height: number): void {
  const ctx = clearedContext(canvas, width, height);
  if (!ctx || !frame) return;
  const style = plotStyle(canvas);
  const { x, y, spark } = frame;
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

export function lastFinitePoint(points: Array<[number, number]>): [number, number] | undefined {
  for (let i = points.length - 1; i >= 0; i--) if (Number.isFinite(points[i][1])) return points[i];
  return undefined;
}
