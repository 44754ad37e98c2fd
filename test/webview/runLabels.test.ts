/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser */
// A renamed and tagged run (label.json, Rename Run... / Tag Run...) in headless Chromium: real run folders read
// by the host's own readers, shown by the real bundle. The panel and Live headers, the run picker and the compare
// legends and table all call it by its label with its tags.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writeRunLabel } from '../../src/engine/runStore';
import { readCompareRuns } from '../../src/host/compare/node/compareRuns';
import { readRunFolder } from '../../src/host/runs/node/runFolders';
import type { RunViewState } from '../../src/protocol/runView';
import { comparePage, encodeForPage, openCompare, VARIANTS, writeRunFolders } from './compareRunFolders';
import { frame, openApp, send, useBrowser } from './harness';

const web = useBrowser({ 'host/compare.html': comparePage });
let folders: Array<{ runId: string; dir: string }>;
let runs: RunViewState[];

before(async () => {
  folders = await writeRunFolders(VARIANTS.slice(0, 2));
  await writeRunLabel(folders[0].dir, { label: 'baseline', tags: ['paper', 'seed-1'] }, VARIANTS[0].name);
  runs = (await Promise.all(folders.map((f) => readRunFolder(f.dir, f.runId)))).map((r) => r!);
});


describe('a renamed, tagged run (issue 13, detail 4)', () => {
  it('the host reads its label.json', () => {
    assert.deepEqual(runs[0].label, { label: 'baseline', tags: ['paper', 'seed-1'] });
    assert.equal(runs[1].label, undefined);
  });

  for (const surface of ['panel', 'sidebar'] as const) {
    it(`shows its label and tags in the ${surface === 'panel' ? 'panel' : 'Live'} header and run picker`, async () => {
      const page = await openApp(web.browser, web.url, { surface, width: surface === 'panel' ? 1200 : 320 });
      await send(page, { type: 'snapshot', surface, runs, activeRunId: folders[0].runId });
      assert.equal(await page.textContent('.run-name'), 'baseline');
      assert.equal(await page.getAttribute('.run-name', 'title'), `config: ${VARIANTS[0].name}`);
      assert.equal(await page.textContent('.run-tags'), '#paper #seed-1');
      assert.equal(await page.isVisible('.run-tags'), true);
      const options = await page.$$eval('.run-select vscode-option', (o) => o.map((x: any) => x.textContent));
      assert.deepEqual(options.sort(), ['baseline · #paper #seed-1 — completed', `${VARIANTS[1].name} — completed`].sort());

      // The other run has no label: its config's name, no tags.
      await send(page, { type: 'setActiveRun', runId: folders[1].runId });
      await frame(page);
      assert.equal(await page.textContent('.run-name'), VARIANTS[1].name);
      assert.equal(await page.getAttribute('.run-name', 'title'), null);
      assert.equal(await page.isVisible('.run-tags'), false);
      await page.close();
    });
  }

  it('is called by its label and tags in the compare legends and table', async () => {
    const data = readCompareRuns(folders);
    assert.deepEqual(data.problems, []);
    assert.deepEqual(data.runs.map((r) => r.name), ['baseline · #paper #seed-1', VARIANTS[1].name]);
    const page = await openCompare(web.browser, web.url);
    await send(page, encodeForPage({ type: 'compare', runs: data.runs }));
    await frame(page);
    const curves = await page.$$eval('.compare-curve-card .legend .item', (items) => items.map((i: any) => i.textContent));
    assert.deepEqual(curves, ['baseline · #paper #seed-1', VARIANTS[1].name]);
    const hist = await page.$$eval('.compare-hist-card .legend .item', (items) => items.map((i: any) => i.textContent));
    assert.match(hist[0] ?? '', /^baseline · #paper #seed-1 \(epoch \d+\)$/);
    const table = await page.$$eval('.compare-table tbody tr button.link', (bs) => bs.map((b: any) => b.textContent));
    assert.ok(table.includes('baseline · #paper #seed-1'), table.join(', '));
    await page.close();
  });
});
