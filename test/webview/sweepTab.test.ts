/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser */
// The webview's Sweep tab in headless Chromium under the webview CSP: live status from sweep events, figures
// with one point per completed run, and the buttons posting sweep commands to the host.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { SweepIndex, SweepRunEntry } from '../../src/protocol/sweep';
import { openApp, send, useBrowser } from './harness';

declare const document: any;

const web = useBrowser();



function entry(alpha: number, seed: number, status: SweepRunEntry['status'], acc?: number, si?: number): SweepRunEntry {
  const name = `alpha=${alpha}_seed=${seed}`;
  return {
    name, runId: `demo--${name}`, dir: name, overrides: { 'selectivity.alpha': alpha, 'train.seed': seed }, alpha, seed,
    configHash: 'x', status, attempts: status === 'queued' ? 0 : 1, finalTestAcc: acc, finalNetworkSI: si,
  };
}

test('Sweep tab: live run states, figures per completed run, stop/resume/report commands', async () => {
  const page = await openApp(web.browser, web.url, { surface: 'panel', theme: 'vscode-light' });
  const runs = [
    entry(-1, 0, 'completed', 0.95, 0.1), entry(0, 0, 'completed', 0.96, 0.3), entry(1, 0, 'running'),
    entry(-1, 1, 'completed', 0.94, 0.12), entry(0, 1, 'queued'), entry(1, 1, 'queued'),
  ];
  const index: SweepIndex = {
    version: 1, kind: 'sweep', sweepId: 'demo-1', name: 'demo', createdAt: '', updatedAt: '', state: 'running', parallel: 2,
    axes: [], runs,
  };
  await send(page, { type: 'sweepEvent', event: { v: 1, type: 'sweepStarted', sweepId: 'demo-1', sweepDir: '/s/demo', index } });
  await page.click('vscode-tab-header[data-tab="sweep"]');
  const look = () =>
    page.evaluate(() => ({
      counts: document.querySelector('.sl-sweep-counts')?.textContent,
      points: document.querySelectorAll('figure[data-figure="accuracy-vs-alpha"] circle.sl-sweep-run-point').length,
      scatter: document.querySelectorAll('figure[data-figure="accuracy-vs-si"] circle.sl-sweep-run-point').length,
      layerPoints: document.querySelectorAll('figure[data-figure="layer-si-vs-alpha"] circle.sl-sweep-layer-point').length,
      figures: document.querySelectorAll('.sl-sweep-figure svg').length,
      rows: document.querySelectorAll('table.sl-sweep-runs tbody tr').length,
      buttons: [...document.querySelectorAll('.sl-sweep-header vscode-button')].map((b: any) => b.textContent),
      csp: (globalThis as any).__cspViolations,
      errors: (globalThis as any).__errors,
    }));
  let v = await look();
  assert.equal(v.counts, '1 running · 2 queued · 3 completed');
  assert.equal(v.figures, 4);
  assert.equal(v.points, 3);
  assert.equal(v.scatter, 3);
  assert.equal(v.rows, 6);
  assert.deepEqual(v.buttons, ['Stop sweep', 'Compare runs']);

  // A run completes with its summary: one more point, per-layer SI known for it.
  const done = { ...entry(1, 0, 'completed', 0.9, 0.6), attempts: 1 };
  const summary = {
    runId: done.runId, state: 'completed', epochsDone: 2, finalTestAcc: 0.9, finalNetworkSI: 0.6, bestTestAcc: 0.9, seconds: 3,
    layers: [{ layer: 'conv1', units: 8, meanSI: 0.5 }, { layer: 'fc1', units: 8, meanSI: 0.7 }],
  };
  await send(page, { type: 'sweepEvent', event: { v: 1, type: 'sweepRunState', sweepId: 'demo-1', sweepDir: '/s/demo', run: done, runDir: '/s/demo/x', summary } });
  v = await look();
  assert.equal(v.points, 4);
  assert.equal(v.layerPoints, 2);
  assert.equal(v.counts, '2 queued · 4 completed');

  await page.click('.sl-sweep-header vscode-button');
  await send(page, {
    type: 'sweepEvent',
    event: { v: 1, type: 'sweepFinished', sweepId: 'demo-1', sweepDir: '/s/demo', state: 'stopped', counts: { queued: 2, running: 0, completed: 4, failed: 0, stopped: 0 }, seconds: 9 },
  });
  v = await look();
  assert.deepEqual(v.buttons, ['Resume sweep', 'Open report', 'Analyse runs', 'Compare runs']);
  await page.click('table.sl-sweep-runs tbody tr:nth-child(2)');
  const posted = await page.evaluate(() => (globalThis as any).__posted.filter((m: any) => m.type !== 'ready' && m.type !== 'log'));
  assert.deepEqual(
    posted.filter((m: any) => ['stopSweep', 'selectRun'].includes(m.type)),
    [{ type: 'stopSweep', sweepDir: '/s/demo' }, { type: 'selectRun', runId: 'demo--alpha=0_seed=0' }],
  );
  assert.deepEqual(v.csp, []);
  assert.deepEqual(v.errors, []);
  await page.close();
});
