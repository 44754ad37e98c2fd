/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser and fixtures are untyped JSON */
// Serves the built webview surfaces with test/webview/harness.html (a stand-in VS Code webview) to headless
// Chromium, and loads recorded event fixtures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { surfaceAssets } from '../../src/host/webviews/node/webviewHtml';

export const ROOT = path.resolve(__dirname, '../../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'webview');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What scripts/build-webview.mjs writes: one bundle (and stylesheet) per webview surface, the report page, the figures. */
export const BUNDLES = [
  ...(['panel', 'sidebar', 'compare'] as const).flatMap((surface) => Object.values(surfaceAssets(surface))),
  'dist/report.js',
  'dist/figures.js',
];

/** Rebuilds the bundles when any input of any of them (or the build script) is newer than the oldest output. */
export function ensureBundle(): void {
  const outputs = BUNDLES.map((file) => path.join(ROOT, file));
  const built = Math.min(...outputs.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, d) => {
      const p = path.join(dir, d.name);
      return Math.max(m, d.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  const inputs = Math.max(
    ...['webview', 'src/protocol', 'src/figures'].map((dir) => newest(path.join(ROOT, dir))),
    statSync(path.join(ROOT, 'scripts', 'build-webview.mjs')).mtimeMs,
  );
  if (inputs > built) execFileSync(process.execPath, ['scripts/build-webview.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ttf': 'font/ttf',
};

const HARNESS = 'test/webview/harness.html';

/** harness.html with the surface's own bundle and stylesheet (the host's surfaceAssets), as the host would load them. */
function harnessPage(surface: string | null): string {
  const assets = surfaceAssets(surface === 'sidebar' || surface === 'compare' ? surface : 'panel');
  return readFileSync(path.join(ROOT, HARNESS), 'utf8').replace('{{style}}', `/${assets.style}`).replace('{{script}}', `/${assets.script}`);
}

/** Serves dist/ and the test files; `pages` adds generated HTML pages by path (e.g. the host's own HTML). */
export async function startServer(pages: Record<string, (baseUrl: string) => string> = {}): Promise<{ server: Server; url: string }> {
  const allowed = ['dist/', 'test/webview/', 'test/fixtures/'];
  let baseUrl = '';
  const server = createServer((req, res) => {
    const requested = new URL(req.url ?? '/', 'http://x');
    const rel = decodeURIComponent(requested.pathname).replace(/^\/+/, '');
    const page = pages[rel];
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(baseUrl));
      return;
    }
    if (rel === HARNESS) {
      res.writeHead(200, { 'content-type': TYPES['.html'] }).end(harnessPage(requested.searchParams.get('surface')));
      return;
    }
    const file = path.resolve(ROOT, rel);
    if (!allowed.some((a) => rel.startsWith(a)) || !file.startsWith(ROOT + path.sep) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url: baseUrl };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

/** The page server and the one Chromium of a test file; set once its `before` hooks have run. */
export interface WebviewSession {
  readonly browser: Browser;
  readonly server: Server;
  readonly url: string;
}

/**
 * Registers the hooks every webview test file needs: the bundle built, the page server (with extra `pages`) and
 * one Chromium before its tests, both closed after them.
 */
export function useBrowser(pages: Record<string, (baseUrl: string) => string> = {}): WebviewSession {
  const session: { browser?: Browser; server?: Server; url?: string } = {};
  before(async () => {
    ensureBundle();
    Object.assign(session, await startServer(pages));
    session.browser = await launchBrowser();
  });
  after(async () => {
    await session.browser?.close();
    session.server?.close();
  });
  return session as WebviewSession;
}

export interface OpenOptions {
  surface: 'sidebar' | 'panel';
  theme?: string;
  width?: number;
  height?: number;
}

/** Opens the harness and waits until the app has posted 'ready'. */
export async function openApp(browser: Browser, baseUrl: string, o: OpenOptions): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: o.width ?? 1200, height: o.height ?? 900 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${baseUrl}/test/webview/harness.html?surface=${o.surface}&theme=${o.theme ?? 'vscode-dark'}`);
  await page.waitForFunction(() => (globalThis as any).__posted.some((m: { type: string }) => m.type === 'ready'));
  return page;
}

/** A fixture's events as stored (typed arrays encoded as {$typed, data}; the page revives them). */
export function loadFixture(name: string): any[] {
  return JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'events', name), 'utf8'));
}

/** Reads an encoded typed array back in Node. */
export function typed(v: { $typed: string; data: number[] }): number[] {
  return v.data;
}

export async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => (globalThis as any).harness.send(m), message);
  await frame(page);
}

export async function sendEvents(page: Page, events: unknown[]): Promise<void> {
  await page.evaluate((e) => (globalThis as any).harness.sendEvents(e), events);
  await frame(page);
}

export async function frame(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as any).harness.frame());
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

/**
 * The unit view's small histograms as drawn (one canvas): the classes in panel order ('other' for the pooled one),
 * the preferred class, and what hovering each panel's caption reads out.
 */
export async function miniPanels(page: Page): Promise<{ classes: string[]; preferred: string; readouts: string[] }> {
  const grid = (await page.$eval('.mini-grid-plot', (c) => {
    const d = (c as any).dataset;
    return { classes: d.classes ?? '', preferred: d.preferred ?? '', columns: Number(d.columns), w: Number(d.cellWidth), h: Number(d.cellHeight), gap: Number(d.gap) };
  })) as { classes: string; preferred: string; columns: number; w: number; h: number; gap: number };
  const classes = grid.classes === '' ? [] : grid.classes.split(',');
  const readouts: string[] = [];
  for (let i = 0; i < classes.length; i++) {
    const col = i % grid.columns;
    const row = Math.floor(i / grid.columns);
    // hover() scrolls the canvas into view and waits until it stands still (a picked unit scrolls smoothly).
    await page.hover('.mini-grid-plot', { position: { x: col * (grid.w + grid.gap) + grid.w / 2, y: row * (grid.h + grid.gap) + 8 } });
    readouts.push((await page.textContent('.mini-readout')) ?? '');
  }
  await page.mouse.move(0, 0);
  return { classes, preferred: grid.preferred, readouts };
}
