// Training curves over epochs: loss terms, accuracy, and selectivity (network SI and per-layer mean SI).
import { color } from 'd3';
import type { RunViewState } from '../../src/protocol/webview';
import { LineChart, type Series } from '../charts/lineChart';
import { ChangeGate, el } from '../dom';
import { fmtNum } from '../format';
import { palette } from '../theme';

export class Curves {
  readonly root: HTMLElement;
  private loss: LineChart;
  private acc: LineChart;
  private si: LineChart;
  private gate = new ChangeGate();

  constructor(container: HTMLElement) {
    this.root = el('div', { className: 'curves' });
    container.appendChild(this.root);
    const card = (title: string) => {
      const c = el('div', { className: 'chart-card' }, [el('h4', { className: 'chart-title', text: title })]);
      this.root.appendChild(c);
      return c;
    };
    this.loss = new LineChart(card('Loss'), { height: 150, ariaLabel: 'Training loss terms over epochs', yFormat: (v) => fmtNum(v, 2) });
    this.acc = new LineChart(card('Accuracy'), {
      height: 150,
      ariaLabel: 'Train and test accuracy over epochs',
      yFormat: (v) => `${(v * 100).toFixed(1)}%`,
      yPercent: true,
    });
    this.si = new LineChart(card('Selectivity'), {
      height: 150,
      ariaLabel: 'Network and per-layer mean selectivity index over epochs',
      yInclude: [0],
      yFormat: (v) => fmtNum(v, 2),
    });
  }

  update(run: RunViewState | undefined): void {
    const pal = palette();
    if (!this.gate.changed([run?.metrics, run?.selectivity, pal.version])) return;
    const m = run?.metrics ?? [];
    const [blue, orange, green, red, purple] = pal.series;
    const pts = (f: (x: (typeof m)[number]) => number): Array<[number, number]> => m.map((x) => [x.epoch, f(x)]);
    this.loss.update([
      { name: 'train CE', color: blue, points: pts((x) => x.trainCE) },
      { name: '−α·SI (reg. term)', color: orange, points: pts((x) => x.trainReg) },
      { name: 'test loss', color: green, points: pts((x) => x.testLoss), dashed: true },
    ]);
    this.acc.update([
      { name: 'train', color: blue, points: pts((x) => x.trainAcc) },
      { name: 'test', color: green, points: pts((x) => x.testAcc) },
    ]);
    // Network SI on the held-out set comes from analysed epochs; fill from selectivity events when metrics lack it.
    const netSI = new Map<number, number>();
    for (const x of m) if (Number.isFinite(x.networkSI)) netSI.set(x.epoch, x.networkSI);
    for (const s of run?.selectivity ?? []) if (!netSI.has(s.epoch)) netSI.set(s.epoch, s.networkSI);
    const layerNames = [...new Set(m.flatMap((x) => x.layers.map((l) => l.layer)))];
    const layerSeries: Series[] = layerNames.map((name, i) => {
      const c = color(purple)!;
      c.opacity = 0.25 + (0.65 * i) / Math.max(1, layerNames.length - 1);
      return {
        name: `${name} mean SI`,
        color: c.formatRgb(),
        width: 1,
        points: m.map((x) => [x.epoch, x.layers.find((l) => l.layer === name)?.meanSI ?? NaN] as [number, number]),
      };
    });
    this.si.update([
      ...layerSeries,
      { name: 'network SI (test)', color: red, width: 2.5, points: [...netSI].sort((a, b) => a[0] - b[0]) },
      { name: 'train SI', color: blue, points: pts((x) => x.trainSI), dashed: true },
    ]);
  }
}
