// The headline numbers of one run's analyses that the sweep figures plot against alpha, and which alpha = 0 run
// a run's similarity is measured against. No tfjs: the host's report reads this too.
import * as path from 'node:path';
import type { AblationResult } from '../../protocol/analyses';
import type { ReportRunAnalyses, SweepRunEntry } from '../../protocol/sweep';
import type { RunAnalyses } from '../runStore';

const groupKey = (e: SweepRunEntry) =>
  JSON.stringify(
    Object.entries(e.overrides)
      .filter(([k]) => k !== 'selectivity.alpha' && k !== 'train.seed')
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/**
 * The alpha = 0 run a run is compared with: the same seed and other axes first, else any of its group. An
 * alpha = 0 run is compared with another seed's alpha = 0 run where there is one, so the figure's point at
 * alpha = 0 is the seed-to-seed similarity (the level regularized runs are to be read against), not a trivial 1.
 */
export function baselineFor(entry: SweepRunEntry, completed: SweepRunEntry[]): SweepRunEntry | undefined {
  const zero = completed.filter((e) => e.alpha === 0 && groupKey(e) === groupKey(entry));
  if (entry.alpha === 0) return zero.find((e) => e.name !== entry.name) ?? entry;
  return zero.find((e) => e.seed === entry.seed) ?? zero[0];
}

function nearestIndex(values: number[], target: number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - target) < Math.abs(values[best] - target)) best = i;
  return best;
}

function ablationDrop(a: AblationResult): ReportRunAnalyses['ablationDrop50'] {
  const i = nearestIndex(a.fractions, 0.5);
  const zero = a.layers.filter((l) => l.mode === 'zero');
  const layers = zero.length ? zero : a.layers;
  if (layers.length === 0) return undefined;
  const mean = (f: (l: (typeof layers)[number]) => number) => layers.reduce((s, l) => s + f(l), 0) / layers.length;
  return {
    selective: mean((l) => a.baseline.acc - l.descending[i].acc),
    leastSelective: mean((l) => a.baseline.acc - l.ascending[i].acc),
    random: mean((l) => a.baseline.acc - l.random.mean[i].acc),
  };
}

/** Headline numbers of `found`; similarity only against `baselineDir` (a run folder's name). */
export function summarizeAnalyses(found: RunAnalyses, baselineDir: string | undefined): ReportRunAnalyses | undefined {
  const out: ReportRunAnalyses = {};
  if (found.ablation) out.ablationDrop50 = ablationDrop(found.ablation);
  const sim = baselineDir ? found.similarity.find((s) => path.basename(s.runB) === baselineDir) : undefined;
  if (sim) {
    out.ckaToBaseline = Object.fromEntries(sim.pairs.filter((p) => p.a === p.b).map((p) => [p.a, p.cka]));
    out.pwccaToBaseline = Object.fromEntries(sim.pairs.filter((p) => p.a === p.b).map((p) => [p.a, p.pwcca]));
  }
  if (found.dimensionality) out.participationRatio = Object.fromEntries(found.dimensionality.layers.map((l) => [l.layer, l.participationRatio]));
  const r = found.robustness;
  if (r) {
    out.corruptionAcc = r.meanCorruptionAcc;
    out.cleanAcc = r.clean.acc;
    const eps = Math.max(...r.adversarial.map((a) => a.eps));
    if (Number.isFinite(eps)) {
      out.attackEps = eps;
      out.fgsmAcc = r.adversarial.find((a) => a.attack === 'fgsm' && a.eps === eps)?.acc;
      out.pgdAcc = r.adversarial.find((a) => a.attack === 'pgd' && a.eps === eps)?.acc;
    }
  }
  return Object.keys(out).length ? out : undefined;
}
