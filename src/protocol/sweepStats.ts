// Statistics of a sweep over seeds, pure functions shared by the engine's report and the webview's live sweep
// view: mean and 95% CI (Student t, clipped to [0, 1] for accuracy and SI), and the paper's headline numbers (how far class selectivity can be reduced
// without hurting accuracy, and what strong regularization costs).
import type {
  MeanCI,
  ReportAlphaStats,
  ReportGroup,
  ReportHeadline,
  ReportRun,
  SweepAxisValue,
  SweepCounts,
  SweepReportData,
  SweepRunEntry,
} from './sweep';

/** ln Gamma(x) for x > 0 (Lanczos, g = 7). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    // Even step.
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    c = 1 + num / c;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = Math.abs(c) < tiny ? tiny : c;
    f *= d * c;
    // Odd step.
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    c = 1 + num / c;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = Math.abs(c) < tiny ? tiny : c;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return f;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  // The fraction converges fast on this side of the mean; use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaFraction(1 - x, b, a)) / b;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t (p in (0, 1)), by bisection on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  let lo = -1e4;
  let hi = 1e4;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Where accuracies and selectivity indices live: their intervals are clipped to it. */
export const UNIT_RANGE: readonly [number, number] = [0, 1];

/**
 * Mean, sample standard deviation and 95% CI of the mean (Student t); non-finite values are left out. With a
 * `range` the interval is clipped to it (a t interval over 2 or 3 seeds is wide enough to leave [0, 1]) and
 * `clipped` says so; the mean itself always lies in the range of the values.
 */
export function meanCI(values: number[], level = 0.95, range?: readonly [number, number]): MeanCI {
  const v = values.filter((x) => Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { n, mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { n, mean, sd: 0, lo: mean, hi: mean };
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  const lo = mean - half;
  const hi = mean + half;
  if (!range || (lo >= range[0] && hi <= range[1])) return { n, mean, sd, lo, hi };
  return { n, mean, sd, lo: Math.max(range[0], lo), hi: Math.min(range[1], hi), clipped: true };
}

/** Per-alpha statistics over the completed runs (seeds) of one group, alphas ascending. */
export function statsByAlpha(runs: ReportRun[], layers: string[]): ReportAlphaStats[] {
  const done = runs.filter((r) => r.status === 'completed');
  const alphas = [...new Set(done.map((r) => r.alpha))].sort((a, b) => a - b);
  return alphas.map((alpha) => {
    const at = done.filter((r) => r.alpha === alpha);
    const layerSI: Record<string, MeanCI> = {};
    for (const l of layers) {
      const vals = at.map((r) => r.layerSI[l]).filter((x) => x !== undefined);
      if (vals.length) layerSI[l] = meanCI(vals, 0.95, UNIT_RANGE);
    }
    return {
      alpha,
      acc: meanCI(at.map((r) => r.testAcc), 0.95, UNIT_RANGE),
      si: meanCI(at.map((r) => r.networkSI), 0.95, UNIT_RANGE),
      layerSI,
    };
  });
}

/**
 * The headline numbers, relative to the baseline (alpha = 0):
 * - maxSIReduction: the largest baseline SI / SI(alpha) over alpha < 0 whose mean accuracy is not below the lower
 *   end of the baseline's 95% CI (the paper's "selectivity reduced by a factor of N at no cost in accuracy");
 * - bestAcc: the alpha with the highest mean accuracy;
 * - costAtMostNegative / costAtMostPositive: baseline mean accuracy minus mean accuracy at the extreme alphas.
 */
export function headline(byAlpha: ReportAlphaStats[]): ReportHeadline {
  const h: ReportHeadline = {};
  const withAcc = byAlpha.filter((s) => Number.isFinite(s.acc.mean));
  if (withAcc.length === 0) return h;
  const best = withAcc.reduce((a, b) => (b.acc.mean > a.acc.mean ? b : a));
  h.bestAcc = { alpha: best.alpha, acc: best.acc.mean };
  const base = withAcc.find((s) => s.alpha === 0);
  if (!base) return h;
  h.baselineAcc = base.acc;
  h.baselineSI = base.si;
  for (const s of withAcc) {
    if (s.alpha >= 0 || !(s.si.mean > 0) || !(base.si.mean > 0)) continue;
    if (s.acc.mean < base.acc.lo) continue;
    const factor = base.si.mean / s.si.mean;
    if (!h.maxSIReduction || factor > h.maxSIReduction.factor) {
      h.maxSIReduction = { factor, alpha: s.alpha, acc: s.acc.mean, si: s.si.mean };
    }
  }
  const lowest = withAcc[0];
  const highest = withAcc[withAcc.length - 1];
  if (lowest.alpha < 0) {
    h.costAtMostNegative = { alpha: lowest.alpha, accCost: base.acc.mean - lowest.acc.mean, si: lowest.si.mean };
  }
  if (highest.alpha > 0) {
    h.costAtMostPositive = { alpha: highest.alpha, accCost: base.acc.mean - highest.acc.mean, si: highest.si.mean };
  }
  return h;
}

function stableKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableKey).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableKey((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const ALPHA_AND_SEED = new Set(['selectivity.alpha', 'train.seed']);

function formatAxisValue(v: SweepAxisValue): string {
  if (Array.isArray(v)) return v.map((x) => String(x)).join('+');
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** Splits runs into groups by their non-alpha, non-seed axes and computes every group's statistics. */
export function buildReportData(input: {
  sweepName: string;
  sweepDir: string;
  runs: ReportRun[];
  layers?: string[];
  counts?: SweepCounts;
  generatedAt?: string;
}): SweepReportData {
  const layers = input.layers ?? [...new Set(input.runs.flatMap((r) => Object.keys(r.layerSI)))];
  const groups = new Map<string, ReportGroup>();
  for (const run of input.runs) {
    const overrides: Record<string, SweepAxisValue> = {};
    for (const [p, v] of Object.entries(run.overrides)) if (!ALPHA_AND_SEED.has(p)) overrides[p] = v;
    const key = stableKey(overrides);
    let g = groups.get(key);
    if (!g) {
      const label = Object.entries(overrides)
        .map(([p, v]) => `${p.split('.').pop()}=${formatAxisValue(v)}`)
        .join(', ');
      g = { key, label, overrides, runs: [], byAlpha: [], headline: {} };
      groups.set(key, g);
    }
    g.runs.push(run);
  }
  for (const g of groups.values()) {
    g.byAlpha = statsByAlpha(g.runs, layers);
    g.headline = headline(g.byAlpha);
  }
  const counts: SweepCounts = input.counts ?? { queued: 0, running: 0, completed: 0, failed: 0, stopped: 0 };
  if (!input.counts) for (const r of input.runs) counts[r.status]++;
  return {
    version: 1,
    sweepName: input.sweepName,
    sweepDir: input.sweepDir,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    layers,
    groups: [...groups.values()],
    counts,
  };
}

/** Report runs from a sweep index alone (live view); per-layer SI comes from run summaries when known. */
export function reportRunsFromIndex(
  index: { runs: Array<SweepRunEntry> },
  layerSI: Record<string, Record<string, number>> = {},
): ReportRun[] {
  return index.runs.map((e) => ({
    name: e.name,
    alpha: e.alpha,
    seed: e.seed,
    status: e.status,
    epochs: e.epochsDone ?? 0,
    testAcc: e.finalTestAcc ?? NaN,
    bestTestAcc: e.finalTestAcc ?? NaN,
    networkSI: e.finalNetworkSI ?? NaN,
    layerSI: layerSI[e.name] ?? {},
    overrides: e.overrides,
  }));
}
