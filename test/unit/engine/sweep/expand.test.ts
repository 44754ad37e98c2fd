// Sweep expansion: run names, order, dotted-path overrides, defaults, and the config loader's messages.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PAPER_ALPHAS, type RunConfig } from '../../../../src/protocol/config';
import { isEngineError } from '../../../../src/engine/errors';
import { expandSweep, formatValue, plotAlpha, setPath } from '../../../../src/engine/sweep/expand';
import { loadSweepConfig } from '../../../../src/engine/sweep/loadSweepConfig';
import { planSweep } from '../../../../src/engine/sweep/runSweep';

const base: RunConfig = {
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded', trainLimit: 256 },
  train: { epochs: 2, batchSize: 64, lr: 0.05 },
  selectivity: { alpha: 0 },
};

test('alpha x seed expansion: stable names, seeds outer, alphas inner, overrides applied', () => {
  const plan = expandSweep({ name: 's', base, alphas: [-1, 0, 2.5], seeds: [0, 7] });
  assert.deepEqual(
    plan.runs.map((r) => r.name),
    ['alpha=-1_seed=0', 'alpha=0_seed=0', 'alpha=2.5_seed=0', 'alpha=-1_seed=7', 'alpha=0_seed=7', 'alpha=2.5_seed=7'],
  );
  const r = plan.runs[3];
  assert.equal(r.config.selectivity.alpha, -1);
  assert.equal(r.config.train.seed, 7);
  assert.equal(r.alpha, -1);
  assert.equal(r.seed, 7);
  assert.equal(r.config.name, 's--alpha=-1_seed=7');
  // The base is not modified and other fields are kept.
  assert.equal(base.selectivity.alpha, 0);
  assert.equal(r.config.data.trainLimit, 256);
  // Same config, same hash; different alpha, different hash.
  assert.equal(expandSweep({ name: 'other', base, alphas: [-1], seeds: [7] }).runs[0].configHash, r.configHash);
  assert.notEqual(plan.runs[0].configHash, plan.runs[1].configHash);
});

test('defaults: the paper alpha grid and seeds 0, 1, 2', () => {
  const plan = expandSweep({ name: 's', base });
  assert.equal(plan.runs.length, PAPER_ALPHAS.length * 3);
  assert.deepEqual(
    plan.runs.slice(0, PAPER_ALPHAS.length).map((r) => r.alpha),
    [...PAPER_ALPHAS],
  );
  assert.deepEqual([...new Set(plan.runs.map((r) => r.seed))], [0, 1, 2]);
  assert.equal(new Set(plan.runs.map((r) => r.name)).size, plan.runs.length);
});

test('other axes as dotted paths: outermost, short keys, lists and nested fields created', () => {
  const plan = expandSweep({
    name: 's',
    base,
    alphas: [0],
    seeds: [0],
    axes: {
      'train.lr': [0.1, 0.01],
      'selectivity.layers': [['conv1', 'conv2'], 'all'],
      'data.augment.flip': [true],
    },
  });
  assert.deepEqual(
    plan.runs.map((r) => r.name),
    [
      'alpha=0_seed=0_lr=0.1_layers=conv1+conv2_flip=true',
      'alpha=0_seed=0_lr=0.1_layers=all_flip=true',
      'alpha=0_seed=0_lr=0.01_layers=conv1+conv2_flip=true',
      'alpha=0_seed=0_lr=0.01_layers=all_flip=true',
    ],
  );
  assert.equal(plan.runs[2].config.train.lr, 0.01);
  assert.deepEqual(plan.runs[0].config.selectivity.layers, ['conv1', 'conv2']);
  assert.deepEqual(plan.runs[0].config.data.augment, { flip: true });
  assert.deepEqual(plan.axes.map((a) => a.key), ['lr', 'layers', 'flip', 'seed', 'alpha']);
});

test('alpha schedules as the selectivity.alpha axis; plotted alpha is where the schedule ends', () => {
  const plan = expandSweep({ name: 's', base, seeds: [0], axes: { 'selectivity.alpha': ['0*1 -1*1', [0, 2], -3] } });
  assert.deepEqual(
    plan.runs.map((r) => [r.name, r.alpha]),
    [
      ['alpha=0x1+-1x1_seed=0', -1],
      ['alpha=0+2_seed=0', 2],
      ['alpha=-3_seed=0', -3],
    ],
  );
  assert.equal(plan.runs[0].config.selectivity.alpha, '0*1 -1*1');
  assert.equal(plotAlpha('-0.5*3'), -0.5);
  assert.equal(formatValue('a b/c'), 'a+b-c');
});

test('conflicting or bad axes are user errors naming the field', () => {
  const cases: Array<[Parameters<typeof expandSweep>[0], string]> = [
    [{ name: 's', base, alphas: [1], axes: { 'selectivity.alpha': [1] } }, 'axes.selectivity.alpha'],
    [{ name: 's', base, axes: { 'train.seed': [1] } }, 'axes.train.seed'],
    [{ name: 's', base, axes: { 'optimizer.lr': [1] } }, 'axes.optimizer.lr'],
    [{ name: 's', base, axes: { 'train.lr': [] } }, 'axes.train.lr'],
    [{ name: 's', base, axes: { 'selectivity.alpha': ['fast'] } }, 'axes.selectivity.alpha[0]'],
  ];
  for (const [spec, field] of cases) {
    assert.throws(
      () => expandSweep(spec),
      (e: unknown) => isEngineError(e) && e.code === 'CONFIG_INVALID' && e.details.field === field,
      field,
    );
  }
});

test('loading sweep files: base by path, defaults, folder names, and clear errors', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sweep-load-'));
  writeFileSync(path.join(dir, 'base.selectivity.json'), JSON.stringify({ ...base, data: { format: 'idx', path: 'data/mnist' } }));
  const file = path.join(dir, 'grid.selectivity.json');
  writeFileSync(file, `{ // comment\n "kind": "sweep", "base": "base.selectivity.json", "alphas": [-1, 0], "seeds": [3], }`);
  const s = loadSweepConfig(file);
  assert.equal(s.sweepDir, path.join(dir, 'runs', 'grid'));
  assert.equal(s.spec.base.data.path, path.join(dir, 'data', 'mnist'));
  const plan = planSweep(file);
  assert.deepEqual(
    plan.runs.map((r) => [r.runId, r.runDir]),
    [
      ['grid--alpha=-1_seed=3', path.join(dir, 'runs', 'grid', 'alpha=-1_seed=3')],
      ['grid--alpha=0_seed=3', path.join(dir, 'runs', 'grid', 'alpha=0_seed=3')],
    ],
  );

  const bad = (name: string, text: string, field: string | undefined, pattern: RegExp) => {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    assert.throws(
      () => planSweep(f),
      (e: unknown) => isEngineError(e) && e.details.field === field && pattern.test(e.message),
      name,
    );
  };
  bad('run.selectivity.json', JSON.stringify(base), 'kind', /is a run config/);
  bad('typo.selectivity.json', JSON.stringify({ kind: 'sweep', base: 'base.selectivity.json', alpha: [1] }), 'alpha', /not a known field/);
  bad('nobase.selectivity.json', JSON.stringify({ kind: 'sweep', base: 'missing.json' }), 'base', /does not exist/);
  bad('inline.selectivity.json', JSON.stringify({ kind: 'sweep', base: { ...base, train: { epochs: 0, batchSize: 1, lr: 1 } } }), 'base.train.epochs', /epochs/);
  bad('axis.selectivity.json', JSON.stringify({ kind: 'sweep', base, seeds: [0], alphas: [0], axes: { 'train.batchSize': [0] } }), 'train.batchSize', /sweep run alpha=0_seed=0_batchSize=0/);
  bad('syntax.selectivity.json', '{ "kind": "sweep", ', undefined, /syntax\.selectivity\.json:1/);
});

test('the grid size is checked from the axes\' lengths before any run config is made', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const started = Date.now();
  assert.throws(
    () => expandSweep({ name: 's', base, alphas: [0], seeds: [0], axes: { 'train.batchSize': many(1000), 'train.epochs': many(1000), 'data.trainLimit': many(1000) } }),
    (e: unknown) => {
      assert.ok(isEngineError(e) && e.code === 'CONFIG_INVALID');
      assert.equal(
        e.message,
        'Sweep would make 1,000,000,000 runs (1000 "train.batchSize" values x 1000 "train.epochs" values x 1000 "data.trainLimit" values); ' +
          'one sweep makes at most 10,000: use fewer values or split it.',
      );
      assert.equal(e.details.field, 'axes.train.batchSize');
      return true;
    },
  );
  assert.throws(() => expandSweep({ name: 's', base, alphas: many(101).map((a) => a / 1000), seeds: many(100) }), (e: unknown) => {
    assert.ok(isEngineError(e));
    assert.match(e.message, /^Sweep would make 10,100 runs \(100 seeds x 101 alphas\)/);
    assert.equal(e.details.field, 'alphas');
    return true;
  });
  assert.ok(Date.now() - started < 5000);
  assert.equal(expandSweep({ name: 's', base, alphas: many(100).map((a) => a / 1000), seeds: many(100) }).runs.length, 10_000);
});

test('axis paths through a prototype are refused and never touch Object.prototype', () => {
  for (const axis of ['train.__proto__.polluted', 'model.constructor.prototype.polluted', 'data.prototype']) {
    assert.throws(
      () => expandSweep({ name: 's', base, alphas: [0], seeds: [0], axes: { [axis]: [1] } }),
      (e: unknown) => isEngineError(e) && e.details.field === `axes.${axis}` && /is never a config field|not a run config field path/.test(e.message),
      axis,
    );
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => setPath({}, 'train.__proto__.x', 1), /goes through a prototype/);
  const target = {};
  setPath(target, 'train.lr', 0.1);
  assert.deepEqual(target, { train: { lr: 0.1 } });
});

test('axis messages quote long paths and values short', () => {
  const long = `train.${'k'.repeat(10_000)}`;
  assert.throws(() => expandSweep({ name: 's', base, axes: { [long]: [] } }), (e: unknown) => isEngineError(e) && e.message.length < 120);
  assert.throws(
    () => expandSweep({ name: 's', base, seeds: [0], axes: { 'selectivity.alpha': [`x${'y'.repeat(10_000)}`] } }),
    (e: unknown) => isEngineError(e) && e.message.length < 150 && /^Sweep alpha "xy+…" is not a number/.test(e.message),
  );
});
