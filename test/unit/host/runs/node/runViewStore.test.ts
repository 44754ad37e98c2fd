import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent, EpochMetrics, RunMeta } from '../../../../../src/protocol/events';
import { createRunViewState } from '../../../../../src/protocol/runView';
import { RunViewStore, runFacts } from '../../../../../src/host/runs/node/runViewStore';
import { formatDuration, progressText, runDescription, sameNameSuffix, statusText } from '../../../../../src/host/runs/node/runText';

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

test('a data.download before the run starts reads as its bytes in the tree, status bar and notification; the start clears it', () => {
  const store = new RunViewStore();
  store.setState('r1', 'starting');
  const url = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
  store.apply({ v: 1, type: 'dataDownload', runId: 'r1', dataset: 'CIFAR-10', url, bytes: 45_200_000, total: 170_052_171 });
  const s = store.get('r1')!;
  assert.equal(s.state, 'starting');
  assert.equal(progressText(s), 'downloading CIFAR-10 · 45.2 / 170.1 MB (26%)');
  assert.equal(runDescription(s), 'downloading CIFAR-10 · 45.2 / 170.1 MB (26%)');
  assert.equal(statusText(s), 'r1: downloading CIFAR-10 · 45.2 / 170.1 MB (26%)');
  store.apply({ v: 1, type: 'runStarted', runId: 'r1', meta, config: {} as never });
  assert.equal(store.get('r1')!.download, undefined);
  assert.equal(runDescription(store.get('r1')!), '');
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

test("a Slurm sweep's run shows its job as the scheduler last saw it, until the run is finished", () => {
  const waiting = createRunViewState('tiny--alpha=0_seed=0');
  waiting.state = 'queued';
  assert.equal(runDescription(waiting, { jobId: '4211_3', state: 'PENDING', reason: 'Priority' }), 'queued · Slurm 4211_3 PENDING (Priority)');
  const done = { ...waiting, state: 'completed' as const };
  assert.equal(runDescription(done, { jobId: '4211_3', state: 'COMPLETED' }), '');
  assert.equal(runDescription(waiting), 'queued');
});

test('two runs of one config read apart in the Runs tree by their start time; a run with a unique name adds nothing', () => {
  const store = new RunViewStore();
  store.apply({ v: 1, type: 'runStarted', runId: 'r1', meta, config: {} as never });
  assert.equal(sameNameSuffix(store.get('r1')!, store.all()), '');
  store.apply({ v: 1, type: 'runStarted', runId: 'r2', meta: { ...meta, runId: 'r2', runDir: '/runs/r2', startedAt: '2024-01-01T00:05:09.123Z' }, config: {} as never });
  store.apply({ v: 1, type: 'runStarted', runId: 'r3', meta: { ...meta, runId: 'r3', runDir: '/runs/r3', name: 'other' }, config: {} as never });
  assert.equal(sameNameSuffix(store.get('r1')!, store.all()), 'started 2024-01-01 00:00:00');
  assert.equal(sameNameSuffix(store.get('r2')!, store.all()), 'started 2024-01-01 00:05:09');
  assert.equal(sameNameSuffix(store.get('r3')!, store.all()), '');
});
