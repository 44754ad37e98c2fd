// Drives a real VS Code (code-server, started through `npm start`'s script with the packaged VSIX)
// in headless Chromium. Everything waits on real conditions in the page; nothing sleeps blindly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';

export const projectRoot = resolve(__dirname, '..', '..', '..');
export const artifactsDir = join(projectRoot, 'test-artifacts', 'e2e');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const codeServerPath = join(projectRoot, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');

/** Why the e2e suite cannot run here, or undefined when it can. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(codeServerPath)) return `code-server is not installed (run: bash scripts/install-code-server.sh)`;
  if (!existsSync(chromiumPath)) return `no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (!existsSync(join(projectRoot, 'out', 'src', 'host', 'extension.js'))) return 'the extension is not built (npm run build)';
  return undefined;
}

export interface VsCodeServer {
  url: string;
  workspace: string;
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Runs scripts/start.mjs (package VSIX, install it, serve the workspace) in its own process group so
 * that stop() ends code-server, its extension host and any engine processes together.
 */
export async function startVsCodeServer(
  workspace: string,
  dataDir: string,
  userSettings: Record<string, unknown> = {},
): Promise<VsCodeServer> {
  mkdirSync(workspace, { recursive: true });
  rmSync(dataDir, { recursive: true, force: true });
  // start.mjs keeps settings already there and adds its defaults under them.
  mkdirSync(join(dataDir, 'user-data', 'User'), { recursive: true });
  writeFileSync(join(dataDir, 'user-data', 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'scripts', 'start.mjs'), '--skip-build', '--workspace', workspace, '--data-dir', dataDir],
    { cwd: projectRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Even if the test process dies, take code-server, the extension host and engines with it.
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killGroup);
  const stop = async () => {
    await stopProcessGroup(child);
    process.removeListener('exit', killGroup);
  };
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start within 5 min:\n${output}`)), 300_000);
      const onData = () => {
        const match = /running in VS Code at (\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`start.mjs exited (${code}) before serving:\n${output}`));
      });
    });
    return { url, workspace, log: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const running = child.exitCode === null && child.signalCode === null;
  const exited = running ? new Promise<void>((done) => child.once('exit', () => done())) : Promise.resolve();
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // group already gone
    }
  };
  // Graceful first (the extension host stops its engines), then sweep whatever is left of the group.
  signalGroup('SIGTERM');
  await Promise.race([exited, delay(10_000)]);
  signalGroup('SIGKILL');
  await Promise.race([exited, delay(5_000)]);
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Opens the workbench and waits until the window is usable (trusting the workspace if asked). */
export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await page.locator('.activitybar').waitFor({ timeout: 120_000 });
  await trustWorkspaceIfAsked(page);
  return page;
}

export async function trustWorkspaceIfAsked(page: Page): Promise<void> {
  const trust = page.getByRole('button', { name: /Yes, I trust the authors/i });
  try {
    await trust.waitFor({ timeout: 10_000 });
  } catch {
    return; // not asked
  }
  await trust.click();
  await trust.waitFor({ state: 'detached', timeout: 30_000 });
}

/** Runs a command through the Command Palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  // The palette can close again as soon as it opened (focus taken by a webview or a notification settling): its
  // rows stay in the DOM, hidden. A user would open it again; so does the test, a few times.
  for (let attempt = 1; ; attempt++) {
    await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, force: true }).catch(() => undefined);
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`);
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      await row.click({ timeout: 10_000 });
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
      await page.keyboard.press('Escape').catch(() => undefined);
    }
  }
}

/** Answers an open quick pick by choosing the row containing `text`. */
export async function pickQuickPickItem(page: Page, text: string | RegExp): Promise<void> {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 60_000 });
  await row.click();
}

/** Opens a workspace file in an editor through Quick Open. */
export async function openFile(page: Page, fileName: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await page.keyboard.press('Control+P');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  await input.fill(fileName);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first();
  await row.waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[aria-label*="${fileName}"]`).first().waitFor({ timeout: 30_000 });
}

/**
 * The document inside a webview: VS Code nests it as iframe.webview.ready > iframe#active-frame.
 * `purpose` picks a view in the side bar (webviewView) or an editor panel (anything else).
 */
export function webviewContent(page: Page, purpose: 'view' | 'panel'): FrameLocator {
  const ours = 'iframe.webview.ready[src*="extensionId=selectivity-lens.selectivity-lens"]';
  const outer =
    purpose === 'view'
      ? page.locator(`${ours}[src*="purpose=webviewView"]`)
      : page.locator(`${ours}:not([src*="purpose=webviewView"])`);
  return outer.first().contentFrame().locator('iframe#active-frame').contentFrame();
}

/** The document of whichever of our webviews (panel, view, compare...) currently contains `selector`. */
export async function webviewContaining(page: Page, selector: string): Promise<FrameLocator | undefined> {
  const outers = page.locator('iframe.webview.ready[src*="extensionId=selectivity-lens.selectivity-lens"]');
  const count = await outers.count();
  for (let i = 0; i < count; i++) {
    const content = outers.nth(i).contentFrame().locator('iframe#active-frame').contentFrame();
    if ((await content.locator(selector).count().catch(() => 0)) > 0) return content;
  }
  return undefined;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) }).catch(() => undefined);
}

/**
 * Runs `label` from the context menu of `row`. A right-click that lands while a tree re-renders its rows opens no
 * menu, and a click that lands while the menu is still settling leaves it open with the item only highlighted; the
 * user would try again, so this does, until the menu has closed on the item.
 */
export async function pickContextMenuItem(page: Page, row: Locator, label: string): Promise<void> {
  const item = page.locator('.context-view .monaco-menu .action-item', { hasText: label }).first();
  await waitFor(
    `${label} in the context menu`,
    async () => {
      if (!(await item.isVisible())) await row.click({ button: 'right' });
      await item.waitFor({ timeout: 5_000 }).catch(() => undefined);
      return item.isVisible();
    },
    (shown) => shown,
    60_000,
  );
  await waitFor(
    `the context menu to run ${label}`,
    async () => {
      if (await item.isVisible()) await item.click({ timeout: 5_000 }).catch(() => undefined);
      await delay(1_000);
      return item.isVisible();
    },
    (shown) => !shown,
    30_000,
  );
}

/** Polls `probe` until it returns a value that `done` accepts, or throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch {
      // element not there yet
    }
    await delay(500);
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what} (last seen: ${JSON.stringify(last)})`);
}

export type { Browser, Locator, Page };
