// Representational similarity between this run and another (selectivity-lens similarity --all-pairs): a layer x
// layer heatmap of linear CKA (or debiased CKA, PWCCA, SVCCA), one cell per pair with its value written in.
import { interpolateLab, piecewise, scaleBand, select } from 'd3';
import type { SimilarityResult, SimilarityScores } from '../../../src/protocol/analyses';
import { el, setText } from '../../shared/dom';
import { palette } from '../../shared/theme';

type Metric = keyof Omit<SimilarityScores, 'samples'>;

const METRICS: Array<[Metric, string]> = [
  ['cka', 'linear CKA'],
  ['ckaDebiased', 'debiased CKA'],
  ['pwcca', 'PWCCA'],
  ['svcca', 'SVCCA'],
];

export function runName(dir: string): string {
  return dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
}

export class SimilarityView {
  private readonly note: HTMLElement;
  private readonly otherSelect: HTMLElement & { value: string };
  private readonly metricSelect: HTMLElement & { value: string };
  private readonly body: HTMLElement;
  private other = '';
  private metric: Metric = 'cka';

  constructor(container: HTMLElement, onRedraw: () => void) {
    this.note = el('p', { className: 'analysis-note' });
    this.otherSelect = el('vscode-single-select', { attrs: { id: 'similarity-other', 'aria-label': 'Compared with' } }) as HTMLElement & { value: string };
    this.metricSelect = el('vscode-single-select', { attrs: { id: 'similarity-metric', 'aria-label': 'Similarity measure' } }) as HTMLElement & { value: string };
    this.metricSelect.append(...METRICS.map(([m, label]) => el('vscode-option', { text: label, attrs: { value: m } })));
    this.otherSelect.addEventListener('change', () => {
      this.other = this.otherSelect.value;
      onRedraw();
    });
    this.metricSelect.addEventListener('change', () => {
      this.metric = this.metricSelect.value as Metric;
      onRedraw();
    });
    this.body = el('div', { className: 'analysis-grid similarity-view' });
    const toolbar = el('div', { className: 'toolbar' }, [
      el('div', { className: 'control' }, [el('label', { text: 'Compared with', attrs: { for: 'similarity-other' } }), this.otherSelect]),
      el('div', { className: 'control' }, [el('label', { text: 'Measure', attrs: { for: 'similarity-metric' } }), this.metricSelect]),
    ]);
    container.append(this.note, toolbar, this.body);
  }

  update(results: SimilarityResult[]): void {
    (this.otherSelect.closest('.toolbar') as HTMLElement).hidden = results.length === 0;
    if (results.length === 0) {
      setText(this.note, 'No comparison yet: pick another run to compare every layer of this run with every layer of it.');
      this.body.replaceChildren();
      return;
    }
    const names = results.map((r) => r.runB);
    if (!names.includes(this.other)) this.other = names[names.length - 1];
    if (this.otherSelect.childElementCount !== names.length || [...this.otherSelect.children].some((o, i) => o.getAttribute('value') !== names[i])) {
      this.otherSelect.replaceChildren(...names.map((n) => el('vscode-option', { text: runName(n), attrs: { value: n } })));
    }
    this.otherSelect.value = this.other;
    this.metricSelect.value = this.metric;
    const result = results.find((r) => r.runB === this.other)!;
    setText(
      this.note,
      `${result.units === 'position' ? 'Every spatial position a sample' : 'Channel means'} on ${result.samples} shared held-out samples; ${result.pairing === 'all' ? 'every layer against every layer' : 'layers of the same name only'}.`,
    );
    this.body.replaceChildren(heatmapCard(result, this.metric));
  }
}

const CELL = 44;
const M = { top: 8, right: 8, bottom: 70, left: 80 };

function heatmapCard(result: SimilarityResult, metric: Metric): HTMLElement {
  const pal = palette();
  const ramp = piecewise(interpolateLab, pal.heatStops);
  const label = METRICS.find(([m]) => m === metric)![1];
  const w = M.left + CELL * result.layersB.length + M.right;
  const h = M.top + CELL * result.layersA.length + M.bottom;
  const x = scaleBand<string>().domain(result.layersB).range([M.left, w - M.right]);
  const y = scaleBand<string>().domain(result.layersA).range([M.top, h - M.bottom]);
  const node = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const svg = select(node)
    .attr('viewBox', `0 0 ${w} ${h}`)
    .attr('width', Math.min(w * 1.4, 720))
    .attr('role', 'img')
    .attr('aria-label', `${label} between the layers of ${runName(result.runA)} and ${runName(result.runB)}`);
  for (const p of result.pairs) {
    const v = p[metric];
    const g = svg.append('g').attr('class', 'sim-cell').attr('data-a', p.a).attr('data-b', p.b).attr('data-value', String(v));
    g.append('rect')
      .attr('x', x(p.b)!)
      .attr('y', y(p.a)!)
      .attr('width', x.bandwidth() - 1)
      .attr('height', y.bandwidth() - 1)
      .attr('fill', Number.isFinite(v) ? ramp(Math.max(0, Math.min(1, v))) : pal.background)
      .append('title')
      .text(`${p.a} × ${p.b}: ${label} ${Number.isFinite(v) ? v.toFixed(3) : 'n/a'}`);
    g.append('text')
      .attr('x', x(p.b)! + x.bandwidth() / 2)
      .attr('y', y(p.a)! + y.bandwidth() / 2 + 4)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .attr('fill', Number.isFinite(v) && v > 0.55 ? pal.background : pal.foreground)
      .text(Number.isFinite(v) ? v.toFixed(2) : '–');
  }
  for (const a of result.layersA) svg.append('text').attr('x', M.left - 6).attr('y', y(a)! + y.bandwidth() / 2 + 4).attr('text-anchor', 'end').attr('font-size', 11).attr('fill', 'currentColor').text(a);
  for (const b of result.layersB) {
    svg
      .append('text')
      .attr('transform', `translate(${x(b)! + x.bandwidth() / 2},${h - M.bottom + 8}) rotate(40)`)
      .attr('font-size', 11)
      .attr('fill', 'currentColor')
      .text(b);
  }
  // Colour key: the same 0..1 scale for every measure.
  const key = svg.append('g').attr('class', 'sim-key').attr('transform', `translate(8,${h - 22})`);
  for (let i = 0; i < 10; i++) key.append('rect').attr('x', 14 + i * 6).attr('width', 6).attr('height', 8).attr('fill', ramp((i + 0.5) / 10));
  key.append('text').attr('x', 0).attr('y', 8).attr('font-size', 10).attr('fill', 'currentColor').text('0');
  key.append('text').attr('x', 78).attr('y', 8).attr('font-size', 10).attr('fill', 'currentColor').text('1');
  return el('div', { className: 'chart-card similarity-card' }, [
    el('h4', { className: 'chart-title', text: `${label} · ${runName(result.runA)} (rows) vs ${runName(result.runB)} (columns)` }),
    node as unknown as HTMLElement,
  ]);
}
