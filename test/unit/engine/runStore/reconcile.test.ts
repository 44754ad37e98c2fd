// A resume's repair of its run folder: metrics and snapshots past the checkpoint (and torn lines) are dropped so
// that the epochs trained again are written once, leftovers of interrupted writes go, and a folder with nothing
// to repair is not touched at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUN_FILES } from '../../../../src/protocol/runStore';
import { epochFileName, readMetrics, reconcileRunFolder } from '../../../../src/engine/runStore';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sl-reconcile-'));
}

const line = (epoch: number, testAcc = 0.5) => JSON.stringify({ epoch, alpha: -1, testAcc, networkSI: null, layers: [] });

test('metrics past the checkpoint, duplicates and torn lines are dropped; the rest is kept as written', () => {
  const dir = tmp();
  try {
    const file = path.join(dir, RUN_FILES.metrics);
    // Epoch 2 written twice (an old resume), a torn line glued nowhere, epoch 3 appended but never checkpointed.
    fs.writeFileSync(file, [line(1), line(2, 0.1), line(2, 0.2), '{"epoch":3,"al', line(3), line(4)].join('\n') + '\n{"epo');
    const notes = reconcileRunFolder(dir, 2);
    assert.equal(fs.readFileSync(file, 'utf8'), [line(1), line(2, 0.2)].join('\n') + '\n');
    assert.deepEqual(notes, ['metrics.jsonl: kept epochs up to 2, the checkpoint\'s; dropped epochs 3, 4 (not checkpointed; trained again) and 2 torn lines.']);
    assert.deepEqual(readMetrics(dir).map((m) => [m.epoch, m.testAcc]), [[1, 0.5], [2, 0.2]]);

    const before = fs.statSync(file).mtimeMs;
    assert.deepEqual(reconcileRunFolder(dir, 2), [], 'nothing left to repair');
    assert.equal(fs.statSync(file).mtimeMs, before, 'an intact folder is not rewritten');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('snapshots past the checkpoint (listed or not) and temporary files of interrupted writes are removed', () => {
  const dir = tmp();
  try {
    const snaps = path.join(dir, RUN_FILES.selectivityDir);
    fs.mkdirSync(snaps);
    const entry = (epoch: number) => ({ epoch, file: epochFileName(epoch), networkSI: 0.1 * epoch, layers: [] });
    fs.writeFileSync(path.join(dir, RUN_FILES.selectivityIndex), JSON.stringify({ version: 1, epochs: [entry(0), entry(1), entry(2)] }));
    for (const e of [0, 1, 2, 3]) fs.writeFileSync(path.join(snaps, epochFileName(e)), 'x');
    fs.writeFileSync(path.join(dir, '.summary.json.tmp-123-4'), '{');
    fs.writeFileSync(path.join(snaps, '.index.json.tmp-123-5'), '{');
    fs.writeFileSync(path.join(dir, 'engine.log'), 'kept');

    const notes = reconcileRunFolder(dir, 1);
    assert.deepEqual(notes, ['selectivity: dropped the snapshot of epoch 2 (not checkpointed).', 'removed 2 temporary files of interrupted writes.']);
    const index = JSON.parse(fs.readFileSync(path.join(dir, RUN_FILES.selectivityIndex), 'utf8'));
    assert.deepEqual(index.epochs.map((e: { epoch: number }) => e.epoch), [0, 1]);
    assert.deepEqual(fs.readdirSync(snaps).sort(), ['epoch-0000.bin', 'epoch-0001.bin', 'index.json']);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['engine.log', 'selectivity']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
