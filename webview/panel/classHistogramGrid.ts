// The unit view's per-class activation histograms: up to twelve small panels, all of which change on every epoch of
// a live run. They are drawn on one canvas: one bitmap to repaint, where twelve figures of captions, counts and
// canvases made the page lay out and paint a hundred-odd boxes each epoch. Hovering a panel reads it out, one
// aria-label describes them all, and an export draws them as SVG so that exported figures stay vector.
import { select } from 'd3';
import { clearedContext, plotStyle } from '../shared/charts/canvasPlot';
import { el, observeWidth, setData, setText } from '../shared/dom';
import { drawVectorWhileExported } from '../shared/export/vectorExport';
import { fmtNum } from '../shared/format';

export interface MiniPanel {
  label: string;
  counts: ArrayLike<number>;
  preferred: boolean;
  /** The class drawn; none for the pooled panel of the other classes. */
  cls?: number;
}

/** A panel's box, the gap between boxes, and where its parts sit inside it (CSS pixels, text baselines). */
const CELL = { width: 164, height: 92, gap: 10 } as const;
const INSET = 7;
const PLOT = { top: 21, width: CELL.width - 2 * INSET, height: 40 } as const;
/** The plot's left, top, width and height inside a cell; its bins span it but 2 px at each side. */
const PLOT_BOX = `${INSET},${PLOT.top},${PLOT.width},${PLOT.height}`;
const CAPTION_Y = 15;
const EDGES_Y = PLOT.top + PLOT.height + 11;
const N_Y = EDGES_Y + 13;
const CAPTION_FONT = 11;
const SMALL_FONT = 10;

interface Drawn {
  label: string;
  /** The label cut to the panel's width ("…" at the end). */
  caption: string;
  /** Each bin's share of the class's samples. */
  dens: Float64Array;
  top: number;
  total: number;
  preferred: boolean;
  cls?: number;
}

interface Layout {
  columns: number;
  width: number;
  height: number;
}

export class ClassHistogramGrid {
  readonly root: HTMLElement;
  private canvas: HTMLCanvasElement;
  private readout: HTMLElement;
  private panels: Drawn[] = [];
  private edges: Float32Array = new Float32Array(0);
  private width = 0;
  private exporting = false;
  private fitted = new Map<string, string>();
  private fittedFont = '';
  /** Where the pointer is over the canvas (CSS pixels), while it is. */
  private pointer: [number, number] | undefined;

  constructor() {
    this.canvas = el('canvas', { className: 'mini-grid-plot', attrs: { role: 'img' } });
    this.readout = el('div', { className: 'bar-readout mini-readout', attrs: { 'aria-hidden': 'true', 'data-export-skip': true } });
    this.root = el('div', { className: 'mini-grid' }, [this.canvas, this.readout]);
    this.canvas.addEventListener('mousemove', (e) => {
      this.pointer = [e.offsetX, e.offsetY];
      this.readOut();
    });
    this.canvas.addEventListener('mouseleave', () => {
      this.pointer = undefined;
      this.readOut();
    });
    drawVectorWhileExported(
      this.root,
      () => {
        this.exporting = true;
        this.drawSvg();
      },
      () => {
        this.exporting = false;
        this.root.querySelector(':scope > svg')?.remove();
        this.canvas.hidden = false;
        this.paint();
      },
    );
    observeWidth(this.root, (w) => {
      this.width = w;
      this.paint();
    });
  }

  /** Draws `panels` in order; `edges` are the bins' edges, shared by all of them. */
  update(panels: readonly MiniPanel[], edges: Float32Array): void {
    this.edges = edges;
    this.panels = panels.map((p) => {
      let total = 0;
      for (let i = 0; i < p.counts.length; i++) total += p.counts[i];
      const dens = new Float64Array(p.counts.length);
      let top = 1e-9;
      for (let i = 0; i < dens.length; i++) {
        dens[i] = total > 0 ? p.counts[i] / total : 0;
        if (dens[i] > top) top = dens[i];
      }
      return { label: p.label, caption: p.label, dens, top, total, preferred: p.preferred, cls: p.cls };
    });
    const preferred = this.panels.find((p) => p.preferred)?.cls;
    setData(this.canvas, {
      panels: String(this.panels.length),
      classes: this.panels.map((p) => p.cls ?? 'other').join(','),
      preferred: preferred === undefined ? '' : String(preferred),
      bins: String(this.panels[0]?.dens.length ?? 0),
    });
    const aria = `Activation histograms per class: ${this.panels.map((p) => `${p.label}${p.preferred ? ' (preferred)' : ''}, ${describeTotal(p.total)}`).join('; ')}`;
    if (this.canvas.getAttribute('aria-label') !== aria) this.canvas.setAttribute('aria-label', aria);
    // Just shown: its width is read now (one layout) rather than drawing a frame later, when the observer reports it.
    if (this.width <= 0) this.width = Math.floor(this.root.clientWidth);
    this.paint();
    // A new epoch under a still pointer: the readout follows the panel it is over.
    this.readOut();
  }

  private layout(): Layout {
    const columns = Math.max(1, Math.min(this.panels.length, Math.floor((this.width + CELL.gap) / (CELL.width + CELL.gap))));
    const rows = Math.ceil(this.panels.length / columns);
    return {
      columns,
      width: columns * (CELL.width + CELL.gap) - CELL.gap,
      height: rows > 0 ? rows * (CELL.height + CELL.gap) - CELL.gap : 0,
    };
  }

  private origin(i: number, columns: number): [number, number] {
    return [(i % columns) * (CELL.width + CELL.gap), Math.floor(i / columns) * (CELL.height + CELL.gap)];
  }

  /** In passes by colour and font: each font set on a canvas in the page is parsed and checked against its style. */
  private paint(): void {
    if (this.exporting || this.width <= 0) return;
    const { columns, width, height } = this.layout();
    // The geometry, for whoever reads the drawing (the webview tests): a cell's box and, inside it, the bars' plot.
    setData(this.canvas, { columns: String(columns), cellWidth: String(CELL.width), cellHeight: String(CELL.height), gap: String(CELL.gap), plot: PLOT_BOX });
    const ctx = clearedContext(this.canvas, width, height);
    if (!ctx) return;
    const style = plotStyle(this.canvas);
    const at = this.panels.map((_, i) => this.origin(i, columns));
    ctx.lineWidth = 1;
    this.panels.forEach((p, i) => {
      const [x0, y0] = at[i];
      ctx.strokeStyle = p.preferred ? style.select : style.border;
      ctx.beginPath();
      ctx.roundRect(x0 + 0.5, y0 + 0.5, CELL.width - 1, CELL.height - 1, 3);
      ctx.stroke();
      ctx.fillStyle = p.preferred ? style.select : style.accent;
      const { x, y, bw } = bars(p);
      const base = y0 + PLOT.top + y(0);
      for (let b = 0; b < p.dens.length; b++) {
        const top = y0 + PLOT.top + y(p.dens[b]);
        if (base - top > 0) ctx.fillRect(x0 + INSET + x(b), top, bw, base - top);
      }
    });
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.font = `${CAPTION_FONT}px ${style.fontFamily}`;
    this.fitCaptions(ctx);
    ctx.fillStyle = style.text;
    this.panels.forEach((p, i) => ctx.fillText(p.caption, at[i][0] + INSET, at[i][1] + CAPTION_Y));
    const [lo, hi] = this.edgeLabels();
    ctx.font = `${SMALL_FONT}px ${style.fontFamily}`;
    ctx.fillStyle = style.muted;
    this.panels.forEach((p, i) => {
      ctx.fillText(lo, at[i][0] + INSET, at[i][1] + EDGES_Y);
      ctx.fillText(nText(p.total), at[i][0] + INSET, at[i][1] + N_Y);
    });
    ctx.textAlign = 'right';
    this.panels.forEach((_, i) => ctx.fillText(hi, at[i][0] + INSET + PLOT.width, at[i][1] + EDGES_Y));
  }

  /** Cuts each label to the panel's width once per label and font (a live run shows the same classes often). */
  private fitCaptions(ctx: CanvasRenderingContext2D): void {
    if (ctx.font !== this.fittedFont || this.fitted.size > 2000) {
      this.fitted.clear();
      this.fittedFont = ctx.font;
    }
    for (const p of this.panels) {
      let caption = this.fitted.get(p.label);
      if (caption === undefined) {
        caption = fitText(ctx, p.label, PLOT.width);
        this.fitted.set(p.label, caption);
      }
      p.caption = caption;
    }
  }

  private edgeLabels(): [string, string] {
    const e = this.edges;
    return e.length > 0 ? [fmtNum(e[0], 2), fmtNum(e[e.length - 1], 2)] : ['', ''];
  }

  /** The panel and bin under the pointer, in words. */
  private readOut(): void {
    if (!this.pointer) {
      setText(this.readout, '');
      return;
    }
    const [px, py] = this.pointer;
    const { columns } = this.layout();
    const stride = { x: CELL.width + CELL.gap, y: CELL.height + CELL.gap };
    const col = Math.floor(px / stride.x);
    const row = Math.floor(py / stride.y);
    const i = row * columns + col;
    const p = col < columns && px - col * stride.x < CELL.width && py - row * stride.y < CELL.height ? this.panels[i] : undefined;
    if (!p) {
      setText(this.readout, '');
      return;
    }
    const parts = [`${p.label}${p.preferred ? ' (preferred class)' : ''}`, describeTotal(p.total)];
    const B = p.dens.length;
    const bx = px - col * stride.x - INSET;
    const by = py - row * stride.y - PLOT.top;
    if (B > 0 && this.edges.length === B + 1 && by >= 0 && by <= PLOT.height && bx >= 0 && bx < PLOT.width) {
      const b = Math.min(B - 1, Math.floor(((bx - 2) / (PLOT.width - 4)) * B));
      if (b >= 0) parts.push(`activation ${fmtNum(this.edges[b], 2)} to ${fmtNum(this.edges[b + 1], 2)}: ${(p.dens[b] * 100).toFixed(1)}% of samples`);
    } else if (this.edges.length > 0) parts.push(`activation ${this.edgeLabels().join(' to ')}`);
    setText(this.readout, parts.join(' · '));
  }

  /** The same panels as SVG elements, over the hidden canvas, while an export reads them. */
  private drawSvg(): void {
    const { columns, width, height } = this.layout();
    this.canvas.hidden = true;
    const [lo, hi] = this.edgeLabels();
    const svg = select(this.root)
      .insert('svg', 'canvas')
      .attr('class', 'mini-grid-svg')
      .attr('width', width)
      .attr('height', height)
      .attr('role', 'img')
      .attr('aria-label', this.canvas.getAttribute('aria-label'));
    const cells = svg
      .selectAll('g.mini')
      .data(this.panels)
      .join('g')
      .attr('class', (p) => (p.preferred ? 'mini preferred' : 'mini'))
      .attr('transform', (_, i) => `translate(${this.origin(i, columns).join(',')})`);
    cells.append('rect').attr('class', 'mini-frame').attr('x', 0.5).attr('y', 0.5).attr('width', CELL.width - 1).attr('height', CELL.height - 1).attr('rx', 3);
    cells.append('text').attr('class', 'mini-caption').attr('x', INSET).attr('y', CAPTION_Y).text((p) => p.caption);
    cells
      .append('path')
      .attr('class', 'bar')
      .attr('d', (p) => {
        const { x, y, bw } = bars(p);
        let d = '';
        for (let b = 0; b < p.dens.length; b++) d += `M${INSET + x(b)},${PLOT.top + y(0)}V${PLOT.top + y(p.dens[b])}h${bw}V${PLOT.top + y(0)}Z`;
        return d;
      });
    cells.append('text').attr('class', 'mini-edge').attr('x', INSET).attr('y', EDGES_Y).text(lo);
    cells.append('text').attr('class', 'mini-edge').attr('x', INSET + PLOT.width).attr('y', EDGES_Y).attr('text-anchor', 'end').text(hi);
    cells.append('text').attr('class', 'mini-n').attr('x', INSET).attr('y', N_Y).text((p) => nText(p.total));
  }
}

/** Bin b's left edge and a density's height inside the plot (linear maps, written out: they run every epoch). */
function bars(p: Drawn) {
  const step = (PLOT.width - 4) / Math.max(1, p.dens.length);
  return {
    x: (b: number) => 2 + b * step,
    y: (v: number) => PLOT.height - (v / p.top) * (PLOT.height - 2),
    bw: Math.max(1, step - 0.5),
  };
}

function nText(total: number): string {
  return total > 0 ? `n = ${total}` : 'no samples recorded';
}

function describeTotal(total: number): string {
  return total > 0 ? `${total} samples` : 'no samples recorded';
}

/** `text`, or as much of it as fits in `width` followed by "…". */
function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}
