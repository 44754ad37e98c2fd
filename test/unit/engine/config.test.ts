// Run config validation: every problem names the file and the field, and points at the exact text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  applyDefaults,
  expandAlpha,
  loadRunConfigFile,
  parseAlphaString,
  problemsToMessage,
  validateConfigText,
  validateRunConfig,
} from '../../../src/engine/config';
import { EngineError } from '../../../src/engine/errors';
import type { RunConfig } from '../../../src/protocol/config';

const FILE = 'runs/a.selectivity.json';
const valid = {
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded' },
  train: { epochs: 3, batchSize: 64, lr: 0.05 },
  selectivity: { alpha: -1 },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form edits of a JSON document
function textWith(patch: (c: any) => void): string {
  const c = JSON.parse(JSON.stringify(valid));
  patch(c);
  return JSON.stringify(c, null, 2);
}

test('a valid JSONC config (comments, trailing commas) passes', () => {
  const text = `{
    // quick run
    "$schema": "../schemas/run.schema.json",
    "model": { "name": "small-cnn" },
    "data": { "format": "mnist-embedded", },
    "train": { "epochs": 20, "batchSize": 64, "lr": 0.05 },
    "selectivity": { "alpha": "0*5 -1*15" },
  }`;
  const r = validateConfigText(text, FILE);
  assert.deepEqual(r.problems, []);
  assert.equal(r.config?.model.name, 'small-cnn');
});

test('malformed JSONC: one message with file:line:column', () => {
  const text = '{\n  "model": { "name": "small-cnn" }\n  "data": {}\n}';
  const r = validateConfigText(text, FILE);
  assert.equal(r.config, undefined);
  assert.ok(r.problems.length >= 1);
  const msg = problemsToMessage(FILE, r.problems);
  assert.match(msg, /^runs\/a\.selectivity\.json:3:3: invalid JSON: comma expected/);
  assert.equal(msg.includes('\n'), false);
});

test('wrong type names the field and points at its value', () => {
  const text = textWith((c) => (c.train.batchSize = 'big'));
  const r = validateConfigText(text, FILE);
  assert.equal(r.config, undefined);
  assert.equal(r.problems.length, 1);
  const p = r.problems[0];
  assert.equal(p.path, '/train/batchSize');
  assert.equal(p.field, 'train.batchSize');
  assert.equal(text.slice(p.offset, p.offset + p.length), '"big"');
  assert.equal(problemsToMessage(FILE, r.problems), 'runs/a.selectivity.json: train.batchSize must be a whole number (got "big")');
});

test('out-of-range value: "train.batchSize must be >= 1"', () => {
  const r = validateConfigText(textWith((c) => (c.train.batchSize = 0)), FILE);
  assert.equal(problemsToMessage(FILE, r.problems), 'runs/a.selectivity.json: train.batchSize must be >= 1 (got 0)');
});

test('unknown model names model.name and lists the choices', () => {
  const text = textWith((c) => (c.model.name = 'resnet99'));
  const r = validateConfigText(text, FILE);
  const p = r.problems[0];
  assert.equal(p.field, 'model.name');
  assert.match(p.message, /model\.name must be one of "small-cnn", "resnet20", "resnet18", "resnet50", "user" \(got "resnet99"\)/);
  assert.equal(text.slice(p.offset, p.offset + p.length), '"resnet99"');
});

test('all errors are returned, each with its own path; typos get a suggestion on the key', () => {
  const text = textWith((c) => {
    c.train.batchSize = -2;
    c.train.lr = 'fast';
    c.train.epoch = 3;
    delete c.selectivity.alpha;
  });
  const r = validateConfigText(text, FILE);
  const byPath = new Map(r.problems.map((p) => [p.path, p]));
  assert.deepEqual([...byPath.keys()].sort(), ['/selectivity/alpha', '/train/batchSize', '/train/epoch', '/train/lr']);
  const typo = byPath.get('/train/epoch')!;
  assert.match(typo.message, /train\.epoch is not a known field \(did you mean "epochs"\?\)/);
  assert.equal(text.slice(typo.offset, typo.offset + typo.length), '"epoch"');
  // A missing field is placed on its parent's key.
  const missing = byPath.get('/selectivity/alpha')!;
  assert.equal(missing.message, 'selectivity.alpha is required');
  assert.equal(text.slice(missing.offset, missing.offset + missing.length), '"selectivity"');
  assert.match(problemsToMessage(FILE, r.problems), /\(and 3 more problems\)$/);
  for (const p of r.problems) assert.ok(p.line >= 1 && p.column >= 1);
});

test('conditional requirements say why', () => {
  const r = validateRunConfig({ ...valid, model: { name: 'user' }, data: { format: 'cifar10' } });
  const messages = r.problems.map((p) => p.message);
  assert.ok(messages.some((m) => /model\.path is required when model\.name is "user"/.test(m)), messages.join('\n'));
  assert.ok(messages.some((m) => /data\.path is required for data\.format "cifar10"/.test(m)), messages.join('\n'));
});

test('alpha: number, list, schedule string; clear error when it does not match epochs', () => {
  assert.deepEqual(expandAlpha(-1, 3), [-1, -1, -1]);
  assert.deepEqual(expandAlpha([0, -1, 2], 3), [0, -1, 2]);
  assert.deepEqual(parseAlphaString('0*2 -1*3'), [0, 0, -1, -1, -1]);
  assert.deepEqual(parseAlphaString(' 0.5, -1e-1 * 2 '), [0.5, -0.1, -0.1]);
  assert.throws(() => expandAlpha('0*5 -1*15', 10), /covers 20 epochs but train\.epochs is 10/);
  assert.throws(() => expandAlpha([1, 2], 3), /lists 2 epochs but train\.epochs is 3/);
  const r = validateConfigText(textWith((c) => (c.selectivity.alpha = '0*5 -1*15')), FILE);
  assert.equal(problemsToMessage(FILE, r.problems),
    'runs/a.selectivity.json: selectivity.alpha "0*5 -1*15" covers 20 epochs but train.epochs is 3; give one alpha per epoch or a single number');
  const bad = validateConfigText(textWith((c) => (c.selectivity.alpha = 'lots')), FILE);
  assert.match(bad.problems[0].message, /^selectivity\.alpha must be a number, a list of numbers \(one per epoch\) or a schedule string/);
});

test('a sweep file is recognised and pointed to the sweep command', () => {
  const r = validateConfigText('{ "kind": "sweep", "base": "a.selectivity.json" }', 'grid.selectivity.json');
  assert.match(r.problems[0].message, /sweep config.*selectivity-lens sweep grid\.selectivity\.json/);
});

test('defaults and absolute paths are applied; name comes from the file name', () => {
  const r = applyDefaults({ ...valid, data: { format: 'idx', path: 'data/mnist' } } as RunConfig, '/home/u/proj', '/home/u/proj/exp1.selectivity.json');
  assert.equal(r.name, 'exp1');
  assert.equal(r.outDir, '/home/u/proj/runs');
  assert.equal(r.data.path, '/home/u/proj/data/mnist');
  assert.equal(r.train.momentum, 0.9);
  assert.equal(r.train.seed, 0);
  assert.deepEqual(r.train.schedule, { type: 'constant', warmupEpochs: 0 });
  assert.equal(r.selectivity.layers, 'all');
  assert.equal(r.selectivity.analyzeEvery, 1);
  assert.equal(r.backend, 'auto');
});

test('loadRunConfigFile: missing file and invalid file throw one EngineError naming file and field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-config-'));
  try {
    assert.throws(() => loadRunConfigFile(path.join(dir, 'nope.selectivity.json'), 'nope.selectivity.json'), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'CONFIG_UNREADABLE');
      assert.equal(e.message, 'Config file nope.selectivity.json does not exist.');
      return true;
    });
    const file = path.join(dir, 'b.selectivity.json');
    fs.writeFileSync(file, textWith((c) => (c.train.lr = -1)));
    assert.throws(() => loadRunConfigFile(file, 'b.selectivity.json'), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.details.field, 'train.lr');
      assert.equal(e.message, 'b.selectivity.json: train.lr must be > 0 (got -1)');
      return true;
    });
    fs.writeFileSync(file, JSON.stringify(valid));
    const loaded = loadRunConfigFile(file);
    assert.equal(loaded.config.name, 'b');
    assert.equal(loaded.config.outDir, path.join(dir, 'runs'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('every example config validates against the schema', () => {
  const examples = path.resolve(__dirname, '../../../../examples');
  const files = fs.readdirSync(examples).filter((f) => f.endsWith('.selectivity.json'));
  assert.ok(files.length >= 1);
  for (const f of files) {
    const text = fs.readFileSync(path.join(examples, f), 'utf8');
    const r = validateConfigText(text, f);
    if (/"kind"\s*:\s*"sweep"/.test(text)) continue;
    assert.deepEqual(r.problems.filter((p) => p.severity === 'error'), [], f);
    assert.match(text, /"\$schema": "\.\.\/schemas\/run\.schema\.json"/, f);
  }
});
