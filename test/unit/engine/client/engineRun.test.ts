// One run job in one real engine worker (out/src/engine/worker.js): what a client sees when the worker is
// missing, and when a run is stopped before the worker is even up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineRun, engineWorkerPath } from '../../../../src/engine/client';
import type { RunConfig } from '../../../../src/protocol/config';
import type { EngineEvent } from '../../../../src/protocol/events';

const config: RunConfig = {
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded', trainLimit: 100, testLimit: 50 },
  train: { epochs: 1, batchSize: 25, lr: 0.05, maxBatchesPerEpoch: 1 },
  selectivity: { alpha: 0 },
  backend: 'wasm',
};

test('a missing worker is one error and a failed runFinished, naming the file and how to build it', async () => {
  const run = new EngineRun({ kind: 'start', runId: 'r', runDir: '/nowhere', config }, { workerPath: '/no/such/worker.js' });
  const events: EngineEvent[] = [];
  run.onEvent((e) => events.push(e));
  const outcome = await run.done;
  await run.exited;
  assert.equal(outcome.state, 'failed');
  assert.match(outcome.error ?? '', /\/no\/such\/worker\.js does not exist; build the engine first \(npm run build\)/);
  assert.deepEqual(events.map((e) => e.type), ['error', 'runFinished']);
  assert.equal(run.phase, 'finished');
  assert.equal(run.stop(), undefined, 'nothing left to stop');
});

test('stopped before the worker is up: the run ends stopped and nothing is trained or written', { skip: !existsSync(engineWorkerPath()) && 'engine worker not built', timeout: 120_000 }, async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sl-engine-run-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const runDir = path.join(root, 'run');
  const run = new EngineRun({ kind: 'start', runId: 'early', runDir, config }, { env: { SELECTIVITY_LENS_THREADS: '1' } });
  const events: EngineEvent[] = [];
  run.onEvent((e) => events.push(e));
  assert.equal(run.stop(), 'stopping');
  const outcome = await run.done;
  await run.exited;
  assert.equal(outcome.state, 'stopped');
  assert.equal(outcome.summary?.state, 'stopped', 'the engine itself says so');
  assert.equal(events.some((e) => e.type === 'runStarted'), false);
  assert.deepEqual(existsSync(runDir) ? readdirSync(runDir) : [], []);
});

test('a worker killed from outside was interrupted, not failed: stopped, counting its checkpoint, and it resumes', { skip: !existsSync(engineWorkerPath()) && 'engine worker not built', timeout: 180_000 }, async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sl-engine-run-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const runDir = path.join(root, 'killed');
  const long: RunConfig = { ...config, train: { ...config.train, epochs: 3, maxBatchesPerEpoch: 3 } };
  const run = new EngineRun({ kind: 'start', runId: 'killed', runDir, config: long }, { env: { SELECTIVITY_LENS_THREADS: '1' } });
  const events: EngineEvent[] = [];
  run.onEvent((e) => {
    events.push(e);
    // Like the OOM killer: the process vanishes without a word, right after its first checkpoint.
    if (e.type === 'checkpoint' && e.epoch === 1) process.kill(run.pid!, 'SIGKILL');
  });
  const outcome = await run.done;
  await run.exited;
  assert.equal(outcome.state, 'stopped');
  assert.match(outcome.error ?? '', /^The engine for run killed stopped unexpectedly \(signal SIGKILL\): the run was interrupted; resuming continues from checkpoints\/epoch-0001\.$/);
  const finished = events.filter((e) => e.type === 'runFinished');
  assert.equal(finished.length, 1);
  assert.equal(finished[0].type === 'runFinished' && finished[0].summary.state, 'stopped');
  assert.equal(finished[0].type === 'runFinished' && finished[0].summary.epochsDone, 1, 'what it had checkpointed');

  const resumed = new EngineRun({ kind: 'resume', runId: 'killed', runDir }, { env: { SELECTIVITY_LENS_THREADS: '1' } });
  const again = await resumed.done;
  await resumed.exited;
  assert.equal(again.state, 'completed');
  assert.equal(again.summary?.epochsDone, 3);

  // An error the engine reports stays a failure: here, resuming a folder that holds no run.
  const notRun = new EngineRun({ kind: 'resume', runId: 'none', runDir: root }, { env: { SELECTIVITY_LENS_THREADS: '1' } });
  const failed = await notRun.done;
  await notRun.exited;
  assert.equal(failed.state, 'failed');
  assert.match(failed.error ?? '', /is not a run folder/);
});
