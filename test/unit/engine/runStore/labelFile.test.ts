// label.json (Rename Run..., Tag Run...): written atomically beside the training files without touching them,
// read back through readRun, and a damaged one is a warning naming it, never a throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clearUnstartedRun, readRun, readRunLabel, RunWriter, writeRunLabel } from '../../../../src/engine/runStore';
import { isAtomicLeftover } from '../../../../src/engine/runStore/atomicFile';
import { CRASH_AT_ENV } from '../../../../src/engine/runStore/crashHook';
import type { RunMeta } from '../../../../src/protocol/events';
import { RUN_FILES } from '../../../../src/protocol/runStore';

async function runFolder(t: { after: (fn: () => void) => void }): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-label-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'tiny-20240101-000000');
  const w = RunWriter.startNew(dir);
  await w.writeMeta({ runId: 'tiny-20240101-000000', runDir: dir, name: 'tiny', epochs: 2, startedAt: '2024-01-01T00:00:00.000Z' } as RunMeta);
  await w.flush();
  return dir;
}

const snapshot = (dir: string) =>
  Object.fromEntries(fs.readdirSync(dir).filter((f) => f !== RUN_FILES.label && fs.statSync(path.join(dir, f)).isFile()).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

test('a label and tags are stored in label.json, tidied, and read back by readRun; the training files are untouched', async (t) => {
  const dir = await runFolder(t);
  const before = snapshot(dir);
  const stored = await writeRunLabel(dir, { label: '  baseline ', tags: [' seed-2', '#paper', 'seed-2', ''] }, 'tiny');
  assert.deepEqual(stored, { label: 'baseline', tags: ['seed-2', 'paper'] });
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, RUN_FILES.label), 'utf8')), stored);
  assert.deepEqual(snapshot(dir), before, 'meta.json and the rest are as the engine wrote them');
  const record = readRun(dir);
  assert.deepEqual(record.label, stored);
  assert.equal(record.meta?.name, 'tiny');
  assert.deepEqual(record.warnings, []);
  assert.deepEqual(fs.readdirSync(dir).filter(isAtomicLeftover), [], 'no temporary file left');

  // Empty, or the config's own name, is back to the config's name; the tags stay.
  assert.deepEqual(await writeRunLabel(dir, { label: ' ', tags: stored.tags }, 'tiny'), { tags: ['seed-2', 'paper'] });
  assert.deepEqual(await writeRunLabel(dir, { label: 'tiny', tags: [] }, 'tiny'), { tags: [] });
  assert.deepEqual(readRunLabel(dir), { tags: [] });
});

test('a write killed before its rename leaves the old label.json whole', async (t) => {
  const dir = await runFolder(t);
  await writeRunLabel(dir, { label: 'old', tags: ['a'] });
  const labelFile = path.join(__dirname, '../../../../src/engine/runStore/labelFile.js');
  const script = `require(${JSON.stringify(labelFile)}).writeRunLabel(${JSON.stringify(dir)}, { label: 'new', tags: [] })`;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, [CRASH_AT_ENV]: 'atomic-rename@1' }, encoding: 'utf8' });
  assert.equal(r.signal, 'SIGKILL', r.stderr);
  assert.deepEqual(readRunLabel(dir), { label: 'old', tags: ['a'] });
  assert.equal(fs.readdirSync(dir).filter(isAtomicLeftover).length, 1, 'only the temporary file holds the new one');
});

test('a damaged label.json is a warning naming it; the run still reads with its config name', async (t) => {
  const dir = await runFolder(t);
  const file = path.join(dir, RUN_FILES.label);
  fs.writeFileSync(file, '{"label": "half');
  const torn = readRun(dir);
  assert.equal(torn.label, undefined);
  assert.equal(torn.meta?.name, 'tiny');
  assert.equal(torn.warnings.length, 1);
  assert.match(torn.warnings[0], /label\.json is not valid JSON/);
  assert.ok(torn.warnings[0].includes(file));

  fs.writeFileSync(file, JSON.stringify(['not', 'an', 'object']));
  assert.match(readRun(dir).warnings.join('\n'), /label\.json is damaged \(not a JSON object\)/);

  fs.writeFileSync(file, JSON.stringify({ label: 7, tags: ['ok', 3] }));
  const odd = readRun(dir);
  assert.deepEqual(odd.label, { tags: ['ok'] });
  assert.deepEqual(odd.warnings.map((w) => w.replace(file, 'label.json')), [
    'label.json: "label" is not text; the run shows its config\'s name.',
    'label.json: 1 of its tags are not text and are left out.',
  ]);
});

test('a sweep run restarted from scratch keeps its label', async (t) => {
  const dir = await runFolder(t);
  await writeRunLabel(dir, { label: 'keep me', tags: [] });
  clearUnstartedRun(dir);
  assert.equal(fs.existsSync(path.join(dir, RUN_FILES.meta)), false);
  assert.deepEqual(readRunLabel(dir), { label: 'keep me', tags: [] });
});
