// End to end in a real VS Code: the packaged VSIX installed in code-server, driven in headless Chromium.
// A user opens the Selectivity activity bar, starts a short MNIST run from the Command Palette, watches the
// sidebar's and the full panel's SI histograms change across epochs, sees the run in the Runs view, stops a
// long run, and gets a diagnostic (and no run) from a broken config.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  artifactsDir,
  launchBrowser,
  missingPrerequisite,
  openFile,
  openWorkbench,
  pickContextMenuItem,
  projectRoot,
  runCommand,
  screenshot,
  startVsCodeServer,
  waitFor,
  webviewContaining,
  webviewContent,
  type Browser,
  type Page,
  type VsCodeServer,
} from './vscodeSession';
import { slurmUnavailable, startSlurmCluster, type SlurmCluster } from '../fixtures-builders/slurmCluster';

const e2eRoot = join(projectRoot, '.cache', 'e2e');
const workspace = join(e2eRoot, 'workspace');
const runsDir = join(workspace, 'runs');

/** Small and quick on a shared CPU: a few batches per epoch, a small held-out set. */
function quickConfig(name: string, epochs: number): object {
  return {
    kind: 'run',
    name,
    model: { name: 'small-cnn' },
    data: { format: 'mnist-embedded', trainLimit: 600, testLimit: 300 },
    train: { epochs, batchSize: 50, lr: 0.05, momentum: 0.9, seed: 1, maxBatchesPerEpoch: 6 },
    selectivity: { alpha: -1 },
  };
}

function writeWorkspace(): void {
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  const write = (file: string, value: object | string) =>
    writeFileSync(join(workspace, file), typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n');
  write('e2e-quick.selectivity.json', quickConfig('e2e-quick', 3));
  write('e2e-long.selectivity.json', quickConfig('e2e-long', 500));
  // Two tiny points (alpha 0 and -1), one at a time: the accuracy-vs-selectivity scatter gains a point per run.
  write('e2e-sweep.selectivity.json', {
    kind: 'sweep',
    name: 'e2e-sweep',
    base: { ...quickConfig('e2e-sweep', 2), train: { epochs: 2, batchSize: 50, lr: 0.05, seed: 1, maxBatchesPerEpoch: 3 } },
    alphas: [0, -1],
    seeds: [1],
    parallel: 1,
  });
  // The same tiny runs on the test Slurm cluster, one task at a time: the second waits in Slurm's queue first.
  write('e2e-slurm.selectivity.json', {
    kind: 'sweep',
    name: 'e2e-slurm',
    base: { ...quickConfig('e2e-slurm', 2), train: { epochs: 2, batchSize: 50, lr: 0.05, seed: 1, maxBatchesPerEpoch: 3 } },
    alphas: [0, -1],
    seeds: [1],
    executor: { kind: 'slurm', throttle: 1, pollSeconds: 1 },
  });
  // epochs must be a positive integer: the editor and the host must both refuse this file.
  write(
    'e2e-broken.selectivity.json',
    '{\n  // epochs is wrong on purpose\n  "name": "e2e-broken",\n  "model": { "name": "small-cnn" },\n' +
      '  "data": { "format": "mnist-embedded" },\n  "train": { "epochs": "three", "batchSize": 50, "lr": 0.05 },\n' +
      '  "selectivity": { "alpha": -1 }\n}\n',
  );
}

/** Run folders (under runs/, including sweep groups one level down) whose name starts with `prefix`. */
function runFolders(prefix: string): string[] {
  if (!existsSync(runsDir)) return [];
  const found: string[] = [];
  for (const name of readdirSync(runsDir)) {
    if (name.startsWith(prefix)) found.push(join(runsDir, name));
  }
  return found.sort();
}

function summaryState(runDir: string): string | undefined {
  const file = join(runDir, 'summary.json');
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { state?: string }).state;
  } catch {
    return undefined; // being written
  }
}

interface HistogramView {
  /** Name of the run the webview shows. */
  run: string;
  /** Epoch of each SI histogram on show. */
  epochs: number[];
  bars: number;
  /** data-count of every bar, joined. */
  counts: string;
}

/** What the SI histograms of a webview show right now. */
async function histograms(page: Page, surface: 'view' | 'panel'): Promise<HistogramView> {
  const frame = webviewContent(page, surface);
  const run = ((await frame.locator('.run-name').first().textContent({ timeout: 2_000 })) ?? '').trim();
  const labels = await frame.locator('.si-histogram svg').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? ''));
  const counts = await frame
    .locator('.si-histogram rect.bar')
    .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-count') ?? '').join(','));
  const epochs = labels.map((l) => /epoch (\d+)/.exec(l)?.[1]).filter((e): e is string => e !== undefined).map(Number);
  return { run, epochs, bars: counts ? counts.split(',').length : 0, counts };
}

/**
 * Watches a webview's SI histograms of one run while it trains and returns the bar counts seen per epoch,
 * once `epochsWanted` different epochs have been on show.
 */
async function watchHistogramEpochs(page: Page, surface: 'view' | 'panel', runName: string, epochsWanted: number): Promise<Map<number, string>> {
  const seen = new Map<number, string>();
  const deadline = Date.now() + 300_000;
  let last: HistogramView | undefined;
  while (Date.now() < deadline) {
    try {
      last = await histograms(page, surface);
      if (last.run.startsWith(runName) && last.bars > 0 && last.epochs.length > 0) {
        const epoch = Math.max(...last.epochs);
        if (!seen.has(epoch)) {
          seen.set(epoch, last.counts);
          await screenshot(page, `04-${surface}-epoch-${epoch}`);
        }
        if (seen.size >= epochsWanted) return seen;
      }
    } catch {
      // webview (re)loading
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the ${surface} showed ${seen.size} epoch(s) of ${runName}'s SI histograms, wanted ${epochsWanted} (last: ${JSON.stringify(last)})`);
}

function runsViewRow(page: Page, runName: string) {
  return page
    .locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) })
    .locator('.monaco-list-row', { hasText: runName })
    .first();
}

const skipReason = missingPrerequisite();
if (skipReason && process.env.CI) throw new Error(`end-to-end prerequisites missing on CI: ${skipReason}`);

describe('Selectivity Lens in VS Code (code-server + Chromium)', { skip: skipReason, timeout: 20 * 60_000 }, () => {
  let server: VsCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;

  let cluster: SlurmCluster | undefined;

  before(async () => {
    rmSync(artifactsDir, { recursive: true, force: true });
    writeWorkspace();
    // A real single-node Slurm for the Slurm sweep; VS Code, its extension host and the sweep process inherit
    // SLURM_CONF from here. Required on CI (its .ci/run installs Slurm).
    const noSlurm = slurmUnavailable();
    if (noSlurm && process.env.CI) throw new Error(`end-to-end prerequisites missing on CI: ${noSlurm}`);
    if (!noSlurm) {
      cluster = await startSlurmCluster();
      process.env.SLURM_CONF = cluster.env.SLURM_CONF;
    }
    // No start-up editor: it would open late and take focus from the files the test opens.
    server = await startVsCodeServer(workspace, join(e2eRoot, 'vscode'), { 'workbench.startupEditor': 'none' });
    browser = await launchBrowser();
    page = await openWorkbench(browser, server.url);
  });

  after(async () => {
    if (page) await screenshot(page, '99-final');
    await browser?.close().catch(() => undefined);
    await server?.stop();
    // VS Code's own logs (extension host, our "Selectivity Lens" output channel) for whoever reads a failure.
    const logs = join(e2eRoot, 'vscode', 'user-data', 'logs');
    if (existsSync(logs)) cpSync(logs, join(artifactsDir, 'vscode-logs'), { recursive: true });
    if (server) writeFileSync(join(artifactsDir, 'code-server.log'), server.log());
    await cluster?.stop();
  });

  /** One step of the scenario; on failure it leaves a screenshot named after it next to the others. */
  const scenario = (name: string, body: () => Promise<void>): void =>
    void it(name, async () => {
      try {
        await body();
      } catch (error) {
        if (page) await screenshot(page, `failed-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
        throw error;
      }
    });

  scenario('shows the Selectivity activity bar entry with the Runs and Live views', async () => {
    const entry = page.locator('.activitybar .action-item a[aria-label^="Selectivity"], .activitybar .action-item .action-label[aria-label^="Selectivity"]').first();
    await entry.waitFor({ timeout: 60_000 });
    await entry.click();
    await page.locator('.pane-header', { hasText: /^\s*Runs/i }).first().waitFor({ timeout: 60_000 });
    await page.locator('.pane-header', { hasText: /^\s*Live/i }).first().waitFor({ timeout: 60_000 });
    await screenshot(page, '01-activity-bar');
  });

  scenario('Set Up GPU shows the WebGPU adapter Dawn sees and what the next run uses', async () => {
    await runCommand(page, 'Selectivity Lens: Set Up GPU');
    const picker = page.locator('.quick-input-widget');
    await picker.locator('.monaco-list-row', { hasText: /Next run with "auto": / }).first().waitFor({ timeout: 90_000 });
    const rows = (await picker.locator('.monaco-list-row').allTextContents()).join('\n');
    // CI has Mesa's software adapter: it is named, and "auto" passes it over.
    assert.match(rows, /WebGPU: (llvmpipe|.+\(.+\)|no adapter)/);
    if (/WebGPU: llvmpipe/.test(rows)) assert.match(rows, /Next run with "auto": wasm/);
    assert.match(rows, /Native CUDA: not installed/);
    await screenshot(page, '01b-set-up-gpu');
    await page.keyboard.press('Escape');
  });

  scenario('flags a broken config in the editor and starts nothing from it', async () => {
    await openFile(page, 'e2e-broken.selectivity.json');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 90_000 });
    await runCommand(page, 'View: Focus Problems');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /epochs/i }).first();
    await problem.waitFor({ timeout: 90_000 });
    await screenshot(page, '02-broken-config-problems');

    await openFile(page, 'e2e-broken.selectivity.json');
    await runCommand(page, 'Selectivity Lens: Start Run');
    const refusal = page.locator('.notification-toast, .notifications-toasts .monaco-list-row', { hasText: /epochs|invalid|error/i }).first();
    await refusal.waitFor({ timeout: 60_000 });
    await screenshot(page, '03-broken-config-refused');
    assert.deepEqual(runFolders('e2e-broken'), [], 'a broken config must not create a run folder');
    // Give the editors the height again for the screenshots that follow (cosmetic: never fails the step).
    await runCommand(page, 'View: Hide Panel').catch(() => page.keyboard.press('Escape'));
  });

  scenario('starts a run from the Command Palette and draws live SI histograms that change across epochs', async () => {
    await openFile(page, 'e2e-quick.selectivity.json');
    await runCommand(page, 'Selectivity Lens: Start Run');

    // The run trains 3 epochs, each analysed: the sidebar must show at least two of them as they come.
    const seen = await watchHistogramEpochs(page, 'view', 'e2e-quick', 2);
    await runsViewRow(page, 'e2e-quick').waitFor({ timeout: 60_000 });
    const [firstCounts, ...laterCounts] = [...seen.values()];
    assert.ok(
      laterCounts.some((counts) => counts !== firstCounts),
      `the histogram bars should change between epochs (saw ${JSON.stringify(Object.fromEntries(seen))})`,
    );

    const [runDir] = runFolders('e2e-quick');
    assert.ok(runDir, 'the run folder exists under runs/');
    await waitFor('the quick run to complete', async () => summaryState(runDir), (s) => s === 'completed', 300_000);
    const row = runsViewRow(page, 'e2e-quick');
    await waitFor('the Runs view to show the finished run', async () => (await row.textContent()) ?? '', (t) => /3\s*\/\s*3|acc/i.test(t), 60_000);
  });

  scenario('opens the full panel with the SI histograms of the run', async () => {
    // A click that lands while the tree re-renders its rows is lost; the user would click again, so does the test.
    let clickedAt = 0;
    const panel = await waitFor(
      'the panel SI histograms of e2e-quick',
      async () => {
        if (Date.now() - clickedAt > 15_000) {
          clickedAt = Date.now();
          await runsViewRow(page, 'e2e-quick').click();
        }
        return histograms(page, 'panel');
      },
      (h) => h.run.startsWith('e2e-quick') && h.bars > 0 && h.epochs.length > 0,
      120_000,
    );
    assert.ok(Math.max(...panel.epochs) >= 2, `the panel shows the last epoch (saw ${panel.epochs.join(',')})`);
    await screenshot(page, '06-panel');
    // Open the most selective unit from the heatmap with the keyboard: its class-response view appears.
    const frame = webviewContent(page, 'panel');
    // VS Code's webview lets the heatmap build its image in a Worker (blob: URL under the CSP's worker-src).
    assert.equal(await frame.locator('.heatmap').first().getAttribute('data-built-in'), 'worker');
    await frame.locator('.heat-canvas').first().focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    const unitView = frame.locator('.unit-view[data-unit]');
    await unitView.waitFor({ timeout: 30_000 });
    assert.match((await frame.locator('#unit-si').textContent()) ?? '', /^\d\.\d{3}$/);
    assert.equal(await frame.locator('.unit-bars rect.bar').count(), 10, 'one class-mean bar per MNIST class');
    await unitView.scrollIntoViewIfNeeded();
    await screenshot(page, '06b-panel-unit');
  });

  scenario("runs an ablation from the run's context menu and the panel draws its curves per layer", async () => {
    const [runDir] = runFolders('e2e-quick');
    await pickContextMenuItem(page, runsViewRow(page, 'e2e-quick'), 'Run Ablation');
    const frame = webviewContent(page, 'panel');
    const cards = frame.locator('.ablation-card[data-layer]');
    await waitFor('an ablation chart in the panel', () => cards.count(), (n) => n >= 1, 300_000);
    await waitFor('the ablation result in the run folder', async () => existsSync(join(runDir, 'analyses', 'ablation.json')), (ok) => ok, 300_000);
    const layers = await waitFor('every unit layer ablated', () => cards.count(), (n) => n >= 2, 60_000);
    assert.ok(layers >= 2, `one chart per unit layer of the small CNN (saw ${layers})`);
    assert.match((await frame.locator('.ablation-drop').first().textContent()) ?? '', /most selective first (loses|gains) .* random (loses|gains) /);
    await cards.first().scrollIntoViewIfNeeded();
    await screenshot(page, '06c-panel-ablation');
  });

  scenario('stops a running run', async () => {
    await openFile(page, 'e2e-long.selectivity.json');
    await runCommand(page, 'Selectivity Lens: Start Run');
    await runsViewRow(page, 'e2e-long').waitFor({ timeout: 120_000 });
    const runDir = await waitFor('the long run folder', async () => runFolders('e2e-long')[0], (d) => d !== undefined, 120_000);
    // Stop once it is really training (an epoch has been written), then the engine checkpoints and ends the run.
    await waitFor('the long run to finish an epoch', async () => existsSync(join(runDir, 'metrics.jsonl')), (ok) => ok, 300_000);
    await screenshot(page, '07-long-run-running');
    await runCommand(page, 'Selectivity Lens: Stop Run');
    await waitFor('the long run to stop', async () => summaryState(runDir), (s) => s === 'stopped', 120_000);
    await screenshot(page, '08-long-run-stopped');
  });

  scenario('starts a tiny sweep from its CodeLens and the accuracy-vs-selectivity scatter gains points', async () => {
    await openFile(page, 'e2e-sweep.selectivity.json');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Start Sweep' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    await runCommand(page, 'Selectivity Lens: Open Panel');
    const panel = webviewContent(page, 'panel');
    const sweepTab = panel.locator('vscode-tab-header[data-tab="sweep"]');
    await sweepTab.waitFor({ timeout: 60_000 });
    await sweepTab.click();
    // Count in the accuracy-vs-selectivity figure only: the other figures plot the same runs again.
    const points = panel.locator('svg.sl-sweep-chart[data-figure^="accuracy-vs-si"] circle.sl-sweep-run-point');
    await waitFor('a first point in the scatter', () => points.count(), (n) => n >= 1, 300_000);
    await screenshot(page, '09-sweep-first-point');
    await waitFor('a second point in the scatter', () => points.count(), (n) => n >= 2, 300_000);
    await screenshot(page, '10-sweep-two-points');
  });

  scenario('compares two runs picked in the Runs view', async () => {
    await runsViewRow(page, 'e2e-quick').click();
    await runsViewRow(page, 'e2e-long').click({ modifiers: ['Control'] });
    await runCommand(page, 'Selectivity Lens: Compare Runs');
    await page.locator('.tabs-container .tab', { hasText: 'Compare 2 runs' }).first().waitFor({ timeout: 60_000 });
    const rows = await waitFor(
      'two runs in the comparison table',
      async () => {
        const frame = await webviewContaining(page, '.compare-table');
        return frame ? frame.locator('.compare-table tbody tr[data-run-id]').count() : 0;
      },
      (n) => n === 2,
      120_000,
    );
    assert.equal(rows, 2);
    await screenshot(page, '11-compare');
  });

  scenario('trains each sweep point with its own alpha (the regularizer reaches training)', async () => {
    const sweepDir = join(runsDir, 'e2e-sweep');
    const lastEpoch = (point: string) => {
      const lines = readFileSync(join(sweepDir, point, 'metrics.jsonl'), 'utf8').trim().split('\n');
      return JSON.parse(lines[lines.length - 1]) as { alpha: number; trainSI: number; trainCE: number; networkSI: number };
    };
    const points = readdirSync(sweepDir).filter((name) => name.startsWith('alpha='));
    const zero = lastEpoch(points.find((p) => p.startsWith('alpha=0_'))!);
    const negative = lastEpoch(points.find((p) => p.startsWith('alpha=-1_'))!);
    assert.equal(zero.alpha, 0);
    assert.equal(negative.alpha, -1);
    assert.ok(negative.trainSI > 0, `the training SI of the alpha=-1 run is measured (got ${negative.trainSI})`);
    assert.notEqual(negative.trainCE, zero.trainCE, 'alpha=-1 and alpha=0 with the same seed must train differently');
  });

  scenario('a Slurm sweep shows its jobs as Slurm sees them in the Runs view, and completes', async () => {
    if (!cluster) return; // no Slurm here (CI always has one)
    await openFile(page, 'e2e-slurm.selectivity.json');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Start Sweep' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    // The sweep's group lists its runs, the waiting one with its job's state and Slurm's reason.
    const group = runsViewRow(page, 'e2e-slurm');
    await group.waitFor({ timeout: 120_000 });
    await group.click();
    const slurmRow = page
      .locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) })
      .locator('.monaco-list-row', { hasText: /Slurm \d+_\d (PENDING|RUNNING)/ })
      .first();
    await slurmRow.waitFor({ timeout: 120_000 });
    await screenshot(page, '12-slurm-jobs');
    const sweepDir = join(runsDir, 'e2e-slurm');
    await waitFor(
      'the Slurm sweep to complete',
      async () => (existsSync(join(sweepDir, 'sweep.json')) ? (JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as { state: string }).state : undefined),
      (state) => state === 'completed',
      300_000,
    );
    assert.ok(existsSync(join(sweepDir, 'slurm', 'sweep.sbatch')), 'the batch script is in the sweep folder');
  });
});
