/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser and fixtures are untyped JSON */
// Issue 13's details as drawn in Chromium: what the panel and the side bar show before the first epoch, with
// same-named runs, with arrays the host sends only on request, at 200 classes and with a 49-layer network.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { frame, loadFixture, miniPanels, openApp, send, sendEvents, typed, useBrowser } from './harness';

declare const document: any;

const FIXTURE = 'mnist-small-cnn-synthetic.json';

const web = useBrowser();

function fixture(): any[] {
  const events = loadFixture(FIXTURE);
  // A schedule that starts at -1: the header must say so before the first epoch ends.
  events[1].config.selectivity.alpha = '-1*2 0*1';
  return events;
}

const selectivityOf = (events: any[], epoch: number) => events.find((e) => e.type === 'selectivity' && e.epoch === epoch);
const posted = (page: Page): Promise<any[]> => page.evaluate(() => (globalThis as any).__posted);

async function pickLayer(page: Page, layer: string): Promise<void> {
  await page.evaluate((name) => {
    const select = document.querySelector('.run-tab .layer-select');
    select.value = name;
    select.dispatchEvent(new (globalThis as any).Event('change'));
  }, layer);
  await frame(page);
}

/** One unit's slice of a layer's class histograms, as the host answers requestUnitHistograms. */
function unitHistograms(h: any, unit: number): unknown {
  const { bins: B, classes: C } = h;
  return {
    layer: h.layer,
    units: 1,
    classes: C,
    bins: B,
    firstUnit: unit,
    edges: { $typed: 'Float32Array', data: typed(h.edges).slice(unit * (B + 1), (unit + 1) * (B + 1)) },
    counts: { $typed: 'Uint32Array', data: typed(h.counts).slice(unit * C * B, (unit + 1) * C * B) },
  };
}

/** How many pixels each training-curve canvas (the lines over the SVG axes) has painted. */
async function paintedPixels(page: Page): Promise<number[]> {
  return page.$$eval('.curves canvas.plot', (canvases) =>
    canvases.map((c) => {
      const canvas = c as any;
      const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    }),
  );
}

/** Boxes of two elements overlap. */
async function overlap(page: Page, a: string, b: string): Promise<boolean> {
  return page.evaluate(
    ([sa, sb]) => {
      const ra = document.querySelector(sa).getBoundingClientRect();
      const rb = document.querySelector(sb).getBoundingClientRect();
      return ra.left < rb.right && rb.left < ra.right && ra.top < rb.bottom && rb.top < ra.bottom;
    },
    [a, b] as [string, string],
  );
}

describe('before the first epoch', () => {
  it('the Live view has no run header without a run (detail 1)', async () => {
    const page = await openApp(web.browser, web.url, { surface: 'sidebar', width: 320, height: 600 });
    await send(page, { type: 'snapshot', surface: 'sidebar', runs: [] });
    assert.equal(await page.isVisible('text=No runs yet'), true);
    assert.equal(await page.isHidden('.run-header'), true);
    assert.equal(await page.isHidden('.state-badge'), true);
    assert.equal(await page.isHidden('vscode-progress-bar'), true);
    await page.close();
  });

  it("alpha reads the config's first alpha and the charts wait without made-up axes (details 2, 3, 9)", async () => {
    const events = fixture();
    for (const surface of ['panel', 'sidebar'] as const) {
      const page = await openApp(web.browser, web.url, { surface, width: 1200, height: 900 });
      await send(page, { type: 'snapshot', surface, runs: [] });
      await sendEvents(page, events.slice(0, 3));
      assert.equal(await page.textContent('[data-fact="alpha"] dd'), '-1', `${surface}: alpha before epoch 1`);
      if (surface === 'panel') {
        assert.deepEqual(
          await page.$$eval('.curves text.waiting', (t) => t.map((x) => x.textContent)),
          ['Waiting for the first epoch…', 'Waiting for the first epoch…', 'Waiting for the first epoch…'],
        );
        assert.equal(await page.$$eval('.curves .axis', (a) => a.length), 0, 'no axes before there is data');
        assert.deepEqual(await paintedPixels(page), [0, 0, 0], 'no lines before there is data');
        await sendEvents(page, events.slice(3, 6));
        assert.equal(await page.$$eval('.curves text.waiting', (t) => t.length), 0);
        assert.deepEqual(await page.$$eval('.curves text.x-title', (t) => t.map((x) => x.textContent)), ['epoch', 'epoch', 'epoch']);
        assert.ok((await paintedPixels(page)).every((n) => n > 0), 'the first points are drawn on the canvases');
      }
      await page.close();
    }
  });
});

describe('the Live view (detail 11)', () => {
  it('keeps the SVG/PNG buttons off the Layer label', async () => {
    const page = await openApp(web.browser, web.url, { surface: 'sidebar', width: 320, height: 720 });
    await send(page, { type: 'snapshot', surface: 'sidebar', runs: [] });
    await sendEvents(page, fixture());
    await page.hover('.sidebar-hist');
    await page.waitForSelector('.sidebar-hist .export-bar');
    assert.equal(await overlap(page, '.sidebar-hist .export-bar', '.sidebar-hist .control label'), false);
    assert.equal(await overlap(page, '.sidebar-hist .export-bar', '.sidebar-hist .layer-select'), false);
    await page.close();
  });
});

describe('two runs of one config (detail 4)', () => {
  it('the run picker tells them apart by start time and alpha', async () => {
    const events = fixture();
    const a = events[1];
    const b = { ...a, runId: 'second-run', meta: { ...a.meta, runId: 'second-run', startedAt: '2025-01-02T10:30:00.000Z' } };
    const page = await openApp(web.browser, web.url, { surface: 'panel' });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, [a, b]);
    const options = await page.$$eval('.run-select vscode-option', (o) => o.map((x) => x.textContent));
    assert.equal(options.length, 2);
    assert.notEqual(options[0], options[1]);
    assert.match(options[0] ?? '', /started 2025-01-02 10:30:00 · α -1/);
    assert.match(options[1] ?? '', /started 2025-01-01 00:00:00 · α -1/);
    await page.close();
  });
});

describe('the panel on a finished run', () => {
  let page: Page;
  const events = fixture();

  before(async () => {
    page = await openApp(web.browser, web.url, { surface: 'panel', width: 1280, height: 1000 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, events);
    await pickLayer(page, 'fc1');
  });
  after(() => page.close());

  it('titles the count axis and labels the bin chips (details 9, 10)', async () => {
    assert.equal(await page.textContent('.hist-card text.y-label'), 'units');
    await page.click('.hist-card rect.bar[data-count]:not([data-count="0"])');
    await frame(page);
    const chip = await page.$eval('.bin-units .chip', (c) => ({
      unit: c.getAttribute('data-unit'),
      si: c.querySelector('.chip-si').textContent,
      cls: c.querySelector('.chip-class').textContent,
    }));
    const fc1 = selectivityOf(events, 3).layers[2];
    const unit = Number(chip.unit);
    assert.equal(chip.si, `SI ${typed(fc1.si)[unit].toFixed(3)}`);
    assert.equal(chip.cls, `prefers ${events[1].meta.classNames[typed(fc1.preferred)[unit]]}`);
  });

  it('keeps the heatmap tooltip on its unit when new data arrives (detail 7)', async () => {
    const last = selectivityOf(events, 3);
    const fc1 = last.layers[2];
    const si = typed(fc1.si);
    const order = si.map((v, u) => [v, u]).sort((x, y) => y[0] - x[0] || x[1] - y[1]).map((x) => x[1]);
    await page.focus('.heat-canvas');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const unit = order[2];
    assert.match((await page.textContent('.heatmap .tooltip')) ?? '', new RegExp(`^Unit ${unit} \\(rank 3 of 32\\), SI ${si[unit].toFixed(3)}`));
    // A new analysis where that unit became the most selective.
    const next = JSON.parse(JSON.stringify(last));
    next.epoch = 4;
    next.layers[2].si.data[unit] = 0.999;
    await sendEvents(page, [next]);
    assert.equal(await page.isVisible('.heatmap .tooltip'), true);
    assert.match((await page.textContent('.heatmap .tooltip')) ?? '', new RegExp(`^Unit ${unit} \\(rank 1 of 32\\), SI 0\\.999`));
    assert.match((await page.textContent('.heatmap [aria-live]')) ?? '', new RegExp(`Unit ${unit} \\(rank 1`));
  });

  it('titles the unit bar chart and keeps "μ rest" off the bars (details 9, 11)', async () => {
    const classes = 200;
    await page.evaluate(
      ([id, c]) => {
        const h = (globalThis as any).harness;
        h.send({ type: 'event', event: h.bigLayerEvent(id, 5, 64, c) });
      },
      [events[1].runId, classes] as [string, number],
    );
    await frame(page);
    await page.click('.heat-canvas', { position: { x: 4, y: 2 } });
    await frame(page);
    // 199 bars on the canvas under the SVG, the preferred one an SVG rect on top.
    assert.equal(await page.getAttribute('.unit-bars canvas.bar-area', 'data-classes'), String(classes));
    assert.equal(await page.getAttribute('.unit-bars canvas.bar-area', 'data-bars'), String(classes - 1));
    assert.ok(
      await page.$eval('.unit-bars canvas.bar-area', (c: any) => {
        const d: Uint8ClampedArray = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) return true;
        return false;
      }),
      'the bars are painted',
    );
    // While an export reads the chart, the canvas bars are one SVG path (exported figures stay vector).
    const exported = await page.evaluate(() => {
      const host = document.querySelector('.unit-bars')!;
      host.dispatchEvent(new Event('sl-export-begin'));
      const during = { subpaths: (host.querySelector('path.bar-area')?.getAttribute('d')?.match(/M/g) ?? []).length, canvasHidden: (host.querySelector('canvas.bar-area') as any).hidden };
      host.dispatchEvent(new Event('sl-export-end'));
      return { during, after: host.querySelectorAll('path.bar-area').length };
    });
    assert.deepEqual(exported, { during: { subpaths: classes - 1, canvasHidden: true }, after: 0 });
    assert.equal(await page.$$eval('.unit-bars rect.bar.preferred', (r) => r.length), 1);
    // The μ rest line over the bars and the swatch of its key are stroked (they once matched no rule: invisible).
    assert.deepEqual(
      await page.$$eval('.unit-bars line.rest-line', (ls) => ls.map((l) => { const s = (globalThis as any).getComputedStyle(l); return s.stroke !== 'none' && parseFloat(s.strokeWidth) > 0; })),
      [true, true],
    );
    assert.equal(await page.textContent('.unit-bars text.y-title'), 'mean activation');
    assert.match((await page.textContent('.unit-bars text.x-title')) ?? '', /^class/);
    const { label, barsTop } = await page.evaluate(() => {
      const text = document.querySelector('.unit-bars .rest-key text').getBoundingClientRect();
      const tops = Array.from(document.querySelectorAll('.unit-bars .bar')).map((r: any) => r.getBoundingClientRect().top);
      return { label: { bottom: text.bottom, text: document.querySelector('.unit-bars .rest-key text').textContent }, barsTop: Math.min(...tops) };
    });
    assert.match(label.text, /^μ rest = /);
    assert.ok(label.bottom <= barsTop + 0.5, `the μ rest key (bottom ${label.bottom}) sits above the tallest bar (top ${barsTop})`);
  });
});

describe('the unit bar chart across epochs', () => {
  it('keeps its mean-activation axis while the tallest bar stays above half of it, and starts afresh for another unit', async () => {
    const events = fixture();
    const runId = events[1].runId;
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1280, height: 1000 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    const start = events.findIndex((e) => e.type === 'selectivity');
    await sendEvents(page, events.slice(0, start));
    // A 64-unit, 10-class layer whose unit 0 has these class means (its other means are below 1).
    const epoch = (n: number, tallest: number) =>
      page.evaluate(
        ([id, e, top]) => {
          const h = (globalThis as any).harness;
          const event = h.bigLayerEvent(id, e, 64, 10);
          const means = event.layers[0].classMeans;
          for (let c = 0; c < 10; c++) means[c] = c === 3 ? top : 0.1 * (c + 1) * Math.min(1, top / 2);
          event.layers[0].preferred[0] = 3;
          h.send({ type: 'event', event });
        },
        [runId, n, tallest] as [string, number, number],
      );
    const axisTop = () => page.$$eval('.unit-bars g.y-axis .tick text', (t) => Math.max(...t.map((x) => Number(x.textContent))));
    const barShare = () =>
      page.$eval('.unit-bars', (host) => {
        const bar = host.querySelector('rect.bar.preferred').getBoundingClientRect();
        const ticks = Array.from(host.querySelectorAll('g.y-axis .tick line')).map((l: any) => l.getBoundingClientRect().top);
        return bar.height / (Math.max(...ticks) - Math.min(...ticks));
      });
    await epoch(5, 3.7);
    await frame(page);
    // Unit 0 from the heatmap's keyboard list: Home is the highest SI; step down until unit 0 is open.
    await page.focus('.heat-canvas');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await frame(page);
    for (let i = 0; i < 64 && (await page.getAttribute('.unit-view', 'data-unit')) !== '0'; i++) {
      await page.click('.unit-view .step-next');
      await frame(page);
    }
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), '0');
    assert.equal(await axisTop(), 4);
    await epoch(6, 2.5);
    await frame(page);
    assert.equal(await axisTop(), 4, 'the axis stays while the tallest bar is above half of it');
    assert.ok(Math.abs((await barShare()) - 2.5 / 4) < 0.02, 'the bar is drawn against the kept axis');
    await page.click('.unit-view .step-next');
    await frame(page);
    await page.click('.unit-view .step-prev');
    await frame(page);
    assert.equal(await page.getAttribute('.unit-view', 'data-unit'), '0');
    assert.equal(await axisTop(), 2.5, 'back on the unit: its axis fits its bars again');
    await epoch(7, 1.2);
    await frame(page);
    assert.equal(await axisTop(), 1.5, 'the tallest bar fell below half: the axis shrinks');
    await epoch(8, 5);
    await frame(page);
    assert.equal(await axisTop(), 5, 'a bar above the axis: it grows');
    await page.close();
  });
});

describe('arrays the host sends on request (detail 8)', () => {
  it('asks for a layer, says it is loading, then why it is missing, then draws it', async () => {
    const events = fixture();
    const runId = events[1].runId;
    const strip = (e: any) =>
      e.type === 'selectivity'
        ? { ...e, layers: e.layers.map((l: any) => ({ ...l, classMeans: { $typed: 'Float32Array', data: [] } })) }
        : e.type === 'classResponses'
          ? { ...e, layers: [] }
          : e;
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1280, height: 1000 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, events.map(strip));
    const requests = (await posted(page)).filter((m) => m.type === 'requestLayer');
    assert.deepEqual(requests.at(-1), { type: 'requestLayer', runId, epoch: 3, layer: 'conv1' });
    assert.equal(await page.textContent('.heatmap .empty'), 'Loading the class means of epoch 3…');
    assert.equal(await page.isHidden('.heat-legend-row'), true, 'no legend for pixels that are not there');
    // The SI histogram does not wait: SI came with the event.
    assert.equal(await page.$$eval('.hist-card rect.bar', (r) => r.length), 20);

    const reason = 'The class means of conv1 at epoch 3 were dropped from memory and the run folder has none for that epoch.';
    await send(page, { type: 'layerData', runId, epoch: 3, layer: 'conv1', missing: reason });
    assert.equal(await page.textContent('.heatmap .empty'), `No class means for epoch 3: ${reason}`);
    assert.equal(await page.isHidden('.heat-legend-row'), true);

    await pickLayer(page, 'fc1');
    const full = selectivityOf(events, 3).layers[2];
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'requestLayer').at(-1), { type: 'requestLayer', runId, epoch: 3, layer: 'fc1' });
    await send(page, { type: 'layerData', runId, epoch: 3, layer: 'fc1', selectivity: full });
    assert.equal(await page.isHidden('.heatmap .empty'), true);
    assert.equal(await page.isVisible('.heat-legend-row'), true);
    assert.equal(await page.getAttribute('.heat-canvas', 'data-units'), '32');

    // A unit's histograms: asked for, then drawn from the one unit's slice.
    await page.click('.heat-canvas', { position: { x: 4, y: 2 } });
    await frame(page);
    const unit = Number(await page.getAttribute('.unit-view', 'data-unit'));
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'requestUnitHistograms').at(-1), {
      type: 'requestUnitHistograms',
      runId,
      epoch: 3,
      layer: 'fc1',
      unit,
    });
    assert.equal(await page.textContent('.multiples .hint'), 'Loading the histograms of this unit…');
    const h = events.filter((e) => e.type === 'classResponses').at(-1).layers[2];
    const B = h.bins;
    const C = h.classes;
    await send(page, { type: 'layerData', runId, epoch: 3, layer: 'fc1', unit, histograms: unitHistograms(h, unit) });
    const panels = await miniPanels(page);
    assert.equal(panels.classes.length, 10);
    const counts = typed(h.counts);
    const total = (c: number) => counts.slice((unit * C + c) * B, (unit * C + c + 1) * B).reduce((x, y) => x + y, 0);
    assert.deepEqual(
      panels.readouts.map((t) => t.split(' · ')[1]),
      panels.classes.map((c) => (total(Number(c)) > 0 ? `${total(Number(c))} samples` : 'no samples recorded')),
    );
    // Over a bar: that bin's range and its share of the class's samples.
    const c0 = Number(panels.classes[0]);
    const bin = counts.slice((unit * C + c0) * B, (unit * C + c0 + 1) * B).findIndex((n) => n > 0);
    const [left, top, width, height] = (await page.getAttribute('.mini-grid-plot', 'data-plot'))!.split(',').map(Number);
    await page.hover('.mini-grid-plot', { position: { x: left + 2 + ((bin + 0.5) * (width - 4)) / B, y: top + height - 1 } });
    const share = ((counts[(unit * C + c0) * B + bin] / total(c0)) * 100).toFixed(1);
    assert.match((await page.textContent('.mini-readout')) ?? '', new RegExp(`· activation -?[\\d.]+ to -?[\\d.]+: ${share.replace('.', '\\.')}% of samples$`));
    // Redrawn under the still pointer (by a theme change here; a new epoch redraws the same way): the readout stays.
    await page.evaluate(() => (globalThis as any).harness.setTheme('vscode-light'));
    await frame(page);
    assert.match((await page.textContent('.mini-readout')) ?? '', new RegExp(`${share.replace('.', '\\.')}% of samples$`));
    // The panel told the host which layer and unit it follows.
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'showLayer').at(-1), { type: 'showLayer', runId, layer: 'fc1', unit });
    await page.close();
  });
});

describe('a picked unit (its histograms on request)', () => {
  it('comes into view whole when its histograms arrive, and later epochs leave the page where the user put it', async () => {
    const events = fixture();
    const runId = events[1].runId;
    const cut = events.findIndex((e) => e.type === 'checkpoint' && e.epoch === 2) + 1;
    // No class histograms in the events: the panel asks for the unit's own.
    const strip = (e: any) => (e.type === 'classResponses' ? { ...e, layers: [] } : e);
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1280, height: 700 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, events.slice(0, cut).map(strip));
    await pickLayer(page, 'fc1');
    await page.click('.heat-canvas', { position: { x: 4, y: 2 } });
    await frame(page);
    const unit = Number(await page.getAttribute('.unit-view', 'data-unit'));
    const asked = (await posted(page)).filter((m) => m.type === 'requestUnitHistograms').at(-1);
    assert.equal(asked?.unit, unit);
    const h = events.filter((e) => e.type === 'classResponses' && e.epoch === asked.epoch).at(-1).layers[2];
    await send(page, { type: 'layerData', runId, epoch: asked.epoch, layer: 'fc1', unit, histograms: unitHistograms(h, unit) });
    const bottomOf = (selector: string) => page.$eval(selector, (n) => n.getBoundingClientRect().bottom - (globalThis as any).innerHeight);
    // The view grew by its histograms, below what the first scroll had brought into view. Waits until the smooth
    // scroll has come to rest (a scroll issued during it would be overtaken by its next frame).
    await page.waitForFunction(
      () => {
        const g = globalThis as any;
        const resting = g.lastScrollY === g.scrollY;
        g.lastScrollY = g.scrollY;
        return resting && document.querySelector('.multiples').getBoundingClientRect().bottom <= g.innerHeight + 0.5;
      },
      undefined,
      { timeout: 5000, polling: 100 },
    );
    assert.ok((await bottomOf('.multiples')) <= 0.5);
    // The user scrolls back up to the heatmap; the next epoch keeps the page there.
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await frame(page);
    await sendEvents(page, events.slice(cut).map(strip));
    await frame(page);
    await page.waitForTimeout(400);
    assert.equal(await page.evaluate(() => (globalThis as any).scrollY), 0);
    await page.close();
  });
});

describe('a 49-layer network (per-layer curves)', () => {
  it('draws one line per stage with the shown layer highlighted; "all layers" draws every layer', async () => {
    const events = fixture();
    const names = ['relu', ...[3, 4, 6, 3].flatMap((blocks, s) => Array.from({ length: blocks * 3 }, (_, i) => `layer${s + 1}.${Math.floor(i / 3)}.relu${(i % 3) + 1}`))];
    assert.equal(names.length, 49);
    const start = { ...events[1], meta: { ...events[1].meta, layers: names.map((name) => ({ name, units: 4, kind: 'conv' })) } };
    const epochs = [1, 2, 3].map((epoch) => ({
      ...events.find((e) => e.type === 'epoch'),
      metrics: { ...events.find((e) => e.type === 'epoch').metrics, epoch, layers: names.map((layer, i) => ({ layer, units: 4, meanSI: 0.1 + i / 100 + epoch / 50 })) },
    }));
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1280, height: 1000 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, [start, ...epochs]);
    const series = () => page.$eval('.curves .chart-card:nth-child(3) canvas.plot', (c) => ((c as any).dataset.series ?? '').split('\n').filter(Boolean).length);
    const legend = () => page.$$eval('.curves .chart-card:nth-child(3) .legend .item .label', (l) => l.map((x) => x.textContent));
    // 5 stages (stem + 4), the layer shown below (the first), network SI and train SI.
    assert.equal(await series(), 5 + 1 + 2);
    assert.deepEqual((await legend()).slice(0, 6), [
      'relu (1 layer) mean SI',
      'layer1 (9 layers) mean SI',
      'layer2 (12 layers) mean SI',
      'layer3 (18 layers) mean SI',
      'layer4 (9 layers) mean SI',
      'relu mean SI (shown below)',
    ]);
    await page.evaluate(() => {
      const s = document.querySelector('.layer-curves');
      s.value = 'all';
      s.dispatchEvent(new (globalThis as any).Event('change'));
    });
    await frame(page);
    assert.equal(await series(), 49 + 2);
    await page.evaluate(() => {
      const s = document.querySelector('.layer-curves');
      s.value = 'selected';
      s.dispatchEvent(new (globalThis as any).Event('change'));
    });
    await frame(page);
    assert.equal(await series(), 1 + 2);
    await page.close();
  });
});

describe('curves scrolled out of view', () => {
  it('catch up with the epochs that came meanwhile when they show again', async () => {
    const events = fixture();
    const cut = events.findIndex((e) => e.type === 'checkpoint' && e.epoch === 2) + 1;
    const page = await openApp(web.browser, web.url, { surface: 'panel', width: 1280, height: 300 });
    await send(page, { type: 'snapshot', surface: 'panel', runs: [] });
    await sendEvents(page, events.slice(0, cut));
    // The accuracy chart's first series ("train:<points drawn>").
    const points = () => page.$eval('.curves .chart-card:nth-child(2) canvas.plot', (c) => Number(/^train:(\d+)/.exec((c as any).dataset.series ?? '')?.[1]));
    assert.equal(await points(), 2);
    await page.evaluate(() => (globalThis as any).scrollTo(0, document.body.scrollHeight));
    await frame(page);
    await sendEvents(page, events.slice(cut));
    assert.equal(await points(), 2, 'not redrawn while out of view');
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await frame(page);
    await frame(page);
    assert.equal(await points(), 3);
    await page.close();
  });
});
