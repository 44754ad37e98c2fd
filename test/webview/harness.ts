/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser and fixtures are untyped JSON */
// Serves the built webview with test/webview/harness.html (a stand-in VS Code webview) to headless
// Chromium, and loads recorded event fixtures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'webview');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Rebuilds dist/webview.js when any webview source is newer than it. */
export function ensureBundle(): void {
  const bundle = path.join(ROOT, 'dist', 'webview.js');
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, d) => {
      const p = path.join(dir, d.name);
      return Math.max(m, d.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }, 0);
  const sources = Math.max(newest(path.join(ROOT, 'webview')), newest(path.join(ROOT, 'src', 'protocol')));
  if (sources > built) execFileSync(process.execPath, ['scripts/build-webview.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ttf': 'font/ttf',
};

/** Serves dist/ and the test files; `pages` adds generated HTML pages by path (e.g. the host's own HTML). */
export async function startServer(pages: Record<string, (baseUrl: string) => string> = {}): Promise<{ server: Server; url: string }> {
  const allowed = ['dist/', 'test/webview/', 'test/fixtures/'];
  let baseUrl = '';
  const server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    const page = pages[rel];
    if (page) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(baseUrl));
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
