// The CLI as a user runs it (a real child process): bad input gives exit code 2 and exactly one line on stderr
// naming the file or field, no stack trace; runs never touch an earlier run's files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../../..');
const bin = path.join(repo, 'bin', 'selectivity-lens');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-cli-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

function cli(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SELECTIVITY_LENS_DEBUG: '' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `exactly one stderr line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  return lines[0];
}

const tiny = {
  $schema: '../schemas/run.schema.json',
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded', trainLimit: 64, testLimit: 40, cacheDir: '.cache' },
  train: { epochs: 1, batchSize: 32, lr: 0.05, maxBatchesPerEpoch: 2 },
  selectivity: { alpha: -1, histogramBins: 5 },
  backend: 'wasm',
};

function writeConfig(name: string, config: unknown): string {
  const file = path.join(root, name);
  fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return name;
}

test('bad config: wrong type -> exit 2, one line naming file and field', () => {
  const file = writeConfig('bad.selectivity.json', { ...tiny, train: { ...tiny.train, batchSize: 0 } });
  const r = cli(['train', file]);
  assert.equal(r.code, 2);
  assert.equal(oneLine(r.stderr), 'selectivity-lens: bad.selectivity.json: train.batchSize must be >= 1 (got 0)');
  assert.equal(fs.existsSync(path.join(root, 'runs')), false, 'nothing is created for an invalid config');
});

test('malformed JSONC -> file:line:column', () => {
  const file = writeConfig('broken.selectivity.json', '{\n  "model": { "name": "small-cnn" }\n  "data": 1\n}');
  const r = cli(['train', file]);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /^selectivity-lens: broken\.selectivity\.json:3:3: invalid JSON: comma expected/);
});

test('missing config file, unknown backend, unknown command: one line each, non-zero', () => {
  let r = cli(['train', 'nope.selectivity.json']);
  assert.equal(r.code, 2);
  assert.equal(oneLine(r.stderr), 'selectivity-lens: Config file nope.selectivity.json does not exist.');
  r = cli(['train', writeConfig('ok.selectivity.json', tiny), '--backend', 'quantum']);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /--backend must be one of auto, tfjs-node-gpu, tfjs-node, wasm, cpu \(got "quantum"\)/);
  r = cli(['frobnicate']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr.split('\n')[0], /unknown command 'frobnicate'/);
});

test('missing data -> one line naming data.path, exit 2', () => {
  const file = writeConfig('nodata.selectivity.json', { ...tiny, data: { format: 'cifar10', path: 'data/not-there' } });
  const r = cli(['train', file, '--runs-dir', 'runs-nodata']);
  assert.equal(r.code, 2);
  const line = oneLine(r.stderr);
  assert.match(line, /not-there/);
});

test('unwritable runs folder -> one line naming it, exit 2', () => {
  fs.writeFileSync(path.join(root, 'blocker'), 'a file where a folder should be');
  const r = cli(['train', writeConfig('ok2.selectivity.json', tiny), '--runs-dir', 'blocker/runs']);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /^selectivity-lens: Run folder .*blocker\/runs is not writable \(a file is in the way\)/);
});

test('train twice into the same runs folder: two run folders, the first untouched; info and analyze read it', () => {
  const file = writeConfig('twice.selectivity.json', { ...tiny, name: 'twice' });
  const first = cli(['train', file, '--runs-dir', 'runs-twice']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /completed: 1 epoch .* test acc [\d.]+% .* network SI [\d.]+/);
  const runsDir = path.join(root, 'runs-twice');
  const [runName] = fs.readdirSync(runsDir).filter((n) => !n.startsWith('.'));
  const runDir = path.join(runsDir, runName);
  const snapshot = new Map(['config.json', 'meta.json', 'metrics.jsonl', 'summary.json', 'events.jsonl'].map((f) => [f, fs.readFileSync(path.join(runDir, f), 'utf8')]));

  const second = cli(['train', file, '--runs-dir', 'runs-twice', '--json']);
  assert.equal(second.code, 0, second.stderr);
  const events = second.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const hello = events[0];
  assert.equal(hello.type, 'hello');
  assert.equal(hello.backend, 'wasm');
  assert.ok(events.indexOf(hello) < events.findIndex((e) => e.type === 'runStarted'));
  const sel = events.find((e) => e.type === 'selectivity');
  assert.ok(Array.isArray(sel.layers[0].si), 'typed arrays become plain arrays in --json');
  assert.equal(events.at(-1).type, 'runFinished');
  const runs = fs.readdirSync(runsDir).filter((n) => !n.startsWith('.'));
  assert.equal(runs.length, 2);
  for (const [f, text] of snapshot) assert.equal(fs.readFileSync(path.join(runDir, f), 'utf8'), text, `${f} of the first run is unchanged`);

  const info = cli(['info', runDir]);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /\[completed\]/);
  assert.match(info.stdout, /latest checkpoint: checkpoints\/epoch-0001/);
  const notRun = cli(['info', root]);
  assert.equal(notRun.code, 2);
  assert.match(oneLine(notRun.stderr), /is not a run folder/);

  const analyze = cli(['analyze', '--model', runDir, '--data', 'mnist-embedded', '--test-limit', '30', '--runs-dir', 'runs-analyze', '--backend', 'wasm']);
  assert.equal(analyze.code, 0, analyze.stderr);
  assert.match(analyze.stdout, /completed: 1 epoch .* network SI [\d.]+/);
  const missingModel = cli(['analyze', '--model', 'nope/model.json', '--data', 'mnist-embedded']);
  assert.equal(missingModel.code, 2);
  assert.equal(oneLine(missingModel.stderr), 'selectivity-lens: --model nope/model.json does not exist.');
  const badData = cli(['analyze', '--model', runDir, '--data', 'svhn:/x']);
  assert.equal(badData.code, 2);
  assert.match(oneLine(badData.stderr), /--data: unknown format "svhn"/);
});
