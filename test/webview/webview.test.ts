/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser and fixtures are untyped JSON */
// The webview app in headless Chromium under VS Code's CSP, driven by recorded engine events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { frame, loadFixture, miniPanels, openApp, screenshot, send, sendEvents, typed, useBrowser } from './harness';

// These run inside the page (playwright serialises the callbacks); the Node program has no DOM types.
declare const document: any;
declare const sessionStorage: any;
declare function getComputedStyle(e: unknown): any;

const FIXTURE = 'mnist-small-cnn-synthetic.json';

const web = useBrowser();


/** Bins SI like the app: bin i holds [i/n, (i+1)/n), SI = 1 in the last. */
function expectedBins(si: number[], n: number): number[] {
  const counts = new Array(n).fill(0);
  for (const v of si) counts[Math.min(n - 1, Math.max(0, Math.floor(v * n)))]++;
  return counts;
}

function lastSelectivity(events: any[]): any {
  return events.filter((e) => e.type === 'selectivity').at(-1);
}

async function assertClean(page: Page): Promise<void> {
  const csp = await page.evaluate(() => (globalThis as any).__cspViolations);
  assert.deepEqual(csp, [], 'no Content-Security-Policy violations');
  const errors = await page.evaluate(() => (globalThis as any).__errors);
  assert.deepEqual(errors, [], 'no uncaught errors');
}



describe('sidebar', () => {
  it('shows progress, sparklines and the live SI histogram; opens the panel', async () => {
    const events = loadFixture(FIXTURE);
    const page = await openApp(web.browser, web.url, { surface: 'sidebar', width: 320, height: 720 });
    await send(page, { type: 'snapshot', surface: 'sidebar', runs: [] });
    assert.equal(await page.isVisible('text=No runs yet'), true);

    // Mid-run: everything up to the second epoch's analysis.
    const cut = events.findIndex((e) => e.type === 'selectivity' && e.epoch === 2) + 1;
    await sendEvents(page, events.slice(0, cut));
    await sendEvents(page, [events.find((e) => e.type === 'progress' && e.epoch === 3)]);
    assert.equal(await page.textContent('.state-badge'), 'running');
    assert.match((await page.textContent('.progress-text')) ?? '', /Epoch 3\/3/);
    const sel = events[cut - 1];
    assert.equal(await page.textContent('[data-spark="network-si"]'), sel.networkSI.toFixed(3));

    const conv1 = sel.layers[0];
    const counts = await page.$$eval('.si-histogram rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
    assert.deepEqual(counts, expectedBins(typed(conv1.si), 20));
    await screenshot(page, 'sidebar-running-dark.png');

    // The next analysis arrives: the histogram follows it live.
    const next = events.find((e) => e.type === 'selectivity' && e.epoch === 3);
    await sendEvents(page, [next]);
    const live = await page.$$eval('.si-histogram rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
    assert.deepEqual(live, expectedBins(typed(next.layers[0].si), 20));
    assert.match((await page.getAttribute('.si-histogram svg', 'aria-label')) ?? '', /epoch 3$/);

    await page.click('.stop');
    await frame(page);
    assert.deepEqual((await page.evaluate(() => (globalThis as any).__posted)).at(-1), { type: 'stopRun', runId: events[1].runId });
    assert.equal(await page.textContent('.stop'), 'Stopping…');
    assert.equal(await page.getAttribute('.stop', 'disabled'), '');

    await page.click('.open-panel');
    const posted = await page.evaluate(() => (globalThis as any).__posted);
    assert.deepEqual(posted.at(-1), { type: 'openPanel', runId: events[1].runId });
    await assertClean(page);
    await page.close();
  });
});

describe('panel', () => {
  let page: Page;
  const events = loadFixture(FIXTURE);
  // Class names are data: they must show as text, never as markup.
  events[1].meta.classNames[7] = '<b>seven</b>';

  before(async () => {
    page = await openApp(web.browser, web.url, { surface: 'panel', width: 1280, height: 1000 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, events);
  });
  after(() => page.close());

  it('renders the header and the finished state', async () => {
    assert.equal(await page.textContent('.run-name'), events[1].meta.name);
    assert.equal(await page.textContent('.state-badge'), 'completed');
    assert.match((await page.textContent('[data-fact="model"]')) ?? '', /small-cnn/);
    assert.match((await page.textContent('[data-fact="alpha"]')) ?? '', /0\.5/);
    assert.match((await page.textContent('[data-fact="epoch"]')) ?? '', /3 \/ 3/);
  });

  it('draws the SI histogram of the selected layer from the fixture SI', async () => {
    const sel = lastSelectivity(events);
    const counts = await page.$$eval('.hist-card rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
    assert.deepEqual(counts, expectedBins(typed(sel.layers[0].si), 20));
    // Taller bars for bigger counts.
    const heights = await page.$$eval('.hist-card rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('height'))));
    const maxI = counts.indexOf(Math.max(...counts));
    assert.equal(heights.indexOf(Math.max(...heights)), maxI);
  });

  it('sorts heatmap rows by SI and colours each unit by its own max', async () => {
    await page.evaluate(() => {
      const select = document.querySelector('.run-tab .layer-select') as any;
      select.value = 'fc1';
      select.dispatchEvent(new Event('change'));
    });
    await frame(page);
    const fc1 = lastSelectivity(events).layers[2];
    const si = typed(fc1.si);
    const top = si.indexOf(Math.max(...si));
    const canvas = await page.$eval('.heat-canvas', (c) => ({ ...(c as any).dataset }));
    assert.equal(canvas.units, '32');
    assert.equal(canvas.classes, '10');
    assert.equal(Number(canvas.topUnit), top);
    // The preferred class of the top row is at the top of the ramp, i.e. the theme's foreground (#cccccc).
    const pref = typed(fc1.preferred)[top];
    const pixel = await cellPixel(page, 0, pref);
    const rampEnd = await rampTop(page);
    assertNear(pixel, rampEnd, 'the max cell has the colour at the top of the ramp');
    assert.ok(rampEnd[2] > 200 && rampEnd[0] < rampEnd[2], `dark theme: the top of the ramp is a pale blue, got ${rampEnd}`);
    await screenshot(page, 'panel-dark.png');
  });

  it('opens the class-response view of a clicked heatmap row, with class names as text', async () => {
    const fc1 = lastSelectivity(events).layers[2];
    const si = typed(fc1.si);
    const order = si.map((v, u) => [v, u]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((x) => x[1]);
    // Find a unit preferring class 7 (named '<b>seven</b>'), click its row.
    const row = order.findIndex((u) => typed(fc1.preferred)[u] === 7);
    assert.ok(row >= 0, 'fixture has a unit preferring class 7');
    const unit = order[row];
    const box = (await page.$eval('.heat-canvas', (c) => {
      const r = c.getBoundingClientRect();
      return { x: r.x, y: r.y, rowH: Number((c as any).dataset.rowHeight) };
    })) as { x: number; y: number; rowH: number };
    await page.mouse.click(box.x + 5, box.y + (row + 0.5) * box.rowH);
    await frame(page);
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), String(unit));
    assert.equal(await page.textContent('#unit-si'), si[unit].toFixed(3));
    assert.equal(await page.textContent('#unit-preferred'), '<b>seven</b>');
    assert.equal(await page.$$eval('.unit-view b, .heatmap b', (b) => b.length), 0);
    assert.equal(await page.$$eval('.unit-bars rect.bar', (r) => r.length), 10);
    assert.equal(await page.getAttribute('.unit-bars rect.bar.preferred', 'data-class'), '7');
    const panels = await miniPanels(page);
    assert.equal(panels.classes.length, 10);
    assert.equal(panels.preferred, '7');
    assert.match(panels.readouts[panels.classes.indexOf('7')], /^<b>seven<\/b> \(preferred class\) · \d+ samples · activation /);
    // What the canvas shows: the preferred class's panel, and only it, in the highlight colour (outline and bars).
    const highlighted = await page.$eval('.mini-grid-plot', (node) => {
      const c = node as any;
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = getComputedStyle(c).getPropertyValue('--sl-select').trim();
      probe.fillRect(0, 0, 1, 1);
      const want = probe.getImageData(0, 0, 1, 1).data;
      const dpr = c.width / c.getBoundingClientRect().width;
      const d = c.dataset;
      const stride = { x: Number(d.cellWidth) + Number(d.gap), y: Number(d.cellHeight) + Number(d.gap) };
      // Read through a copy: that works whichever context the canvas draws with.
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const cc = copy.getContext('2d')!;
      cc.drawImage(c, 0, 0);
      const px = cc.getImageData(0, 0, c.width, c.height).data;
      const perPanel = new Array<number>(Number(d.panels)).fill(0);
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] < 200 || Math.abs(px[i] - want[0]) + Math.abs(px[i + 1] - want[1]) + Math.abs(px[i + 2] - want[2]) > 24) continue;
        const x = ((i / 4) % c.width) / dpr;
        const y = Math.floor(i / 4 / c.width) / dpr;
        perPanel[Math.floor(y / stride.y) * Number(d.columns) + Math.floor(x / stride.x)]++;
      }
      return perPanel;
    });
    const preferredPanel = panels.classes.indexOf('7');
    assert.ok(highlighted[preferredPanel] > 200, `preferred panel drawn highlighted (${highlighted[preferredPanel]} pixels)`);
    assert.deepEqual(highlighted.filter((_, i) => i !== preferredPanel && highlighted[i] > 0), [], 'no other panel highlighted');
    const posted = await page.evaluate(() => (globalThis as any).__posted);
    assert.ok(posted.length >= 1);
    await screenshot(page, 'panel-unit-dark.png');
  });

  it('moves through units with the keyboard', async () => {
    const fc1 = lastSelectivity(events).layers[2];
    const si = typed(fc1.si);
    const order = si.map((v, u) => [v, u]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((x) => x[1]);
    await page.focus('.heat-canvas');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await frame(page);
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), String(order[2]));
    assert.match((await page.textContent('.heatmap [aria-live]')) ?? '', new RegExp(`Unit ${order[2]} \\(rank 3`));
    // Step down and up the SI ranking from the unit view.
    assert.equal(await page.textContent('.unit-rank'), `rank 3 of ${fc1.units} by SI`);
    await page.click('.step-next');
    await frame(page);
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), String(order[3]));
    await page.click('.step-prev');
    await page.click('.step-prev');
    await frame(page);
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), String(order[1]));
  });

  it('picks a histogram bar and a unit from its list', async () => {
    const bar = await page.$('.hist-card rect.bar[data-count]:not([data-count="0"])');
    await bar!.click();
    await frame(page);
    const chip = await page.$('.bin-units .chip');
    const unit = await chip!.getAttribute('data-unit');
    await chip!.click();
    await frame(page);
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), unit);
  });

  it('reaches histogram bars and their units with the keyboard', async () => {
    const fc1 = lastSelectivity(events).layers[2];
    const counts = expectedBins(typed(fc1.si), 20);
    // The last non-empty bar (the mouse test picked the first one).
    const target = counts.length - 1 - [...counts].reverse().findIndex((c) => c > 0);
    await page.focus('.hist-card rect.bar[tabindex="0"]');
    await page.keyboard.press('Home');
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-bin')), String(target));
    await page.keyboard.press('Enter');
    await frame(page);
    assert.equal(await page.getAttribute(`.hist-card rect.bar[data-bin="${target}"]`, 'aria-pressed'), 'true');
    assert.equal(await page.$$eval('.bin-units .chip', (c) => c.length), counts[target]);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('chip')), true);
    await page.keyboard.press('Enter');
    await frame(page);
    const first = await page.getAttribute('.bin-units .chip', 'data-unit');
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), first);
  });

  it('scrubs back to an earlier epoch', async () => {
    await page.$eval('.scrubber', (s) => {
      (s as any).value = '0';
      s.dispatchEvent(new Event('input'));
    });
    await frame(page);
    const first = events.find((e) => e.type === 'selectivity' && e.epoch === 1);
    const counts = await page.$$eval('.hist-card rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
    assert.deepEqual(counts, expectedBins(typed(first.layers[2].si), 20));
    assert.match((await page.textContent('.scrubber-value')) ?? '', /^1 of 3/);
  });

  it('follows the theme', async () => {
    // Still scrubbed to epoch 1.
    const fc1 = events.find((e) => e.type === 'selectivity' && e.epoch === 1).layers[2];
    const pref = typed(fc1.preferred)[Number(await page.getAttribute('.heat-canvas', 'data-top-unit'))];
    const darkBar = await page.$eval('.hist-card rect.bar', (r) => getComputedStyle(r).fill);
    await page.evaluate(() => (globalThis as any).harness.setTheme('vscode-light'));
    await frame(page);
    const lightBar = await page.$eval('.hist-card rect.bar', (r) => getComputedStyle(r).fill);
    assert.notEqual(lightBar, darkBar);
    const pixel = await cellPixel(page, 0, pref);
    const rampEnd = await rampTop(page);
    assertNear(pixel, rampEnd, 'the max cell has the colour at the top of the light ramp');
    assert.ok(rampEnd[2] < 160 && rampEnd[0] < rampEnd[2], `light theme: the top of the ramp is a deep blue, got ${rampEnd}`);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(255, 255, 255)');
    await screenshot(page, 'panel-unit-light.png');
    await page.evaluate(() => (globalThis as any).harness.setTheme('vscode-dark'));
    await frame(page);
  });

  it('persists the selection through getState/setState', async () => {
    const saved = await page.evaluate(() => JSON.parse(sessionStorage.getItem('vscodeState') ?? 'null'));
    assert.equal(saved.layer, 'fc1');
    assert.equal(typeof saved.unit, 'number');
    await page.reload();
    await page.waitForFunction(() => (globalThis as any).__posted.some((m: { type: string }) => m.type === 'ready'));
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, events);
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), String(saved.unit));
    await assertClean(page);
  });

  it('draws a 2,048 x 200 layer on canvas quickly', async () => {
    const runId = events[1].runId;
    await page.$eval('.scrubber', (s) => {
      (s as any).value = (s as any).max;
      s.dispatchEvent(new Event('input'));
    });
    await frame(page);
    const t = await page.evaluate(async (id) => {
      const h = (globalThis as any).harness;
      const event = h.bigLayerEvent(id, 4, 2048, 200);
      const t0 = performance.now();
      h.send({ type: 'event', event });
      await h.frame();
      return { total: performance.now() - t0, build: Number(document.querySelector('.heatmap')!.getAttribute('data-build-ms')) };
    }, runId);
    const canvas = await page.$eval('.heat-canvas', (c) => ({ ...(c as any).dataset }));
    assert.equal(canvas.units, '2048');
    assert.equal(canvas.classes, '200');
    assert.equal(await page.$$eval('.heatmap rect', (r) => r.length), 0, 'no SVG cells');
    assert.match((await page.textContent('.legend-text')) ?? '', /each pixel averages 4\.9 units/);
    console.log(`2048x200 heatmap: build ${t.build.toFixed(1)} ms, event-to-frame ${t.total.toFixed(1)} ms`);
    assert.ok(t.build < 400, `build took ${t.build} ms`);
    assert.ok(t.total < 1500, `render took ${t.total} ms`);
    await screenshot(page, 'panel-big-layer-dark.png');
    await assertClean(page);
  });
});

async function rampTop(page: Page): Promise<number[]> {
  const hex = (await page.getAttribute('.heat-canvas', 'data-ramp-top')) ?? '';
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function assertNear(rgba: number[], rgb: number[], message: string): void {
  assert.ok(
    rgb.every((v, i) => Math.abs(rgba[i] - v) <= 2),
    `${message}: got rgb(${rgba.slice(0, 3).join(', ')}), want rgb(${rgb.join(', ')})`,
  );
}

/** RGBA of the heatmap cell at (row, class), read from the canvas. */
async function cellPixel(page: Page, row: number, cls: number): Promise<number[]> {
  return page.$eval(
    '.heat-canvas',
    (c, [r, k]) => {
      const canvas = c as any;
      const d = canvas.dataset;
      const scale = canvas.width / parseFloat(canvas.style.width);
      const x = Math.floor((Number(d.colWidth) * (k + 0.5)) * scale);
      const y = Math.floor((Number(d.rowHeight) * (r + 0.5)) * scale);
      return Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data);
    },
    [row, cls] as [number, number],
  );
}

describe('recorded run', () => {
  it('replays a real engine run (small-cnn on MNIST) event by event', async () => {
    const events = loadFixture('mnist-small-cnn-recorded.json');
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1280, height: 1000, theme: 'vscode-light' });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    // One event per frame, as they stream in.
    for (const e of events) await sendEvents(page, [e]);
    const meta = events.find((e) => e.type === 'runStarted').meta;
    assert.equal(await page.textContent('.run-name'), meta.name);
    assert.equal(await page.textContent('.state-badge'), 'completed');
    const sel = lastSelectivity(events);
    const counts = await page.$$eval('.hist-card rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
    assert.deepEqual(counts, expectedBins(typed(sel.layers[0].si), 20));
    assert.match((await page.getAttribute('.hist-card svg', 'aria-label')) ?? '', new RegExp(`epoch ${sel.epoch}$`));
    assert.equal(await page.getAttribute('.heat-canvas', 'data-units'), String(sel.layers[0].units));
    // Units whose class means are all zero are counted as silent.
    const l0 = sel.layers[0];
    const means = typed(l0.classMeans);
    let silent = 0;
    for (let u = 0; u < l0.units; u++) if (Math.max(...means.slice(u * l0.classes, (u + 1) * l0.classes)) <= 0) silent++;
    const stats = (await page.textContent('.layer-stats')) ?? '';
    assert.match(stats, new RegExp(`^${l0.units} units · mean `));
    if (silent > 0) assert.match(stats, new RegExp(`${silent} silent`));
    await page.focus('.heat-canvas');
    await page.keyboard.press('Enter');
    await frame(page);
    const si = typed(sel.layers[0].si);
    const top = si.indexOf(Math.max(...si));
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), String(top));
    assert.equal(await page.textContent('#unit-preferred'), meta.classNames[typed(sel.layers[0].preferred)[top]]);
    await screenshot(page, 'panel-recorded-light.png');
    await assertClean(page);
    await page.close();
  });

  it('shows a run switcher and follows setActiveRun', async () => {
    const a = loadFixture(FIXTURE);
    const b = loadFixture('mnist-small-cnn-recorded.json');
    const page = await openApp(web.browser, web.url, { surface: 'sidebar', width: 300, height: 700, theme: 'vscode-high-contrast' });
    await send(page, { type: 'snapshot', surface: 'sidebar', runs: [] });
    await sendEvents(page, a);
    await sendEvents(page, b);
    const bName = b.find((e) => e.type === 'runStarted').meta.name;
    assert.equal(await page.textContent('.run-name'), bName, 'follows the newly started run');
    assert.equal(await page.isVisible('.run-select-wrap'), true);
    await send(page, { type: 'setActiveRun', runId: a[1].runId });
    assert.equal(await page.textContent('.run-name'), a[1].meta.name);
    await screenshot(page, 'sidebar-high-contrast.png');
    await assertClean(page);
    await page.close();
  });
});

describe('histogram layers', () => {
  it('says when a run records no class-response histograms for a layer, and shows them where it does', async () => {
    const events = loadFixture(FIXTURE);
    const started = events.find((e) => e.type === 'runStarted');
    started.meta.histogramLayers = ['fc1'];
    for (const e of events) if (e.type === 'classResponses') e.layers = e.layers.filter((l: any) => l.layer === 'fc1');
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1280, height: 1000 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, events);
    const pickLayerAndTopUnit = async (layer: string) => {
      await page.evaluate((name) => {
        const select = document.querySelector('.run-tab .layer-select') as any;
        select.value = name;
        select.dispatchEvent(new Event('change'));
      }, layer);
      await frame(page);
      await page.focus('.heat-canvas');
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
      await frame(page);
    };
    await pickLayerAndTopUnit('conv1');
    assert.match((await page.textContent('.multiples .hint')) ?? '', /records no activation histograms for conv1 \(selectivity\.histogramLayers/);
    assert.equal(await page.isHidden('.mini-grid'), true);
    assert.equal(await page.$$eval('.unit-bars rect.bar', (r) => r.length), 10, 'class means are still drawn');
    await pickLayerAndTopUnit('fc1');
    assert.equal(await page.isVisible('.mini-grid'), true);
    assert.equal(await page.getAttribute('.mini-grid-plot', 'data-panels'), '10');
    await assertClean(page);
    await page.close();
  });
});

describe('training curves', () => {
  it('show every series value at the hovered epoch', async () => {
    const events = loadFixture(FIXTURE);
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1200, height: 900 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, events);
    const box = (await page.$eval('.curves .chart-card:nth-child(2) svg', (s) => {
      const r = s.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    })) as { x: number; y: number; w: number; h: number };
    // Epoch 2 is in the middle of the accuracy chart's x axis.
    await page.mouse.move(box.x + 42 + (box.w - 54) / 2, box.y + box.h / 2);
    const text = await page.textContent('.curves .chart-card:nth-child(2) .chart-tooltip');
    const m2 = events.find((e) => e.type === 'epoch' && e.metrics.epoch === 2).metrics;
    assert.match(text ?? '', /epoch 2/);
    assert.match(text ?? '', new RegExp(`test: ${(m2.testAcc * 100).toFixed(1)}%`));
    await screenshot(page, 'panel-curves-hover-dark.png');
    await page.close();
  });
});

describe('states', () => {
  it('shows an engine error for the run and a whole-layer colour scale', async () => {
    const events = loadFixture(FIXTURE);
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1000, height: 900 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    const cut = events.findIndex((e) => e.type === 'selectivity' && e.epoch === 1) + 1;
    await sendEvents(page, events.slice(0, cut));
    await sendEvents(page, [
      { v: 1, type: 'error', runId: events[1].runId, code: 'OUT_OF_MEMORY', message: 'Out of memory at batch 12: lower train.batchSize.' },
    ]);
    assert.equal(await page.textContent('.state-badge'), 'failed');
    assert.equal(await page.textContent('.run-error'), 'Out of memory at batch 12: lower train.batchSize.');
    assert.equal(await page.getAttribute('.run-error', 'role'), 'alert');
    assert.equal(await page.isVisible('.stop'), false);

    assert.match((await page.textContent('.legend-text')) ?? '', /own max/);
    await page.evaluate(() => {
      const select = document.querySelector('#norm-select');
      select.value = 'global';
      select.dispatchEvent(new Event('change'));
    });
    await frame(page);
    assert.match((await page.textContent('.legend-text')) ?? '', /mean activation/);
    await screenshot(page, 'panel-failed-global-scale-dark.png');
    await assertClean(page);
    await page.close();
  });
});

describe('transport', () => {
  it('accepts typed arrays that went through JSON (objects, arrays, NaN as null)', async () => {
    const events = loadFixture(FIXTURE);
    const page = await openApp(web.browser, web.url, { surface: 'sidebar', width: 320, height: 700 });
    // A snapshot whose run went through JSON.stringify: Float32Array -> {"0": .., "1": ..}.
    await page.evaluate((evs) => {
      const h = (globalThis as any).harness;
      const revived = evs.map((e: unknown) => h.revive(e));
      const runId = revived[1].runId;
      const sel = revived.filter((e: any) => e.type === 'selectivity').at(-1);
      const run = {
        runId,
        state: 'completed',
        meta: revived[1].meta,
        metrics: revived.filter((e: any) => e.type === 'epoch').map((e: any) => e.metrics),
        selectivity: [{ epoch: sel.epoch, networkSI: null, layers: sel.layers }],
      };
      const data = JSON.parse(JSON.stringify({ type: 'snapshot', surface: 'sidebar', runs: [run] }));
      (globalThis as any).dispatchEvent(new (globalThis as any).MessageEvent('message', { data }));
    }, events);
    await frame(page);
    const sel = lastSelectivity(events);
    const counts = await page.$$eval('.si-histogram rect.bar', (rs) => rs.map((r) => Number(r.getAttribute('data-count'))));
    assert.deepEqual(counts, expectedBins(typed(sel.layers[0].si), 20));
    assert.equal(await page.textContent('[data-spark="network-si"]'), '–');
    await assertClean(page);
    await page.close();
  });
});

describe('throughput', () => {
  it('folds a burst of 2,000 progress events into one frame', async () => {
    const events = loadFixture(FIXTURE);
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1200, height: 900 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    const cut = events.findIndex((e) => e.type === 'selectivity' && e.epoch === 2) + 1;
    await sendEvents(page, events.slice(0, cut));
    const ms = await page.evaluate(async (runId) => {
      const h = (globalThis as any).harness;
      const t0 = performance.now();
      for (let i = 1; i <= 2000; i++) {
        h.send({ type: 'event', event: { v: 1, type: 'progress', runId, epoch: 3, epochs: 3, batch: i, batches: 2000, imgPerSec: 900, etaSec: 1, loss: 0.5 } });
      }
      await h.frame();
      return performance.now() - t0;
    }, events[1].runId);
    assert.match((await page.textContent('.progress-text')) ?? '', /batch 2000\/2000/);
    console.log(`2,000 progress events to screen: ${ms.toFixed(0)} ms`);
    assert.ok(ms < 2000, `took ${ms} ms`);
    await page.close();
  });
  it('shows a new epoch in one frame: the heatmap image with the rest of the panel, and a progress bar that does not animate', async () => {
    const events = loadFixture(FIXTURE);
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1200, height: 900 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    const cut = events.findIndex((e) => e.type === 'selectivity' && e.epoch === 2);
    await sendEvents(page, events.slice(0, cut));
    // Which animation frame each part of the page was written in when epoch 2's selectivity arrives.
    const frames = await page.evaluate(async (next) => {
      const g = globalThis as any;
      let frame = 0;
      let raf: number;
      const tick = () => {
        frame++;
        raf = g.requestAnimationFrame(tick);
      };
      raf = g.requestAnimationFrame(tick);
      const written = new Map<string, Set<number>>();
      const observer = new g.MutationObserver((records: any[]) => {
        for (const r of records) {
          const node = r.target.nodeType === 1 ? (r.target as any) : r.target.parentElement;
          if (r.type === 'attributes' && r.attributeName === 'aria-busy') continue;
          const part = node?.closest('.heat-card') ? 'heatmap' : node?.closest('.hist-card') ? 'histogram' : node?.closest('.network-si') ? 'network SI' : undefined;
          if (part) written.set(part, (written.get(part) ?? new Set()).add(frame));
        }
      });
      observer.observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
      g.harness.sendEvents(next);
      await g.harness.frame();
      observer.disconnect();
      g.cancelAnimationFrame(raf);
      return Object.fromEntries([...written].map(([k, v]) => [k, [...v]]));
    }, [events[cut]]);
    assert.deepEqual(Object.keys(frames).sort(), ['heatmap', 'histogram', 'network SI']);
    const all = new Set(Object.values(frames).flat());
    assert.equal(all.size, 1, `every part written in the same frame: ${JSON.stringify(frames)}`);
    // The header's progress bar jumps to each new value (a width transition would paint the page for 100 ms).
    const transition = await page.$eval('.run-header vscode-progress-bar', (bar) => getComputedStyle(bar.shadowRoot!.querySelector('.indicator')!).transitionDuration);
    assert.equal(transition, '0s');
    await page.close();
  });
});
