// Ablation curves (selectivity-lens ablate): per layer, held-out accuracy as a growing fraction of its units is
// silenced, most selective first, least selective first, and in random orders (mean and 95% band). Drawn
// while it computes: each layer appears as soon as its curves are done.
import { area, axisBottom, axisLeft, line, scaleLinear, select } from 'd3';
import type { AblationLayerCurves, AblationMode, AblationResult } from '../../../src/protocol/analyses';
import { el, setText } from '../../shared/dom';
import { fmtPct } from '../../shared/format';
import { palette } from '../../shared/theme';

const W = 340;
const H = 210;
const M = { top: 10, right: 12, bottom: 34, left: 44 };

const MODE_TEXT: Record<AblationMode, string> = { zero: 'set to 0', mean: 'set to their mean' };

export class AblationView {
  readonly root: HTMLElement;
  private readonly note: HTMLElement;
  private readonly modeSelect: HTMLElement & { value: string };
  private readonly grid: HTMLElement;
  private mode: AblationMode = 'zero';

  constructor(container: HTMLElement, private readonly onRedraw: () => void) {
    this.note = el('p', { className: 'analysis-note' });
    this.modeSelect = el('vscode-single-select', { attrs: { id: 'ablation-mode', 'aria-label': 'Ablated units are' } }) as HTMLElement & { value: string };
    this.modeSelect.addEventListener('change', () => {
      this.mode = this.modeSelect.value as AblationMode;
      this.onRedraw();
    });
    this.grid = el('div', { className: 'analysis-grid ablation-grid' });
    this.root = el('div', { className: 'ablation-view' }, [this.note, el('div', { className: 'control' }, [el('label', { text: 'Silenced units', attrs: { for: 'ablation-mode' } }), this.modeSelect]), this.grid]);
    container.appendChild(this.root);
  }

  update(result: AblationResult | undefined, computing: boolean): void {
    const modes = [...new Set(result?.layers.map((l) => l.mode) ?? [])];
    if (modes.length && !modes.includes(this.mode)) this.mode = modes[0];
    (this.modeSelect.parentElement as HTMLElement).hidden = modes.length < 2;
    if (this.modeSelect.childElementCount !== modes.length) {
      this.modeSelect.replaceChildren(...modes.map((m) => el('vscode-option', { text: MODE_TEXT[m], attrs: { value: m } })));
    }
    if (modes.length) this.modeSelect.value = this.mode;
    if (!result) {
      setText(this.note, computing ? 'Measuring selectivity and unit means…' : 'Not computed yet for this run: accuracy as units are silenced by SI rank (descending, ascending) and at random.');
      this.grid.replaceChildren();
      return;
    }
    setText(
      this.note,
      `Held-out accuracy on ${result.samples} samples (epoch ${result.epoch}); baseline ${fmtPct(result.baseline.acc)}, chance ${fmtPct(result.chance)}; random: mean of ${result.layers[0]?.random.seeds.length ?? 0} orders with 95% band.`,
    );
    const layers = result.layers.filter((l) => l.mode === this.mode);
    this.grid.replaceChildren(...layers.map((l) => layerCard(result, l)));
  }
}

/** Accuracy lost at the fraction nearest 50% (what the sweep figures compare across alpha). */
export function dropAtHalf(result: AblationResult, curves: AblationLayerCurves): { fraction: number; selective: number; random: number } | undefined {
  if (result.fractions.length === 0) return undefined;
  const f = result.fractions.reduce((best, x, i) => (Math.abs(x - 0.5) < Math.abs(result.fractions[best] - 0.5) ? i : best), 0);
  return { fraction: result.fractions[f], selective: result.baseline.acc - curves.descending[f].acc, random: result.baseline.acc - curves.random.mean[f].acc };
}

function layerCard(result: AblationResult, curves: AblationLayerCurves): HTMLElement {
  const pal = palette();
  const [selective, least, random] = [pal.series[3], pal.series[2], pal.series[0]];
  const x = scaleLinear().domain([0, 1]).range([M.left, W - M.right]);
  const y = scaleLinear().domain([0, 1]).range([H - M.bottom, M.top]);
  const svgNode = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const svg = select(svgNode).attr('viewBox', `0 0 ${W} ${H}`).attr('width', '100%').attr('role', 'img').attr('aria-label', `Ablation curves of ${curves.layer}`);
  svg.append('g').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x).ticks(5).tickFormat((v) => `${Math.round(Number(v) * 100)}%`));
  svg.append('g').attr('transform', `translate(${M.left},0)`).call(axisLeft(y).ticks(5).tickFormat((v) => `${Math.round(Number(v) * 100)}%`));
  svg.append('text').attr('x', (M.left + W - M.right) / 2).attr('y', H - 4).attr('text-anchor', 'middle').attr('class', 'axis-title').attr('fill', 'currentColor').text(`units silenced (of ${curves.units})`);
  svg.append('line').attr('class', 'chance-line').attr('x1', x(0)).attr('x2', x(1)).attr('y1', y(result.chance)).attr('y2', y(result.chance)).attr('stroke', pal.muted).attr('stroke-dasharray', '2 3');
  const fr = result.fractions;
  const band = area<number>()
    .x((i) => x(fr[i]))
    .y0((i) => y(curves.random.accLo[i]))
    .y1((i) => y(curves.random.accHi[i]));
  svg.append('path').attr('class', 'random-band').attr('d', band(fr.map((_, i) => i))).attr('fill', random).attr('fill-opacity', 0.2);
  const path = (points: Array<{ fraction: number; acc: number }>, stroke: string, cls: string, dashed = false) =>
    svg
      .append('path')
      .attr('class', cls)
      .attr('d', line<{ fraction: number; acc: number }>().x((p) => x(p.fraction)).y((p) => y(p.acc))(points))
      .attr('fill', 'none')
      .attr('stroke', stroke)
      .attr('stroke-width', 2)
      .attr('stroke-dasharray', dashed ? '5 3' : null);
  path(curves.random.mean, random, 'curve-random', true);
  path(curves.ascending, least, 'curve-ascending');
  path(curves.descending, selective, 'curve-descending');
  const drop = dropAtHalf(result, curves);
  const legend = el('div', { className: 'legend' }, [
    legendItem(selective, 'most selective first'),
    legendItem(least, 'least selective first'),
    legendItem(random, 'random order (95% band)'),
  ]);
  return el('div', { className: 'chart-card ablation-card', attrs: { 'data-layer': curves.layer, 'data-mode': curves.mode } }, [
    el('h4', { className: 'chart-title', text: `Ablation · ${curves.layer} (${MODE_TEXT[curves.mode]})` }),
    svgNode as unknown as HTMLElement,
    legend,
    drop
      ? el('p', { className: 'ablation-drop', text: `At ${fmtPct(drop.fraction)} silenced: most selective first ${change(drop.selective)}, random ${change(drop.random)}.` })
      : null,
  ]);
}

/** An accuracy difference in percentage points. */
/** An accuracy drop as words: silencing units can also raise held-out accuracy a little. */
function change(drop: number): string {
  const points = Math.abs(100 * drop).toFixed(1);
  return drop >= 0 ? `loses ${points} points` : `gains ${points} points`;
}

export function legendItem(color: string, text: string): HTMLElement {
  const swatch = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  select(swatch).attr('width', 14).attr('height', 4).append('rect').attr('width', 14).attr('height', 4).attr('fill', color);
  return el('span', { className: 'legend-item' }, [swatch as unknown as HTMLElement, document.createTextNode(text)]);
}
