/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser */
// The Sweep tab's figures from a real sweep's analyses: a tiny two-alpha, two-seed sweep trained and analysed
// with the real CLI (sweep-analyze: ablation, similarity, dimensionality, robustness), read back with the
// host's collectSweepReport, drawn by the same figure code as the HTML report: accuracy drop at 50% ablation
// (selective vs random), CKA to alpha = 0, dimensionality and corruption / attack accuracy, each vs alpha,
// with one point per completed run; "Analyse runs" asks the host to compute them.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { collectSweepReport } from '../../src/engine/report';
import { readSweepIndex } from '../../src/engine/runStore';
import type { SweepReportData } from '../../src/protocol/sweep';
import { runCli, tempRoot } from '../fixtures-builders/trainedRun';
import { openApp, send, useBrowser } from './harness';

declare const document: any;

const web = useBrowser();
let sweepDir = '';
let report: SweepReportData;

before(async () => {
  const root = tempRoot('sl-sweep-analyses-');
  const sweep = {
    kind: 'sweep',
    name: 'tiny-analysed',
    base: {
      model: { name: 'small-cnn' },
      data: { format: 'mnist-embedded', trainLimit: 300, testLimit: 64, cacheDir: path.join(root, '.cache') },
      train: { epochs: 1, batchSize: 32, lr: 0.05, maxBatchesPerEpoch: 3 },
      selectivity: { alpha: 0 },
      backend: 'wasm',
    },
    alphas: [0, 1],
    seeds: [0, 1],
    parallel: 1,
  };
  fs.writeFileSync(path.join(root, 'tiny.sweep.selectivity.json'), JSON.stringify(sweep));
  runCli(root, ['sweep', 'tiny.sweep.selectivity.json', '--runs-dir', 'sweeps']);
  sweepDir = path.join(root, 'sweeps', 'tiny-analysed');
  runCli(root, ['sweep-analyze', sweepDir, '--samples', '32', '--backend', 'wasm']);
  report = collectSweepReport(sweepDir);
});


test('Sweep tab: the analyses figures vs alpha from a real sweep-analyze, one point per completed run', async () => {
  const index = readSweepIndex(sweepDir)!;
  assert.equal(report.groups.flatMap((g) => g.runs).filter((r) => r.analyses).length, 4, 'every completed run has its analyses');
  const page = await openApp(web.browser, web.url, { surface: 'panel', theme: 'vscode-light' });
  await send(page, { type: 'sweepSnapshot', sweeps: [{ sweepDir, index }], activeSweepDir: sweepDir });
  await send(page, { type: 'sweepReport', data: report });
  await page.click('vscode-tab-header[data-tab="sweep"]');
  const v = await page.evaluate(() => {
    const figure = (key: string) => document.querySelector(`figure[data-figure="${key}"]`);
    const points = (key: string) => figure(key)?.querySelectorAll('[data-run]').length ?? 0;
    return {
      figures: [...document.querySelectorAll('.sl-sweep-figure')].map((f: any) => f.dataset.figure),
      ablation: points('ablation-vs-alpha'),
      cka: points('cka-vs-alpha'),
      dims: points('dimensionality-vs-alpha'),
      robustness: points('robustness-vs-alpha'),
      ablationText: figure('ablation-vs-alpha')?.textContent ?? '',
      robustnessText: figure('robustness-vs-alpha')?.textContent ?? '',
      exportable: [...document.querySelectorAll('.sl-sweep-figure')].every((f: any) => !!f.querySelector('.export-bar')),
      csp: (globalThis as any).__cspViolations,
      errors: (globalThis as any).__errors,
    };
  });
  for (const key of ['ablation-vs-alpha', 'cka-vs-alpha', 'dimensionality-vs-alpha', 'robustness-vs-alpha']) assert.ok(v.figures.includes(key), `${key} in ${v.figures.join(', ')}`);
  // Four completed runs: each series of each figure has a point per run.
  for (const [key, n] of [['ablation', v.ablation], ['cka', v.cka], ['dims', v.dims], ['robustness', v.robustness]] as const) assert.ok(n >= 4 && n % 4 === 0, `${key}: ${n} points`);
  assert.match(v.ablationText, /most selective first/);
  assert.match(v.ablationText, /random order/);
  assert.match(v.robustnessText, /corrupted/);
  assert.match(v.robustnessText, /FGSM/);
  assert.ok(v.exportable);
  assert.deepEqual([v.csp, v.errors], [[], []]);

  await page.click('.sl-sweep-header vscode-button:text-is("Analyse runs")');
  const asked = await page.evaluate(() => (globalThis as any).__posted.filter((m: any) => m.type === 'analyzeSweep'));
  assert.deepEqual(asked, [{ type: 'analyzeSweep', sweepDir }]);
  await page.close();
});
