// The CLI as a user runs it (a real child process): bad input gives exit code 2 and exactly one line on stderr
// naming the file or field, no stack trace; runs never touch an earlier run's files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateRunConfig } from '../../src/engine/config';
import { writeIdxDataset } from '../fixtures-builders/datasets';
import { REPO_ROOT } from '../repoRoot';

const repo = REPO_ROOT;
const bin = path.join(repo, 'bin', 'selectivity-lens');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-cli-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

function cli(args: string[], cwd = root, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SELECTIVITY_LENS_DEBUG: '', ...env }, timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI started in the background: its output so far, a wait for a line, and its end. */
function cliAsync(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, SELECTIVITY_LENS_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (!w.re.test(out.stdout)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout.on('data', (c: Buffer) => ((out.stdout += c.toString()), check()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, ...out })));
  const stdoutMatches = (re: RegExp) =>
    new Promise<void>((resolve) => {
      waiters.push({ re, resolve });
      check();
    });
  return { child, done, stdoutMatches };
}

/** Every file under `dir` with its bytes: to show that a refused command changed nothing. */
function contents(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(path.relative(dir, p), fs.readFileSync(p).toString('base64'));
    }
  };
  walk(dir);
  return files;
}

const epochsIn = (runDir: string) => fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).epoch);

/** Run folders under a runs folder (not its data cache, .cache). */
function runFoldersIn(runsDir: string): string[] {
  const dir = path.join(root, runsDir);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => !n.startsWith('.')) : [];
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
  assert.match(oneLine(r.stderr), /--backend must be one of auto, tfjs-node-gpu, webgpu, tfjs-node, wasm, cpu \(got "quantum"\)/);
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
  assert.deepEqual(runFoldersIn('runs-nodata'), [], 'no run folder that looks like a failed run of 0 epochs');
});

test('unwritable runs folder -> one line naming it, exit 2', () => {
  fs.writeFileSync(path.join(root, 'blocker'), 'a file where a folder should be');
  const r = cli(['train', writeConfig('ok2.selectivity.json', tiny), '--runs-dir', 'blocker/runs']);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /^selectivity-lens: Run folder .*blocker\/runs is not writable \(a file is in the way\)/);
});

test('train twice into the same runs folder: two run folders, the first untouched; info and analyze read it, and a label', () => {
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

  // info on a copy with damaged files: what can be shown is, each damaged file is named, no internal error.
  const damaged = path.join(root, 'runs-damaged', runName);
  fs.cpSync(runDir, damaged, { recursive: true });
  fs.appendFileSync(path.join(damaged, 'metrics.jsonl'), 'null\n');
  fs.writeFileSync(path.join(damaged, 'selectivity', 'index.json'), '{"version":1,"epochs":"all"}');
  const summary = JSON.parse(fs.readFileSync(path.join(damaged, 'summary.json'), 'utf8'));
  fs.writeFileSync(path.join(damaged, 'summary.json'), JSON.stringify({ ...summary, layers: 7 }));
  const odd = cli(['info', damaged]);
  assert.equal(odd.code, 0, odd.stderr);
  assert.match(odd.stdout, /\[completed\]/);
  assert.doesNotMatch(odd.stdout + odd.stderr, /Internal engine error|\n\s+at /);
  assert.match(odd.stderr, /warning: .*metrics\.jsonl line 2 is not an epoch's metrics/);
  assert.match(odd.stderr, /warning: .*index\.json is damaged/);
  assert.match(odd.stderr, /warning: .*summary\.json: layers is not a list/);

  // A run renamed and tagged in VS Code (label.json): info calls it by its label and still names the config.
  const labelled = path.join(root, 'runs-labelled', runName);
  fs.cpSync(runDir, labelled, { recursive: true });
  fs.writeFileSync(path.join(labelled, 'label.json'), JSON.stringify({ label: 'baseline', tags: ['paper', 'seed-1'] }));
  const named = cli(['info', labelled]);
  assert.equal(named.code, 0, named.stderr);
  assert.match(named.stdout, /^run baseline · #paper #seed-1 {2}\[completed\]/);
  assert.match(named.stdout, /\n {2}config twice\n/);

  // The same from the terminal: `label` changes label.json only, and checks every folder before it writes any.
  const trainingFiles = contents(labelled);
  const tagged = cli(['label', labelled, '--tag', 'fig2,#ablation', '--untag', 'seed-1']);
  assert.equal(tagged.code, 0, tagged.stderr);
  assert.equal(tagged.stdout, `baseline · #paper #fig2 #ablation  ${labelled}\n`);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(labelled, 'label.json'), 'utf8')), { label: 'baseline', tags: ['paper', 'fig2', 'ablation'] });
  const after = contents(labelled);
  after.delete('label.json');
  trainingFiles.delete('label.json');
  assert.deepEqual(after, trainingFiles, 'the training files are as the engine wrote them');
  const twoNames = cli(['label', runDir, labelled, '--name', 'x']);
  assert.equal(twoNames.code, 2);
  assert.match(oneLine(twoNames.stderr), /--name names one run, but 2 run folders were given/);
  const notARun = cli(['label', runDir, root, '--tag', 'x']);
  assert.equal(notARun.code, 2);
  assert.match(oneLine(notARun.stderr), /is not a run folder/);
  assert.ok(!fs.existsSync(path.join(runDir, 'label.json')), 'a refused command labels none of its folders');
  const unnamed = cli(['label', labelled, '--name', '', '--clear-tags', '--tag', 'seed-1']);
  assert.equal(unnamed.code, 0, unnamed.stderr);
  assert.equal(unnamed.stdout, `twice · #seed-1  ${labelled}\n`, 'an empty name goes back to the config\'s');
  const both = cli(['label', runDir, labelled, '--tag', 'sweep-a', '--json']);
  assert.equal(both.code, 0, both.stderr);
  assert.deepEqual(
    both.stdout.trim().split('\n').map((l) => JSON.parse(l)),
    [
      { runDir, tags: ['sweep-a'] },
      { runDir: labelled, tags: ['seed-1', 'sweep-a'] },
    ],
  );
  assert.match(cli(['info', runDir]).stdout, /^run twice · #sweep-a {2}\[completed\]/);
  assert.equal(cli(['label', runDir]).stdout, `twice · #sweep-a  ${runDir}\n`, 'without changes it prints the label');
});

test('data a model cannot use: one clear line before any training, and no run folder left', async () => {
  const data = path.join(root, 'tiny-images');
  await writeIdxDataset(data, { rows: 1, cols: 1 });
  const file = writeConfig('one-pixel.selectivity.json', { ...tiny, data: { format: 'idx', path: 'tiny-images' } });
  const r = cli(['train', file, '--runs-dir', 'one-pixel-runs']);
  assert.equal(r.code, 2);
  // The data was read (its progress lines come first); then exactly one error line, the last one.
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('selectivity-lens:'));
  assert.equal(errors.length, 1, r.stderr);
  assert.equal(r.stderr.trim().split('\n').at(-1), errors[0]);
  assert.match(errors[0], /model\.name "small-cnn" needs images of at least 4x4 pixels .* 1x1/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.doesNotMatch(r.stderr + r.stdout, /XNNPACK|memory access out of bounds|Internal engine error/);
  assert.deepEqual(runFoldersIn('one-pixel-runs'), [], 'no run folder that looks like a failed run of 0 epochs');
});

// A run long enough to be signalled while it trains (3 epochs of 6 batches).
const longer = { ...tiny, data: { ...tiny.data, trainLimit: 300 }, train: { ...tiny.train, epochs: 3, batchSize: 25, maxBatchesPerEpoch: 6 } };
let stoppedRun: string | undefined;

test('SIGTERM (a scheduler, a plain kill): checkpoint, lock released, exit 143; the run resumes', async () => {
  const file = writeConfig('term.selectivity.json', { ...longer, name: 'term' });
  const run = cliAsync(['train', file, '--runs-dir', 'runs-term', '--threads', '1']);
  await run.stdoutMatches(/^epoch +1 /m);
  run.child.kill('SIGTERM');
  const r = await run.done;
  assert.equal(r.code, 143, r.stderr);
  assert.match(r.stderr, /^SIGTERM: stopping after the current batch and saving a checkpoint/m);
  assert.match(r.stdout, /^stopped: 1 epoch in /m);
  assert.match(r.stdout, /to continue: selectivity-lens train --resume .*runs-term/);
  const runsDir = path.join(root, 'runs-term');
  const runDir = path.join(runsDir, fs.readdirSync(runsDir).filter((n) => !n.startsWith('.'))[0]);
  assert.equal(fs.existsSync(path.join(runDir, 'run.lock')), false, 'the lock is released');
  assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')).state, 'stopped');
  assert.match(fs.readFileSync(path.join(runDir, 'checkpoints', 'latest'), 'utf8'), /^epoch-0001(-b\d{6})?\n$/);
  stoppedRun = path.join(root, 'stopped-copy');
  fs.cpSync(runDir, stoppedRun, { recursive: true });

  const resumed = cli(['train', '--resume', runDir, '--threads', '1']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resumed after epoch 1/);
  assert.deepEqual(epochsIn(runDir), [1, 2, 3]);
});

test('a resume that cannot start (damaged config.json, missing or damaged checkpoint) names the file and changes nothing', () => {
  assert.ok(stoppedRun, 'needs the stopped run');
  const damage: Array<[string, (dir: string) => void, RegExp]> = [
    ['config', (d) => fs.writeFileSync(path.join(d, 'config.json'), '{"name": "term", '), /config\.json is not valid JSON/],
    ['no-checkpoint', (d) => fs.rmSync(path.join(d, 'checkpoints', fs.readFileSync(path.join(d, 'checkpoints', 'latest'), 'utf8').trim()), { recursive: true }), /Checkpoint .*checkpoints\/epoch-0001\S* \(named by .*checkpoints\/latest\) is missing/],
    ['trainer', (d) => fs.writeFileSync(path.join(d, 'checkpoints', fs.readFileSync(path.join(d, 'checkpoints', 'latest'), 'utf8').trim(), 'trainer.json'), '{"epochsDone": 1,'), /Checkpoint file .*trainer\.json is unreadable \(not valid JSON\)/],
    ['optimizer', (d) => fs.truncateSync(path.join(d, 'checkpoints', fs.readFileSync(path.join(d, 'checkpoints', 'latest'), 'utf8').trim(), 'optimizer.bin'), 100), /Checkpoint file .*optimizer\.bin is unreadable \(it has 100 bytes/],
  ];
  for (const [name, harm, message] of damage) {
    const dir = path.join(root, `damaged-${name}`);
    fs.cpSync(stoppedRun, dir, { recursive: true });
    harm(dir);
    const before = contents(dir);
    const r = cli(['train', '--resume', dir, '--threads', '1']);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), message, name);
    assert.equal(r.stdout.trim(), '', `${name}: no summary line for a run that did not start`);
    assert.deepEqual(contents(dir), before, `${name}: nothing in the run folder changed (summary.json still says stopped)`);
  }
});

test('two resumes of one run started together: one trains, the other is refused in one line and touches nothing', async () => {
  const file = writeConfig('twin.selectivity.json', { ...longer, name: 'twin' });
  // A run killed by the engine itself in its second epoch's metrics write: resumable from epoch 1.
  const killed = cli(['train', file, '--runs-dir', 'runs-twin', '--threads', '1'], root, { SELECTIVITY_LENS_CRASH_AT: 'append-metrics@2' });
  assert.equal(killed.signal, 'SIGKILL');
  const runsDir = path.join(root, 'runs-twin');
  const runDir = path.join(runsDir, fs.readdirSync(runsDir).filter((n) => !n.startsWith('.'))[0]);
  const [a, b] = [cliAsync(['train', '--resume', runDir, '--threads', '1']), cliAsync(['train', '--resume', runDir, '--threads', '1'])];
  const results = await Promise.all([a.done, b.done]);
  const won = results.filter((r) => r.code === 0);
  const refused = results.filter((r) => r.code !== 0);
  assert.equal(won.length, 1, results.map((r) => `${r.code}: ${r.stderr}`).join('\n'));
  assert.equal(refused.length, 1);
  assert.equal(refused[0].code, 2);
  assert.match(oneLine(refused[0].stderr), /^selectivity-lens: Run folder .*runs-twin\/twin-\S+ is in use by engine process \d+; nothing was changed\.$/);
  assert.equal(refused[0].stdout, '', 'no summary line: the refused one did not say "failed"');
  assert.match(won[0].stdout, /completed: 3 epochs/);
  assert.deepEqual(epochsIn(runDir), [1, 2, 3], 'each epoch once');
  const started = fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"runStarted"'));
  assert.equal(started.length, 2, 'the first start and one resume');
  assert.equal(fs.existsSync(path.join(runDir, 'run.lock')), false);
});

function lines(stderr: string): string[] {
  assert.doesNotMatch(stderr, /\n\s+at |Internal engine error|FATAL/, 'no stack, no internal error');
  return stderr.split('\n').filter((l) => l.trim() !== '');
}

test('several problems: one line each, naming its field, exit 2', () => {
  const file = writeConfig('several.selectivity.json', { ...tiny, model: { name: 'resnet99' }, train: { ...tiny.train, batchSize: 0, lr: 'fast' } });
  const r = cli(['train', file]);
  assert.equal(r.code, 2);
  assert.deepEqual(lines(r.stderr), [
    'selectivity-lens: several.selectivity.json: model.name must be one of "small-cnn", "resnet20", "resnet18", "resnet50", "user" (got "resnet99")',
    'selectivity-lens: several.selectivity.json: train.batchSize must be >= 1 (got 0)',
    'selectivity-lens: several.selectivity.json: train.lr must be a number (got "fast")',
  ]);
});

test('hostile configs: huge schedules, deep nesting, 1e999, __proto__ and huge values give clear lines and exit 2', () => {
  const json = JSON.stringify(tiny);
  const cases: Array<[string, RegExp]> = [
    [json.replace('"alpha":-1', '"alpha":"1*99999999999"'), /selectivity\.alpha "1\*99999999999" covers more than 100000 epochs but train\.epochs is 1/],
    [json.replace('"alpha":-1', `"alpha":${'['.repeat(100_000)}${']'.repeat(100_000)}`), /selectivity\.alpha\[0\]\[0\]….* is nested more than 20 levels deep/],
    [json.replace('"alpha":-1', '"alpha":"1e308*1"'), /selectivity\.alpha has the value 1e308; every alpha must be between -1000 and 1000/],
    [json.replace('"trainLimit":64', '"trainLimit":1e999'), /data\.trainLimit must be a finite number \(got 1e999, which JSON cannot store\)/],
    [json.replace('"model":{"name":"small-cnn"},', '"__proto__":{"model":{"name":"small-cnn"}},'), /__proto__ is not allowed/],
    [json.replace('"backend":"wasm"', `"backend":"${'w'.repeat(10_000)}"`), /backend must be one of .* \(got "w{40}…"\)/],
  ];
  cases.forEach(([text, pattern], i) => {
    const started = Date.now();
    const r = cli(['train', writeConfig(`hostile-${i}.selectivity.json`, text), '--runs-dir', `runs-hostile-${i}`]);
    assert.equal(r.code, 2, r.stderr.slice(0, 500));
    const [line, ...rest] = lines(r.stderr);
    assert.deepEqual(rest, [], r.stderr.slice(0, 500));
    assert.match(line, pattern);
    assert.ok(line.length < 250, line.slice(0, 300));
    assert.ok(Date.now() - started < 30_000);
    assert.equal(fs.existsSync(path.join(root, `runs-hostile-${i}`)), false, 'nothing is created for a refused config');
  });
});

test('what train writes to config.json validates again (1e300 limits, a long file name)', () => {
  const name = `${'L'.repeat(150)}.selectivity.json`;
  const file = writeConfig(name, { ...tiny, data: { ...tiny.data, trainLimit: 64, testLimit: 1e300 } });
  const r = cli(['train', file, '--runs-dir', 'runs-roundtrip']);
  assert.equal(r.code, 0, r.stderr);
  const [runName] = fs.readdirSync(path.join(root, 'runs-roundtrip')).filter((n) => !n.startsWith('.'));
  const saved = JSON.parse(fs.readFileSync(path.join(root, 'runs-roundtrip', runName, 'config.json'), 'utf8'));
  assert.equal(saved.data.testLimit, 1e300);
  assert.equal(saved.name, 'L'.repeat(100));
  assert.deepEqual(validateRunConfig(saved).problems, []);
});

test('sweep --runs-dir: the sweep folder goes in that folder; sweep problems are listed one per line', () => {
  const help = cli(['sweep', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--runs-dir <dir>\s+folder for the sweep folder/);
  const sweep = writeConfig('grid.selectivity.json', { kind: 'sweep', base: tiny, alphas: [0], seeds: [0], outDir: 'not-used' });
  const r = cli(['sweep', sweep, '--runs-dir', 'sweeps-here', '--no-report', '--parallel', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(root, 'sweeps-here', 'grid', 'alpha=0_seed=0', 'summary.json')));
  assert.equal(fs.existsSync(path.join(root, 'not-used')), false);
  // A sweep folder stays where it is.
  const moved = cli(['sweep', path.join('sweeps-here', 'grid'), '--runs-dir', 'elsewhere']);
  assert.equal(moved.code, 2);
  assert.match(lines(moved.stderr)[0], /is a sweep folder, which stays where it is; a runs folder \(--runs-dir\) is only for a sweep config/);
  // `label` on a sweep folder tags each of its runs; a name needs one run.
  const sweepDir = path.join(root, 'sweeps-here', 'grid');
  const tagged = cli(['label', sweepDir, '--tag', 'fig3']);
  assert.equal(tagged.code, 0, tagged.stderr);
  assert.equal(tagged.stdout, `grid--alpha=0_seed=0 · #fig3  ${path.join(sweepDir, 'alpha=0_seed=0')}\n`);
  assert.equal(cli(['label', sweepDir, '--name', 'x']).code, 0, 'a sweep of one run can be named');
  const unstarted = path.join(root, 'sweeps-unstarted');
  fs.mkdirSync(unstarted);
  fs.copyFileSync(path.join(sweepDir, 'sweep.json'), path.join(unstarted, 'sweep.json'));
  const none = cli(['label', unstarted, '--tag', 'x']);
  assert.equal(none.code, 2);
  assert.match(oneLine(none.stderr), /no run of this sweep has started yet/);

  const bad = writeConfig('badgrid.selectivity.json', { kind: 'sweep', base: tiny, alphas: [5000], seeds: [-1], parallel: 0 });
  const b = cli(['sweep', bad, '--runs-dir', 'sweeps-bad']);
  assert.equal(b.code, 2);
  const abs = path.join(root, bad);
  assert.deepEqual(lines(b.stderr), [
    `selectivity-lens: ${abs}: alphas[0] must be <= 1000 (got 5000).`,
    `selectivity-lens: ${abs}: seeds[0] must be >= 0 (got -1).`,
    `selectivity-lens: ${abs}: parallel must be >= 1 (got 0).`,
  ]);
  assert.equal(fs.existsSync(path.join(root, 'sweeps-bad')), false);
});
