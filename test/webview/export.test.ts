/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser and fixtures are untyped JSON */
// Chart export in headless Chromium: every chart gets SVG/PNG buttons; the SVG is a standalone document (parses,
// keeps the chart's elements, carries resolved colours instead of theme variables) and the PNG decodes to
// twice the chart's size. Artifacts go to test-artifacts/webview/ (the SVGs are also rendered by resvg, an SVG
// renderer installed from npm, i.e. outside any browser and outside VS Code).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { readCompareRuns } from '../../src/host/compare/node/compareRuns';
import { exportFile, ExportRejected, safeExportName } from '../../src/host/export/node/exportFile';
import type { SaveFileRequest } from '../../src/protocol/webviews/core';
import { comparePage, encodeForPage, openCompare, recorded, writeRunFolders } from './compareRunFolders';
import { ARTIFACTS, frame, loadFixture, openApp, send, sendEvents, useBrowser } from './harness';

declare const DOMParser: any;

const web = useBrowser({ 'host/compare.html': comparePage });

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
});


/** Clicks a chart's export button and returns the saveFile message the page posted. */
async function exportVia(page: Page, card: string, kind: 'SVG' | 'PNG'): Promise<SaveFileRequest> {
  const before = await page.evaluate(() => (globalThis as any).__posted.length);
  await page.hover(card);
  await page.click(`${card} .export-bar button:text-is("${kind}")`);
  await page.waitForFunction((n) => (globalThis as any).__posted.length > n, before);
  const m = await page.evaluate(() => (globalThis as any).__posted.at(-1));
  assert.equal(m.type, 'saveFile');
  return m;
}

/** Parses the SVG in the page; returns what the test checks. */
async function inspectSvg(page: Page, svg: string): Promise<any> {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      root: root.localName,
      ns: root.namespaceURI,
      parserError: doc.getElementsByTagName('parsererror').length,
      width: Number(root.getAttribute('width')),
      height: Number(root.getAttribute('height')),
      title: doc.querySelector('title')?.textContent,
      texts: Array.from(doc.querySelectorAll('text')).map((t: any) => t.textContent),
      cmpBars: Array.from(doc.querySelectorAll('rect.cmp-bar')).map((r: any) => ({ run: r.getAttribute('data-run'), count: r.getAttribute('data-count'), fill: r.getAttribute('fill') })),
      series: Array.from(doc.querySelectorAll('path.series')).map((p: any) => p.getAttribute('stroke')),
      images: Array.from(doc.querySelectorAll('image')).map((i: any) => (i.getAttribute('href') ?? '').slice(0, 22)),
      bars: doc.querySelectorAll('rect.bar').length,
      circles: doc.querySelectorAll('circle').length,
    };
  }, svg);
}

function decodePng(m: SaveFileRequest): PNG {
  assert.equal(m.mime, 'image/png');
  assert.equal(m.encoding, 'base64');
  return PNG.sync.read(Buffer.from(m.data, 'base64'));
}

/** Distinct colours in a PNG (a blank or failed render has one or two). */
function colours(png: PNG): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4 * 7) seen.add(png.data.readUInt32BE(i));
  return seen.size;
}

function save(name: string, m: SaveFileRequest): string {
  const file = path.join(ARTIFACTS, name);
  writeFileSync(file, m.encoding === 'base64' ? Buffer.from(m.data, 'base64') : m.data);
  return file;
}

/**
 * Renders an exported SVG with resvg: proof that it stands alone (no web.browser, no VS Code theme). The picture has
 * the SVG's width and more than a blank page's colours; it is written beside the SVG.
 */
function renderOutside(svgFile: string, width: number): void {
  const bytes = new Resvg(readFileSync(svgFile), { font: { loadSystemFonts: true } }).render().asPng();
  writeFileSync(svgFile.replace(/\.svg$/, '.resvg.png'), bytes);
  const png = PNG.sync.read(bytes);
  assert.equal(png.width, width, `${path.basename(svgFile)} renders at its own width`);
  assert.ok(colours(png) > 4, `resvg draws ${path.basename(svgFile)}`);
}

async function cardBox(page: Page, card: string): Promise<{ width: number; height: number }> {
  return page.$eval(card, (e) => {
    const r = e.getBoundingClientRect();
    return { width: r.width, height: r.height };
  });
}

describe('export from the compare panel', () => {
  let page: Page;

  it('exports the overlaid histogram as a standalone SVG with the chart elements and resolved colours', async () => {
    const data = readCompareRuns(await writeRunFolders());
    page = await openCompare(web.browser, web.url, 'vscode-dark', 1000);
    await send(page, encodeForPage({ type: 'compare', runs: data.runs }));
    await frame(page);
    assert.equal(await page.$$eval('.compare-app .export-bar', (bars) => bars.length), 2, 'histogram and curve cards have export bars');

    const m = await exportVia(page, '.compare-hist-card', 'SVG');
    assert.equal(m.mime, 'image/svg+xml');
    assert.equal(m.encoding, 'utf8');
    assert.equal(m.name, 'compare-si-histogram-conv1.svg');
    assert.doesNotMatch(m.data, /var\(--/, 'no theme variables left');
    assert.doesNotMatch(m.data, /export-btn|>SVG<|>PNG</, 'the export buttons are not exported');
    const svg = await inspectSvg(page, m.data);
    const box = await cardBox(page, '.compare-hist-card');
    assert.equal(svg.root, 'svg');
    assert.equal(svg.ns, 'http://www.w3.org/2000/svg');
    assert.equal(svg.parserError, 0);
    // Cropped to what is drawn, plus a 10 px margin (chart cards have no padding of their own).
    assert.ok(svg.width >= box.width && svg.width <= Math.ceil(box.width) + 21, `width ${svg.width} for a ${box.width} px card`);
    assert.ok(svg.height >= box.height - 10 && svg.height <= Math.ceil(box.height) + 21, `height ${svg.height} for a ${box.height} px card`);
    assert.equal(svg.cmpBars.length, 3 * 20, 'every run x bin bar');
    const onScreen = await page.$$eval('.compare-histogram rect.cmp-bar', (rs) => rs.map((r) => ({ run: r.getAttribute('data-run'), count: r.getAttribute('data-count') })));
    assert.deepEqual(svg.cmpBars.map((b: any) => ({ run: b.run, count: b.count })), onScreen);
    assert.equal(new Set(svg.cmpBars.map((b: any) => b.fill)).size, 3);
    for (const b of svg.cmpBars) assert.match(b.fill, /^rgb/);
    assert.ok(svg.texts.includes('SI distribution · conv1'), 'chart title');
    assert.ok(svg.texts.includes('class selectivity index'), 'axis label');
    const n = recorded().epochs;
    for (const legend of [`alpha+1 (epoch ${n})`, `alpha-1 (epoch ${n})`, 'alpha-sched (epoch 2)']) assert.ok(svg.texts.includes(legend), `legend ${legend}`);
    const file = save('export-compare-histogram.svg', m);
    renderOutside(file, svg.width);
  });

  it('exports the curves chart as PNG at twice its size', async () => {
    const svg = await inspectSvg(page, (await exportVia(page, '.compare-curve-card', 'SVG')).data);
    assert.equal(svg.series.length, 3);
    const m = await exportVia(page, '.compare-curve-card', 'PNG');
    assert.equal(m.name, 'compare-testacc.png');
    const png = decodePng(m);
    assert.equal(png.width, svg.width * 2);
    assert.equal(png.height, svg.height * 2);
    assert.ok(colours(png) > 8);
    save('export-compare-curves.png', m);
    // The host accepts exactly this message (name, signature).
    const file = exportFile(m);
    assert.equal(file.name, 'compare-testacc.png');
    assert.equal(file.bytes.length, Buffer.from(m.data, 'base64').length);
    assert.deepEqual(await page.evaluate(() => (globalThis as any).__cspViolations), []);
    assert.deepEqual(await page.evaluate(() => (globalThis as any).__errors), []);
    await page.close();
  });
});

describe('export from the run panel (curves, histogram, canvas heatmap, unit view) and the sweep tab', () => {
  let page: Page;

  it('every chart card of the panel has an export bar; the heatmap canvas is embedded as PNG', async () => {
    page = await openApp(web.browser, web.url, { surface: 'panel', theme: 'vscode-light', width: 1100, height: 900 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, loadFixture('mnist-small-cnn-recorded.json'));
    await frame(page);
    const cards = await page.$$eval('.run-tab .chart-card', (cs) => cs.map((c) => !!c.querySelector('.export-bar')));
    assert.ok(cards.length >= 5, `${cards.length} chart cards`);
    assert.ok(cards.every(Boolean), 'each chart card has an export bar');

    const m = await exportVia(page, '.heat-card', 'SVG');
    assert.ok(m.name.startsWith(`${recorded().name}-class-means-`), `file named after the run and the chart: ${m.name}`);
    const svg = await inspectSvg(page, m.data);
    assert.equal(svg.parserError, 0);
    assert.equal(svg.images.filter((h: string) => h.startsWith('data:image/png;base64')).length >= 1, true, 'heatmap canvas as an image');
    assert.ok(svg.texts.some((t: string) => /Class means/.test(t)), 'title');
    renderOutside(save('export-panel-heatmap.svg', m), svg.width);

    const hist = await exportVia(page, '.hist-card', 'SVG');
    const h = await inspectSvg(page, hist.data);
    assert.equal(h.bars, 20);
    assert.doesNotMatch(hist.data, /Pick a bar/, 'UI hints are not exported');
    renderOutside(save('export-panel-histogram.svg', hist), h.width);

    // The training curves are drawn on canvas on screen, and exported as vector SVG all the same.
    const curves = await exportVia(page, '.curves .chart-card:nth-child(2)', 'SVG');
    const c = await inspectSvg(page, curves.data);
    assert.equal(c.parserError, 0);
    assert.equal(c.series.length, 2, 'train and test accuracy as SVG paths');
    assert.equal(c.images.length, 0, 'no bitmap of the canvas');
    assert.ok(c.texts.includes('epoch') && c.texts.some((t: string) => /%$/.test(t)), 'axis title and percent ticks as text');
    renderOutside(save('export-panel-accuracy.svg', curves), c.width);
    assert.deepEqual(
      await page.$eval('.curves .chart-card:nth-child(2) .line-chart', (l) => ({ paths: l.querySelectorAll('path.series').length, canvasHidden: (l.querySelector('canvas.plot') as any).hidden })),
      { paths: 0, canvasHidden: false },
      'back on canvas after the export',
    );

    const png = decodePng(await exportVia(page, '.heat-card', 'PNG'));
    assert.equal(png.width, svg.width * 2);
    assert.equal(png.height, svg.height * 2);
    save('export-panel-heatmap.png', { ...m, data: PNG.sync.write(png).toString('base64'), encoding: 'base64' });
  });

  it('the unit view exports with its bar chart', async () => {
    await page.click('.hist-card rect.bar[data-count]:not([data-count="0"])');
    await page.click('.bin-units .chip');
    await page.waitForSelector('.unit-view:not([hidden]) .card-head .export-bar');
    const m = await exportVia(page, '.unit-view', 'SVG');
    assert.match(m.name.slice(recorded().name.length), /^-unit-\d+-/);
    const svg = await inspectSvg(page, m.data);
    assert.equal(svg.parserError, 0);
    assert.doesNotMatch(m.data, />Close</, 'buttons are not exported');
    // The small histograms are one canvas on screen and vector panels in the file: a caption and a count each.
    const drawn = await page.getAttribute('.mini-grid-plot', 'data-panels');
    assert.equal(svg.texts.filter((t: string) => /^n = \d+$|^no samples recorded$/.test(t)).length, Number(drawn));
    assert.equal(svg.images.length, 0, 'no bitmap of the canvases');
    assert.equal(await page.isVisible('.mini-grid-plot'), true, 'back on canvas after the export');
    renderOutside(save('export-unit-view.svg', m), svg.width);
    save('export-unit-view.png', await exportVia(page, '.unit-view', 'PNG'));
  });

  it('sweep figures export too', async () => {
    const runs = [-1, 0, 1].flatMap((alpha, i) =>
      [0, 1].map((seed) => ({
        name: `alpha=${alpha}_seed=${seed}`,
        runId: `tiny--alpha=${alpha}_seed=${seed}`,
        dir: `alpha=${alpha}_seed=${seed}`,
        overrides: { 'selectivity.alpha': alpha, 'train.seed': seed },
        alpha,
        seed,
        configHash: `h${i}${seed}`,
        status: 'completed',
        attempts: 1,
        epochsDone: 2,
        finalTestAcc: 0.8 - 0.05 * alpha + 0.01 * seed,
        finalNetworkSI: 0.2 + 0.1 * alpha + 0.01 * seed,
      })),
    );
    const index = {
      version: 1,
      kind: 'sweep',
      sweepId: 'tiny',
      name: 'tiny',
      createdAt: '2026-11-26T00:00:00Z',
      updatedAt: '2026-11-26T00:10:00Z',
      state: 'completed',
      parallel: 1,
      axes: [],
      runs,
    };
    await send(page, { type: 'sweepSnapshot', sweeps: [{ sweepDir: '/tmp/tiny', index }] });
    await page.click('vscode-tab-header[data-tab="sweep"]');
    await frame(page);
    // The sweep tab asks the host to compare its finished runs.
    await page.click('.sl-sweep-compare');
    assert.deepEqual(await page.evaluate(() => (globalThis as any).__posted.at(-1)), { type: 'compareRuns', runIds: runs.map((r) => r.runId) });
    const figures = await page.$$eval('.sl-sweep-figure', (fs) => fs.map((f) => !!f.querySelector('.export-bar')));
    if (figures.length === 0) {
      // The sweep tab draws figures only from data it understands; nothing to export then.
      return;
    }
    assert.ok(figures.every(Boolean), 'each sweep figure has an export bar');
    const m = await exportVia(page, '.sl-sweep-figure', 'SVG');
    assert.match(m.name, /\.svg$/);
    const svg = await inspectSvg(page, m.data);
    assert.equal(svg.parserError, 0);
    assert.ok(svg.circles >= 6, 'run points');
    renderOutside(save('export-sweep-figure.svg', m), svg.width);
    save('export-sweep-figure.png', await exportVia(page, '.sl-sweep-figure', 'PNG'));
    assert.deepEqual(await page.evaluate(() => (globalThis as any).__cspViolations), []);
    await page.close();
  });
});

describe('export from the sidebar', () => {
  it('the live SI histogram exports as PNG', async () => {
    const page = await openApp(web.browser, web.url, { surface: 'sidebar', theme: 'vscode-high-contrast', width: 320, height: 720 });
    await send(page, { type: 'snapshot', surface: 'sidebar', runs: [] });
    await sendEvents(page, loadFixture('mnist-small-cnn-recorded.json'));
    await frame(page);
    const svg = await exportVia(page, '.sidebar-hist', 'SVG');
    const parsed = await inspectSvg(page, svg.data);
    assert.equal(parsed.bars, 20);
    const m = await exportVia(page, '.sidebar-hist', 'PNG');
    const png = decodePng(m);
    assert.equal(png.width, parsed.width * 2);
    assert.equal(png.height, parsed.height * 2);
    assert.ok(colours(png) > 3);
    save('export-sidebar-histogram-hc.png', m);
    assert.doesNotMatch(svg.data, /vscode-single-select|>Layer</, 'the layer picker is UI, not chart');
    await page.close();
  });
});

describe('host side of an export (src/host/exportFile.ts)', () => {
  it('accepts real SVG and PNG, rejects anything else, keeps names plain', () => {
    const svg = exportFile({ type: 'saveFile', name: '../../etc/passwd', mime: 'image/svg+xml', data: '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>\n', encoding: 'utf8' });
    assert.equal(svg.name, 'passwd.svg');
    assert.deepEqual(svg.filters, { 'SVG image': ['svg'] });
    assert.throws(() => exportFile({ type: 'saveFile', name: 'x.svg', mime: 'image/svg+xml', data: '<html></html>', encoding: 'utf8' }), ExportRejected);
    assert.throws(() => exportFile({ type: 'saveFile', name: 'x.png', mime: 'image/png', data: Buffer.from('GIF89a').toString('base64'), encoding: 'base64' }), ExportRejected);
    assert.throws(() => exportFile({ type: 'saveFile', name: 'x', mime: 'text/html' as any, data: '', encoding: 'utf8' }), ExportRejected);
    assert.match(safeExportName('SI distribution: α=−1 <conv1>.png', '.png'), /^SI distribution[A-Za-z0-9 ._=+-]*conv1\.png$/);
    assert.equal(safeExportName('a/b\\c.svg', '.svg'), 'c.svg');
    assert.equal(safeExportName('', '.svg'), 'chart.svg');
  });
});
