// Run folders: unique new folders, append-only logs, binary selectivity snapshots that read back exactly,
// nothing of an earlier run ever overwritten, unwritable folders named in one message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EpochMetrics, RunMeta } from '../../../../src/protocol/events';
import { RUN_FILES } from '../../../../src/protocol/runStore';
import type { LayerClassHistograms, LayerSelectivity } from '../../../../src/protocol/selectivity';
import { EngineError } from '../../../../src/engine/errors';
import { createRunDir, decodeSelectivity, encodeSelectivity, listRuns, readLayerSelectivity, readRun, readSelectivity, readUnitHistograms, RunWriter } from '../../../../src/engine/runStore';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sl-runstore-'));
}

function layer(name: string, units: number, classes: number, seed: number): { sel: LayerSelectivity; hist: LayerClassHistograms } {
  const bins = 4;
  const f = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7 + seed * 13 + k) % 17) / 17);
  return {
    sel: {
      layer: name,
      units,
      classes,
      si: f(units, 1),
      preferred: Int32Array.from({ length: units }, (_, i) => (i + seed) % classes),
      classMeans: f(units * classes, 2),
    },
    hist: {
      layer: name,
      units,
      classes,
      bins,
      edges: f(units * (bins + 1), 3),
      counts: Uint32Array.from({ length: units * classes * bins }, (_, i) => i * 3 + seed),
    },
  };
}

const metrics = (epoch: number): EpochMetrics => ({
  epoch, alpha: -1, lr: 0.1, trainCE: 1, trainReg: 0.1, trainSI: 0.1, trainAcc: 0.5, testLoss: 1, testAcc: 0.6,
  networkSI: epoch % 2 ? NaN : 0.3, layers: [], imgPerSec: 100, seconds: 1,
});

test('createRunDir gives a fresh folder each time, never an existing one', () => {
  const root = tmp();
  try {
    const now = new Date('2025-01-02T03:04:05Z');
    const a = createRunDir(path.join(root, 'runs'), 'exp', now);
    const b = createRunDir(path.join(root, 'runs'), 'exp', now);
    assert.equal(path.basename(a), 'exp-20250102-030405');
    assert.equal(path.basename(b), 'exp-20250102-030405-2');
    assert.notEqual(a, b);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('selectivity snapshots round-trip bit for bit, including odd sizes', () => {
  const l1 = layer('conv1', 3, 10, 1);
  const l2 = layer('fc1', 5, 10, 2);
  const { bytes, entry } = encodeSelectivity(7, 0.25, [l1.sel, l2.sel], [l1.hist, l2.hist]);
  assert.equal(entry.file, 'epoch-0007.bin');
  const back = decodeSelectivity(bytes, entry);
  assert.deepEqual(back.layers, [l1.sel, l2.sel]);
  assert.deepEqual(back.histograms, [l1.hist, l2.hist]);
  assert.throws(() => decodeSelectivity(bytes.subarray(0, bytes.length - 4), entry), /shorter than its index/);
});

test('writer + readers: config, meta, append-only metrics/events, snapshots, summary; lock released', async () => {
  const root = tmp();
  try {
    const dir = createRunDir(root, 'r');
    const w = RunWriter.startNew(dir);
    assert.ok(fs.existsSync(path.join(dir, RUN_FILES.lock)));
    await w.writeConfig({ name: 'r', train: { epochs: 2 } });
    await w.writeMeta({ runId: 'r1', name: 'r', startedAt: '2025-01-01T00:00:00Z' } as RunMeta);
    const l = layer('conv1', 4, 3, 3);
    await w.writeSelectivity(1, 0.4, [l.sel], [l.hist]);
    await w.writeSelectivity(2, 0.5, [l.sel], []);
    await w.appendMetrics(metrics(1));
    await w.appendMetrics(metrics(2));
    await w.appendEvent({ v: 1, type: 'selectivity', runId: 'r1', epoch: 1, networkSI: 0.4, layers: [l.sel] });
    await w.appendEvent({ v: 1, type: 'progress', runId: 'r1', epoch: 1, epochs: 2, batch: 1, batches: 2, imgPerSec: 1, etaSec: 1, loss: 1 });
    await w.writeSummary({ runId: 'r1', state: 'completed', epochsDone: 2, finalTestAcc: 0.6, finalNetworkSI: 0.5, bestTestAcc: 0.6, layers: [], seconds: 2 });
    await w.close();
    assert.equal(fs.existsSync(path.join(dir, RUN_FILES.lock)), false);

    const events = fs.readFileSync(path.join(dir, RUN_FILES.events), 'utf8').trim().split('\n').map((x) => JSON.parse(x));
    assert.equal(events.length, 1, 'progress is not kept');
    assert.deepEqual(events[0].layers, [{ layer: 'conv1', units: 4, meanSI: events[0].layers[0].meanSI }]);
    assert.ok(!JSON.stringify(events).includes('classMeans'));

    const r = readRun(dir);
    assert.equal(r.state, 'completed');
    assert.equal(r.runId, 'r1');
    assert.deepEqual(r.metrics.map((m) => m.epoch), [1, 2]);
    assert.ok(Number.isNaN(r.metrics[0].networkSI), 'NaN is written as null and read back as NaN');
    assert.deepEqual(r.selectivity, [{ epoch: 1, networkSI: 0.4 }, { epoch: 2, networkSI: 0.5 }]);
    const s1 = readSelectivity(dir, 1)!;
    assert.deepEqual(s1.layers, [l.sel]);
    assert.deepEqual(s1.histograms, [l.hist]);
    const latest = readSelectivity(dir)!;
    assert.equal(latest.epoch, 2);
    assert.deepEqual(latest.histograms, []);
    assert.equal(listRuns(root).length, 1);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('one layer, or one unit of it, reads back from its own bytes of the epoch file, equal to the whole read', async () => {
  const root = tmp();
  try {
    const dir = createRunDir(root, 'r');
    const w = RunWriter.startNew(dir);
    const a = layer('conv1', 6, 4, 1);
    const b = layer('fc1', 5, 4, 2);
    await w.writeSelectivity(3, 0.4, [a.sel, b.sel], [a.hist, b.hist]);
    await w.close();
    const whole = readSelectivity(dir, 3)!;
    assert.deepEqual(readLayerSelectivity(dir, 3, 'fc1'), whole.layers[1]);
    const unit = readUnitHistograms(dir, 3, 'fc1', 2)!;
    const B = b.hist.bins;
    const C = b.hist.classes;
    assert.equal(unit.firstUnit, 2);
    assert.equal(unit.units, 1);
    assert.deepEqual(Array.from(unit.edges), Array.from(b.hist.edges.subarray(2 * (B + 1), 3 * (B + 1))));
    assert.deepEqual(Array.from(unit.counts), Array.from(b.hist.counts.subarray(2 * C * B, 3 * C * B)));
    assert.equal(readUnitHistograms(dir, 3, 'fc1', 5), undefined, 'no unit 5 in a 5-unit layer');
    assert.equal(readLayerSelectivity(dir, 3, 'nope'), undefined);
    assert.equal(readLayerSelectivity(dir, 4, 'fc1'), undefined, 'no such epoch');
    // A file cut short (a copy interrupted): said, not thrown; what lies before the cut still reads.
    const file = path.join(dir, RUN_FILES.selectivityDir, 'epoch-0003.bin');
    fs.truncateSync(file, fs.statSync(file).size - 4);
    const warnings: string[] = [];
    assert.equal(readUnitHistograms(dir, 3, 'fc1', 4, (x) => warnings.push(x)), undefined);
    assert.match(warnings.join('\n'), /epoch-0003\.bin does not match .*shorter than its index/);
    assert.deepEqual(readLayerSelectivity(dir, 3, 'conv1'), whole.layers[0]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a new run never writes over an earlier run; unwritable folders are named', async () => {
  const root = tmp();
  try {
    const dir = createRunDir(root, 'old');
    const w = RunWriter.startNew(dir);
    await w.appendMetrics(metrics(1));
    await w.close();
    const before = fs.readFileSync(path.join(dir, RUN_FILES.metrics), 'utf8');
    assert.throws(() => RunWriter.startNew(dir), (e: unknown) => e instanceof EngineError && e.code === 'RUN_DIR_UNWRITABLE' && e.message.includes(dir));
    assert.equal(fs.readFileSync(path.join(dir, RUN_FILES.metrics), 'utf8'), before);

    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'x');
    assert.throws(() => createRunDir(path.join(file, 'runs'), 'x'), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'RUN_DIR_UNWRITABLE');
      assert.match(e.message, /^Run folder .*a-file\/runs is not writable \(a file is in the way\)/);
      return true;
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a torn last line and a duplicated epoch (crash between metrics and checkpoint) read cleanly', () => {
  const root = tmp();
  try {
    fs.writeFileSync(path.join(root, RUN_FILES.config), '{}');
    fs.writeFileSync(
      path.join(root, RUN_FILES.metrics),
      [metrics(1), { ...metrics(2), testAcc: 0.1 }, { ...metrics(2), testAcc: 0.9 }].map((m) => JSON.stringify(m)).join('\n') + '\n{"epoch":3,"al',
    );
    const r = readRun(root);
    assert.deepEqual(r.metrics.map((m) => [m.epoch, m.testAcc]), [[1, 0.6], [2, 0.9]]);
    assert.equal(r.state, 'stopped');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('readRun of a folder that is no run says so', () => {
  const root = tmp();
  try {
    assert.throws(() => readRun(root), /is not a run folder/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('after a torn line (a writer killed mid-append) the next append starts on a fresh line; readers skip and name it', async () => {
  const root = tmp();
  try {
    const dir = createRunDir(root, 'torn');
    const w = RunWriter.startNew(dir);
    await w.writeConfig({ name: 'torn' });
    await w.appendMetrics(metrics(1));
    await w.appendEvent({ v: 1, type: 'log', runId: 'r', level: 'info', message: 'one' });
    await w.close();
    // What a kill -9 during the next appends leaves: half a line, no newline.
    fs.appendFileSync(path.join(dir, RUN_FILES.metrics), JSON.stringify(metrics(2)).slice(0, 30));
    fs.appendFileSync(path.join(dir, RUN_FILES.events), '{"v":1,"type":"lo');

    const again = RunWriter.reopen(dir);
    await again.appendMetrics(metrics(2));
    await again.appendEvent({ v: 1, type: 'log', runId: 'r', level: 'info', message: 'two' });
    await again.close();
    const lines = fs.readFileSync(path.join(dir, RUN_FILES.metrics), 'utf8').split('\n');
    assert.equal(lines.length, 4, 'epoch 1, the torn line, epoch 2, and the final newline');
    assert.deepEqual(JSON.parse(lines[2]).epoch, 2, 'epoch 2 is whole, on a line of its own');
    const events = fs.readFileSync(path.join(dir, RUN_FILES.events), 'utf8').trim().split('\n');
    assert.equal(JSON.parse(events[2]).message, 'two');

    const r = readRun(dir);
    assert.deepEqual(r.metrics.map((m) => m.epoch), [1, 2], 'epoch 2 is not lost');
    assert.deepEqual(r.warnings, [`${path.join(dir, RUN_FILES.metrics)} line 2 is torn (an interrupted write); it is skipped.`]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('readers never fail on one odd file: each damaged file is read for what it still holds and named', async () => {
  const root = tmp();
  try {
    const dir = createRunDir(root, 'odd');
    const w = RunWriter.startNew(dir);
    await w.writeConfig({ name: 'odd' });
    await w.appendMetrics(metrics(1));
    await w.appendMetrics(metrics(2));
    const a = layer('conv1', 3, 2, 1);
    await w.writeSelectivity(1, 0.25, [a.sel], [a.hist]);
    await w.close();
    // Edited by hand or damaged: a null metrics line, a summary whose layers is no list, an index whose epochs is no list.
    fs.appendFileSync(path.join(dir, RUN_FILES.metrics), 'null\n');
    fs.writeFileSync(path.join(dir, RUN_FILES.summary), JSON.stringify({ runId: 'odd', state: 'completed', epochsDone: 2, finalTestAcc: 0.5, layers: 'conv1' }));
    const indexFile = path.join(dir, RUN_FILES.selectivityIndex);
    const index = fs.readFileSync(indexFile, 'utf8');
    fs.writeFileSync(indexFile, JSON.stringify({ version: 1, epochs: { 1: 'x' } }));
    let r = readRun(dir);
    assert.deepEqual(r.metrics.map((m) => m.epoch), [1, 2], 'the good lines');
    assert.equal(r.summary?.state, 'completed');
    assert.deepEqual(r.summary?.layers, []);
    assert.deepEqual(r.selectivity, []);
    assert.equal(r.warnings.length, 3, r.warnings.join('\n'));
    assert.match(r.warnings.join('\n'), new RegExp(`${RUN_FILES.metrics} line 3 is not an epoch's metrics`));
    assert.match(r.warnings.join('\n'), /summary\.json: layers is not a list/);
    assert.match(r.warnings.join('\n'), /index\.json is damaged \("epochs" is not a list\)/);
    assert.equal(readSelectivity(dir), undefined);

    // A snapshot file that does not match its index entry: the epoch is left out, named, nothing thrown.
    fs.writeFileSync(indexFile, index);
    const bin = fs.readdirSync(path.join(dir, RUN_FILES.selectivityDir)).find((f) => f.endsWith('.bin'))!;
    fs.writeFileSync(path.join(dir, RUN_FILES.selectivityDir, bin), Buffer.alloc(4));
    const warnings: string[] = [];
    assert.equal(readSelectivity(dir, 1, (x) => warnings.push(x)), undefined);
    assert.match(warnings.join('\n'), new RegExp(`${bin} does not match`));

    // meta.json and config.json that are not objects, summary.json that is not JSON: still a run, named.
    fs.writeFileSync(path.join(dir, RUN_FILES.meta), '[1, 2]');
    fs.writeFileSync(path.join(dir, RUN_FILES.config), '"odd"');
    fs.writeFileSync(path.join(dir, RUN_FILES.summary), '{"state": "comp');
    r = readRun(dir);
    assert.equal(r.meta, undefined);
    assert.equal(r.config, undefined);
    assert.equal(r.summary, undefined);
    assert.equal(r.runId, path.basename(dir));
    assert.match(r.warnings.join('\n'), /meta\.json is damaged \(not a JSON object\)/);
    assert.match(r.warnings.join('\n'), /config\.json is damaged \(not a JSON object\)/);
    assert.match(r.warnings.join('\n'), /summary\.json is not valid JSON/);
    assert.equal(listRuns(root).length, 1, 'listed, not skipped');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
