/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser */
// A run whose data.download is under way: the run header (real bundle, headless Chromium) shows the bytes as its
// progress, and the run's start replaces them with the epochs.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadFixture, openApp, send, sendEvents, useBrowser } from './harness';

declare const document: any;

const web = useBrowser();



it('the header shows a download before the run starts, then the run', async () => {
  const events = loadFixture('mnist-small-cnn-synthetic.json');
  const started = events.find((e) => e.type === 'runStarted');
  const runId = started.runId;
  const page = await openApp(web.browser, web.url, { surface: 'panel', width: 900, height: 700 });
  await send(page, { type: 'snapshot', surface: 'panel', runs: [{ runId, state: 'starting', metrics: [], selectivity: [] }] });
  const archiveUrl = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
  await sendEvents(page, [{ v: 1, type: 'dataDownload', runId, dataset: 'CIFAR-10', url: archiveUrl, bytes: 45_200_000, total: 170_052_171 }]);
  assert.equal(await page.textContent('.progress-text'), 'Downloading CIFAR-10: 45.2 / 170.1 MB');
  const value = await page.evaluate(() => document.querySelector('vscode-progress-bar')?.value);
  assert.equal(value, 26.6);
  await sendEvents(page, [started, events.find((e) => e.type === 'progress')]);
  assert.match((await page.textContent('.progress-text')) ?? '', /^Epoch 1\/\d+ · batch/);
  await page.close();
});
