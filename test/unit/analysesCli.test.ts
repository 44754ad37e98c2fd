// The analysis commands as a user runs them (a real child process): each writes its result into the run's
// analyses/, `info` lists it, --json ends with the result, and bad input is one line naming the field or file
// with exit code 2.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../repoRoot';

const bin = path.join(REPO_ROOT, 'bin', 'selectivity-lens');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-analyses-cli-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, SELECTIVITY_LENS_DEBUG: '' }, timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let runDir = '';

before(() => {
  const config = {
    kind: 'run',
    name: 'tiny',
    model: { name: 'small-cnn' },
    data: { format: 'mnist-embedded', trainLimit: 1000, testLimit: 150, cacheDir: path.join(root, '.cache') },
    train: { epochs: 1, batchSize: 32, lr: 0.05, maxBatchesPerEpoch: 20, seed: 3 },
    selectivity: { alpha: 0 },
  };
  fs.writeFileSync(path.join(root, 'tiny.selectivity.json'), JSON.stringify(config));
  const r = cli(['train', 'tiny.selectivity.json', '--runs-dir', 'runs', '--backend', 'wasm']);
  assert.equal(r.code, 0, r.stderr);
  runDir = path.join(root, 'runs', fs.readdirSync(path.join(root, 'runs'))[0]);
});

test('each analysis command writes its file, prints a summary, and info lists them', () => {
  const commands: Array<[string[], string]> = [
    [['ablate', runDir, '--layers', 'fc1', '--fractions', '0,0.5,1', '--permutations', '2', '--modes', 'zero'], 'ablation.json'],
    [['dimensionality', runDir], 'dimensionality.json'],
    [['robustness', runDir, '--samples', '40', '--eps', '0,0.05', '--pgd-steps', '2', '--corruptions', 'blur,contrast'], 'robustness.json'],
    [['top-inputs', runDir, '--layers', 'conv1', '--k', '3', '--per-class', '1'], 'top-inputs.json'],
    [['similarity', runDir, runDir, '--samples', '100'], `similarity--${path.basename(runDir)}.json`],
  ];
  for (const [args, file] of commands) {
    const r = cli([...args, '--backend', 'wasm']);
    assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`wrote .*analyses/${file.replace(/[.+]/g, '\\$&')}`));
    assert.ok(fs.existsSync(path.join(runDir, 'analyses', file)), file);
  }
  const abl = JSON.parse(fs.readFileSync(path.join(runDir, 'analyses', 'ablation.json'), 'utf8'));
  assert.equal(abl.kind, 'ablation');
  assert.deepEqual(abl.fractions, [0, 0.5, 1]);
  assert.equal(abl.layers[0].descending[0].acc, abl.baseline.acc);
  const info = cli(['info', runDir]);
  assert.equal(info.code, 0);
  for (const f of ['ablation.json', 'dimensionality.json', 'robustness.json', 'top-inputs.json']) assert.match(info.stdout, new RegExp(`analyses/${f}`));
  assert.match(info.stdout, /participation ratio/);
  const infoJson = JSON.parse(cli(['info', runDir, '--json']).stdout);
  assert.equal(infoJson.analyses.length, 5);
});

test('--json: progress lines, a partial result after each layer\'s eigenvalues, then the result', () => {
  const r = cli(['dimensionality', runDir, '--json', '--backend', 'wasm', '--samples', '64']);
  assert.equal(r.code, 0, r.stderr);
  type Line = { type: string; result?: { kind: string; samples: number; layers: Array<{ layer: string }> } };
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Line);
  assert.ok(lines.slice(0, -1).every((l) => l.type === 'progress' || l.type === 'partial'));
  const last = lines[lines.length - 1];
  assert.equal(last.type, 'result');
  assert.equal(last.result!.kind, 'dimensionality');
  assert.equal(last.result!.samples, 64);
  const layers = last.result!.layers.map((l) => l.layer);
  const partials = lines.filter((l) => l.type === 'partial').map((l) => l.result!.layers.map((x) => x.layer));
  assert.deepEqual(partials, layers.slice(1).map((_, i) => layers.slice(0, i + 1)), 'one more layer in each partial result');
});

test('bad input: one line naming the field or file, exit 2, no stack', () => {
  const cases: Array<[string[], RegExp]> = [
    [['ablate', runDir, '--fractions', '0,1.5'], /--fractions must be a comma-separated list of numbers in \[0, 1\]/],
    [['ablate', runDir, '--layers', 'conv9'], /--layers names "conv9", not a unit layer .* conv1, conv2, fc1/],
    [['dimensionality', path.join(root, 'nowhere')], /Run folder .*nowhere does not exist/],
    [['robustness', root], /is not a run folder: it has no config\.json/],
    [['robustness', runDir, '--corruptions', 'fog'], /--corruptions must be a comma-separated list of gaussianNoise, blur/],
    [['top-inputs', runDir, '--k', '0'], /--k must be a whole number >= 1/],
    [['sweep-analyze', runDir], /is not a sweep folder/],
  ];
  for (const [args, re] of cases) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], re);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('a sweep config\'s "analyses" run after its runs, and its report plots them vs alpha', () => {
  const sweep = {
    kind: 'sweep',
    name: 'tiny-sweep',
    base: {
      model: { name: 'small-cnn' },
      data: { format: 'mnist-embedded', trainLimit: 300, testLimit: 64, cacheDir: path.join(root, '.cache') },
      train: { epochs: 1, batchSize: 32, lr: 0.05, maxBatchesPerEpoch: 3 },
      selectivity: { alpha: 0 },
    },
    alphas: [0, 1],
    seeds: [0],
    parallel: 1,
    analyses: { run: ['similarity', 'dimensionality'], samples: 32 },
  };
  fs.writeFileSync(path.join(root, 'tiny.sweep.selectivity.json'), JSON.stringify(sweep));
  const r = cli(['sweep', 'tiny.sweep.selectivity.json', '--runs-dir', 'sweeps']);
  assert.equal(r.code, 0, r.stderr);
  const dir = path.join(root, 'sweeps', 'tiny-sweep');
  for (const run of ['alpha=0_seed=0', 'alpha=1_seed=0']) {
    assert.ok(fs.existsSync(path.join(dir, run, 'analyses', 'dimensionality.json')), run);
    assert.ok(fs.existsSync(path.join(dir, run, 'analyses', 'similarity--alpha=0_seed=0.json')), run);
  }
  const figures = fs.readdirSync(path.join(dir, 'report', 'figures'));
  assert.ok(figures.includes('cka-vs-alpha.svg') && figures.includes('dimensionality-vs-alpha.svg'), figures.join(', '));
  assert.ok(!figures.includes('ablation-vs-alpha.svg'));
  // Run again over the finished sweep: nothing left to compute.
  const again = cli(['sweep-analyze', dir, '--analyses', 'similarity,dimensionality']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 analysis files written over 2 completed runs, 4 kept/);
});
