// CSV exports of a sweep: one row per run (final metrics + per-layer SI), one row per run and layer, and the
// per-alpha statistics.
import type { SweepReportData } from '../../protocol/sweep';
import type { CollectedRun } from './collect';

function cell(v: unknown): string {
  if (v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

/** Axes other than alpha and seed, in the order they appear. */
function otherAxes(runs: CollectedRun[]): string[] {
  const paths: string[] = [];
  for (const r of runs) {
    for (const p of Object.keys(r.overrides)) {
      if (p !== 'selectivity.alpha' && p !== 'train.seed' && !paths.includes(p)) paths.push(p);
    }
  }
  return paths;
}

export function runsCsv(runs: CollectedRun[], layers: string[]): string {
  const axes = otherAxes(runs);
  const header = [
    'run',
    'status',
    'alpha',
    'alpha_setting',
    'seed',
    ...axes,
    'epochs',
    'final_test_acc',
    'best_test_acc',
    'final_network_si',
    ...layers.map((l) => `si:${l}`),
  ];
  const rows = runs.map((r) => [
    r.name,
    r.status,
    r.alpha,
    r.overrides['selectivity.alpha'],
    r.seed,
    ...axes.map((p) => r.overrides[p]),
    r.epochs,
    r.testAcc,
    r.bestTestAcc,
    r.networkSI,
    ...layers.map((l) => r.layerSI[l]),
  ]);
  return toCsv(header, rows);
}

export function layersCsv(runs: CollectedRun[], layers: string[]): string {
  const rows: unknown[][] = [];
  for (const r of runs) for (const l of layers) if (l in r.layerSI) rows.push([r.name, r.status, r.alpha, r.seed, l, r.layerSI[l]]);
  return toCsv(['run', 'status', 'alpha', 'seed', 'layer', 'mean_si'], rows);
}

export function alphaStatsCsv(data: SweepReportData): string {
  const rows: unknown[][] = [];
  for (const g of data.groups) {
    for (const s of g.byAlpha) {
      rows.push([g.label, s.alpha, s.acc.n, s.acc.mean, s.acc.sd, s.acc.lo, s.acc.hi, s.si.mean, s.si.sd, s.si.lo, s.si.hi]);
    }
  }
  return toCsv(
    ['group', 'alpha', 'n', 'acc_mean', 'acc_sd', 'acc_ci95_lo', 'acc_ci95_hi', 'si_mean', 'si_sd', 'si_ci95_lo', 'si_ci95_hi'],
    rows,
  );
}
