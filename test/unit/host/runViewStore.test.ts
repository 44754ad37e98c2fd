import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent, EpochMetrics, RunMeta } from '../../../src/protocol/events';
import { RunViewStore, runFacts } from '../../../src/host/runViewStore';
import { formatDuration, progressText, runDescription, statusText } from '../../../src/host/runText';

const meta = { runId: 'r1', runDir: '/runs/r1', name: 'quick', model: 'small-cnn', dataset: 'MNIST', backend: 'wasm', epochs: 10, startedAt: '2024-01-01T00:00:00Z' } as RunMeta;
const metrics = (epoch: number, testAcc: number, networkSI: number): EpochMetrics =>
  ({ epoch, alpha: -1, lr: 0.1, trainCE: 1, trainReg: 0, trainSI: 0.2, trainAcc: 0.9, testLoss: 0.3, testAcc, networkSI, layers: [], imgPerSec: 500, seconds: 3 });

test('the store follows a run from start to finish and the tree text says what matters', () => {
  const store = new RunViewStore();
  const changed: string[] = [];
  store.onDidChange((id) => changed.push(id));
  store.setState('r1', 'queued');
  assert.equal(runDescription(store.get('r1')!), 'queued');
  const events: EngineEvent[] = [
    { v: 1, type: 'runStarted', runId: 'r1', meta, config: {} as never },
    { v: 1, type: 'progress', runId: 'r1', epoch: 3, epochs: 10, batch: 40, batches: 100, imgPerSec: 512.4, etaSec: 83, loss: 0.5 },
    { v: 1, type: 'epoch', runId: 'r1', metrics: metrics(3, 0.9712, 0.23149) },
  ];
  for (const e of events) store.apply(e);
  const s = store.get('r1')!;
  assert.equal(s.state, 'running');
  assert.equal(runDescription(s), 'α=-1 · ep 3/10 · acc 97.1% · SI 0.231');
  assert.equal(progressText(s), 'epoch 3/10 · batch 40/100 · 512 img/s · ETA 1:23');
  assert.equal(statusText(s), 'quick · ep 3/10 · 512 img/s · ETA 1:23');
  assert.ok(changed.length >= 4);
});

test('a synthesized summary (crash) is filled from what the run reported', () => {
  const store = new RunViewStore();
  store.apply({ v: 1, type: 'runStarted', runId: 'r1', meta, config: {} as never });
  store.apply({ v: 1, type: 'epoch', runId: 'r1', metrics: metrics(1, 0.8, 0.1) });
  store.apply({ v: 1, type: 'epoch', runId: 'r1', metrics: metrics(2, 0.85, 0.12) });
  store.apply({ v: 1, type: 'progress', runId: 'r1', epoch: 3, epochs: 10, batch: 5, batches: 100, imgPerSec: 1, etaSec: 1, loss: 1 });
  store.apply({ v: 1, type: 'error', runId: 'r1', code: 'INTERNAL', message: 'The engine stopped unexpectedly.' });
  store.apply({
    v: 1, type: 'runFinished', runId: 'r1',
    summary: { runId: 'r1', state: 'failed', epochsDone: 0, finalTestAcc: NaN, finalNetworkSI: NaN, bestTestAcc: NaN, layers: [], seconds: 0, error: 'The engine stopped unexpectedly.' },
  });
  const s = store.get('r1')!;
  assert.equal(s.state, 'failed');
  assert.equal(s.summary?.epochsDone, 2);
  assert.equal(s.summary?.finalTestAcc, 0.85);
  assert.equal(s.summary?.bestTestAcc, 0.85);
  assert.equal(runFacts(s).error, 'The engine stopped unexpectedly.');
  assert.equal(runDescription(s), 'α=-1 · ep 2/10 · acc 85.0% · SI 0.120');
});

test('events without a run and runs read from disk', () => {
  const store = new RunViewStore();
  store.apply({ v: 1, type: 'hello', backend: 'wasm', threads: 1, engineVersion: '1', pid: 1 });
  assert.equal(store.all().length, 0);
  store.putFromDisk({ runId: 'old', state: 'completed', metrics: [metrics(5, 0.99, 0.4)], selectivity: [] }, false);
  assert.equal(runDescription(store.get('old')!), 'α=-1 · ep 5 · acc 99.0% · SI 0.400');
  store.delete('old');
  assert.equal(store.has('old'), false);
});

test('durations read like a clock', () => {
  assert.equal(formatDuration(5), '0:05');
  assert.equal(formatDuration(83), '1:23');
  assert.equal(formatDuration(3725), '1:02:05');
});
