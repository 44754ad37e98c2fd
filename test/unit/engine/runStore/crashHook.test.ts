// Crash points: a real `bin/selectivity-lens train` is SIGKILLed (the engine kills itself through the
// SELECTIVITY_LENS_CRASH_AT hook) in the middle of appends, whole-file writes, snapshot and checkpoint writes, then
// resumed with `--resume`. Every time, the run ends exactly as an uninterrupted run: the same metrics history (each
// epoch once), the same snapshots, the same summary, and nothing half-written left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CRASH_AT_ENV } from '../../../../src/engine/runStore/crashHook';
import { REPO_ROOT } from '../../../repoRoot';

const bin = path.join(REPO_ROOT, 'bin', 'selectivity-lens');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-crash-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const configFile = path.join(root, 'tiny.selectivity.json');
fs.writeFileSync(
  configFile,
  JSON.stringify({
    name: 'tiny',
    model: { name: 'small-cnn' },
    data: { format: 'mnist-embedded', trainLimit: 200, testLimit: 100, cacheDir: path.join(root, '.cache') },
    train: { epochs: 3, batchSize: 25, lr: 0.05, maxBatchesPerEpoch: 2, seed: 1 },
    selectivity: { alpha: -1, histogramBins: 4 },
    backend: 'wasm',
  }),
);

function cli(args: string[], crashAt?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, SELECTIVITY_LENS_DEBUG: '' };
  delete env[CRASH_AT_ENV];
  if (crashAt) env[CRASH_AT_ENV] = crashAt;
  const r = spawnSync(process.execPath, [bin, ...args, '--threads', '1'], { cwd: root, encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function onlyRun(runsDir: string): string {
  const names = fs.readdirSync(runsDir).filter((n) => !n.startsWith('.'));
  assert.equal(names.length, 1, `one run folder in ${runsDir}: ${names.join(', ')}`);
  return path.join(runsDir, names[0]);
}

function without(o: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

/** What must not depend on where the run was interrupted: everything but wall-clock timings. */
function record(dir: string) {
  const lines = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  const metrics = lines.map((l) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(l) as Record<string, unknown>;
    } catch {
      return { torn: l };
    }
    return without(parsed, 'seconds', 'imgPerSec');
  });
  const summary = without(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>, 'seconds', 'runId');
  const snapshots = fs
    .readdirSync(path.join(dir, 'selectivity'))
    .sort()
    .map((n) => [n, n.endsWith('.bin') ? fs.readFileSync(path.join(dir, 'selectivity', n)).toString('base64') : fs.readFileSync(path.join(dir, 'selectivity', n), 'utf8')]);
  return { metrics, summary, snapshots, latest: fs.readFileSync(path.join(dir, 'checkpoints', 'latest'), 'utf8').trim() };
}

/** Every path under `dir` (relative). */
function tree(dir: string, under = ''): string[] {
  return fs.readdirSync(path.join(dir, under), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(under, d.name);
    return d.isDirectory() ? [rel + '/', ...tree(dir, rel)] : [rel];
  });
}

test('kill -9 at any write, then --resume: the run ends exactly as an uninterrupted one', { timeout: 300_000 }, () => {
  // Twice: the first decodes the data into the cache, the second reads it from there like every run below (so
  // its event lines count as theirs), and both must agree.
  assert.equal(cli(['train', configFile, '--runs-dir', path.join(root, 'first')]).code, 0);
  const full = cli(['train', configFile, '--runs-dir', path.join(root, 'full')]);
  assert.equal(full.code, 0, full.stderr);
  const fullDir = onlyRun(path.join(root, 'full'));
  const expected = record(fullDir);
  assert.deepEqual(record(onlyRun(path.join(root, 'first'))), expected, 'two uninterrupted runs agree');
  assert.deepEqual(expected.metrics.map((m) => m.epoch), [1, 2, 3]);
  const eventLines = fs.readFileSync(path.join(fullDir, 'events.jsonl'), 'utf8').trim().split('\n').length;
  // Whole-file writes of a 3-epoch run: config, meta, per epoch a snapshot, its index and checkpoints/latest, the summary.
  const atomicWrites = 2 + 3 * 3 + 1;

  const points = [
    'append-metrics@1',
    'append-metrics@2',
    'append-metrics@3',
    'append-events@1',
    `append-events@${Math.floor(eventLines / 3)}`,
    `append-events@${Math.floor((2 * eventLines) / 3)}`,
    `append-events@${eventLines}`,
    'atomic-rename@2', // meta.json
    'atomic-rename@3', // epoch 1's snapshot
    'atomic-rename@7', // epoch 2's snapshot index
    'atomic-rename@8', // checkpoints/latest naming epoch 2
    `atomic-rename@${atomicWrites}`, // summary.json
    'checkpoint-model@1',
    'checkpoint-folder@2',
    'checkpoint-latest@3',
  ];
  for (const [i, point] of points.entries()) {
    const runsDir = path.join(root, `crash-${i}`);
    const crashed = cli(['train', configFile, '--runs-dir', runsDir], point);
    assert.equal(crashed.signal, 'SIGKILL', `${point}: the engine killed itself there (exit ${crashed.code}): ${crashed.stderr}`);
    const dir = onlyRun(runsDir);
    assert.ok(fs.existsSync(path.join(dir, 'run.lock')), `${point}: a killed engine leaves its lock`);
    const summary = fs.existsSync(path.join(dir, 'summary.json')) ? JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) : undefined;
    // Killed after its summary said completed (the last event line): there is nothing to resume.
    const done = summary?.state === 'completed';
    if (!done) {
      const resumed = cli(['train', '--resume', dir]);
      assert.equal(resumed.code, 0, `${point}: resume failed: ${resumed.stderr}`);
      assert.match(resumed.stdout, /completed: 3 epochs/, point);
    }
    assert.deepEqual(record(dir), expected, `${point}: the resumed run equals the uninterrupted one`);
    const leftovers = tree(dir).filter((p) => /\.tmp-|\.old-|\.new-|takeover/.test(p) || (!done && p === 'run.lock'));
    assert.deepEqual(leftovers, [], `${point}: nothing half-written or stale is left`);
    const torn = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').split('\n').filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return l.trim() !== '';
      }
    });
    assert.ok(torn.length <= 1, `${point}: at most the one torn event line, on a line of its own: ${torn.join(' | ')}`);
  }

  // A resume killed in turn (while it rewrites the history and checkpoints) resumes just as well.
  const runsDir = path.join(root, 'twice');
  assert.equal(cli(['train', configFile, '--runs-dir', runsDir], 'append-metrics@2').signal, 'SIGKILL');
  const dir = onlyRun(runsDir);
  assert.equal(cli(['train', '--resume', dir], 'checkpoint-folder@1').signal, 'SIGKILL');
  assert.equal(cli(['train', '--resume', dir], 'atomic-rename@1').signal, 'SIGKILL');
  const last = cli(['train', '--resume', dir]);
  assert.equal(last.code, 0, last.stderr);
  assert.deepEqual(record(dir), expected, 'killed twice more while resuming, the run still equals the uninterrupted one');
});
