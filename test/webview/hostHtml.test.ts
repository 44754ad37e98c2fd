/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser */
// Each surface's bundle inside the exact HTML shell and Content-Security-Policy the extension host serves
// (src/host/webviews/node/webviewHtml.ts), with only acquireVsCodeApi stood in for.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { renderWebviewHtml, surfaceAssets } from '../../src/host/webviews/node/webviewHtml';
import { loadFixture, screenshot, send, sendEvents, useBrowser } from './harness';

const web = useBrowser({
    'host/panel.html': (base) => hostPage('panel', base),
    'host/sidebar.html': (base) => hostPage('sidebar', base),
  });
const NONCE = 'hostHtmlTestNonce';

function hostPage(surface: 'panel' | 'sidebar', base: string): string {
  const assets = surfaceAssets(surface);
  const html = renderWebviewHtml({
    cspSource: base,
    scriptUri: `${base}/${assets.script}`,
    styleUri: `${base}/${assets.style}`,
    surface,
    nonce: NONCE,
  });
  // VS Code injects its theme variables and acquireVsCodeApi before the page's scripts; do the same.
  return html
    .replace('</head>', `<link rel="stylesheet" href="${base}/test/webview/harness-theme.css"></head>`)
    .replace(`<script nonce="${NONCE}"`, `<script nonce="${NONCE}" src="${base}/test/webview/harness-stub.js"></script>\n    <script nonce="${NONCE}"`);
}



for (const surface of ['sidebar', 'panel'] as const) {
  it(`runs under the host's CSP on the ${surface}`, async () => {
    const page = await web.browser.newPage({ viewport: { width: surface === 'panel' ? 1100 : 320, height: 800 } });
    await page.goto(`${web.url}/host/${surface}.html`);
    await page.waitForFunction(() => (globalThis as any).__posted?.some((m: { type: string }) => m.type === 'ready'));
    assert.equal(await page.evaluate(() => (globalThis as any).document.body.dataset.surface), surface);
    await send(page, { type: 'snapshot', surface, runs: [] });
    await sendEvents(page, loadFixture('mnist-small-cnn-synthetic.json'));
    assert.equal(await page.$$eval('.si-histogram rect.bar', (r) => r.length), 20);
    // Styles came through the <link> (not blocked): the card/header layout is applied.
    const display = await page.$eval('.title-row', (e) => (globalThis as any).getComputedStyle(e).display);
    assert.equal(display, 'flex');
    assert.deepEqual(await page.evaluate(() => (globalThis as any).__cspViolations), []);
    assert.deepEqual(await page.evaluate(() => (globalThis as any).__errors), []);
    // The CSP's worker-src lets the heatmap build its image off the main thread.
    if (surface === 'panel') assert.equal(await page.getAttribute('.heatmap', 'data-built-in'), 'worker');
    await screenshot(page, `host-html-${surface}.png`);
    await page.close();
  });
}
