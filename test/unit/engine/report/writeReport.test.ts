// The sweep report: a sweep folder written with the real run store writer, turned into the report folder, and
// the HTML opened in headless Chromium (offline, no VS Code) to check every figure and point is there.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { EpochMetrics, RunSummary } from '../../../../src/protocol/events';
import type { SweepIndex } from '../../../../src/protocol/sweep';
import { RunWriter, writeSweepIndex } from '../../../../src/engine/runStore';
import { writeSweepReport } from '../../../../src/engine/report/writeReport';
import { readEventFile } from '../../../../src/engine/report/tfeventsReader';
import { planSweep } from '../../../../src/engine/sweep/runSweep';
import { chromiumPath } from '../../../../src/engine/report/chromium';

// Browser globals used inside page.evaluate (tests compile without the DOM lib).
interface PageEl {
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageEl | null;
  querySelectorAll(selector: string): { length: number };
  textContent: string | null;
}
declare const document: PageEl;

const LAYERS = ['conv1', 'conv2', 'fc1'];

/** Paper-like numbers: SI grows with alpha; accuracy falls off at strong alphas either way. */
function outcome(alpha: number, seed: number) {
  const s = Math.sign(alpha) * Math.log10(1 + Math.abs(alpha));
  const si = Math.min(0.95, Math.max(0.02, 0.3 + 0.25 * s));
  const acc = 0.97 - 0.04 * s * s - 0.004 * seed;
  return { si, acc };
}

async function writeRun(runDir: string, runId: string, alpha: number, seed: number, config: unknown, finish: boolean) {
  const w = RunWriter.startNew(runDir);
  await w.writeConfig(config);
  const { si, acc } = outcome(alpha, seed);
  for (let epoch = 1; epoch <= 2; epoch++) {
    const layerSI = LAYERS.map((l, i) => ({ layer: l, units: 4, meanSI: si * (0.8 + 0.2 * i) }));
    const m: EpochMetrics = {
      epoch, alpha, lr: 0.05, trainCE: 1 / epoch, trainReg: -alpha * si, trainSI: si, trainAcc: acc, testLoss: 0.3,
      testAcc: acc - (2 - epoch) * 0.05, networkSI: si, layers: layerSI, imgPerSec: 1000, seconds: 2,
    };
    await w.appendMetrics(m);
    await w.writeSelectivity(
      epoch,
      si,
      LAYERS.map((layer) => ({
        layer, units: 4, classes: 2,
        si: Float32Array.from([si, si / 2, si * 1.1, 0]),
        preferred: Int32Array.from([0, 1, 0, 1]),
        classMeans: new Float32Array(8).fill(0.5),
      })),
      [],
    );
  }
  if (finish) {
    const summary: RunSummary = {
      runId, state: 'completed', epochsDone: 2, finalTestAcc: acc, finalNetworkSI: si, bestTestAcc: acc,
      layers: LAYERS.map((l, i) => ({ layer: l, units: 4, meanSI: si * (0.8 + 0.2 * i) })), seconds: 4,
    };
    await w.writeSummary(summary);
  }
  await w.close();
}

test('report folder: CSV, SVG, PNG, TensorBoard and an HTML report that draws every run in Chromium', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sweep-report-'));
  const file = path.join(dir, 'paper.selectivity.json');
  writeFileSync(
    file,
    JSON.stringify({
      kind: 'sweep',
      base: { model: { name: 'small-cnn' }, data: { format: 'mnist-embedded' }, train: { epochs: 2, batchSize: 32, lr: 0.05 }, selectivity: { alpha: 0 } },
      alphas: [-10, -1, 0, 1, 10],
      seeds: [0, 1, 2],
    }),
  );
  const plan = planSweep(file);
  const failed = 'alpha=10_seed=2';
  const index: SweepIndex = {
    version: 1, kind: 'sweep', sweepId: 'paper-1', name: plan.name, configPath: file, createdAt: '', updatedAt: '',
    state: 'failed', parallel: 2, axes: plan.axes,
    runs: plan.runs.map((r) => ({
      name: r.name, runId: r.runId, dir: r.name, overrides: r.overrides, alpha: r.alpha, seed: r.seed, configHash: r.configHash,
      status: r.name === failed ? 'failed' : 'completed', attempts: 1, ...(r.name === failed ? { error: 'out of memory' } : {}),
    })),
  };
  for (const r of plan.runs) await writeRun(r.runDir, r.runId, r.alpha, r.seed, r.config, r.name !== failed);
  writeSweepIndex(plan.sweepDir, index);
  const completed = plan.runs.length - 1;

  const report = await writeSweepReport(plan.sweepDir);
  assert.equal(report.outDir, path.join(plan.sweepDir, 'report'));

  // CSV: one line per run (failed included, with its status) plus the header.
  const csv = readFileSync(path.join(report.outDir, 'runs.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, plan.runs.length + 1);
  assert.match(csv[0], /^run,status,alpha,alpha_setting,seed,epochs,final_test_acc,best_test_acc,final_network_si,si:conv1,si:conv2,si:fc1$/);
  assert.ok(csv.some((l) => l.startsWith(`${failed},failed,10,10,2,`)));
  const stats = readFileSync(path.join(report.outDir, 'alpha-stats.csv'), 'utf8').trim().split('\n');
  assert.equal(stats.length, 1 + 5);

  // Headline numbers from the known outcomes: the SI ratio at the best alpha < 0 within the baseline CI.
  const g = report.data.groups[0];
  assert.ok(g.headline.maxSIReduction, 'a reduction factor');
  assert.equal(g.headline.bestAcc!.alpha, 0);
  assert.equal(g.byAlpha.find((s) => s.alpha === 10)!.acc.n, 2);

  // SVG files: standalone, one per figure, same points as the page.
  assert.deepEqual(readdirSync(path.join(report.outDir, 'figures')).filter((f) => f.endsWith('.svg')).sort(), [
    'accuracy-vs-alpha.svg', 'accuracy-vs-si.svg', 'layer-si-vs-alpha.svg', 'si-vs-alpha.svg',
  ]);
  const svg = readFileSync(path.join(report.outDir, 'figures', 'accuracy-vs-si.svg'), 'utf8');
  assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/class="sl-sweep-run-point"/g) ?? []).length, completed);
  assert.match(svg, /class="sl-sweep-baseline"[^>]*stroke-dasharray/);

  // TensorBoard: one event file per run, CRCs valid, scalars and SI histograms inside.
  assert.equal(report.tensorboard.length, plan.runs.length);
  const events = readEventFile(report.tensorboard[0]);
  const tags = new Set(events.flatMap((e) => e.values.map((v) => v.tag)));
  for (const t of ['test/accuracy', 'selectivity/network_si', 'selectivity_layer/conv1', 'si_distribution/fc1', 'config']) {
    assert.ok(tags.has(t), t);
  }
  assert.equal(events.filter((e) => e.values.some((v) => v.tag === 'si_distribution/conv1')).length, 2);

  const exe = chromiumPath();
  if (!exe) return; // no Chromium on this machine: the browser half cannot run
  assert.equal(report.pngs.length, 4, report.warnings.join('; '));
  for (const p of report.pngs) assert.deepEqual([...readFileSync(p).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    const remote: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('request', (r) => !r.url().startsWith('file:') && !r.url().startsWith('data:') && remote.push(r.url()));
    await page.goto('file://' + report.html);
    await page.waitForSelector('body[data-figures-ready="true"]', { timeout: 15000 });
    const counts = await page.evaluate(() => {
      const fig = (id: string) => document.querySelector(`#sweep-figures figure[data-figure="${id}"] svg`);
      const n = (id: string, sel: string) => fig(id)?.querySelectorAll(sel).length ?? -1;
      return {
        svgs: document.querySelectorAll('#sweep-figures figure svg').length,
        acc: n('accuracy-vs-alpha', 'circle.sl-sweep-run-point'),
        accBand: n('accuracy-vs-alpha', 'path.sl-sweep-ci'),
        si: n('si-vs-alpha', 'circle.sl-sweep-run-point'),
        layer: n('layer-si-vs-alpha', 'circle.sl-sweep-layer-point'),
        layerLines: n('layer-si-vs-alpha', 'g.sl-sweep-layer'),
        scatter: n('accuracy-vs-si', 'circle.sl-sweep-run-point'),
        baseline: n('accuracy-vs-si', 'line.sl-sweep-baseline[stroke-dasharray]'),
        blue: fig('accuracy-vs-si')?.querySelector('circle[data-alpha="-10"]')?.getAttribute('fill'),
        red: fig('accuracy-vs-si')?.querySelector('circle[data-alpha="10"]')?.getAttribute('fill'),
        grey: fig('accuracy-vs-si')?.querySelector('circle[data-alpha="0"]')?.getAttribute('fill'),
        headline: document.querySelector('.headline')?.textContent ?? '',
        configs: document.querySelectorAll('details pre').length,
      };
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(remote, []);
    assert.equal(counts.svgs, 4);
    assert.equal(counts.acc, completed);
    assert.equal(counts.accBand, 1);
    assert.equal(counts.si, completed);
    assert.equal(counts.scatter, completed);
    assert.equal(counts.layer, completed * LAYERS.length);
    assert.equal(counts.layerLines, LAYERS.length);
    assert.equal(counts.baseline, 1);
    // Diverging colours: blue discourages, grey baseline, red encourages.
    const rgb = (c: string | null | undefined) => (c?.match(/\d+/g) ?? []).map(Number);
    const [br, , bb] = rgb(counts.blue);
    const [rr, , rb] = rgb(counts.red);
    assert.ok(bb > br, `blue for alpha < 0: ${counts.blue}`);
    assert.ok(rr > rb, `red for alpha > 0: ${counts.red}`);
    assert.equal(counts.grey, '#8c8c8c');
    assert.match(counts.headline, /reduced by a factor of \d+\.\d\d/);
    assert.equal(counts.configs, plan.runs.length + 1);

    // Hovering a point highlights the same run in every figure.
    await page.hover(`figure[data-figure="accuracy-vs-alpha"] circle[data-run="alpha=1_seed=1"]`);
    const highlighted = await page.evaluate(() => document.querySelectorAll('.sl-sweep-highlight').length);
    assert.equal(highlighted, 3 + LAYERS.length);
  } finally {
    await browser.close();
  }
  assert.ok(existsSync(path.join(report.outDir, 'report-data.json')));
});
