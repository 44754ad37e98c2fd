// The sweep report with analyses: each completed run's analyses/ files become the figures vs alpha (ablation
// drop selective vs random, CKA to the alpha = 0 run of the same seed, dimensionality, robustness); runs
// without analyses leave the four classic figures alone.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { AblationResult, DimensionalityResult, RobustnessResult, SimilarityResult } from '../../../../src/protocol/analyses';
import type { SweepIndex } from '../../../../src/protocol/sweep';
import { RunWriter, writeAnalysis, writeSweepIndex } from '../../../../src/engine/runStore';
import { writeSweepReport } from '../../../../src/engine/report/writeReport';
import { baselineFor } from '../../../../src/engine/report';
import { planSweep } from '../../../../src/engine/sweep/runSweep';

const header = { version: 1 as const, model: 'm', epoch: 1, createdAt: '', samples: 100, seconds: 1 };

function point(fraction: number, acc: number) {
  return { fraction, ablated: Math.round(fraction * 4), acc, loss: 1 };
}

test('analysis figures vs alpha appear when runs have analyses, with the similarity to their own seed\'s baseline', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sweep-analyses-'));
  const file = path.join(dir, 's.selectivity.json');
  writeFileSync(
    file,
    JSON.stringify({ kind: 'sweep', base: { model: { name: 'small-cnn' }, data: { format: 'mnist-embedded' }, train: { epochs: 1, batchSize: 32, lr: 0.05 }, selectivity: { alpha: 0 } }, alphas: [-1, 0, 1], seeds: [0, 1] }),
  );
  const plan = planSweep(file);
  const index: SweepIndex = {
    version: 1, kind: 'sweep', sweepId: 's-1', name: plan.name, configPath: file, createdAt: '', updatedAt: '', state: 'completed', parallel: 1, axes: plan.axes,
    runs: plan.runs.map((r) => ({ name: r.name, runId: r.runId, dir: r.name, overrides: r.overrides, alpha: r.alpha, seed: r.seed, configHash: r.configHash, status: 'completed', attempts: 1 })),
  };
  for (const r of plan.runs) {
    const w = RunWriter.startNew(r.runDir);
    await w.writeConfig(r.config);
    await w.writeSummary({ runId: r.runId, state: 'completed', epochsDone: 1, finalTestAcc: 0.9, finalNetworkSI: 0.3 + 0.1 * r.alpha, bestTestAcc: 0.9, layers: [{ layer: 'conv1', units: 4, meanSI: 0.3 }], seconds: 1 });
    await w.close();
    const ablation: AblationResult = {
      ...header, kind: 'ablation', fractions: [0, 0.5, 1], baseline: { acc: 0.9, loss: 0.3 }, chance: 0.1,
      layers: [{
        layer: 'conv1', units: 4, mode: 'zero',
        descending: [point(0, 0.9), point(0.5, 0.5 - 0.1 * r.alpha), point(1, 0.1)],
        ascending: [point(0, 0.9), point(0.5, 0.85), point(1, 0.1)],
        random: { seeds: [0], mean: [point(0, 0.9), point(0.5, 0.7), point(1, 0.1)], accLo: [0.9, 0.6, 0.1], accHi: [0.9, 0.8, 0.1], perPermutation: [[0.9, 0.7, 0.1]] },
      }],
    };
    await writeAnalysis(r.runDir, ablation);
    // Similarity to the alpha = 0 run of the same seed (and a decoy to the other seed's, which must be ignored).
    for (const seed of [0, 1]) {
      const baseline = plan.runs.find((b) => b.alpha === 0 && b.seed === seed)!;
      const cka = seed === r.seed ? 1 - 0.2 * Math.abs(r.alpha) : 0.01;
      const sim: SimilarityResult = {
        ...header, kind: 'similarity', runA: r.runDir, runB: baseline.runDir, modelB: 'm', units: 'channel', layersA: ['conv1'], layersB: ['conv1'], pairing: 'matching',
        pairs: [{ a: 'conv1', b: 'conv1', cka, ckaDebiased: cka, pwcca: cka, svcca: cka, samples: 100 }],
      };
      await writeAnalysis(r.runDir, sim);
    }
    const dim: DimensionalityResult = { ...header, kind: 'dimensionality', layers: [{ layer: 'conv1', units: 4, participationRatio: 2 - r.alpha * 0.5, components90: 2, components95: 3, spectrum: [0.5, 0.3, 0.2] }] };
    await writeAnalysis(r.runDir, dim);
    const rob: RobustnessResult = {
      ...header, kind: 'robustness', seed: 0, clean: { acc: 0.9, loss: 0.3 }, corruptions: [{ name: 'blur', accBySeverity: [0.8, 0.7, 0.6, 0.5, 0.4] }], meanCorruptionAcc: 0.6,
      adversarial: [{ attack: 'fgsm', eps: 0.05, steps: 1, acc: 0.4 }, { attack: 'fgsm', eps: 0.1, steps: 1, acc: 0.2 }, { attack: 'pgd', eps: 0.1, steps: 3, acc: 0.1 }],
    };
    await writeAnalysis(r.runDir, rob);
  }
  writeSweepIndex(plan.sweepDir, index);
  const report = await writeSweepReport(plan.sweepDir, { png: false, tensorboard: false });
  const runs = report.data.groups[0].runs;
  const minus = runs.find((r) => r.alpha === -1 && r.seed === 1)!;
  assert.deepEqual(minus.analyses!.ckaToBaseline, { conv1: 0.8 });
  assert.ok(Math.abs(minus.analyses!.ablationDrop50!.selective - 0.3) < 1e-9);
  assert.ok(Math.abs(minus.analyses!.ablationDrop50!.random - 0.2) < 1e-9);
  assert.equal(minus.analyses!.fgsmAcc, 0.2);
  assert.equal(minus.analyses!.pgdAcc, 0.1);
  assert.equal(minus.analyses!.attackEps, 0.1);
  const names = report.svgs.map((f) => path.basename(f)).sort();
  for (const id of ['ablation-vs-alpha', 'cka-vs-alpha', 'dimensionality-vs-alpha', 'robustness-vs-alpha']) assert.ok(names.includes(`${id}.svg`), id);
  const cka = readFileSync(report.svgs.find((f) => f.endsWith('cka-vs-alpha.svg'))!, 'utf8');
  assert.equal((cka.match(/class="sl-sweep-series-point"/g) ?? []).length, 6);
  const abl = readFileSync(report.svgs.find((f) => f.endsWith('ablation-vs-alpha.svg'))!, 'utf8');
  assert.equal((abl.match(/class="sl-sweep-series-point"/g) ?? []).length, 18); // 6 runs x 3 orders
  const html = readFileSync(report.html, 'utf8');
  assert.match(html, /data-figure="robustness-vs-alpha"/);
});

test('the baseline of a run: the alpha = 0 run of the same seed and other axes, else any alpha = 0 run of its group; for alpha = 0 another seed', () => {
  const entry = (alpha: number, seed: number, lr = 0.1) => ({
    name: `a${alpha}_s${seed}_lr${lr}`, runId: '', dir: `a${alpha}_s${seed}_lr${lr}`, alpha, seed, configHash: '', status: 'completed' as const, attempts: 1,
    overrides: { 'selectivity.alpha': alpha, 'train.seed': seed, 'train.lr': lr },
  });
  const runs = [entry(0, 0), entry(0, 1), entry(-1, 1), entry(-1, 2), entry(0, 2, 0.01)];
  assert.equal(baselineFor(runs[2], runs)?.name, 'a0_s1_lr0.1');
  // No alpha = 0 run with seed 2 at lr 0.1: the group's first one (not the lr = 0.01 run of seed 2).
  assert.equal(baselineFor(runs[3], runs)?.name, 'a0_s0_lr0.1');
  assert.equal(baselineFor(entry(-1, 0, 0.5), runs), undefined);
  // An alpha = 0 run: another seed's alpha = 0 run (seed-to-seed similarity), itself only when alone.
  assert.equal(baselineFor(runs[0], runs)?.name, 'a0_s1_lr0.1');
  assert.equal(baselineFor(runs[4], runs)?.name, 'a0_s2_lr0.01');
});
