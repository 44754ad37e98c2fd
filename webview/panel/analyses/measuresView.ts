// A run's dimensionality (selectivity-lens dimensionality: PCA of each layer's unit responses) and robustness
// (selectivity-lens robustness: accuracy under corruptions and attacks), each as a table and a small chart.
import type { DimensionalityResult, RobustnessResult } from '../../../src/protocol/analyses';
import { el, setText } from '../../shared/dom';
import { fmtNum, fmtPct } from '../../shared/format';
import { palette } from '../../shared/theme';
import { legendItem } from './ablationView';
import { smallLines, type SmallSeries } from './smallLines';

const CORRUPTION_TEXT: Record<string, string> = {
  gaussianNoise: 'Gaussian noise',
  blur: 'blur',
  contrast: 'contrast',
  brightness: 'brightness',
  pixelate: 'pixelate',
};

function table(head: string[], rows: string[][], className: string): HTMLElement {
  return el('table', { className: `analysis-table ${className}` }, [
    el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))]),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => el(i === 0 ? 'th' : 'td', { text: c, attrs: i === 0 ? { scope: 'row' } : {} }))))),
  ]);
}

function legend(series: SmallSeries[]): HTMLElement {
  return el('div', { className: 'legend' }, series.map((s) => legendItem(s.color, s.name)));
}

export class DimensionalityView {
  private readonly body: HTMLElement;
  private readonly note: HTMLElement;

  constructor(container: HTMLElement) {
    this.note = el('p', { className: 'analysis-note' });
    this.body = el('div', { className: 'analysis-grid dimensionality-view' });
    container.append(this.note, this.body);
  }

  update(result: DimensionalityResult | undefined): void {
    if (!result) {
      setText(this.note, 'Not computed yet for this run: participation ratio and components for 90% / 95% of the variance of each layer.');
      this.body.replaceChildren();
      return;
    }
    setText(this.note, `PCA of the unit responses on ${result.samples} held-out samples (epoch ${result.epoch}).`);
    const pal = palette();
    const rows = result.layers.map((l) => [l.layer, String(l.units), fmtNum(l.participationRatio), String(l.components90), String(l.components95)]);
    const series: SmallSeries[] = result.layers.map((l, i) => {
      let sum = 0;
      return { name: l.layer, color: pal.series[i % pal.series.length], points: l.spectrum.map((v, k): [number, number] => [k + 1, (sum += v)]) };
    });
    const maxK = Math.max(2, ...result.layers.map((l) => l.spectrum.length));
    this.body.replaceChildren(
      el('div', { className: 'analysis-table-card' }, [table(['Layer', 'Units', 'Participation ratio', '90% variance', '95% variance'], rows, 'dimensionality-table')]),
      el('div', { className: 'chart-card dimensionality-card' }, [
        el('h4', { className: 'chart-title', text: 'Cumulative explained variance' }),
        smallLines(series, { ariaLabel: 'Cumulative explained variance by principal component', xDomain: [1, maxK], yDomain: [0, 1], xTitle: 'principal components', yFormat: (v) => `${Math.round(v * 100)}%` }) as unknown as HTMLElement,
        legend(series),
      ]),
    );
  }
}

export class RobustnessView {
  private readonly body: HTMLElement;
  private readonly note: HTMLElement;

  constructor(container: HTMLElement) {
    this.note = el('p', { className: 'analysis-note' });
    this.body = el('div', { className: 'analysis-grid robustness-view' });
    container.append(this.note, this.body);
  }

  update(result: RobustnessResult | undefined): void {
    if (!result) {
      setText(this.note, 'Not computed yet for this run: accuracy under 5 corruptions at 5 severities, and under FGSM / PGD attacks.');
      this.body.replaceChildren();
      return;
    }
    setText(
      this.note,
      `Held-out accuracy on ${result.samples} samples (epoch ${result.epoch}): clean ${fmtPct(result.clean.acc)}, mean over corruptions ${fmtPct(result.meanCorruptionAcc)}.`,
    );
    const pal = palette();
    const severities = Math.max(1, ...result.corruptions.map((c) => c.accBySeverity.length));
    const series: SmallSeries[] = [
      { name: 'clean', color: pal.muted, points: [[1, result.clean.acc], [severities, result.clean.acc]], dashed: true },
      ...result.corruptions.map((c, i) => ({
        name: CORRUPTION_TEXT[c.name] ?? c.name,
        color: pal.series[i % pal.series.length],
        points: c.accBySeverity.map((a, s): [number, number] => [s + 1, a]),
      })),
    ];
    const attacks = result.adversarial.map((a) => [a.attack.toUpperCase(), fmtNum(a.eps), String(a.steps), fmtPct(a.acc)]);
    this.body.replaceChildren(
      el('div', { className: 'chart-card robustness-card' }, [
        el('h4', { className: 'chart-title', text: 'Accuracy under corruption' }),
        smallLines(series, { ariaLabel: 'Accuracy by corruption severity', xDomain: [1, Math.max(2, severities)], yDomain: [0, 1], xTitle: 'severity', xTicks: severities, yFormat: (v) => `${Math.round(v * 100)}%` }) as unknown as HTMLElement,
        legend(series),
      ]),
      el('div', { className: 'analysis-table-card' }, [table(['Attack', 'ε (pixels)', 'Steps', 'Accuracy'], attacks, 'adversarial-table')]),
    );
  }
}
