// Statistics over seeds on known numbers: Student t quantiles, 95% CIs, and the headline numbers.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { ReportRun } from '../../../src/protocol/sweep';
import { buildReportData, headline, meanCI, statsByAlpha, studentTCdf, studentTQuantile, UNIT_RANGE } from '../../../src/protocol/sweepStats';

const close = (a: number, b: number, tol: number, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('Student t: 97.5% quantiles match the tables', () => {
  const table: Array<[number, number]> = [
    [1, 12.7062],
    [2, 4.3027],
    [3, 3.1824],
    [4, 2.7764],
    [9, 2.2622],
    [29, 2.0452],
    [120, 1.9799],
  ];
  for (const [df, t] of table) close(studentTQuantile(0.975, df), t, 1e-3, `df ${df}`);
  close(studentTCdf(0, 5), 0.5, 1e-12);
  close(studentTCdf(-2.5706, 5), 0.025, 1e-4);
  close(studentTQuantile(0.95, 10), 1.8125, 1e-3);
});

test('mean and 95% CI over seeds', () => {
  // 0.90, 0.92, 0.94: mean 0.92, sd 0.02, half-width t(0.975, 2) * 0.02 / sqrt(3) = 4.3027 * 0.011547 = 0.049683.
  const m = meanCI([0.9, 0.92, 0.94]);
  close(m.mean, 0.92, 1e-12);
  close(m.sd, 0.02, 1e-12);
  close(m.hi - m.mean, 0.049683, 1e-5);
  close(m.mean - m.lo, 0.049683, 1e-5);
  assert.equal(m.n, 3);
  // One seed: no interval; NaN (a run that never analysed) is left out.
  assert.deepEqual(meanCI([0.5, NaN]), { n: 1, mean: 0.5, sd: 0, lo: 0.5, hi: 0.5 });
  assert.equal(meanCI([]).n, 0);
});

test('accuracy intervals stay within [0, 1] with few seeds, and say when they were clipped', () => {
  // The case: two seeds at 0.65 and 0.99 give a t(0.975, 1) interval of 0.82 +- 12.706 * 0.17 = [-1.34, 2.98].
  const wide = meanCI([0.65, 0.99], 0.95, UNIT_RANGE);
  close(wide.mean, 0.82, 1e-12);
  assert.equal(wide.lo, 0);
  assert.equal(wide.hi, 1);
  assert.equal(wide.clipped, true);
  // An interval inside the range is untouched and carries no flag.
  const inside = meanCI([0.9, 0.92, 0.94], 0.95, UNIT_RANGE);
  close(inside.hi - inside.mean, 0.049683, 1e-5);
  assert.equal(inside.clipped, undefined);
  // Only the end that leaves the range moves: 0.97, 0.99, 0.995 -> hi = 1, lo as the t interval has it.
  const top = meanCI([0.97, 0.99, 0.995], 0.95, UNIT_RANGE);
  const raw = meanCI([0.97, 0.99, 0.995]);
  assert.ok(raw.hi > 1);
  assert.equal(top.hi, 1);
  close(top.lo, raw.lo, 1e-12);
  // The report's per-alpha statistics use it for accuracy and SI.
  const stats = statsByAlpha([run(0, 0, 0.65, 0.3), run(0, 1, 0.99, 0.31)], []);
  assert.ok(stats[0].acc.hi <= 1 && stats[0].acc.lo >= 0 && stats[0].acc.clipped === true);
  assert.equal(stats[0].acc.n, 2);
});

function run(alpha: number, seed: number, acc: number, si: number): ReportRun {
  return {
    name: `alpha=${alpha}_seed=${seed}`,
    alpha,
    seed,
    status: 'completed',
    epochs: 1,
    testAcc: acc,
    bestTestAcc: acc,
    networkSI: si,
    layerSI: { conv1: si * 2, fc: si / 2 },
    overrides: { 'selectivity.alpha': alpha, 'train.seed': seed },
  };
}

test('SI reduction factor, best accuracy and the cost of the extremes', () => {
  // Baseline alpha 0: acc 0.90/0.92/0.94 -> CI [0.8703, 0.9697]; SI 0.4 each seed.
  const runs: ReportRun[] = [
    run(0, 0, 0.9, 0.4), run(0, 1, 0.92, 0.4), run(0, 2, 0.94, 0.4),
    // alpha -1: acc mean 0.91 (inside the CI), SI 0.2 -> factor 2.
    run(-1, 0, 0.9, 0.2), run(-1, 1, 0.91, 0.2), run(-1, 2, 0.92, 0.2),
    // alpha -10: acc mean 0.87 (below the CI's 0.8703), SI 0.05 -> factor 8 but not counted.
    run(-10, 0, 0.86, 0.05), run(-10, 1, 0.87, 0.05), run(-10, 2, 0.88, 0.05),
    // alpha 5: acc mean 0.60, SI 0.8.
    run(5, 0, 0.6, 0.8), run(5, 1, 0.6, 0.8), run(5, 2, 0.6, 0.8),
    // A failed run does not count.
    { ...run(5, 3, 0.1, 0.1), status: 'failed' as const },
  ];
  const stats = statsByAlpha(runs, ['conv1', 'fc']);
  assert.deepEqual(stats.map((s) => s.alpha), [-10, -1, 0, 5]);
  assert.equal(stats[3].acc.n, 3);
  close(stats[1].layerSI.conv1.mean, 0.4, 1e-12);
  const h = headline(stats);
  close(h.baselineAcc!.lo, 0.92 - 0.049683, 1e-5);
  assert.equal(h.maxSIReduction!.alpha, -1);
  close(h.maxSIReduction!.factor, 2, 1e-12);
  assert.equal(h.bestAcc!.alpha, 0);
  close(h.bestAcc!.acc, 0.92, 1e-12);
  assert.equal(h.costAtMostNegative!.alpha, -10);
  close(h.costAtMostNegative!.accCost, 0.05, 1e-12);
  assert.equal(h.costAtMostPositive!.alpha, 5);
  close(h.costAtMostPositive!.accCost, 0.32, 1e-12);

  // Without a baseline there is no factor, but the best accuracy is still known.
  const noBase = headline(statsByAlpha(runs.filter((r) => r.alpha !== 0), []));
  assert.equal(noBase.maxSIReduction, undefined);
  assert.equal(noBase.bestAcc!.alpha, -1);
  close(noBase.bestAcc!.acc, 0.91, 1e-12);
});

test('report data groups runs by the other axes', () => {
  const runs = [run(0, 0, 0.9, 0.4), run(-1, 0, 0.8, 0.2)].flatMap((r) => [
    { ...r, overrides: { ...r.overrides, 'train.lr': 0.1 } },
    { ...r, name: r.name + '_lr=0.01', overrides: { ...r.overrides, 'train.lr': 0.01 } },
  ]);
  const data = buildReportData({ sweepName: 's', sweepDir: '/x', runs });
  assert.deepEqual(data.groups.map((g) => g.label), ['lr=0.1', 'lr=0.01']);
  assert.deepEqual(data.groups.map((g) => g.runs.length), [2, 2]);
  assert.deepEqual(data.layers, ['conv1', 'fc']);
  assert.equal(data.counts.completed, 4);
});
