// The self-contained HTML report of a sweep: headline numbers, figures (drawn by the inlined figure bundle
// from the inlined data), per-alpha and per-run tables, and the configs. No external resources, so it opens
// from disk in any browser, offline, without VS Code.
import type { RunConfig } from '../../protocol/config';
import type { MeanCI, ReportGroup, SweepReportData } from '../../protocol/sweep';
import { REPORT_PAGE } from '../../protocol/webviews/report';
import type { ExportedFigure } from './figureBundle';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that is safe inside <script type="application/json">. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const pct = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'n/a');
const num = (x: number | undefined, d = 3) => (x !== undefined && Number.isFinite(x) ? x.toFixed(d) : 'n/a');
/** Mean [95% CI] (n = k); a clipped end is marked with * (the t interval left [0, 1]; see the note). */
const ci = (m: MeanCI, f: (x: number) => string) =>
  m.n >= 2 ? `${f(m.mean)} [${f(m.lo)}, ${f(m.hi)}]${m.clipped ? '*' : ''} (n = ${m.n})` : `${f(m.mean)} (n = ${m.n})`;

function headlineList(g: ReportGroup): string {
  const h = g.headline;
  const items: string[] = [];
  if (h.baselineAcc) {
    items.push(
      `Baseline (alpha = 0): test accuracy ${esc(ci(h.baselineAcc, pct))}, network SI ${esc(ci(h.baselineSI!, (x) => num(x)))} (mean [95% CI]).`,
    );
  } else items.push('No baseline (alpha = 0) among the completed runs; reduction factors and costs need one.');
  if (h.maxSIReduction) {
    const r = h.maxSIReduction;
    items.push(
      `Class selectivity can be reduced by a factor of <b>${r.factor.toFixed(2)}</b> (alpha = ${r.alpha}: SI ${num(r.si)}) with test accuracy ${pct(r.acc)} still within the baseline's 95% CI or above it.`,
    );
  } else if (h.baselineAcc) items.push('No negative alpha kept accuracy within the baseline 95% CI.');
  if (h.bestAcc) items.push(`Best mean test accuracy: ${pct(h.bestAcc.acc)} at alpha = ${h.bestAcc.alpha}.`);
  if (h.costAtMostNegative) {
    const c = h.costAtMostNegative;
    items.push(`Strongest discouragement (alpha = ${c.alpha}): accuracy cost ${(100 * c.accCost).toFixed(2)} points, SI ${num(c.si)}.`);
  }
  if (h.costAtMostPositive) {
    const c = h.costAtMostPositive;
    items.push(`Strongest encouragement (alpha = ${c.alpha}): accuracy cost ${(100 * c.accCost).toFixed(2)} points, SI ${num(c.si)}.`);
  }
  return `<ul class="headline">${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

function alphaTable(g: ReportGroup, layers: string[]): string {
  const head = ['alpha', 'n', 'test accuracy', 'network SI', ...layers.map((l) => `SI ${l}`)];
  const rows = g.byAlpha.map((s) =>
    [
      String(s.alpha),
      String(s.acc.n),
      ci(s.acc, pct),
      ci(s.si, (x) => num(x)),
      ...layers.map((l) => (s.layerSI[l] ? num(s.layerSI[l].mean) : '')),
    ]
      .map((c) => `<td>${esc(c)}</td>`)
      .join(''),
  );
  return `<table class="stats"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r}</tr>`)
    .join('')}</tbody></table>`;
}

function runsTable(data: SweepReportData): string {
  const head = ['run', 'status', 'alpha', 'seed', 'epochs', 'final test acc', 'best test acc', 'network SI'];
  const rows = data.groups
    .flatMap((g) => g.runs)
    .map((r) =>
      [r.name, r.status, String(r.alpha), String(r.seed), String(r.epochs), pct(r.testAcc), pct(r.bestTestAcc), num(r.networkSI)]
        .map((c) => `<td>${esc(c)}</td>`)
        .join(''),
    );
  return `<table class="runs"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r}</tr>`)
    .join('')}</tbody></table>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f1f1f;background:#fff;margin:24px auto;max-width:1300px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#666;margin:0 0 12px}.headline li{margin:3px 0}
.sl-sweep-figures{display:flex;flex-wrap:wrap;gap:12px}.sl-sweep-figure{margin:0;border:1px solid #e4e4e4;border-radius:4px;padding:4px;max-width:100%}
.sl-sweep-figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:12.5px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 7px;text-align:right}th{background:#f5f5f5}
td:first-child,th:first-child{text-align:left}pre{background:#f6f6f6;padding:10px;overflow:auto;font-size:12px}
.files a{margin-right:12px}
`;

export interface HtmlReportInput {
  data: SweepReportData;
  bundle: string;
  configs: Array<{ name: string; config?: RunConfig }>;
  figures: ExportedFigure[];
  /** Relative links to the other exports (CSV, SVG, PNG, TensorBoard). */
  files: Array<{ href: string; label: string }>;
}

export function reportHtml(input: HtmlReportInput): string {
  const { data } = input;
  const c = data.counts;
  const groups = data.groups
    .map(
      (g) => `
<section class="group" data-group="${esc(g.key)}">
${data.groups.length > 1 ? `<h2>${esc(g.label || 'all runs')}</h2>` : ''}
${headlineList(g)}
<h2>Per alpha (mean [95% CI] over seeds)</h2>
${alphaTable(g, data.layers)}
<p class="meta">95% CI: Student t over the seeds (n &minus; 1 degrees of freedom), clipped to [0, 100%] for accuracy and [0, 1] for SI; * marks a clipped interval (with few seeds the t interval is wide and says little).</p>
</section>`,
    )
    .join('');
  // Pre-rendered figures for readers without JavaScript; the inlined script redraws them with hover linking.
  const fallback = input.figures.map((f) => `<figure class="sl-sweep-figure" data-figure="${esc(f.key)}">${f.svg}</figure>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sweep ${esc(data.sweepName)} - Selectivity Lens report</title>
<style>${CSS}</style></head>
<body>
<h1>Sweep ${esc(data.sweepName)}</h1>
<p class="meta">${c.completed} completed, ${c.failed} failed, ${c.queued + c.stopped + c.running} not finished · generated ${esc(data.generatedAt)} · ${esc(data.sweepDir)}</p>
<p class="meta">Loss = cross-entropy &minus; alpha &times; network class selectivity index (Leavitt &amp; Morcos, ICLR 2021). Blue: alpha &lt; 0 discourages selectivity; grey: baseline; red: alpha &gt; 0 encourages it.</p>
${groups}
<h2>Figures</h2>
<div id="${REPORT_PAGE.figuresId}"><div class="sl-sweep-figures">${fallback}</div></div>
<h2>Runs</h2>
${runsTable(data)}
<h2>Files</h2>
<p class="files">${input.files.map((f) => `<a href="${esc(f.href)}">${esc(f.label)}</a>`).join(' ')}</p>
<h2>Configs</h2>
<details><summary>Base run config</summary><pre>${esc(JSON.stringify(data.baseConfig ?? null, null, 2))}</pre></details>
${input.configs
  .map((r) => `<details><summary>${esc(r.name)}</summary><pre>${esc(JSON.stringify(r.config ?? null, null, 2))}</pre></details>`)
  .join('\n')}
<script type="application/json" id="${REPORT_PAGE.dataId}">${scriptJson(data)}</script>
<script>${input.bundle.replace(/<\/script/gi, '<\\/script')}</script>
</body></html>
`;
}
