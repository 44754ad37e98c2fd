// The unit view's small per-class activation histograms. Twelve of them change on every epoch of a live run:
// each is a canvas (one bitmap to repaint, no SVG elements to re-style and re-lay out), drawn as SVG only while an
// export reads it, so exported figures stay vector.
import { max, select } from 'd3';
import { clearedContext, plotStyle } from '../shared/charts/canvasPlot';
import { setAttrs } from '../shared/charts/quietWrites';
import { el, setText } from '../shared/dom';
import { drawVectorWhileExported } from '../shared/export/vectorExport';
import { fmtNum } from '../shared/format';

export interface MiniPanel {
  label: string;
  counts: ArrayLike<number>;
  preferred: boolean;
  cls?: number;
}

const MINI_W = 150;
/** The bars' height; the bin edges are written below them. */
const MINI_H = 40;

interface Drawn {
  /** Each bin's share of the class's samples. */
  dens: number[];
  edges: [string, string];
  total: number;
  label: string;
}

const drawn = new WeakMap<HTMLElement, Drawn>();

/** An empty small histogram, filled in by updateMiniHistogram (figures are reused from one epoch to the next). */
export function miniHistogram(): HTMLElement {
  const canvas = el('canvas', { className: 'mini-plot', attrs: { role: 'img' } });
  // The bin edges are HTML text: canvas text is shaped anew on every draw, and these change rarely.
  const edges = el('div', { className: 'mini-edges' }, [el('span', { className: 'edge' }), el('span', { className: 'edge' })]);
  const figure = el('figure', { className: 'mini' }, [el('figcaption'), canvas, edges, el('div', { className: 'mini-n' })]);
  drawVectorWhileExported(
    figure,
    () => {
      const d = drawn.get(figure);
      if (!d) return;
      const svg = select(figure).insert('svg', 'canvas.mini-plot').attr('width', MINI_W).attr('height', MINI_H).attr('role', 'img');
      drawSvg(svg.node()!, d);
      canvas.hidden = true;
    },
    () => {
      figure.querySelector(':scope > svg')?.remove();
      canvas.hidden = false;
    },
  );
  return figure;
}

/** Bin i's left edge and a density's height (linear maps, written out: twelve panels redraw every epoch). */
function scales(d: Drawn) {
  const step = (MINI_W - 4) / Math.max(1, d.dens.length);
  const top = Math.max(1e-9, max(d.dens) ?? 1);
  const x = (i: number) => 2 + i * step;
  const y = (v: number) => MINI_H - (v / top) * (MINI_H - 2);
  return { x, y, bw: Math.max(1, step - 0.5) };
}

/** A small density histogram (each class normalised to its own total, so class sizes do not matter). */
export function updateMiniHistogram(figure: HTMLElement, p: MiniPanel, edges: Float32Array): void {
  const { counts, label } = p;
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const d: Drawn = {
    dens: Array.from(counts, (c) => (total > 0 ? c / total : 0)),
    edges: [fmtNum(edges[0], 2), fmtNum(edges[edges.length - 1], 2)],
    total,
    label,
  };
  drawn.set(figure, d);
  const cls = p.preferred ? 'mini preferred' : 'mini';
  if (figure.className !== cls) figure.className = cls;
  if (p.cls === undefined) delete figure.dataset.class;
  else if (figure.dataset.class !== String(p.cls)) figure.dataset.class = String(p.cls);
  const caption = figure.querySelector('figcaption')!;
  setText(caption, label);
  if (caption.title !== label) caption.title = label;
  const canvas = figure.querySelector<HTMLCanvasElement>('canvas.mini-plot')!;
  const aria = `Activation histogram of class ${label}, ${total} samples`;
  if (canvas.getAttribute('aria-label') !== aria) canvas.setAttribute('aria-label', aria);
  const bins = String(d.dens.length);
  if (canvas.dataset.bins !== bins) canvas.dataset.bins = bins;
  paint(canvas, d, p.preferred);
  const [lo, hi] = figure.querySelectorAll('.mini-edges .edge');
  setText(lo, d.edges[0]);
  setText(hi, d.edges[1]);
  setText(figure.querySelector('.mini-n')!, total > 0 ? `n = ${total}` : 'no samples recorded');
}

function paint(canvas: HTMLCanvasElement, d: Drawn, preferred: boolean): void {
  const ctx = clearedContext(canvas, MINI_W, MINI_H);
  if (!ctx) return;
  const style = plotStyle(canvas);
  const { x, y, bw } = scales(d);
  ctx.fillStyle = preferred ? style.select : style.accent;
  const y0 = y(0);
  d.dens.forEach((v, i) => ctx.fillRect(x(i), y(v), bw, y0 - y(v)));
}

/** The same drawing as SVG elements (exports). */
function drawSvg(node: SVGSVGElement, d: Drawn): void {
  const svg = select(node).attr('aria-label', `Activation histogram of class ${d.label}, ${d.total} samples`);
  const { x, y, bw } = scales(d);
  setAttrs(svg.selectAll<SVGPathElement, number[]>('path.bar').data([d.dens]).join('path'), {
    class: 'bar',
    'data-bins': d.dens.length,
    d: (ds) => ds.map((v, i) => `M${x(i)},${y(0)}V${y(v)}h${bw}V${y(0)}Z`).join(''),
  });
}
