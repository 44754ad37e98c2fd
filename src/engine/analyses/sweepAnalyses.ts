// Analyses over a finished (or partly finished) sweep: every completed run gets ablation, dimensionality and
// robustness, and its similarity to the baseline run (alpha = 0, same seed and other axes; else any alpha = 0
// run of its group; an alpha = 0 run: another seed's). Results land in each run folder's analyses/, where the
// sweep report reads them. Sweep defaults are lighter than the single-run commands' (zero ablation at 0, 25, ..., 100%, three random orders;
// three epsilons, 3 PGD steps), so a sweep of tens of runs stays affordable.
import * as path from 'node:path';
import { SWEEP_FILES, type SweepRunEntry } from '../../protocol/sweep';
import { EngineError } from '../errors';
import { baselineFor } from '../report';
import { readAnalyses, readSweepIndex, writeAnalysis } from '../runStore';
import { runAblation } from './ablation';
import { runDimensionality } from './dimensionality';
import { runRobustness } from './robustness';
import { runSimilarity } from './similarity';
import { chooseLayers, openRun, type AnalysisTarget } from './target';
import type { SweepAnalysisName } from '../../protocol/analyses';

export { SWEEP_ANALYSES, type SweepAnalysisName } from '../../protocol/analyses';

export const SWEEP_ABLATION = { fractions: [0, 0.25, 0.5, 0.75, 1], modes: ['zero' as const], permutations: 3 };
export const SWEEP_ROBUSTNESS = { epsilons: [0.02, 0.05, 0.1], pgdSteps: 3 };

export interface SweepAnalyzeOptions {
  analyses: readonly SweepAnalysisName[];
  samples?: number;
  batchSize?: number;
  layers?: string[];
  redo?: boolean;
  onProgress?: (message: string, done: number) => void;
  onResult?: (run: string, file: string) => void;
}

export async function analyzeSweep(sweepDir: string, options: SweepAnalyzeOptions): Promise<{ runs: number; written: number; skipped: number }> {
  const index = readSweepIndex(sweepDir);
  if (!index) throw new EngineError('CONFIG_UNREADABLE', `${sweepDir} is not a sweep folder (no ${SWEEP_FILES.index}).`, { file: sweepDir });
  const completed = index.runs.filter((r) => r.status === 'completed');
  if (completed.length === 0) throw new EngineError('CONFIG_INVALID', `The sweep ${index.name} has no completed run to analyse yet.`, { file: sweepDir });
  const dirOf = (e: SweepRunEntry) => path.join(sweepDir, e.dir);
  let written = 0;
  let skipped = 0;
  const open = (e: SweepRunEntry) => openRun(dirOf(e), { samples: options.samples, batchSize: options.batchSize });
  for (const [ri, entry] of completed.entries()) {
    const have = readAnalyses(dirOf(entry));
    const base = baselineFor(entry, completed);
    const todo = options.analyses.filter((a) => {
      if (options.redo) return true;
      if (a === 'similarity') return !!base && !have.similarity.some((s) => path.basename(s.runB) === path.basename(dirOf(base)));
      return !have[a];
    });
    skipped += options.analyses.length - todo.length;
    if (todo.length === 0) continue;
    const progress = (what: string, d: number) => options.onProgress?.(`${entry.name}: ${what}`, (ri + Math.min(1, d)) / completed.length);
    const target = await open(entry);
    try {
      const layers = chooseLayers(target, options.layers);
      for (const a of todo) {
        const result = await runOne(a, target, layers, base && (() => open(base)), progress);
        if (!result) continue;
        const file = await writeAnalysis(dirOf(entry), result);
        written++;
        options.onResult?.(entry.name, file);
      }
    } finally {
      target.dispose();
    }
  }
  return { runs: completed.length, written, skipped };
}

async function runOne(
  name: SweepAnalysisName,
  target: AnalysisTarget,
  layers: string[],
  openBaseline: (() => Promise<AnalysisTarget>) | undefined,
  progress: (what: string, done: number) => void,
) {
  switch (name) {
    case 'ablation':
      return runAblation(target, { layers, ...SWEEP_ABLATION, onProgress: (m, d) => progress(m, d) });
    case 'dimensionality':
      return runDimensionality(target, layers, (d, n) => progress('dimensionality', d / n));
    case 'robustness':
      return runRobustness(target, { ...SWEEP_ROBUSTNESS, onProgress: (d, n) => progress('robustness', d / n) });
    case 'similarity': {
      if (!openBaseline) return undefined;
      const base = await openBaseline();
      try {
        return await runSimilarity(target, base, { layersA: layers, layersB: chooseLayers(base, layers), pairing: 'matching', onProgress: (d, n) => progress('similarity to alpha = 0', d / n), onScoring: (d, n) => progress('similarity to alpha = 0: scores', d / n) });
      } finally {
        base.dispose();
      }
    }
  }
}
