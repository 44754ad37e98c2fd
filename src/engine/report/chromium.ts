// Headless Chromium through playwright-core, when both are on this machine: PNG screenshots of the report's
// figures. Absent either, reports are still complete (HTML, SVG, CSV, TensorBoard) without PNGs.
import { existsSync } from 'node:fs';
import type * as PlaywrightModule from 'playwright-core';

export function chromiumPath(): string | undefined {
  const candidates = [
    process.env.SELECTIVITY_LENS_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

type Playwright = typeof PlaywrightModule;

function loadPlaywright(): Playwright | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('playwright-core') as Playwright;
  } catch {
    return undefined;
  }
}

/** Opens `htmlFile` and screenshots every `figure[data-figure]` to `<dir>/<key>.png`; returns the files. */
export async function screenshotFigures(htmlFile: string, outFile: (key: string) => string): Promise<string[]> {
  const executablePath = chromiumPath();
  const pw = loadPlaywright();
  if (!executablePath || !pw) return [];
  const browser = await pw.chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2, viewport: { width: 1400, height: 1000 } });
    await page.goto('file://' + htmlFile);
    await page.waitForSelector('body[data-figures-ready="true"]', { timeout: 15_000 });
    const files: string[] = [];
    for (const fig of await page.$$('#sweep-figures figure[data-figure]')) {
      const key = await fig.getAttribute('data-figure');
      if (!key) continue;
      const file = outFile(key);
      await fig.screenshot({ path: file });
      files.push(file);
    }
    return files;
  } finally {
    await browser.close();
  }
}
