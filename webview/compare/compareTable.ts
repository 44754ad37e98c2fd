// Final metrics of the compared runs, one row each; column headers sort (click or Enter), the run name opens
// the run in the main panel.
import type { CompareRun } from '../../src/protocol/webviews/compare';
import { el } from '../shared/dom';
import { fmtNum, fmtPct, fmtSI } from '../shared/format';

interface Column {
  key: string;
  label: string;
  numeric: boolean;
  value(run: CompareRun): number | string | undefined;
  text(run: CompareRun): string;
}

function alphaText(run: CompareRun): string {
  if (typeof run.alpha === 'number') return fmtNum(run.alpha, 3);
  if (typeof run.alpha === 'string') return run.finalAlpha !== undefined ? `${run.alpha} (→ ${fmtNum(run.finalAlpha, 3)})` : run.alpha;
  return run.finalAlpha !== undefined ? fmtNum(run.finalAlpha, 3) : '–';
}

function columns(runs: CompareRun[]): Column[] {
  const layers: string[] = [];
  for (const r of runs) for (const l of r.layerMeanSI) if (!layers.includes(l.layer)) layers.push(l.layer);
  return [
    { key: 'name', label: 'Run', numeric: false, value: (r) => r.name, text: (r) => r.name },
    { key: 'state', label: 'State', numeric: false, value: (r) => r.state, text: (r) => r.state },
    {
      key: 'alpha',
      label: 'α',
      numeric: true,
      value: (r) => (typeof r.alpha === 'number' ? r.alpha : r.finalAlpha),
      text: alphaText,
    },
    { key: 'seed', label: 'Seed', numeric: true, value: (r) => r.seed, text: (r) => (r.seed === undefined ? '–' : String(r.seed)) },
    { key: 'testAcc', label: 'Test acc', numeric: true, value: (r) => r.finalTestAcc, text: (r) => fmtPct(r.finalTestAcc) },
    { key: 'bestAcc', label: 'Best acc', numeric: true, value: (r) => r.bestTestAcc, text: (r) => fmtPct(r.bestTestAcc) },
    { key: 'networkSI', label: 'Network SI', numeric: true, value: (r) => r.finalNetworkSI, text: (r) => fmtSI(r.finalNetworkSI) },
    ...layers.map(
      (layer): Column => ({
        key: `layer:${layer}`,
        label: `${layer} SI`,
        numeric: true,
        value: (r) => r.layerMeanSI.find((l) => l.layer === layer)?.meanSI,
        text: (r) => fmtSI(r.layerMeanSI.find((l) => l.layer === layer)?.meanSI),
      }),
    ),
    {
      key: 'epochs',
      label: 'Epochs',
      numeric: true,
      value: (r) => r.epochsDone,
      text: (r) => (r.epochs !== undefined && r.epochs !== r.epochsDone ? `${r.epochsDone}/${r.epochs}` : String(r.epochsDone)),
    },
    { key: 'model', label: 'Model', numeric: false, value: (r) => r.model, text: (r) => r.model ?? '–' },
    { key: 'backend', label: 'Backend', numeric: false, value: (r) => r.backend, text: (r) => r.backend ?? '–' },
  ];
}

function compare(a: number | string | undefined, b: number | string | undefined): number {
  const missing = (v: unknown) => v === undefined || (typeof v === 'number' && !Number.isFinite(v));
  if (missing(a) || missing(b)) return missing(a) ? (missing(b) ? 0 : 1) : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export class CompareTable {
  readonly root: HTMLElement;
  private table: HTMLTableElement;
  private runs: CompareRun[] = [];
  private colors: string[] = [];
  private sort: { key: string; dir: 1 | -1 } | undefined;

  constructor(
    container: HTMLElement,
    private readonly onOpenRun: (runId: string) => void,
  ) {
    this.table = el('table', { className: 'compare-table' });
    this.root = el('div', { className: 'compare-table-wrap' }, [this.table]);
    container.appendChild(this.root);
  }

  update(runs: CompareRun[], colors: string[]): void {
    this.runs = runs;
    this.colors = colors;
    this.draw();
  }

  private draw(): void {
    const cols = columns(this.runs);
    const order = this.runs.map((r, i) => i);
    const sort = this.sort;
    if (sort) {
      const col = cols.find((c) => c.key === sort.key);
      if (col) order.sort((a, b) => compare(col.value(this.runs[a]), col.value(this.runs[b])) * sort.dir || a - b);
    }
    const head = el('tr');
    for (const col of cols) {
      const dir = sort?.key === col.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none';
      const btn = el('button', { className: 'sort', text: col.label, attrs: { type: 'button', 'data-col': col.key } });
      btn.addEventListener('click', () => {
        this.sort = this.sort?.key === col.key ? { key: col.key, dir: this.sort.dir === 1 ? -1 : 1 } : { key: col.key, dir: col.numeric ? -1 : 1 };
        this.draw();
        (this.table.querySelector(`button.sort[data-col="${CSS.escape(col.key)}"]`) as HTMLElement | null)?.focus();
      });
      head.appendChild(el('th', { className: col.numeric ? 'num' : undefined, attrs: { scope: 'col', 'aria-sort': dir } }, [btn]));
    }
    const body = el('tbody');
    for (const i of order) {
      const run = this.runs[i];
      const tr = el('tr', { attrs: { 'data-run-id': run.runId } });
      for (const col of cols) {
        if (col.key === 'name') {
          const swatch = el('span', { className: 'cmp-swatch', attrs: { 'aria-hidden': 'true' } });
          swatch.style.background = this.colors[i];
          const open = el('button', { className: 'link', text: run.name, attrs: { type: 'button', title: `Open ${run.name} in the run panel` } });
          open.addEventListener('click', () => this.onOpenRun(run.runId));
          tr.appendChild(el('th', { className: 'cmp-run-name', attrs: { scope: 'row' } }, [swatch, open]));
        } else {
          tr.appendChild(el('td', { className: col.numeric ? 'num' : undefined, text: col.text(run), attrs: { 'data-col': col.key } }));
        }
      }
      body.appendChild(tr);
    }
    this.table.replaceChildren(el('thead', {}, [head]), body);
  }
}
