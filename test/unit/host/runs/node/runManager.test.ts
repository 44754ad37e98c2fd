// The engine client against the REAL engine worker (out/src/engine/worker.js) on the wasm/cpu backend:
// a tiny run end to end, a queue beyond the limit, graceful stop, second stop kills, a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunConfig } from '../../../../../src/protocol/config';
import type { EngineEvent } from '../../../../../src/protocol/events';
import { createRunDir } from '../../../../../src/engine/runStore';
import { RunManager } from '../../../../../src/host/runs/node/runManager';
import { RunViewStore } from '../../../../../src/host/runs/node/runViewStore';
import { findRunModel, readRunFolder } from '../../../../../src/host/runs/node/runFolders';
import { REPO_ROOT } from '../../../../repoRoot';

const workerPath = path.join(REPO_ROOT, 'out', 'src', 'engine', 'worker.js');

function tinyConfig(name: string, epochs: number, maxBatchesPerEpoch = 2): RunConfig {
  return {
    name,
    model: { name: 'small-cnn' },
    data: { format: 'mnist-embedded', trainLimit: 200, testLimit: 100 },
    train: { epochs, batchSize: 25, lr: 0.05, momentum: 0.9, seed: 1, maxBatchesPerEpoch },
    selectivity: { alpha: -1, histogramBins: 8 },
    backend: 'wasm',
  };
}

function collect(manager: RunManager) {
  const events: EngineEvent[] = [];
  const store = new RunViewStore();
  manager.onEvent((e) => {
    events.push(e);
    store.apply(e);
  });
  const finished = (runId: string) =>
    new Promise<EngineEvent & { type: 'runFinished' }>((resolve) => {
      const check = (e: EngineEvent) => {
        if (e.type === 'runFinished' && e.runId === runId) resolve(e);
      };
      events.forEach(check);
      manager.onEvent(check);
    });
  return { events, store, finished };
}

const idle = (manager: RunManager) =>
  new Promise<void>((resolve) => {
    if (manager.activeRuns().length === 0) return resolve();
    const off = manager.onDidChange(() => {
      if (manager.activeRuns().length === 0) {
        off();
        resolve();
      }
    });
  });

test('engine client', { skip: !existsSync(workerPath) && 'engine worker not built', timeout: 240_000 }, async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sl-host-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const env = () => ({ SELECTIVITY_LENS_THREADS: '1' });

  await t.test('runs a tiny config to completion with typed arrays intact, and the folder reads back', async () => {
    const manager = new RunManager({ workerPath, maxConcurrent: 1, env });
    const { events, store, finished } = collect(manager);
    const runDir = createRunDir(root, 'tiny');
    const runId = path.basename(runDir);
    assert.equal(manager.submit({ kind: 'start', runId, runDir, config: tinyConfig('tiny', 2) }), 'started');
    const done = await finished(runId);
    assert.equal(done.summary.state, 'completed', JSON.stringify(done.summary));
    const sel = events.find((e) => e.type === 'selectivity');
    assert.ok(sel && sel.type === 'selectivity' && sel.layers[0].si instanceof Float32Array, 'si arrives as Float32Array (advanced serialization)');
    const s = store.get(runId)!;
    assert.equal(s.state, 'completed');
    assert.equal(s.metrics.length, 2);
    await idle(manager);
    const disk = await readRunFolder(runDir, runId, { withSelectivity: true });
    assert.equal(disk?.state, 'completed');
    assert.equal(disk?.metrics.length, 2);
    assert.ok(disk!.selectivity.length >= 1 && disk!.selectivity[0].layers[0].si instanceof Float32Array);
    assert.deepEqual(Array.from(disk!.selectivity.at(-1)!.layers[0].si), Array.from(s.selectivity.at(-1)!.layers[0].si));

    // "Analyse Model..." on that run: its final model on its own config's held-out data, into a new folder.
    const modelPath = await findRunModel(runDir);
    assert.ok(modelPath && modelPath.endsWith('model.json'), String(modelPath));
    const savedConfig = JSON.parse(readFileSync(path.join(runDir, 'config.json'), 'utf8')) as RunConfig;
    const analysisDir = createRunDir(root, 'tiny-analysis');
    const analysisId = path.basename(analysisDir);
    manager.submit({ kind: 'analyze', runId: analysisId, runDir: analysisDir, modelPath, config: savedConfig });
    const analysed = await finished(analysisId);
    assert.equal(analysed.summary.state, 'completed', JSON.stringify(analysed.summary));
    assert.ok(events.some((e) => e.type === 'selectivity' && e.runId === analysisId));
    await idle(manager);
  });

  await t.test('queues beyond the limit; stop is graceful first, a kill second', async () => {
    const manager = new RunManager({ workerPath, maxConcurrent: 1, env });
    const { finished, store } = collect(manager);
    const dirA = createRunDir(root, 'long');
    const dirB = createRunDir(root, 'waits');
    const dirC = createRunDir(root, 'dequeued');
    const a = path.basename(dirA);
    const b = path.basename(dirB);
    const c = path.basename(dirC);
    manager.submit({ kind: 'start', runId: a, runDir: dirA, config: tinyConfig('long', 50, 8) });
    assert.equal(manager.submit({ kind: 'start', runId: b, runDir: dirB, config: tinyConfig('waits', 50, 8) }), 'queued');
    assert.equal(manager.submit({ kind: 'start', runId: c, runDir: dirC, config: tinyConfig('dequeued', 1) }), 'queued');
    assert.equal(manager.stop(c), 'dequeued');
    assert.equal(manager.get(c), undefined);
    // Wait for training to be under way, then stop gracefully.
    await new Promise<void>((resolve) => {
      const off = manager.onEvent((e) => {
        if (e.type === 'progress' && e.runId === a) {
          off();
          resolve();
        }
      });
    });
    assert.equal(manager.stop(a), 'stopping');
    const doneA = await finished(a);
    assert.equal(doneA.summary.state, 'stopped');
    // b starts once a's slot is free; stop twice -> killed.
    await new Promise<void>((resolve) => {
      const off = manager.onEvent((e) => {
        if (e.type === 'runStarted' && e.runId === b) {
          off();
          resolve();
        }
      });
    });
    assert.equal(manager.stop(b), 'stopping');
    assert.equal(manager.stop(b), 'killed');
    const doneB = await finished(b);
    assert.equal(doneB.summary.state, 'stopped');
    assert.match(doneB.summary.error ?? '', /killed/);
    assert.equal(store.get(b)?.state, 'stopped');
    await idle(manager);
    assert.equal(existsSync(path.join(dirC, 'meta.json')), false, 'the dequeued run never started');
  });

  await t.test('an engine that dies (killed from outside) becomes error + stopped (interrupted: resumable), and the manager keeps working', async () => {
    const manager = new RunManager({ workerPath, maxConcurrent: 1, env });
    const { events, finished, store } = collect(manager);
    const runDir = createRunDir(root, 'crash');
    const runId = path.basename(runDir);
    manager.submit({ kind: 'start', runId, runDir, config: tinyConfig('crash', 50, 8) });
    await new Promise<void>((resolve) => {
      const off = manager.onEvent((e) => {
        if (e.type === 'progress' && e.runId === runId) {
          off();
          resolve();
        }
      });
    });
    // Like an OOM kill or a native crash: the process vanishes without a word.
    process.kill(manager.get(runId)!.pid!, 'SIGKILL');
    const done = await finished(runId);
    // Killed by a signal without an engine error: interrupted, not failed (it resumes from its checkpoint).
    assert.equal(done.summary.state, 'stopped');
    const err = events.find((e) => e.type === 'error');
    assert.ok(err && err.type === 'error');
    assert.match(err.message, new RegExp(`The engine for run ${runId} stopped unexpectedly \\(signal SIGKILL\\)`));
    assert.equal(store.get(runId)?.state, 'stopped', 'the host shows it stopped, so it can be resumed');
    await idle(manager);
    assert.equal(manager.activeRuns().length, 0);
    // The next run still works.
    const dir2 = createRunDir(root, 'after-crash');
    manager.submit({ kind: 'start', runId: path.basename(dir2), runDir: dir2, config: tinyConfig('after', 1, 1) });
    assert.equal((await finished(path.basename(dir2))).summary.state, 'completed');
    await idle(manager);
  });

  await t.test('a bad config comes back as one error naming the field, and the run fails', async () => {
    const manager = new RunManager({ workerPath, maxConcurrent: 1, env });
    const { events, finished } = collect(manager);
    const runDir = createRunDir(root, 'bad');
    const runId = path.basename(runDir);
    const config = { ...tinyConfig('bad', 1), data: { format: 'idx' as const, path: path.join(root, 'no-such-data') } };
    manager.submit({ kind: 'start', runId, runDir, config });
    const done = await finished(runId);
    assert.equal(done.summary.state, 'failed');
    const errs = events.filter((e) => e.type === 'error');
    assert.equal(errs.length, 1, JSON.stringify(errs));
    assert.match(errs[0].type === 'error' ? errs[0].message : '', /no-such-data/);
    await idle(manager);
  });
});
