/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser */
// The Run tab's analyses in headless Chromium, drawn from real result files: a tiny run trained and analysed with
// the real CLI (ablation, dimensionality, robustness, top inputs, all-pairs similarity). The page asks for a
// run's results, draws ablation per layer as it computes, the tables and charts, the CKA heatmap, the selected
// unit's top images, posts compute / cancel requests, shows a failure's sentence, and every chart can export.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { AblationResult, AnalysisResult, DimensionalityResult, RobustnessResult, SimilarityResult, TopInputsResult } from '../../src/protocol/analyses';
import { runCli, tempRoot, trainTinyRun } from '../fixtures-builders/trainedRun';
import { frame, loadFixture, screenshot, send, sendEvents, useBrowser } from './harness';

declare const document: any;
declare const sessionStorage: any;

const web = useBrowser();
const results: AnalysisResult[] = [];
const events = loadFixture('mnist-small-cnn-synthetic.json');
const runId: string = events.find((e) => e.type === 'runStarted').runId;

const read = <T>(runDir: string, file: string): T => JSON.parse(readFileSync(path.join(runDir, 'analyses', file), 'utf8')) as T;

before(async () => {
  const root = tempRoot('sl-analyses-view-');
  const runDir = trainTinyRun(root, 'analysed');
  const wasm = ['--backend', 'wasm'];
  runCli(root, ['ablate', runDir, '--layers', 'conv1,fc1', '--fractions', '0,0.25,0.5,0.75,1', '--permutations', '3', '--modes', 'zero,mean', '--samples', '80', ...wasm]);
  runCli(root, ['dimensionality', runDir, '--samples', '80', ...wasm]);
  runCli(root, ['robustness', runDir, '--samples', '40', '--eps', '0.02,0.05', '--pgd-steps', '2', '--corruptions', 'blur,contrast', ...wasm]);
  runCli(root, ['top-inputs', runDir, '--layers', 'conv1', '--k', '4', '--per-class', '1', ...wasm]);
  runCli(root, ['similarity', runDir, runDir, '--all-pairs', '--samples', '80', ...wasm]);
  results.push(
    read<AblationResult>(runDir, 'ablation.json'),
    read<DimensionalityResult>(runDir, 'dimensionality.json'),
    read<TopInputsResult>(runDir, 'top-inputs.json'),
    read<RobustnessResult>(runDir, 'robustness.json'),
    read<SimilarityResult>(runDir, `similarity--${path.basename(runDir)}.json`),
  );
});


const result = <K extends AnalysisResult['kind']>(kind: K) => results.find((r) => r.kind === kind) as Extract<AnalysisResult, { kind: K }>;

/** The panel on the fixture's run with unit 0 of `layer` open (as a reload restores it). */
async function openPanel(layer = 'conv1'): Promise<Page> {
  const page = await web.browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.addInitScript(
    ({ id, shown }) => sessionStorage.setItem('vscodeState', JSON.stringify({ activeRunId: id, layer: shown, unit: 0, tab: 'run', norm: 'row' })),
    { id: runId, shown: layer },
  );
  await page.goto(`${web.url}/test/webview/harness.html?surface=panel&theme=vscode-dark`);
  await page.waitForFunction(() => (globalThis as any).__posted.some((m: { type: string }) => m.type === 'ready'));
  await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
  await sendEvents(page, events);
  return page;
}

const posted = (page: Page) => page.evaluate(() => (globalThis as any).__posted as Array<{ type: string; runId?: string; kind?: string }>);

test('analyses: asked for, drawn live while ablation computes, then from the run folder results', async () => {
  const page = await openPanel();
  assert.ok((await posted(page)).some((m) => m.type === 'requestAnalyses' && m.runId === runId), 'the page asks for the run folder results');
  await send(page, { type: 'analysisResults', runId, results: [] });
  assert.match((await page.textContent('[data-analysis-part="ablation"] .analysis-note')) ?? '', /Not computed yet/);
  assert.match((await page.textContent('.top-inputs-note')) ?? '', /Not computed yet/);

  await page.click('[data-analysis="ablation"] .analysis-start');
  await page.click('.top-inputs .analysis-start');
  await page.click('[data-analysis="similarity"] .analysis-start');
  const asked = (await posted(page)).filter((m) => m.type === 'runAnalysis').map((m) => [m.runId, m.kind]);
  assert.deepEqual(asked, [[runId, 'ablation'], [runId, 'topInputs'], [runId, 'similarity']]);
  assert.equal((await posted(page)).filter((m) => m.type === 'requestAnalyses').length, 1, 'asked once per run');

  // Live: the first layer's curves while the second is ablated.
  const ablation = result('ablation');
  const partial = { ...ablation, layers: ablation.layers.filter((l) => l.layer === 'conv1') };
  await send(page, { type: 'analysisProgress', runId, kind: 'ablation', what: 'ablating fc1', done: 0.5, partial });
  let v: any = await page.evaluate(() => ({
    cards: [...document.querySelectorAll('.ablation-card')].map((c: any) => `${c.dataset.layer}/${c.dataset.mode}`),
    status: document.querySelector('[data-analysis="ablation"] .analysis-status').textContent,
    barHidden: document.querySelector('[data-analysis="ablation"] .analysis-progress').hidden,
    startDisabled: document.querySelector('[data-analysis="ablation"] .analysis-start').hasAttribute('disabled'),
  }));
  assert.deepEqual(v.cards, ['conv1/zero']);
  assert.equal(v.status, 'ablating fc1 · 50%');
  assert.equal(v.barHidden, false);
  assert.equal(v.startDisabled, true);
  await page.click('[data-analysis="ablation"] .analysis-cancel');
  assert.deepEqual((await posted(page)).at(-1), { type: 'cancelAnalysis', runId, kind: 'ablation' });

  await send(page, { type: 'analysisResults', runId, results });
  await send(page, { type: 'analysisFinished', runId, kind: 'ablation', outcome: 'completed' });
  v = await page.evaluate(() => ({
    cards: [...document.querySelectorAll('.ablation-card')].map((c: any) => `${c.dataset.layer}/${c.dataset.mode}`),
    curves: [...document.querySelectorAll('.ablation-card[data-layer="fc1"] path[class^="curve-"], .ablation-card[data-layer="fc1"] .random-band')].map((p: any) => [p.getAttribute('class'), (p.getAttribute('d') ?? '').length > 10]),
    drop: document.querySelector('.ablation-card[data-layer="fc1"] .ablation-drop').textContent,
    barHidden: document.querySelector('[data-analysis="ablation"] .analysis-progress').hidden,
    start: document.querySelector('[data-analysis="ablation"] .analysis-start').textContent,
  }));
  assert.deepEqual(v.cards, ['conv1/zero', 'fc1/zero']);
  assert.deepEqual(v.curves, [['random-band', true], ['curve-random', true], ['curve-ascending', true], ['curve-descending', true]]);
  const fc1 = ablation.layers.find((l) => l.layer === 'fc1' && l.mode === 'zero')!;
  const half = ablation.fractions.indexOf(0.5);
  // A drop below zero (silencing raised accuracy) reads as a gain.
  const change = (d: number) => `${d >= 0 ? 'loses' : 'gains'} ${Math.abs(100 * d).toFixed(1)} points`;
  assert.equal(v.drop, `At 50.0% silenced: most selective first ${change(ablation.baseline.acc - fc1.descending[half].acc)}, random ${change(ablation.baseline.acc - fc1.random.mean[half].acc)}.`);
  assert.equal(v.barHidden, true);
  assert.equal(v.start, 'Run ablation again');

  // The other mode of silencing.
  await page.evaluate(() => {
    const s = document.querySelector('#ablation-mode');
    s.value = 'mean';
    s.dispatchEvent(new Event('change'));
  });
  await frame(page);
  assert.deepEqual(await page.$$eval('.ablation-card', (cs) => cs.map((c: any) => c.dataset.mode)), ['mean', 'mean']);

  // Dimensionality and robustness.
  const dims = result('dimensionality');
  const robust = result('robustness');
  v = await page.evaluate(() => ({
    dimRows: [...document.querySelectorAll('.dimensionality-table tbody tr')].map((r: any) => [...r.children].map((c: any) => c.textContent)),
    spectra: document.querySelectorAll('.dimensionality-card path.small-series').length,
    corruptionSeries: [...document.querySelectorAll('.robustness-card path.small-series')].map((p: any) => p.dataset.series),
    attacks: [...document.querySelectorAll('.adversarial-table tbody tr')].map((r: any) => r.children[0].textContent),
    robustNote: document.querySelector('[data-analysis-part="robustness"] .analysis-note').textContent,
  }));
  assert.deepEqual(v.dimRows.map((r: string[]) => r[0]), dims.layers.map((l) => l.layer));
  assert.deepEqual(v.dimRows.map((r: string[]) => Number(r[3])), dims.layers.map((l) => l.components90));
  assert.equal(v.spectra, dims.layers.length);
  assert.deepEqual(v.corruptionSeries, ['clean', 'blur', 'contrast']);
  assert.deepEqual(v.attacks, robust.adversarial.map((a) => a.attack.toUpperCase()));
  assert.match(v.robustNote, new RegExp(`clean ${(robust.clean.acc * 100).toFixed(1)}%`));

  // Similarity: every layer against every layer, the value in each cell.
  const sim = result('similarity');
  const cells = await page.$$eval('.similarity-card g.sim-cell', (gs) => gs.map((g: any) => [g.dataset.a, g.dataset.b, Number(g.dataset.value)]));
  assert.equal(cells.length, sim.layersA.length * sim.layersB.length);
  assert.deepEqual(cells, sim.pairs.map((p) => [p.a, p.b, p.cka]));
  // A layer compared with itself in the same run is identical.
  for (const [a, b, value] of cells) if (a === b) assert.ok(Math.abs((value as number) - 1) < 1e-3, `${a}: ${value}`);

  // Top-activating images of the open unit (conv1 #0), with class names and activations.
  const top = result('topInputs');
  const unit0 = top.layers.find((l) => l.layer === 'conv1')!.units.find((u) => u.unit === 0)!;
  v = await page.evaluate(() => ({
    samples: [...document.querySelectorAll('.top-inputs-top .thumb')].map((f: any) => Number(f.dataset.sample)),
    srcs: [...document.querySelectorAll('.top-inputs-top .thumb img')].map((i: any) => i.src.slice(0, 22)),
    loaded: [...document.querySelectorAll('.top-inputs-top .thumb img')].map((i: any) => i.naturalWidth),
    caption: document.querySelector('.top-inputs-top figcaption').textContent,
    perClassRows: document.querySelectorAll('.per-class-row').length,
  }));
  assert.deepEqual(v.samples, unit0.top);
  assert.ok(v.srcs.every((s: string) => s === 'data:image/png;base64,'));
  assert.ok(v.loaded.every((w: number) => w === top.thumbSize), JSON.stringify(v.loaded));
  assert.equal(v.caption.split(' · ')[0], top.classNames[top.labels[String(unit0.top[0])]]);
  assert.equal(v.perClassRows, top.classNames.length);

  // Every chart of the analyses can be exported like the others.
  const exportable = await page.$$eval('.analyses .chart-card', (cs) => cs.map((c) => !!c.querySelector('.export-bar')));
  assert.ok(exportable.length >= 5 && exportable.every(Boolean), JSON.stringify(exportable));
  const before = (await posted(page)).length;
  await page.hover('.similarity-card');
  await page.click('.similarity-card .export-bar button:text-is("SVG")');
  await page.waitForFunction((n) => (globalThis as any).__posted.length > n, before);
  const saved = (await posted(page)).at(-1) as unknown as { type: string; name: string; data: string };
  assert.equal(saved.type, 'saveFile');
  assert.match(saved.name, /linear-cka.*\.svg$/);
  assert.match(saved.data, /<svg[^>]*>[\s\S]*sim-cell/);

  await screenshot(page, 'analyses.png');
  const problems = await page.evaluate(() => ({ csp: (globalThis as any).__cspViolations, errors: (globalThis as any).__errors }));
  assert.deepEqual(problems, { csp: [], errors: [] });
  await page.close();
});

test('a unit of a layer the top-inputs result lacks: the note says which layers it has, the button adds this one', async () => {
  const page = await openPanel('fc1');
  await send(page, { type: 'analysisResults', runId, results });
  await page.waitForSelector('.top-inputs-note');
  assert.equal(await page.textContent('.top-inputs-note'), 'Top inputs were found for conv1, not for fc1.');
  assert.equal((await page.textContent('.top-inputs .analysis-start'))?.trim(), 'Find top-activating images for fc1 too');
  assert.equal(await page.locator('.top-inputs-top .thumb').count(), 0);
  await page.click('.top-inputs .analysis-start');
  const asked = (await posted(page)).filter((m) => m.type === 'runAnalysis') as Array<{ kind: string; layers?: string[] }>;
  assert.deepEqual(asked.map((m) => [m.kind, m.layers]), [['topInputs', ['conv1', 'fc1']]]);
  await page.close();
});

test('a failed analysis shows its one sentence; a cancelled one says so', async () => {
  const page = await openPanel();
  await send(page, { type: 'analysisResults', runId, results: [] });
  // While it computes, the accuracies so far (its first batch) are drawn.
  const robust = result('robustness');
  await send(page, { type: 'analysisProgress', runId, kind: 'robustness', what: 'robustness', done: 0.5, partial: { ...robust, samples: 20 } });
  assert.match((await page.textContent('[data-analysis-part="robustness"] .analysis-note')) ?? '', /on 20 samples/);
  assert.equal(await page.$$eval('.robustness-card path.small-series', (ps) => ps.length), robust.corruptions.length + 1);
  await send(page, { type: 'analysisFinished', runId, kind: 'robustness', outcome: 'failed', error: 'The run has no checkpoint: checkpoints/ is empty.' });
  await send(page, { type: 'analysisFinished', runId, kind: 'dimensionality', outcome: 'cancelled' });
  const v = await page.evaluate(() => ({
    error: document.querySelector('[data-analysis="robustness"] .analysis-error').textContent,
    errorHidden: document.querySelector('[data-analysis="robustness"] .analysis-error').hidden,
    cancelled: document.querySelector('[data-analysis="dimensionality"] .analysis-status').textContent,
    startEnabled: !document.querySelector('[data-analysis="robustness"] .analysis-start').hasAttribute('disabled'),
  }));
  assert.deepEqual(v, { error: 'The run has no checkpoint: checkpoints/ is empty.', errorHidden: false, cancelled: 'Cancelled.', startEnabled: true });
  await page.close();
});
