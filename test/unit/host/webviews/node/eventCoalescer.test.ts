import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent, EpochMetrics } from '../../../../../src/protocol/events';
import { EventCoalescer } from '../../../../../src/host/webviews/node/eventCoalescer';

const progress = (runId: string, batch: number): EngineEvent => ({
  v: 1, type: 'progress', runId, epoch: 1, epochs: 2, batch, batches: 100, imgPerSec: 10, etaSec: 5, loss: 1,
});
const epoch = (runId: string, n: number): EngineEvent => ({ v: 1, type: 'epoch', runId, metrics: { epoch: n } as EpochMetrics });

test('keeps only the newest progress per run, keeps every epoch event, in order', async () => {
  const batches: EngineEvent[][] = [];
  const c = new EventCoalescer(20, (events) => batches.push(events));
  c.push(progress('a', 1));
  c.push(progress('b', 1));
  c.push(progress('a', 2));
  c.push(epoch('a', 1));
  c.push(progress('a', 3));
  c.push(epoch('a', 2));
  c.push({ v: 1, type: 'log', level: 'info', message: 'not for views' });
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(batches.length, 1);
  const got = batches[0].map((e) => `${e.type}:${'runId' in e ? e.runId : ''}:${e.type === 'progress' ? e.batch : e.type === 'epoch' ? e.metrics.epoch : ''}`);
  assert.deepEqual(got, ['progress:b:1', 'epoch:a:1', 'progress:a:3', 'epoch:a:2']);
});

test('keeps only the newest download progress per run', async () => {
  const batches: EngineEvent[][] = [];
  const c = new EventCoalescer(20, (events) => batches.push(events));
  const download = (runId: string, bytes: number): EngineEvent => ({ v: 1, type: 'dataDownload', runId, dataset: 'CIFAR-10', url: 'http://m/a', bytes, total: 100 });
  c.push(download('a', 10));
  c.push(download('b', 5));
  c.push(download('a', 60));
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(batches[0].map((e) => (e.type === 'dataDownload' ? `${e.runId}:${e.bytes}` : e.type)), ['b:5', 'a:60']);
});

test('delivers at most once per interval under a flood of progress', async () => {
  const batches: EngineEvent[][] = [];
  const c = new EventCoalescer(50, (events) => batches.push(events));
  const started = Date.now();
  for (let i = 0; i < 300; i++) {
    c.push(progress('a', i));
    await new Promise((r) => setTimeout(r, 1));
  }
  c.flush();
  const elapsed = Date.now() - started;
  assert.ok(batches.length <= Math.ceil(elapsed / 50) + 2, `${batches.length} deliveries in ${elapsed} ms`);
  const last = batches.at(-1)!.at(-1)!;
  assert.equal(last.type === 'progress' && last.batch, 299, 'the newest progress always arrives');
  c.dispose();
});

test('flush delivers pending events at once; dispose drops them', () => {
  const batches: EngineEvent[][] = [];
  const c = new EventCoalescer(10_000, (events) => batches.push(events));
  c.push(epoch('a', 1));
  c.flush();
  assert.equal(batches.length, 1);
  c.push(epoch('a', 2));
  c.dispose();
  c.flush();
  assert.equal(batches.length, 1);
});
