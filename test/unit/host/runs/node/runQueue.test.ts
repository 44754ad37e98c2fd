import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunQueue } from '../../../../../src/host/runs/node/runQueue';

test('runs up to the limit at once and queues the rest in order', () => {
  const started: string[] = [];
  const q = new RunQueue<string>(2, (x) => started.push(x));
  assert.equal(q.enqueue('a'), 'started');
  assert.equal(q.enqueue('b'), 'started');
  assert.equal(q.enqueue('c'), 'queued');
  assert.equal(q.enqueue('d'), 'queued');
  assert.deepEqual(started, ['a', 'b']);
  q.release('a');
  assert.deepEqual(started, ['a', 'b', 'c']);
  assert.deepEqual(q.waitingItems, ['d']);
});

test('a cancelled waiting item never starts; releasing an unknown item is harmless', () => {
  const started: string[] = [];
  const q = new RunQueue<string>(1, (x) => started.push(x));
  q.enqueue('a');
  q.enqueue('b');
  q.enqueue('c');
  assert.equal(q.cancelWaiting('b'), true);
  assert.equal(q.cancelWaiting('a'), false, 'active items are not waiting');
  q.release('zzz');
  q.release('a');
  assert.deepEqual(started, ['a', 'c']);
});

test('raising the limit starts waiting items at once; a bad limit means 1', () => {
  const started: string[] = [];
  const q = new RunQueue<string>(Number.NaN, (x) => started.push(x));
  q.enqueue('a');
  q.enqueue('b');
  q.enqueue('c');
  assert.deepEqual(started, ['a']);
  q.setLimit(3);
  assert.deepEqual(started, ['a', 'b', 'c']);
});

test('an item that finishes while starting frees its slot for the next', () => {
  const started: string[] = [];
  const q: RunQueue<string> = new RunQueue<string>(1, (x) => {
    started.push(x);
    if (x === 'fails-fast') q.release(x);
  });
  q.enqueue('fails-fast');
  q.enqueue('next');
  assert.deepEqual(started, ['fails-fast', 'next']);
  assert.deepEqual(q.activeItems, ['next']);
});
