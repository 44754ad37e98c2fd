/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser */
// The compare panel in headless Chromium under the host's exact HTML shell and CSP, fed by the host's reader
// (src/host/compareRuns.ts) from real run folders written by the engine's RunWriter.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { readCompareRuns, stripCommonPrefix } from '../../src/host/compare/node/compareRuns';
import { compareArgs } from '../../src/host/compare/node/compareSelection';
import type { CompareRun, HostToCompare } from '../../src/protocol/webviews/compare';
import { comparePage, encodeForPage, openCompare, recorded, VARIANTS, writeRunFolders } from './compareRunFolders';
import { frame, screenshot, send, useBrowser } from './harness';

declare const document: any;
declare function getComputedStyle(e: unknown): any;

const web = useBrowser({ 'host/compare.html': comparePage });
let message: HostToCompare;

/** The recorded run: N epochs (the variants' third run stops after 2). */
const rec = recorded();
const N = rec.epochs;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function expectedBins(si: ArrayLike<number>, n: number): number[] {
  const counts = new Array(n).fill(0);
  for (const v of Array.from(si)) if (Number.isFinite(v)) counts[Math.min(n - 1, Math.max(0, Math.floor(v * n)))]++;
  return counts;
}

async function assertClean(page: Page): Promise<void> {
  assert.deepEqual(await page.evaluate(() => (globalThis as any).__cspViolations), [], 'no CSP violations');
  assert.deepEqual(await page.evaluate(() => (globalThis as any).__errors), [], 'no uncaught errors');
}

before(async () => {
  const folders = await writeRunFolders();
  const data = readCompareRuns(folders);
  assert.deepEqual(data.problems, []);
  message = { type: 'compare', runs: data.runs };
});


describe('compare runs', () => {
  it('reads run folders into CompareRuns (alpha, seed, final metrics, per-unit SI)', () => {
    assert.equal(message.runs.length, 3);
    const [a, b, c] = message.runs;
    assert.deepEqual(
      message.runs.map((r) => [r.name, r.alpha, r.seed, r.state, r.epochsDone]),
      [
        ['alpha+1', 1, 1, 'completed', N],
        ['alpha-1', -1, 2, 'completed', N],
        ['alpha-sched', '0*1 5*2', 3, 'stopped', 2],
      ],
    );
    assert.equal(a.finalTestAcc, rec.finalTestAcc);
    assert.ok(Math.abs(b.finalTestAcc - (rec.finalTestAcc + 0.02)) < 1e-9);
    assert.equal(c.finalAlpha, 5);
    assert.equal(a.selectivity?.epoch, N);
    assert.equal(c.selectivity?.epoch, 2);
    assert.deepEqual(a.selectivity?.layers.map((l) => [l.layer, l.units, l.si.length]), [
      ['conv1', 32, 32],
      ['conv2', 64, 64],
      ['fc1', 128, 128],
    ]);
    // Alpha -1 run: SI x 0.4 of the recorded run, unit by unit.
    const fa = a.selectivity!.layers[2].si;
    const fb = b.selectivity!.layers[2].si;
    for (let u = 0; u < fa.length; u++) assert.ok(Math.abs(fb[u] - fa[u] * 0.4) < 1e-6);
    assert.equal(a.metrics.length, N);
    assert.equal(c.metrics.length, 2);
  });

  it('a folder that is not a run becomes one problem, the others still load', () => {
    const data = readCompareRuns([{ runId: 'nope', dir: '/nonexistent/run-folder' }]);
    assert.equal(data.runs.length, 0);
    assert.equal(data.problems.length, 1);
    assert.match(data.problems[0], /\/nonexistent\/run-folder/);
  });

  it('sweep run names lose their common "<sweep>--" prefix when the rest stays unique', () => {
    const named = (names: string[]) => names.map((name) => ({ name }) as CompareRun);
    const a = named(['tiny--alpha=-1_seed=0', 'tiny--alpha=1_seed=0']);
    stripCommonPrefix(a);
    assert.deepEqual(a.map((r) => r.name), ['alpha=-1_seed=0', 'alpha=1_seed=0']);
    const b = named(['sw/a', 'sw/b', 'other']);
    stripCommonPrefix(b);
    assert.deepEqual(b.map((r) => r.name), ['sw/a', 'sw/b', 'other']);
    const c = named(['run-1', 'run-2']);
    stripCommonPrefix(c);
    assert.deepEqual(c.map((r) => r.name), ['run-1', 'run-2']);
  });

  it('the command takes tree selections (sweep groups expand), run id lists, or the current selection', () => {
    const groups: Record<string, string[]> = { tiny: ['tiny/a', 'tiny/b', 'tiny/c'] };
    const of = (name: string) => groups[name] ?? [];
    const sel = [
      { kind: 'run' as const, runId: 'r1' },
      { kind: 'run' as const, runId: 'r2' },
    ];
    // Context menu: (clicked node, all selected nodes).
    assert.deepEqual(compareArgs([sel[0], sel], sel, of), ['r1', 'r2']);
    assert.deepEqual(compareArgs([{ kind: 'group', name: 'tiny' }, [{ kind: 'group', name: 'tiny' }, sel[1]]], sel, of), ['tiny/a', 'tiny/b', 'tiny/c', 'r2']);
    // Right-click outside the selection: that node only.
    assert.deepEqual(compareArgs([{ kind: 'group', name: 'tiny' }], sel, of), ['tiny/a', 'tiny/b', 'tiny/c']);
    // From a webview / another command.
    assert.deepEqual(compareArgs([['x', 'y', 'x']], [], of), ['x', 'y']);
    // Palette: the tree's selection.
    assert.deepEqual(compareArgs([], sel, of), ['r1', 'r2']);
    assert.deepEqual(compareArgs([], [], of), []);
  });

  let page: Page;
  it('draws overlaid per-layer SI histograms: one bar group per run, counts per bin', async () => {
    page = await openCompare(web.browser, web.url);
    assert.equal(await page.evaluate(() => document.body.dataset.surface), 'compare');
    assert.equal(await page.isVisible('text=Select two or more runs'), true);
    await send(page, encodeForPage(message));
    await frame(page);
    assert.equal(await page.textContent('.compare-title'), 'Compare 3 runs');
    const groups = await page.$$eval('.compare-histogram g.cmp-run', (gs) => gs.map((g) => g.getAttribute('data-run')));
    assert.deepEqual(groups, VARIANTS.map((v) => v.name));
    for (const run of message.runs) {
      const counts = await page.$$eval(`.compare-histogram rect.cmp-bar[data-run="${run.name}"]`, (rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
      assert.deepEqual(counts, expectedBins(run.selectivity!.layers[0].si, 20), `bins of ${run.name}`);
    }
    // Each run has its own colour, the same in the histogram, the curves and the table.
    const fills = await page.$$eval('.compare-histogram g.cmp-run', (gs) => gs.map((g) => getComputedStyle(g.querySelector('rect.cmp-bar')!).fill));
    assert.equal(new Set(fills).size, 3);
    const strokes = await page.$$eval('.compare-curve-card path.series', (ps) => ps.map((p) => getComputedStyle(p).stroke));
    assert.deepEqual(strokes, fills);
    const legend = await page.$$eval('.compare-hist-card .legend .item', (items) => items.map((i) => i.textContent));
    // The dashed mean lines have their own key (issue 13, detail 6).
    assert.deepEqual(legend, [`alpha+1 (epoch ${N})`, `alpha-1 (epoch ${N})`, 'alpha-sched (epoch 2)', "dashed line: each run's mean SI"]);
    assert.equal(await page.$$eval('.compare-hist-card .legend .key-mean .swatch.dashed', (s) => s.length), 1);
    // Test accuracy reads in percent on the axis, as in every other view (detail 5), over a titled epoch axis.
    const ticks = await page.$$eval('.compare-curve-card .y-axis .tick text', (ts) => ts.map((t) => t.textContent ?? ''));
    assert.ok(ticks.length >= 2 && ticks.every((t) => /^\d+(\.\d+)?%$/.test(t)), `percent ticks, got ${ticks.join(' ')}`);
    assert.equal(await page.textContent('.compare-curve-card text.x-title'), 'epoch');
    await screenshot(page, 'compare-dark.png');
  });

  it('the layer picker switches every run to that layer', async () => {
    await page.evaluate(() => {
      const s = document.querySelector('.compare-app .layer-select');
      s.value = 'fc1';
      s.dispatchEvent(new Event('change'));
    });
    await frame(page);
    assert.match((await page.textContent('.compare-hist-card .chart-title')) ?? '', /fc1/);
    for (const run of message.runs) {
      const counts = await page.$$eval(`.compare-histogram rect.cmp-bar[data-run="${run.name}"]`, (rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
      assert.deepEqual(counts, expectedBins(run.selectivity!.layers[2].si, 20));
    }
    const means = await page.$$eval('.compare-histogram line.cmp-mean', (ls) => ls.length);
    assert.equal(means, 3);
    const posted = await page.evaluate(() => (globalThis as any).__posted);
    assert.ok(posted.every((m: any) => m.type !== 'saveFile'));
  });

  it('draws one training curve per run and switches metric', async () => {
    const paths = await page.$$eval('.compare-curve-card path.series', (ps) => ps.map((p) => p.getAttribute('d') ?? ''));
    assert.equal(paths.length, 3);
    // Test accuracy by epoch: 3, 3 and 2 points (M + L commands).
    assert.deepEqual(paths.map((d) => (d.match(/[ML]/g) ?? []).length), [N, N, 2]);
    await page.evaluate(() => {
      const s = document.querySelector('#compare-metric');
      s.value = 'layer:fc1';
      s.dispatchEvent(new Event('change'));
    });
    await frame(page);
    assert.equal(await page.textContent('.compare-curve-card .chart-title'), 'Mean SI · fc1 by epoch');
    assert.equal(await page.$$eval('.compare-curve-card path.series', (ps) => ps.length), 3);
    const legend = await page.$$eval('.compare-curve-card .legend .item', (items) => items.map((i) => i.textContent));
    assert.deepEqual(legend, VARIANTS.map((v) => v.name));
  });

  it('lists final metrics, one row per run, sortable; a run name opens it', async () => {
    const rows = await page.$$eval('.compare-table tbody tr', (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-run-id'),
        alpha: tr.querySelector('[data-col="alpha"]')?.textContent,
        seed: tr.querySelector('[data-col="seed"]')?.textContent,
        acc: tr.querySelector('[data-col="testAcc"]')?.textContent,
        best: tr.querySelector('[data-col="bestAcc"]')?.textContent,
        si: tr.querySelector('[data-col="networkSI"]')?.textContent,
        fc1: tr.querySelector('[data-col="layer:fc1"]')?.textContent,
        epochs: tr.querySelector('[data-col="epochs"]')?.textContent,
        backend: tr.querySelector('[data-col="backend"]')?.textContent,
      })),
    );
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((r) => [r.alpha, r.seed, r.acc, r.epochs, r.backend]),
      [
        ['1', '1', pct(rec.finalTestAcc), String(N), rec.backend],
        ['-1', '2', pct(rec.finalTestAcc + 0.02), String(N), rec.backend],
        ['0*1 5*2 (→ 5)', '3', pct(message.runs[2].finalTestAcc), `2/${N}`, rec.backend],
      ],
    );
    const [a] = message.runs;
    assert.equal(rows[0].si, a.finalNetworkSI.toFixed(3));
    assert.equal(rows[0].fc1, a.layerMeanSI.find((l) => l.layer === 'fc1')!.meanSI.toFixed(3));

    await page.click('.compare-table button.sort[data-col="testAcc"]');
    const sorted = await page.$$eval('.compare-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-run-id')));
    assert.deepEqual(sorted, [message.runs[1].runId, message.runs[0].runId, message.runs[2].runId]);
    assert.equal(await page.getAttribute('.compare-table th:has(button[data-col="testAcc"])', 'aria-sort'), 'descending');

    await page.click(`.compare-table tr[data-run-id="${message.runs[2].runId}"] button.link`);
    const posted = await page.evaluate(() => (globalThis as any).__posted);
    assert.deepEqual(posted.at(-1), { type: 'openPanel', runId: message.runs[2].runId });
    await screenshot(page, 'compare-fc1-sorted-dark.png');
    await assertClean(page);
    await page.close();
  });

  it('a message that went through JSON (arrays as objects, NaN as null) draws the same', async () => {
    const p = await openCompare(web.browser, web.url);
    const json = JSON.parse(
      JSON.stringify(message, (_k, v) => (v instanceof Float32Array ? Object.fromEntries(Array.from(v, (x, i) => [i, x])) : v)),
    );
    await p.evaluate((m) => (globalThis as any).harness.send(m), json);
    await frame(p);
    for (const run of message.runs) {
      const counts = await p.$$eval(`.compare-histogram rect.cmp-bar[data-run="${run.name}"]`, (rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
      assert.deepEqual(counts, expectedBins(run.selectivity!.layers[0].si, 20));
    }
    // NaN network SI of epochs without analysis stays a gap, not 0: pick network SI and count points.
    await p.evaluate(() => {
      const s = document.querySelector('#compare-metric');
      s.value = 'networkSI';
      s.dispatchEvent(new Event('change'));
    });
    await frame(p);
    const finite = message.runs.map((r) => r.metrics.filter((m) => Number.isFinite(m.networkSI)).length);
    const drawn = await p.$$eval('.compare-curve-card path.series', (ps) => ps.map((e) => (e.getAttribute('d')?.match(/[ML]/g) ?? []).length));
    assert.deepEqual(drawn, finite);
    await assertClean(p);
    await p.close();
  });

  it('many runs (a sweep) draw as step outlines; light theme', async () => {
    const many: HostToCompare = {
      type: 'compare',
      runs: Array.from({ length: 8 }, (_, i) => ({
        ...message.runs[i % 3],
        runId: `r${i}`,
        name: `run ${i}`,
      })),
    };
    const p = await openCompare(web.browser, web.url, 'vscode-light');
    await send(p, encodeForPage(many));
    await frame(p);
    assert.equal(await p.$$eval('.compare-histogram path.cmp-step', (ps) => ps.length), 8);
    assert.equal(await p.$$eval('.compare-histogram rect.cmp-bar', (rs) => rs.length), 0);
    assert.equal(await p.$$eval('.compare-curve-card path.series', (ps) => ps.length), 8);
    assert.equal(await p.$$eval('.compare-table tbody tr', (trs) => trs.length), 8);
    await screenshot(p, 'compare-8-runs-light.png');
    await assertClean(p);
    await p.close();
  });
});
