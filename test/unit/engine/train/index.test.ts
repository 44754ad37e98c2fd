// The training loop on the real wasm backend with tiny MNIST runs: no tensor leak across epochs, a stop lands
// on a batch boundary with a checkpoint, and a resumed run continues the metrics history and ends exactly
// where an uninterrupted run ends.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../../src/protocol/config';
import type { EngineEvent, RunSummary } from '../../../../src/protocol/events';
import { RUN_FILES } from '../../../../src/protocol/runStore';
import { initBackend } from '../../../../src/engine/backend';
import { readRun, readSelectivity, readSelectivityIndex } from '../../../../src/engine/runStore';
import { clipByGlobalNorm, learningRateAt, resumeRun, type SessionEnv, startRun } from '../../../../src/engine/train';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-train-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const config: RunConfig = {
  name: 'tiny',
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded', trainLimit: 256, testLimit: 100, cacheDir: path.join(root, '.cache') },
  train: { epochs: 3, batchSize: 32, lr: 0.05, maxBatchesPerEpoch: 4, seed: 3 },
  selectivity: { alpha: [0, -1, -1], analyzeEvery: 2 },
};

function env(events: EngineEvent[], shouldStop: () => boolean = () => false): SessionEnv {
  return { emit: (e) => events.push(e), shouldStop, backend: { name: 'wasm', threads: 1 }, progressEveryMs: 0 };
}

before(async () => {
  await initBackend('wasm');
});

test('lr schedules: constant, step milestones, cosine to zero, linear warm-up', () => {
  assert.equal(learningRateAt(0.1, { type: 'constant' }, 10, 5.5), 0.1);
  const step = { type: 'step' as const, milestones: [3, 5], gamma: 0.1 };
  assert.equal(learningRateAt(0.1, step, 10, 1.9), 0.1); // epoch 2
  assert.ok(Math.abs(learningRateAt(0.1, step, 10, 2.0) - 0.01) < 1e-12); // epoch 3 starts with the new rate
  assert.ok(Math.abs(learningRateAt(0.1, step, 10, 4.5) - 0.001) < 1e-12);
  assert.equal(learningRateAt(0.1, { type: 'cosine' }, 10, 0), 0.1);
  assert.ok(Math.abs(learningRateAt(0.1, { type: 'cosine' }, 10, 5) - 0.05) < 1e-12);
  assert.ok(learningRateAt(0.1, { type: 'cosine' }, 10, 10) < 1e-12);
  assert.ok(Math.abs(learningRateAt(0.1, { type: 'constant', warmupEpochs: 2 }, 10, 1) - 0.05) < 1e-12);
});

test('gradient clipping rescales the whole gradient to the global norm and leaves small ones alone', () => {
  const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }; // global norm 5
  const clipped = tf.tidy(() => {
    const c = clipByGlobalNorm(grads, 1);
    return [c.a, c.b].map((t) => Array.from(t.dataSync()));
  });
  assert.deepEqual(clipped.map((v) => v.map((x) => Math.round(x * 1000) / 1000)), [[0.6, 0], [0, 0.8]]);
  const kept = tf.tidy(() => Array.from(clipByGlobalNorm(grads, 10).a.dataSync()));
  assert.deepEqual(kept, [3, 0]);
  tf.dispose([grads.a, grads.b]);
});

let uninterrupted: { summary: RunSummary; dir: string; tensorsPerEpoch: number[]; before: number; after: number } | undefined;

test('a run trains, analyses every analyzeEvery epochs (and the last), checkpoints, and leaks no tensors', async () => {
  const dir = path.join(root, 'full');
  const events: EngineEvent[] = [];
  const tensorsPerEpoch: number[] = [];
  const e = env(events);
  const emit = e.emit;
  e.emit = (ev) => {
    emit(ev);
    if (ev.type === 'epoch') tensorsPerEpoch.push(tf.memory().numTensors);
  };
  const beforeCount = tf.memory().numTensors;
  const summary = await startRun({ runId: 'full', runDir: dir, config }, e);
  const after = tf.memory().numTensors;
  uninterrupted = { summary, dir, tensorsPerEpoch, before: beforeCount, after };

  assert.equal(summary.state, 'completed');
  assert.equal(summary.epochsDone, 3);
  assert.equal(tensorsPerEpoch.length, 3);
  assert.equal(new Set(tensorsPerEpoch).size, 1, `tensors per epoch: ${tensorsPerEpoch.join(', ')}`);
  assert.equal(after, beforeCount, 'everything is disposed after the run');

  const types = events.map((x) => x.type);
  assert.equal(types[0] === 'log' ? types.find((t) => t !== 'log') : types[0], 'runStarted');
  assert.equal(types.at(-1), 'runFinished');
  // analyzeEvery 2: epochs 2 and 3 (the last) are analysed, epoch 1 is not.
  const analysed = events.filter((x) => x.type === 'selectivity').map((x) => (x as { epoch: number }).epoch);
  assert.deepEqual(analysed, [2, 3]);
  const cr = events.find((x) => x.type === 'classResponses') as Extract<EngineEvent, { type: 'classResponses' }>;
  assert.ok(cr.layers[0].counts instanceof Uint32Array);
  const progress = events.filter((x) => x.type === 'progress') as Array<Extract<EngineEvent, { type: 'progress' }>>;
  assert.equal(progress.length, 12, 'one progress per batch with progressEveryMs 0');
  assert.ok(progress.every((p) => p.imgPerSec > 0 && p.etaSec >= 0 && Number.isFinite(p.loss)));

  const run = readRun(dir);
  assert.deepEqual(run.metrics.map((m) => m.epoch), [1, 2, 3]);
  assert.deepEqual(run.metrics.map((m) => m.alpha), [0, -1, -1]);
  assert.ok(Number.isNaN(run.metrics[0].networkSI));
  assert.ok(run.metrics[2].networkSI > 0 && run.metrics[2].networkSI < 1);
  assert.equal(run.meta?.backend, 'wasm');
  assert.equal(run.latestCheckpoint, 'epoch-0003');
  assert.ok(run.metrics[2].trainSI > 1e-6, `batch SI in the tape is a real number (got ${run.metrics[2].trainSI})`);
  const snap = readSelectivity(dir)!;
  assert.equal(snap.epoch, 3);
  assert.equal(snap.layers.map((l) => l.layer).join(','), 'conv1,conv2,fc1');
  assert.deepEqual(run.meta?.histogramLayers, ['conv1', 'conv2', 'fc1'], '"auto" keeps every layer of a small model');
  assert.equal(snap.histograms.map((h) => h.layer).join(','), 'conv1,conv2,fc1');
  assert.ok(fs.existsSync(path.join(dir, RUN_FILES.checkpointsDir, 'epoch-0003', 'model.json')));
  assert.ok(!fs.existsSync(path.join(dir, RUN_FILES.lock)));
});

test('stop lands on a batch boundary; resume continues the history and matches the uninterrupted run', async () => {
  assert.ok(uninterrupted, 'needs the uninterrupted run');
  const dir = path.join(root, 'stopped');
  const events: EngineEvent[] = [];
  let stop = false;
  const e = env(events, () => stop);
  const emit = e.emit;
  e.emit = (ev) => {
    emit(ev);
    if (ev.type === 'progress' && ev.epoch === 2 && ev.batch === 2) stop = true;
  };
  const first = await startRun({ runId: 'stopped', runDir: dir, config }, e);
  assert.equal(first.state, 'stopped');
  assert.equal(first.epochsDone, 1);
  const run1 = readRun(dir);
  assert.equal(run1.latestCheckpoint, 'epoch-0001-b000002');
  const trainer = JSON.parse(fs.readFileSync(path.join(dir, RUN_FILES.checkpointsDir, 'epoch-0001-b000002', 'trainer.json'), 'utf8'));
  assert.equal(trainer.batchesIntoEpoch, 2);
  assert.deepEqual(run1.metrics.map((m) => m.epoch), [1]);
  assert.equal(events.filter((x) => x.type === 'progress' && x.epoch === 2).length, 2, 'no batch after the stop');

  const events2: EngineEvent[] = [];
  const second = await resumeRun('stopped', dir, env(events2));
  assert.equal(second.state, 'completed');
  const started = events2.find((x) => x.type === 'runStarted') as Extract<EngineEvent, { type: 'runStarted' }>;
  assert.equal(started.meta.resumedFromEpoch, 1);
  assert.equal(started.meta.startedAt, run1.meta?.startedAt, 'a resumed run keeps its start time');
  const firstProgress = events2.find((x) => x.type === 'progress') as Extract<EngineEvent, { type: 'progress' }>;
  assert.deepEqual([firstProgress.epoch, firstProgress.batch], [2, 3], 'resumes with the batch after the stop');

  const run2 = readRun(dir);
  assert.deepEqual(run2.metrics.map((m) => m.epoch), [1, 2, 3]);
  const full = readRun(uninterrupted.dir).metrics;
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(run2.metrics[i].trainCE - full[i].trainCE) < 1e-4, `epoch ${i + 1} trainCE ${run2.metrics[i].trainCE} vs ${full[i].trainCE}`);
    assert.ok(Math.abs(run2.metrics[i].testLoss - full[i].testLoss) < 1e-4, `epoch ${i + 1} testLoss ${run2.metrics[i].testLoss} vs ${full[i].testLoss}`);
  }
  assert.ok(Math.abs(second.finalNetworkSI - uninterrupted.summary.finalNetworkSI) < 1e-4);
});

test('a new run refuses a folder that holds a run, leaving its files as they were', async () => {
  assert.ok(uninterrupted);
  const metricsFile = path.join(uninterrupted.dir, RUN_FILES.metrics);
  const before = fs.readFileSync(metricsFile, 'utf8');
  await assert.rejects(startRun({ runId: 'again', runDir: uninterrupted.dir, config }, env([])), /already holds a run/);
  assert.equal(fs.readFileSync(metricsFile, 'utf8'), before);
});

test('analyzeAtStart records the untrained network as epoch 0, before any training progress', async () => {
  const dir = path.join(root, 'at-start');
  const events: EngineEvent[] = [];
  const atStart = { ...config, train: { ...config.train, epochs: 1 }, selectivity: { alpha: 0, analyzeAtStart: true } };
  const summary = await startRun({ runId: 'at-start', runDir: dir, config: atStart }, env(events));
  assert.equal(summary.state, 'completed');
  assert.deepEqual(readSelectivityIndex(dir)?.epochs.map((e) => e.epoch), [0, 1]);
  const kinds = events.map((e) => (e.type === 'selectivity' ? `selectivity ${e.epoch}` : e.type));
  assert.ok(kinds.indexOf('selectivity 0') < kinds.indexOf('progress'), 'epoch 0 comes before the first batch');
  assert.deepEqual(readRun(dir).metrics.map((m) => m.epoch), [1], 'epoch 0 has no training metrics');
  const zero = readSelectivity(dir, 0)!;
  assert.ok(zero.networkSI > 0 && zero.networkSI < 1, `SI at initialisation ${zero.networkSI}`);
  assert.notEqual(zero.networkSI, readSelectivity(dir, 1)!.networkSI);
});

test('selectivity.histogramLayers naming a layer the model does not have is one clear error too', async () => {
  const bad = { ...config, selectivity: { alpha: -1, histogramLayers: ['fc9'] } };
  await assert.rejects(startRun({ runId: 'hlayers', runDir: path.join(root, 'hlayers'), config: bad }, env([])), (e: Error) => {
    assert.equal(e.message, 'selectivity.histogramLayers names "fc9", not a post-ReLU layer of this model; its unit layers are: conv1, conv2, fc1.');
    return true;
  });
});

test('selectivity.layers naming a layer the model does not have is one clear error listing the unit layers', async () => {
  const bad = { ...config, selectivity: { alpha: -1, layers: ['conv1', 'conv9'] } };
  await assert.rejects(startRun({ runId: 'layers', runDir: path.join(root, 'layers'), config: bad }, env([])), (e: Error) => {
    assert.equal(e.message, 'selectivity.layers names "conv9", not a post-ReLU layer of this model; its unit layers are: conv1, conv2, fc1.');
    return true;
  });
  // Refused before it began: no folder is left that would look like a failed run of 0 epochs.
  assert.equal(fs.existsSync(path.join(root, 'layers')), false);
});
