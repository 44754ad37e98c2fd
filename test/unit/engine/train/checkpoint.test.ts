// A checkpoint write that fails for want of disk space (a real, small tmpfs): one clear message, the previous
// checkpoint intact, nothing half-written left behind, a summary that counts only the checkpointed epochs; once
// there is room, the resumed run writes each epoch once and ends exactly as an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../../repoRoot';

const bin = path.join(REPO_ROOT, 'bin', 'selectivity-lens');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-diskfull-'));
const disk = path.join(root, 'small-disk');
fs.mkdirSync(disk);

// A small-cnn checkpoint is about 3.4 MB (weights and momentum): 5 MB hold epoch 1's, not epoch 2's beside it.
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=5000k', 'tmpfs', disk], { encoding: 'utf8' });
const skip = mounted.status === 0 ? false : `mounting a small tmpfs is not permitted here (${(mounted.stderr || mounted.error?.message || '').trim()})`;
process.on('exit', () => {
  if (!skip) spawnSync('umount', [disk]);
  fs.rmSync(root, { recursive: true, force: true });
});

const configFile = path.join(root, 'full.selectivity.json');
fs.writeFileSync(
  configFile,
  JSON.stringify({
    name: 'full',
    model: { name: 'small-cnn' },
    // The decoded data cache lives off the small disk.
    data: { format: 'mnist-embedded', trainLimit: 200, testLimit: 100, cacheDir: path.join(root, '.cache') },
    train: { epochs: 3, batchSize: 25, lr: 0.05, maxBatchesPerEpoch: 2, seed: 1 },
    selectivity: { alpha: -1, histogramBins: 4 },
    backend: 'wasm',
  }),
);

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args, '--threads', '1'], { cwd: root, encoding: 'utf8', env: { ...process.env, SELECTIVITY_LENS_DEBUG: '' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const runIn = (runsDir: string) => path.join(runsDir, fs.readdirSync(runsDir).filter((n) => !n.startsWith('.'))[0]);

function metrics(runDir: string) {
  return fs
    .readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => withoutTimings(JSON.parse(l) as Record<string, unknown>));
}

/** Wall-clock fields differ between any two runs. */
function withoutTimings(m: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'seconds' && k !== 'imgPerSec'));
}

test('disk full at a checkpoint: clear message, previous checkpoint intact, no leftovers; the resume writes each epoch once', { skip, timeout: 180_000 }, () => {
  const full = cli(['train', configFile, '--runs-dir', path.join(root, 'roomy')]);
  assert.equal(full.code, 0, full.stderr);
  const expected = metrics(runIn(path.join(root, 'roomy')));

  const failed = cli(['train', configFile, '--runs-dir', disk]);
  assert.equal(failed.code, 2, failed.stderr);
  const errors = failed.stderr.split('\n').filter((l) => l.startsWith('selectivity-lens:'));
  assert.equal(errors.length, 1, failed.stderr);
  assert.match(errors[0], /^selectivity-lens: Could not write checkpoint .*checkpoints\/epoch-0002: ENOSPC/);
  assert.match(failed.stdout, /^failed: 1 epoch of 3 done and checkpointed in \d+s; test acc [\d.]+%/m, 'the summary line counts what was checkpointed');
  assert.match(failed.stdout, /to continue once the cause is fixed: selectivity-lens train --resume /);
  const runDir = runIn(disk);
  const checkpoints = fs.readdirSync(path.join(runDir, 'checkpoints')).sort();
  assert.deepEqual(checkpoints, ['epoch-0001', 'latest'], 'no half-written checkpoint folder is left');
  assert.equal(fs.readFileSync(path.join(runDir, 'checkpoints', 'latest'), 'utf8'), 'epoch-0001\n');
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
  assert.equal(summary.state, 'failed');
  assert.equal(summary.epochsDone, 1);
  assert.equal(summary.finalTestAcc, expected[0].testAcc, 'the summary reports the checkpointed epoch');
  assert.equal(fs.existsSync(path.join(runDir, 'run.lock')), false);

  // Room again: the resume drops epoch 2's metrics (never checkpointed), trains it again, and writes it once.
  assert.equal(spawnSync('mount', ['-o', 'remount,size=64m', disk]).status, 0);
  const resumed = cli(['train', '--resume', runDir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /metrics\.jsonl: kept epochs up to 1, the checkpoint's; dropped epoch 2 \(not checkpointed; trained again\)/);
  assert.deepEqual(metrics(runDir), expected, 'epochs 1, 2, 3 once each, as the uninterrupted run');
  assert.deepEqual(fs.readdirSync(path.join(runDir, 'checkpoints')).filter((n) => /\.tmp-|\.old-/.test(n)), []);
});
