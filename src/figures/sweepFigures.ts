// The sweep figures as SVG text, built with d3 scales and shapes but no DOM, so the same code draws the
// webview's Sweep tab, the HTML report page, and the .svg files the engine exports (through dist/figures.js,
// see bundle.ts). It is compiled by the root tsconfig (no DOM lib), which keeps it DOM-free.
// Colours that follow the theme use currentColor; nothing uses style attributes (webview CSP).
import {
  interpolateLab,
  line as d3line,
  area as d3area,
  piecewise,
  scaleLinear,
  scaleSymlog,
  schemeTableau10,
  interpolateTurbo,
  format as d3format,
} from 'd3';
import type { ReportGroup, ReportRun, SweepReportData } from '../protocol/sweep';

export type FigureId =
  | 'accuracy-vs-alpha'
  | 'si-vs-alpha'
  | 'layer-si-vs-alpha'
  | 'accuracy-vs-si'
  // From the runs' analyses (selectivity-lens sweep-analyze); drawn only when some run has them.
  | 'ablation-vs-alpha'
  | 'cka-vs-alpha'
  | 'dimensionality-vs-alpha'
  | 'robustness-vs-alpha';

export interface FigureTheme {
  /** Text and axes colour; omitted in the webview (inherits the theme's foreground). */
  fg?: string;
  /** Background fill; omitted for a transparent figure. */
  bg?: string;
  font?: string;
}

export interface FigureSvg {
  id: FigureId;
  /** Unique within the report: the figure id, plus the group index when there are several groups. */
  key: string;
  group: string;
  title: string;
  svg: string;
  /** Run points drawn (one per completed run; per run and layer in the layer figure). */
  points: number;
}

/** Blue discourages selectivity (alpha < 0), grey is the baseline, red encourages it (alpha > 0). */
export const ALPHA_COLORS = { negative: '#2166ac', zero: '#8c8c8c', positive: '#b2182b' };

const W = 600;
const H = 380;
const M = { top: 38, right: 24, bottom: 50, left: 64 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmtNum(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return 'n/a';
  return Number(x.toPrecision(digits)).toString();
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'n/a');

/** Smallest non-zero |alpha|: the linear region of the symlog axis. */
function symlogConstant(alphas: number[]): number {
  const nz = alphas.map(Math.abs).filter((a) => a > 0);
  return nz.length ? Math.min(...nz) : 1;
}

export function alphaColorScale(alphas: number[]): (alpha: number) => string {
  // Symmetric symlog position in [0, 1]: 0.5 is alpha = 0, the ends are the largest |alpha| either way.
  const m = Math.max(1e-9, ...alphas.map(Math.abs));
  const c = symlogConstant(alphas);
  const ramp = piecewise(interpolateLab, [ALPHA_COLORS.negative, ALPHA_COLORS.zero, ALPHA_COLORS.positive]);
  // The square root lifts small |alpha| away from the grey middle so weak regularization still reads as a hue.
  const t = (a: number) =>
    0.5 + 0.5 * Math.sign(a) * Math.sqrt(Math.log1p(Math.min(m, Math.abs(a)) / c) / Math.log1p(m / c));
  return (a: number) => (a === 0 ? ALPHA_COLORS.zero : ramp(t(a)));
}

function alphaTicks(alphas: number[], c: number): number[] {
  const distinct = [...new Set(alphas)].sort((a, b) => a - b);
  if (distinct.length <= 9) return distinct;
  const lo = distinct[0];
  const hi = distinct[distinct.length - 1];
  const ticks = [0];
  for (let k = Math.floor(Math.log10(c)); k <= Math.ceil(Math.log10(Math.max(Math.abs(lo), Math.abs(hi)))); k++) {
    ticks.push(10 ** k, -(10 ** k));
  }
  return ticks.filter((t) => t >= lo && t <= hi).sort((a, b) => a - b);
}

interface Frame {
  parts: string[];
  x: (v: number) => number;
  y: (v: number) => number;
}

function svgOpen(title: string, theme: FigureTheme, id: string, width = W): string[] {
  const attrs = [
    `xmlns="http://www.w3.org/2000/svg"`,
    `viewBox="0 0 ${width} ${H}"`,
    `width="${width}"`,
    `height="${H}"`,
    `class="sl-sweep-chart"`,
    `data-figure="${id}"`,
    `role="img"`,
    `aria-label="${esc(title)}"`,
    `font-family="${esc(theme.font ?? 'system-ui, -apple-system, Segoe UI, sans-serif')}"`,
    `font-size="11"`,
    `fill="currentColor"`,
  ];
  if (theme.fg) attrs.push(`color="${esc(theme.fg)}"`);
  const parts = [`<svg ${attrs.join(' ')}>`, `<title>${esc(title)}</title>`];
  if (theme.bg) parts.push(`<rect class="sl-sweep-bg" width="${width}" height="${H}" fill="${esc(theme.bg)}"/>`);
  parts.push(`<text class="sl-sweep-title" x="${M.left}" y="22" font-size="13" font-weight="600">${esc(title)}</text>`);
  return parts;
}

/** Axes, grid and labels; returns the scales' pixel functions. */
function frame(
  parts: string[],
  xScale: { (v: number): number },
  yScale: { (v: number): number },
  xTicks: number[],
  yTicks: number[],
  xFmt: (v: number) => string,
  yFmt: (v: number) => string,
  xLabel: string,
  yLabel: string,
  width = W,
): Frame {
  const x0 = M.left;
  const x1 = width - M.right;
  const y0 = H - M.bottom;
  const y1 = M.top;
  const g: string[] = ['<g class="sl-sweep-axes">'];
  for (const t of yTicks) {
    const y = yScale(t).toFixed(1);
    g.push(`<line x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" stroke="currentColor" stroke-opacity="0.12"/>`);
    g.push(`<text x="${x0 - 6}" y="${y}" dy="0.32em" text-anchor="end">${esc(yFmt(t))}</text>`);
  }
  for (const t of xTicks) {
    const x = xScale(t).toFixed(1);
    g.push(`<line x1="${x}" x2="${x}" y1="${y1}" y2="${y0}" stroke="currentColor" stroke-opacity="0.08"/>`);
    g.push(`<line x1="${x}" x2="${x}" y1="${y0}" y2="${y0 + 5}" stroke="currentColor" stroke-opacity="0.6"/>`);
    g.push(`<text x="${x}" y="${y0 + 17}" text-anchor="middle">${esc(xFmt(t))}</text>`);
  }
  g.push(`<line x1="${x0}" x2="${x1}" y1="${y0}" y2="${y0}" stroke="currentColor" stroke-opacity="0.6"/>`);
  g.push(`<line x1="${x0}" x2="${x0}" y1="${y1}" y2="${y0}" stroke="currentColor" stroke-opacity="0.6"/>`);
  g.push(`<text x="${(x0 + x1) / 2}" y="${H - 10}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`);
  g.push(
    `<text transform="translate(16 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`,
  );
  g.push('</g>');
  parts.push(...g);
  return { parts, x: xScale, y: yScale };
}

function extent(values: number[], pad = 0.06): [number, number] {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return [0, 1];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (hi - lo < 1e-9) {
    lo -= 0.5 * Math.abs(lo || 1) * 0.1 + 1e-3;
    hi += 0.5 * Math.abs(hi || 1) * 0.1 + 1e-3;
  }
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

function alphaAxis(alphas: number[], width = W) {
  const c = symlogConstant(alphas);
  const lo = Math.min(...alphas);
  const hi = Math.max(...alphas);
  const domain: [number, number] = lo === hi ? [lo - c, hi + c] : [lo, hi];
  const x = scaleSymlog().constant(c).domain(domain).range([M.left + 14, width - M.right - 14]);
  return { x, ticks: alphaTicks(alphas, c) };
}

const fmtAlpha = (a: number) => fmtNum(a, 3);

function runTitle(r: ReportRun): string {
  return `${r.name}: accuracy ${pct(r.testAcc)}, network SI ${fmtNum(r.networkSI)}`;
}

/** Deterministic horizontal offset so seeds at one alpha do not hide each other. */
function seedOffset(r: ReportRun, seeds: number[]): number {
  const i = seeds.indexOf(r.seed);
  return seeds.length <= 1 ? 0 : (i - (seeds.length - 1) / 2) * 3;
}

/** Mean line with a 95% CI band over seeds, and every seed as a dot, against alpha on a symlog axis. */
function metricVsAlpha(
  group: ReportGroup,
  id: FigureId,
  title: string,
  yLabel: string,
  get: { run: (r: ReportRun) => number; stat: (s: ReportGroup['byAlpha'][number]) => { mean: number; lo: number; hi: number; n?: number; clipped?: boolean } },
  yFmt: (v: number) => string,
  theme: FigureTheme,
  baseline?: number,
): { svg: string; points: number } {
  const runs = group.runs.filter((r) => r.status === 'completed' && Number.isFinite(get.run(r)));
  const alphas = [...group.byAlpha.map((s) => s.alpha), ...runs.map((r) => r.alpha)];
  const parts = svgOpen(title, theme, id);
  if (alphas.length === 0) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">No completed runs yet</text></svg>`);
    return { svg: parts.join(''), points: 0 };
  }
  const { x, ticks } = alphaAxis(alphas);
  const stats = group.byAlpha.map((s) => ({ alpha: s.alpha, ...get.stat(s) })).filter((s) => Number.isFinite(s.mean));
  const yValues = [...runs.map(get.run), ...stats.flatMap((s) => [s.lo, s.hi])];
  if (baseline !== undefined) yValues.push(baseline);
  // Accuracy and SI live in [0, 1]: a wide CI (few seeds) must not stretch the axis beyond that.
  const [ylo, yhi] = extent(yValues);
  const y = scaleLinear()
    .domain([Math.max(0, ylo), Math.min(1, yhi)])
    .nice()
    .range([H - M.bottom, M.top]);
  const [d0, d1] = y.domain();
  const clampY = (v: number) => Math.min(d1, Math.max(d0, v));
  // Tick labels take their precision from the tick step (a fixed format repeats labels on narrow ranges).
  const tickFmt = y.tickFormat(6, yFmt(1).endsWith('%') ? '%' : undefined);
  frame(parts, x, y, ticks, y.ticks(6), fmtAlpha, tickFmt, 'alpha (symlog scale; < 0 discourages, > 0 encourages selectivity)', yLabel);
  const color = alphaColorScale(alphas);
  const band = d3area<(typeof stats)[number]>()
    .x((s) => x(s.alpha))
    .y0((s) => y(clampY(s.lo)))
    .y1((s) => y(clampY(s.hi)));
  const mean = d3line<(typeof stats)[number]>()
    .x((s) => x(s.alpha))
    .y((s) => y(s.mean));
  parts.push(`<path class="sl-sweep-ci" d="${band(stats) ?? ''}" fill="currentColor" fill-opacity="0.14" stroke="none"/>`);
  if (baseline !== undefined && Number.isFinite(baseline)) {
    const by = y(baseline).toFixed(1);
    parts.push(
      `<line class="sl-sweep-baseline" x1="${M.left}" x2="${W - M.right}" y1="${by}" y2="${by}" stroke="currentColor" stroke-opacity="0.5" stroke-dasharray="5 4"/>`,
    );
  }
  parts.push(`<path class="sl-sweep-mean" d="${mean(stats) ?? ''}" fill="none" stroke="currentColor" stroke-width="1.8"/>`);
  for (const s of stats) {
    parts.push(
      `<circle class="sl-sweep-mean-point" cx="${x(s.alpha).toFixed(1)}" cy="${y(s.mean).toFixed(1)}" r="2.5" fill="currentColor"><title>alpha ${fmtAlpha(s.alpha)}: mean ${yFmt(s.mean)} (95% CI ${yFmt(s.lo)} to ${yFmt(s.hi)}${s.clipped ? ', clipped to the range' : ''}, n = ${s.n ?? '?'})</title></circle>`,
    );
  }
  const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  for (const r of runs) {
    parts.push(
      `<circle class="sl-sweep-run-point" data-run="${esc(r.name)}" data-alpha="${r.alpha}" data-seed="${r.seed}" cx="${(x(r.alpha) + seedOffset(r, seeds)).toFixed(1)}" cy="${y(get.run(r)).toFixed(1)}" r="4" fill="${color(r.alpha)}" fill-opacity="0.85" stroke="currentColor" stroke-opacity="0.35" stroke-width="0.6"><title>${esc(runTitle(r))}</title></circle>`,
    );
  }
  parts.push('</svg>');
  return { svg: parts.join(''), points: runs.length };
}

function layerColor(i: number, n: number): string {
  return n <= 10 ? schemeTableau10[i % 10] : interpolateTurbo(0.08 + (0.84 * i) / Math.max(1, n - 1));
}

function layerSIVsAlpha(group: ReportGroup, layers: string[], theme: FigureTheme, title: string): { svg: string; points: number } {
  const legendWidth = 150;
  const width = W + legendWidth;
  const runs = group.runs.filter((r) => r.status === 'completed');
  const parts = svgOpen(title, theme, 'layer-si-vs-alpha', width);
  const alphas = [...group.byAlpha.map((s) => s.alpha), ...runs.map((r) => r.alpha)];
  const shown = layers.filter((l) => runs.some((r) => Number.isFinite(r.layerSI[l])));
  if (alphas.length === 0 || shown.length === 0) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">No per-layer selectivity yet</text></svg>`);
    return { svg: parts.join(''), points: 0 };
  }
  const plotRight = width - legendWidth;
  const { x, ticks } = alphaAxis(alphas, plotRight);
  const values = runs.flatMap((r) => shown.map((l) => r.layerSI[l]));
  const y = scaleLinear().domain(extent(values)).nice().range([H - M.bottom, M.top]);
  frame(parts, x, y, ticks, y.ticks(6), fmtAlpha, y.tickFormat(6), 'alpha (symlog scale)', 'mean class selectivity index of the layer', plotRight);
  let points = 0;
  shown.forEach((layer, i) => {
    const c = layerColor(i, shown.length);
    const stats = group.byAlpha
      .filter((s) => s.layerSI[layer] && Number.isFinite(s.layerSI[layer].mean))
      .map((s) => ({ alpha: s.alpha, mean: s.layerSI[layer].mean }));
    const path = d3line<(typeof stats)[number]>()
      .x((s) => x(s.alpha))
      .y((s) => y(s.mean))(stats);
    parts.push(`<g class="sl-sweep-layer" data-layer="${esc(layer)}">`);
    parts.push(`<path class="sl-sweep-mean" d="${path ?? ''}" fill="none" stroke="${c}" stroke-width="1.6"/>`);
    for (const r of runs) {
      const v = r.layerSI[layer];
      if (!Number.isFinite(v)) continue;
      points++;
      parts.push(
        `<circle class="sl-sweep-layer-point" data-run="${esc(r.name)}" data-layer="${esc(layer)}" cx="${x(r.alpha).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.2" fill="${c}" fill-opacity="0.7"><title>${esc(`${layer}, ${r.name}: mean SI ${fmtNum(v)}`)}</title></circle>`,
      );
    }
    const ly = M.top + 6 + i * 16;
    if (ly < H - M.bottom) {
      parts.push(
        `<line x1="${plotRight + 12}" x2="${plotRight + 32}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2.5"/><text x="${plotRight + 38}" y="${ly}" dy="0.32em">${esc(layer.length > 18 ? layer.slice(0, 17) + '…' : layer)}</text>`,
      );
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return { svg: parts.join(''), points };
}

function accuracyVsSI(group: ReportGroup, theme: FigureTheme, title: string): { svg: string; points: number } {
  const runs = group.runs.filter((r) => r.status === 'completed' && Number.isFinite(r.testAcc) && Number.isFinite(r.networkSI));
  const parts = svgOpen(title, theme, 'accuracy-vs-si');
  if (runs.length === 0) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">No completed runs yet</text></svg>`);
    return { svg: parts.join(''), points: 0 };
  }
  const baseline = group.headline.baselineAcc?.mean;
  const x = scaleLinear().domain(extent(runs.map((r) => r.networkSI))).nice().range([M.left + 8, W - M.right - 8]);
  const yVals = runs.map((r) => r.testAcc);
  if (baseline !== undefined) yVals.push(baseline);
  const y = scaleLinear().domain(extent(yVals)).nice().range([H - M.bottom, M.top]);
  const accFmt = y.tickFormat(6, '%');
  frame(parts, x, y, x.ticks(6), y.ticks(6), x.tickFormat(6), accFmt, 'network class selectivity index (held-out set)', 'test accuracy');
  if (baseline !== undefined && Number.isFinite(baseline)) {
    const by = y(baseline).toFixed(1);
    parts.push(
      `<line class="sl-sweep-baseline" x1="${M.left}" x2="${W - M.right}" y1="${by}" y2="${by}" stroke="currentColor" stroke-opacity="0.6" stroke-dasharray="5 4"/>`,
      `<text x="${W - M.right - 4}" y="${Number(by) - 5}" text-anchor="end" fill-opacity="0.8">alpha = 0 mean ${esc(pct(baseline))}</text>`,
    );
  }
  const alphas = runs.map((r) => r.alpha);
  const color = alphaColorScale(alphas);
  for (const r of runs) {
    parts.push(
      `<circle class="sl-sweep-run-point" data-run="${esc(r.name)}" data-alpha="${r.alpha}" data-seed="${r.seed}" cx="${x(r.networkSI).toFixed(1)}" cy="${y(r.testAcc).toFixed(1)}" r="4.5" fill="${color(r.alpha)}" fill-opacity="0.9" stroke="currentColor" stroke-opacity="0.35" stroke-width="0.6"><title>${esc(`alpha ${fmtAlpha(r.alpha)}, ${runTitle(r)}`)}</title></circle>`,
    );
  }
  // Colour legend: alpha on the same symlog scale, sampled as small swatches (no gradient ids to collide).
  // In the top margin, right of the title, so it never covers points or the baseline label.
  const lx = W - M.right - 170;
  const ly = 8;
  const distinct = [...new Set(alphas)].sort((a, b) => a - b);
  const lo = Math.min(...distinct, 0);
  const hi = Math.max(...distinct, 0);
  const c = symlogConstant(distinct);
  const legendX = scaleSymlog().constant(c).domain([lo === hi ? -1 : lo, lo === hi ? 1 : hi]).range([lx, lx + 160]);
  parts.push('<g class="sl-sweep-legend">');
  const n = 48;
  for (let i = 0; i < n; i++) {
    const a = legendX.invert(lx + (160 * (i + 0.5)) / n);
    parts.push(`<rect x="${(lx + (160 * i) / n).toFixed(1)}" y="${ly}" width="${(160 / n + 0.4).toFixed(2)}" height="8" fill="${color(a)}"/>`);
  }
  const labels = [...new Set([lo, 0, hi])];
  for (const a of labels) {
    parts.push(`<text x="${legendX(a).toFixed(1)}" y="${ly + 19}" text-anchor="middle" font-size="10">${esc(fmtAlpha(a))}</text>`);
  }
  parts.push(`<text x="${lx - 6}" y="${ly + 7}" text-anchor="end" font-size="10">alpha</text>`);
  parts.push('</g></svg>');
  return { svg: parts.join(''), points: runs.length };
}

interface Series {
  label: string;
  value: (r: ReportRun) => number | undefined;
  /** Dashed line (a reference such as random ablation or clean accuracy). */
  dashed?: boolean;
}

/**
 * Several quantities of each run against alpha: one line per series through its per-alpha means over seeds, and
 * every run as a dot, with a legend. Used by the analysis figures.
 */
function seriesVsAlpha(
  group: ReportGroup,
  id: FigureId,
  title: string,
  yLabel: string,
  series: Series[],
  yFmt: (v: number) => string,
  theme: FigureTheme,
  options: { unitRange?: boolean; zeroLine?: boolean } = {},
): { svg: string; points: number } {
  const legendWidth = 170;
  const width = W + legendWidth;
  const runs = group.runs.filter((r) => r.status === 'completed');
  const parts = svgOpen(title, theme, id, width);
  const shown = series.filter((s) => runs.some((r) => Number.isFinite(s.value(r) ?? NaN)));
  const alphas = runs.filter((r) => shown.some((s) => Number.isFinite(s.value(r) ?? NaN))).map((r) => r.alpha);
  if (alphas.length === 0) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle">No run has this analysis yet (selectivity-lens sweep-analyze)</text></svg>`);
    return { svg: parts.join(''), points: 0 };
  }
  const plotRight = width - legendWidth;
  const { x, ticks } = alphaAxis(alphas, plotRight);
  const values = runs.flatMap((r) => shown.map((s) => s.value(r) ?? NaN));
  if (options.zeroLine) values.push(0);
  const [lo, hi] = extent(values);
  const y = scaleLinear()
    .domain(options.unitRange ? [Math.max(0, lo), Math.min(1, hi)] : [lo, hi])
    .nice()
    .range([H - M.bottom, M.top]);
  const tickFmt = y.tickFormat(6, yFmt(1).endsWith('%') ? '%' : undefined);
  frame(parts, x, y, ticks, y.ticks(6), fmtAlpha, tickFmt, 'alpha (symlog scale)', yLabel, plotRight);
  if (options.zeroLine && y.domain()[0] < 0 && y.domain()[1] > 0) {
    const zy = y(0).toFixed(1);
    parts.push(`<line class="sl-sweep-zero" x1="${M.left}" x2="${plotRight - M.right}" y1="${zy}" y2="${zy}" stroke="currentColor" stroke-opacity="0.4"/>`);
  }
  let points = 0;
  shown.forEach((s, i) => {
    const c = layerColor(i, shown.length);
    const byAlpha = [...new Set(runs.map((r) => r.alpha))]
      .sort((a, b) => a - b)
      .map((alpha) => {
        const v = runs.filter((r) => r.alpha === alpha).map((r) => s.value(r) ?? NaN).filter(Number.isFinite);
        return { alpha, mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN, n: v.length };
      })
      .filter((m) => Number.isFinite(m.mean));
    const path = d3line<(typeof byAlpha)[number]>()
      .x((m) => x(m.alpha))
      .y((m) => y(m.mean))(byAlpha);
    parts.push(`<g class="sl-sweep-series" data-series="${esc(s.label)}">`);
    parts.push(`<path class="sl-sweep-mean" d="${path ?? ''}" fill="none" stroke="${c}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    for (const m of byAlpha) {
      parts.push(`<circle class="sl-sweep-mean-point" cx="${x(m.alpha).toFixed(1)}" cy="${y(m.mean).toFixed(1)}" r="2.5" fill="${c}"><title>${esc(`${s.label}, alpha ${fmtAlpha(m.alpha)}: mean ${yFmt(m.mean)} (n = ${m.n})`)}</title></circle>`);
    }
    for (const r of runs) {
      const v = s.value(r);
      if (v === undefined || !Number.isFinite(v)) continue;
      points++;
      parts.push(
        `<circle class="sl-sweep-series-point" data-run="${esc(r.name)}" data-series="${esc(s.label)}" cx="${x(r.alpha).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.2" fill="${c}" fill-opacity="0.6"><title>${esc(`${s.label}, ${r.name}: ${yFmt(v)}`)}</title></circle>`,
      );
    }
    const ly = M.top + 6 + i * 16;
    if (ly < H - M.bottom) {
      parts.push(
        `<line x1="${plotRight + 12}" x2="${plotRight + 32}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/><text x="${plotRight + 38}" y="${ly}" dy="0.32em">${esc(s.label.length > 22 ? s.label.slice(0, 21) + '…' : s.label)}</text>`,
      );
    }
    parts.push('</g>');
  });
  parts.push('</svg>');
  return { svg: parts.join(''), points };
}

/** The analysis figures of one group: only those some completed run has data for. */
function analysisFigures(g: ReportGroup, layers: string[], theme: FigureTheme, on: string): Array<[FigureId, string, { svg: string; points: number }]> {
  const runs = g.runs.filter((r) => r.status === 'completed' && r.analyses);
  const has = (f: (r: ReportRun) => unknown) => runs.some((r) => f(r) !== undefined);
  const pctFmt = (v: number) => (Number.isFinite(v) ? `${d3format('.1f')(100 * v)}%` : 'n/a');
  const out: Array<[FigureId, string, { svg: string; points: number }]> = [];
  const layerSeries = (get: (r: ReportRun) => Record<string, number> | undefined): Series[] => {
    const names = layers.filter((l) => runs.some((r) => get(r)?.[l] !== undefined));
    for (const r of runs) for (const l of Object.keys(get(r) ?? {})) if (!names.includes(l)) names.push(l);
    return names.map((l) => ({ label: l, value: (r: ReportRun) => get(r)?.[l] }));
  };
  if (has((r) => r.analyses?.ablationDrop50)) {
    const title = `Accuracy lost with 50% of units silenced vs alpha${on}`;
    out.push([
      'ablation-vs-alpha',
      title,
      seriesVsAlpha(
        g,
        'ablation-vs-alpha',
        title,
        'accuracy drop (mean over layers)',
        [
          { label: 'most selective first', value: (r) => r.analyses?.ablationDrop50?.selective },
          { label: 'random order', value: (r) => r.analyses?.ablationDrop50?.random, dashed: true },
          { label: 'least selective first', value: (r) => r.analyses?.ablationDrop50?.leastSelective },
        ],
        pctFmt,
        theme,
        { zeroLine: true },
      ),
    ]);
  }
  if (has((r) => r.analyses?.ckaToBaseline)) {
    const title = `CKA of each layer to the alpha = 0 run vs alpha${on}`;
    out.push(['cka-vs-alpha', title, seriesVsAlpha(g, 'cka-vs-alpha', title, 'linear CKA to alpha = 0 (at 0: seed to seed)', layerSeries((r) => r.analyses?.ckaToBaseline), (v) => fmtNum(v, 3), theme, { unitRange: true })]);
  }
  if (has((r) => r.analyses?.participationRatio)) {
    const title = `Dimensionality (participation ratio) vs alpha${on}`;
    out.push(['dimensionality-vs-alpha', title, seriesVsAlpha(g, 'dimensionality-vs-alpha', title, 'PCA participation ratio', layerSeries((r) => r.analyses?.participationRatio), (v) => fmtNum(v, 3), theme)]);
  }
  if (has((r) => r.analyses?.corruptionAcc ?? r.analyses?.fgsmAcc)) {
    const eps = runs.find((r) => r.analyses?.attackEps !== undefined)?.analyses?.attackEps;
    const title = `Corruption and adversarial accuracy vs alpha${on}`;
    out.push([
      'robustness-vs-alpha',
      title,
      seriesVsAlpha(
        g,
        'robustness-vs-alpha',
        title,
        'held-out accuracy',
        [
          { label: 'clean', value: (r) => r.analyses?.cleanAcc, dashed: true },
          { label: 'corrupted (mean)', value: (r) => r.analyses?.corruptionAcc },
          { label: `FGSM eps ${eps ?? '?'}`, value: (r) => r.analyses?.fgsmAcc },
          { label: `PGD eps ${eps ?? '?'}`, value: (r) => r.analyses?.pgdAcc },
        ],
        pctFmt,
        theme,
        { unitRange: true },
      ),
    ]);
  }
  return out;
}

/** All figures of a sweep, four per group (per combination of the other axes), plus the analyses' when present. */
export function figureSvgs(data: SweepReportData, theme: FigureTheme = {}): FigureSvg[] {
  const out: FigureSvg[] = [];
  data.groups.forEach((g, gi) => {
    // A group whose runs all failed has nothing to draw; its runs still show in the tables.
    if (data.groups.length > 1 && !g.runs.some((r) => r.status === 'completed')) return;
    const suffix = data.groups.length > 1 ? `--${gi}` : '';
    const on = g.label ? ` (${g.label})` : '';
    const acc = metricVsAlpha(
      g,
      'accuracy-vs-alpha',
      `Test accuracy vs alpha${on}`,
      'test accuracy',
      { run: (r) => r.testAcc, stat: (s) => s.acc },
      (v) => (Number.isFinite(v) ? `${d3format('.1f')(100 * v)}%` : 'n/a'),
      theme,
      g.headline.baselineAcc?.mean,
    );
    const si = metricVsAlpha(
      g,
      'si-vs-alpha',
      `Network class selectivity vs alpha${on}`,
      'network class selectivity index',
      { run: (r) => r.networkSI, stat: (s) => s.si },
      (v) => fmtNum(v, 2),
      theme,
    );
    const layer = layerSIVsAlpha(g, data.layers, theme, `Per-layer mean selectivity vs alpha${on}`);
    const scatter = accuracyVsSI(g, theme, `Test accuracy vs network selectivity${on}`);
    const items: Array<[FigureId, string, { svg: string; points: number }]> = [
      ['accuracy-vs-alpha', `Test accuracy vs alpha${on}`, acc],
      ['si-vs-alpha', `Network class selectivity vs alpha${on}`, si],
      ['layer-si-vs-alpha', `Per-layer mean selectivity vs alpha${on}`, layer],
      ['accuracy-vs-si', `Test accuracy vs network selectivity${on}`, scatter],
      ...analysisFigures(g, data.layers, theme, on),
    ];
    for (const [id, title, f] of items) out.push({ id, key: id + suffix, group: g.label, title, svg: f.svg, points: f.points });
  });
  return out;
}
