// The engine as a child process (what the extension and sweeps fork): hello first, typed arrays arrive as
// typed arrays, stop is graceful at a batch boundary, shutdown exits 0, a bad command is an 'error' event.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunConfig } from '../../../src/protocol/config';
import type { EngineCommand, EngineEvent } from '../../../src/protocol/events';
import { REPO_ROOT } from '../../repoRoot';

const worker = path.join(REPO_ROOT, 'out', 'src', 'engine', 'worker.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-worker-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const config: RunConfig = {
  name: 'w',
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded', trainLimit: 256, testLimit: 40, cacheDir: path.join(root, '.cache') },
  train: { epochs: 4, batchSize: 32, lr: 0.05, maxBatchesPerEpoch: 3 },
  selectivity: { alpha: -1, histogramBins: 4 },
};

function start() {
  const child = fork(worker, [], { serialization: 'advanced', env: { ...process.env, SELECTIVITY_LENS_BACKEND: 'wasm' }, stdio: 'pipe' });
  const events: EngineEvent[] = [];
  const waiters: Array<{ pred: (e: EngineEvent) => boolean; resolve: (e: EngineEvent) => void }> = [];
  child.on('message', (m) => {
    const e = m as EngineEvent;
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const next = (pred: (e: EngineEvent) => boolean) =>
    new Promise<EngineEvent>((resolve) => {
      const found = events.find(pred);
      if (found) resolve(found);
      else waiters.push({ pred, resolve });
    });
  const send = (c: EngineCommand) => child.send(c);
  // A failed assertion must not leave the worker running.
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, events, next, send, exited };
}

test('worker: hello, live events with binary arrays, graceful stop, shutdown exits 0', async () => {
  const w = start();
  const hello = (await w.next((e) => e.type === 'hello')) as Extract<EngineEvent, { type: 'hello' }>;
  assert.equal(hello.backend, 'wasm');
  assert.equal(hello.pid, w.child.pid);
  const runDir = path.join(root, 'run1');
  w.send({ v: 1, type: 'startRun', runId: 'r1', runDir, config });
  const sel = (await w.next((e) => e.type === 'selectivity')) as Extract<EngineEvent, { type: 'selectivity' }>;
  assert.ok(sel.layers[0].si instanceof Float32Array);
  assert.ok(sel.layers[0].preferred instanceof Int32Array);
  // Stop in epoch 2: ask as soon as epoch 1 is reported (progress events are time-throttled, so no particular
  // batch of epoch 2 is sure to be reported; the epoch-1 analysis and checkpoint still lie ahead of the worker).
  await w.next((e) => e.type === 'epoch' && e.metrics.epoch === 1);
  w.send({ v: 1, type: 'stop', runId: 'r1' });
  const fin = (await w.next((e) => e.type === 'runFinished')) as Extract<EngineEvent, { type: 'runFinished' }>;
  assert.equal(fin.summary.state, 'stopped');
  const ckpt = w.events.filter((e) => e.type === 'checkpoint').at(-1) as Extract<EngineEvent, { type: 'checkpoint' }>;
  // The stop lands at whichever batch boundary comes after it arrives (the run keeps training meanwhile).
  assert.match(path.basename(ckpt.path), /^epoch-0001-b00000[123]$/);
  assert.ok(!w.events.some((e) => e.type === 'epoch' && e.metrics.epoch === 2));

  // Resume in the same worker, then shut down.
  w.send({ v: 1, type: 'resumeRun', runId: 'r1', runDir });
  const fin2 = (await w.next((e) => e.type === 'runFinished' && e !== fin)) as Extract<EngineEvent, { type: 'runFinished' }>;
  assert.equal(fin2.summary.state, 'completed');
  assert.equal(fin2.summary.epochsDone, 4);
  w.send({ v: 1, type: 'shutdown' });
  assert.equal(await w.exited, 0);
});

test('worker: a failing command is an error event + failed runFinished, and the worker lives on', async () => {
  const w = start();
  await w.next((e) => e.type === 'hello');
  w.send({ v: 1, type: 'startRun', runId: 'bad', runDir: path.join(root, 'bad'), config: { ...config, model: { name: 'resnet99' } } as unknown as RunConfig });
  const err = (await w.next((e) => e.type === 'error')) as Extract<EngineEvent, { type: 'error' }>;
  assert.equal(err.code, 'CONFIG_INVALID');
  assert.match(err.message, /model\.name must be one of/);
  assert.equal(err.field, 'model.name');
  const fin = (await w.next((e) => e.type === 'runFinished')) as Extract<EngineEvent, { type: 'runFinished' }>;
  assert.equal(fin.summary.state, 'failed');
  assert.equal(w.child.connected, true);
  w.child.disconnect(); // parent gone -> the worker leaves on its own
  assert.equal(await w.exited, 0);
});

test('worker: SIGTERM (a scheduler, a plain kill) stops the run at a batch boundary with a checkpoint, then exits 0', async () => {
  const w = start();
  await w.next((e) => e.type === 'hello');
  const runDir = path.join(root, 'term');
  w.send({ v: 1, type: 'startRun', runId: 'term', runDir, config });
  await w.next((e) => e.type === 'epoch' && e.metrics.epoch === 1);
  w.child.kill('SIGTERM');
  const fin = (await w.next((e) => e.type === 'runFinished')) as Extract<EngineEvent, { type: 'runFinished' }>;
  assert.equal(fin.summary.state, 'stopped');
  assert.equal(fin.summary.epochsDone, 1);
  assert.ok(w.events.some((e) => e.type === 'checkpoint'), 'it checkpointed');
  assert.equal(await w.exited, 0);
  assert.equal(fs.existsSync(path.join(runDir, 'run.lock')), false, 'the lock is released');
  assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')).state, 'stopped');
});
