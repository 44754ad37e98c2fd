// Loading hostile sweep files: every problem is a clear ConfigProblemsError naming its field, never a crash.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ConfigProblemsError } from '../../../../src/engine/config';
import { isEngineError } from '../../../../src/engine/errors';
import { loadSweepConfig } from '../../../../src/engine/sweep/loadSweepConfig';
import { planSweep } from '../../../../src/engine/sweep/runSweep';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sweep-hostile-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const base = {
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded' },
  train: { epochs: 2, batchSize: 8, lr: 0.05 },
  selectivity: { alpha: 0 },
};

function write(name: string, content: unknown): string {
  const f = path.join(dir, name);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

function problemsOf(file: string): string[] {
  try {
    planSweep(file);
  } catch (e) {
    assert.ok(e instanceof ConfigProblemsError, `a ConfigProblemsError, got ${String(e)}`);
    return e.lines().map((l) => l.slice(file.length + 2));
  }
  assert.fail('the sweep was accepted');
}

test('deep nesting, reserved keys and non-finite numbers in a sweep file', () => {
  const deep = write('deep.selectivity.json', `{ "kind": "sweep", "base": ${JSON.stringify(base)}, "axes": { "train.lr": ${'['.repeat(50_000)}${']'.repeat(50_000)} } }`);
  assert.deepEqual(problemsOf(deep).map((l) => l.replace(/ is nested.*/, '')), ['axes.train.lr[0][0]…[0][0][0]']);
  const proto = write('proto.selectivity.json', `{ "kind": "sweep", "base": ${JSON.stringify(base)}, "__proto__": { "alphas": [1] }, "axes": { "constructor": [1] } }`);
  assert.deepEqual(problemsOf(proto).map((l) => l.split(' ')[0]), ['__proto__', 'axes.constructor']);
  const inf = write('inf.selectivity.json', `{ "kind": "sweep", "base": ${JSON.stringify(base)}, "parallel": 1e999, "alphas": [-1e999] }`);
  assert.deepEqual(problemsOf(inf), [
    'parallel must be a finite number (got 1e999, which JSON cannot store)',
    'alphas[0] must be a finite number (got -1e999, which JSON cannot store)',
  ]);
});

test('every schema problem is listed with its field, alphas bounded on both ways of writing them', () => {
  const f = write('many.selectivity.json', {
    kind: 'sweep',
    base,
    name: '..',
    alphas: [1e308, 0],
    seeds: [-1],
    parallel: 0,
    typo: 1,
  });
  assert.deepEqual(problemsOf(f), [
    'typo is not a known field (known: kind, name, base, alphas, seeds, axes, parallel, executor, outDir, analyses).',
    'name must start with a letter or digit and contain only letters, digits and . _ + = -.',
    'alphas[0] must be <= 1000 (got 1e+308).',
    'seeds[0] must be >= 0 (got -1).',
    'parallel must be >= 1 (got 0).',
  ]);
  const axis = write('axis.selectivity.json', { kind: 'sweep', base, seeds: [0], axes: { 'selectivity.alpha': [[1e308, 0], 'fast'], 'no.such': [1] } });
  assert.deepEqual(problemsOf(axis), [
    'axes.no.such is not a sweep axis: an axis is a run config field path such as "train.lr" or "model.name".',
    'axes.selectivity.alpha[0][0] must be <= 1000 (got 1e+308).',
    'axes.selectivity.alpha[1] must be a number, a list of numbers (one per epoch) or a schedule string like "0*5 -1*15".',
  ]);
  const schedule = write('schedule.selectivity.json', { kind: 'sweep', base, seeds: [0], axes: { 'selectivity.alpha': ['1e308*2'] } });
  assert.deepEqual(problemsOf(schedule), [
    'sweep run alpha=1e308x2_seed=0: selectivity.alpha has the value 1e308; every alpha must be between -1000 and 1000',
  ]);
});

test('an inline base reports all its problems under "base", placed in the sweep file', () => {
  const text = JSON.stringify({ kind: 'sweep', base: { ...base, train: { epochs: 0, batchSize: 0, lr: 1 } } }, null, 2);
  const f = write('inline.selectivity.json', text);
  assert.throws(() => loadSweepConfig(f), (e: unknown) => {
    assert.ok(e instanceof ConfigProblemsError);
    assert.deepEqual(e.problems.map((p) => p.field), ['base.train.epochs', 'base.train.batchSize']);
    assert.equal(text.slice(e.problems[0].offset, e.problems[0].offset + e.problems[0].length), '0');
    assert.equal(e.details.field, 'base.train.epochs');
    return true;
  });
});

test('messages quote long values short', () => {
  const f = write('long.selectivity.json', { kind: 'sweep', base: 'b'.repeat(5000), name: 'n'.repeat(5000), axes: { ['train.' + 'k'.repeat(5000)]: [1] } });
  try {
    planSweep(f);
    assert.fail('accepted');
  } catch (e) {
    assert.ok(isEngineError(e));
    for (const line of e instanceof ConfigProblemsError ? e.lines() : [e.message]) {
      assert.ok(line.length - f.length <= 200, line.slice(0, 400));
    }
  }
});

test('runsDir puts the sweep folder in another folder, like outDir', () => {
  const f = write('grid.selectivity.json', { kind: 'sweep', base, alphas: [0], seeds: [0], outDir: 'elsewhere' });
  assert.equal(loadSweepConfig(f).sweepDir, path.join(dir, 'elsewhere', 'grid'));
  const s = loadSweepConfig(f, { runsDir: path.join(dir, 'mine') });
  assert.equal(s.sweepDir, path.join(dir, 'mine', 'grid'));
  assert.equal(s.config.outDir, path.join(dir, 'mine'));
  assert.equal(planSweep(f, { runsDir: 'rel' }).runs[0].runDir, path.resolve('rel', 'grid', 'alpha=0_seed=0'));
});

test('an executor is "local" or "slurm", each field checked and named', () => {
  const ok = write('slurm-ok.selectivity.json', { kind: 'sweep', base, executor: { kind: 'slurm', partition: 'gpu', time: '4:00:00', cpusPerTask: 8, gpusPerTask: 1, mem: '32G', throttle: 10, setup: ['module load nodejs/20'], extraArgs: ['--mail-type=END'] } });
  assert.equal(loadSweepConfig(ok).config.executor?.kind, 'slurm');
  const local = write('local-ok.selectivity.json', { kind: 'sweep', base, executor: { kind: 'local', parallel: 3 } });
  assert.equal(planSweep(local).resolved.config.executor?.kind, 'local');
  const lines = problemsOf(
    write('slurm-bad.selectivity.json', { kind: 'sweep', base, executor: { kind: 'slurm', time: 'an hour', cpusPerTask: 0, mem: 'lots', extraArgs: ['mail'], setup: ['echo a\nrm -rf /'], partiton: 'gpu' } }),
  ).join('\n');
  for (const field of ['executor.time', 'executor.cpusPerTask', 'executor.mem', 'executor.extraArgs[0]', 'executor.setup[0]', 'executor.partiton']) {
    assert.match(lines, new RegExp(field.replace(/[.[\]]/g, '\\$&')), `${field} is named in:\n${lines}`);
  }
  assert.match(problemsOf(write('kind-bad.selectivity.json', { kind: 'sweep', base, executor: { kind: 'kubernetes' } })).join('\n'), /executor/);
});
