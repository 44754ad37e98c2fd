// Run config validation: every problem names the file and the field, and points at the exact text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  applyDefaults,
  ConfigProblemsError,
  expandAlpha,
  loadRunConfigFile,
  parseAlphaString,
  problemLines,
  problemsToMessage,
  resolveConfigText,
  validateConfigText,
  validateRunConfig,
} from '../../../../src/engine/config';
import { EngineError } from '../../../../src/engine/errors';
import type { RunConfig } from '../../../../src/protocol/config';
import { REPO_ROOT } from '../../../repoRoot';

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

test('data.download: stands in for data.path on the formats it can fetch, and is refused on the others by name', () => {
  const missing = validateRunConfig({ ...valid, data: { format: 'tiny-imagenet' } }).problems.map((p) => p.message);
  assert.ok(missing.some((m) => /data\.path is required for data\.format "tiny-imagenet" .*or set data\.download to true/.test(m)), missing.join('\n'));
  for (const format of ['cifar10', 'cifar100', 'tiny-imagenet'] as const) {
    const r = validateRunConfig({ ...valid, data: { format, download: true } });
    assert.deepEqual(r.problems.filter((p) => p.severity === 'error'), [], format);
  }
  const idx = validateRunConfig({ ...valid, data: { format: 'idx', path: 'data/mnist', download: true } });
  assert.equal(idx.problems.length, 1);
  assert.equal(idx.problems[0].field, 'data.download');
  assert.match(idx.problems[0].message, /^data\.download works for data\.format "cifar10", "cifar100", "tiny-imagenet", not "idx"/);
  const typed = validateRunConfig({ ...valid, data: { format: 'cifar10', download: 'yes' } as unknown as RunConfig['data'] });
  assert.ok(typed.problems.some((p) => /data\.download/.test(p.message)), typed.problems.map((p) => p.message).join('\n'));
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
  const examples = path.join(REPO_ROOT, 'examples');
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

// --- Hostile configs: each class of problem gives clear problems naming fields, never a crash. ---------------

test('alpha schedules are checked against train.epochs before being expanded (no heap exhaustion)', () => {
  for (const schedule of ['1*99999999999', '1*100000000', '0*1 1*99999999999']) {
    const r = validateConfigText(textWith((c) => (c.selectivity.alpha = schedule)), FILE);
    assert.equal(r.config, undefined);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0].message, /^selectivity\.alpha ".*" covers more than 100000 epochs but train\.epochs is 3/);
    assert.equal(r.problems[0].field, 'selectivity.alpha');
  }
});

test('deeply nested JSON is one problem naming the field, not a stack overflow', () => {
  const text = textWith((c) => (c.selectivity.alpha = 0)).replace('"alpha": 0', `"alpha": ${'['.repeat(200_000)}${']'.repeat(200_000)}`);
  const r = validateConfigText(text, FILE);
  assert.equal(r.problems.length, 1);
  assert.match(problemsToMessage(FILE, r.problems), /^runs\/a\.selectivity\.json: selectivity\.alpha\[0\]\[0\]….* is nested more than 20 levels deep/);
  // The same for a config object built in code (e.g. over IPC).
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const o = validateRunConfig({ ...valid, selectivity: { alpha: deep } });
  assert.equal(o.problems.length, 1);
  assert.match(o.problems[0].message, /is nested more than 20 levels deep/);
});

test('every alpha is bounded wherever it is written', () => {
  const cases: Array<[unknown, RegExp]> = [
    ['1e308*2', /^selectivity\.alpha has the value 1e308; every alpha must be between -1000 and 1000$/],
    ['0*2 -5000', /^selectivity\.alpha has the value -5000/],
    [[1e308, -1e308, 0], /^selectivity\.alpha\[0\] must be <= 1000 \(got 1e\+308\)$/],
    [1e308, /^selectivity\.alpha must be <= 1000/],
  ];
  for (const [alpha, pattern] of cases) {
    const r = validateRunConfig({ ...valid, selectivity: { alpha } });
    assert.equal(r.config, undefined, String(alpha));
    assert.match(r.problems[0].message, pattern);
  }
});

test('non-finite numbers are refused for every numeric field (1e999 is no whole number)', () => {
  const fields: Array<[string, (c: ReturnType<typeof JSON.parse>) => void]> = [
    ['data.trainLimit', (c) => (c.data.trainLimit = 'X')],
    ['data.testLimit', (c) => (c.data.testLimit = 'X')],
    ['train.maxBatchesPerEpoch', (c) => (c.train.maxBatchesPerEpoch = 'X')],
    ['train.gradClipNorm', (c) => (c.train.gradClipNorm = 'X')],
    ['train.epochs', (c) => (c.train.epochs = 'X')],
    ['train.seed', (c) => (c.train.seed = 'X')],
    ['train.schedule.warmupEpochs', (c) => (c.train.schedule = { type: 'constant', warmupEpochs: 'X' })],
    ['train.schedule.milestones[0]', (c) => (c.train.schedule = { type: 'step', milestones: ['X'] })],
    ['selectivity.analyzeEvery', (c) => (c.selectivity.analyzeEvery = 'X')],
    ['selectivity.alpha', (c) => (c.selectivity.alpha = 'X')],
  ];
  for (const literal of ['1e999', '-1e999']) {
    for (const [field, patch] of fields) {
      const text = textWith(patch).replace('"X"', literal);
      const r = validateConfigText(text, FILE);
      assert.equal(r.config, undefined, `${field} = ${literal}`);
      assert.deepEqual(r.problems.map((p) => [p.field, p.message]), [[field, `${field} must be a finite number (got ${literal}, which JSON cannot store)`]]);
      assert.equal(text.slice(r.problems[0].offset, r.problems[0].offset + r.problems[0].length), literal);
    }
  }
  const nan = validateRunConfig({ ...valid, train: { ...valid.train, lr: NaN } });
  assert.match(nan.problems[0].message, /^train\.lr must be a finite number \(got NaN/);
});

test('a config accepted once re-validates after the round trip to config.json, whatever its file is called', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-config-'));
  try {
    const file = path.join(dir, `${'n'.repeat(200)}.selectivity.json`);
    const r = resolveConfigText(textWith((c) => (c.data.trainLimit = 1e300)), file);
    assert.ok(r.config, r.problems.map((p) => p.message).join('\n'));
    assert.equal(r.config.name, 'n'.repeat(100), 'a name from a long file name is cut to the schema maximum');
    const stored = JSON.parse(JSON.stringify(r.config)) as RunConfig;
    assert.deepEqual(validateRunConfig(stored).problems, []);
    assert.equal(stored.data.trainLimit, 1e300);
    // A path that is too long only once made absolute is refused now, not at the resume.
    const nearLimit = 'd'.repeat(4090);
    assert.deepEqual(validateConfigText(textWith((c) => (c.outDir = nearLimit)), file).problems, []);
    const far = resolveConfigText(textWith((c) => (c.outDir = nearLimit)), file);
    assert.equal(far.config, undefined);
    assert.equal(far.problems[0].message, "outDir must have at most 4096 characters (once resolved for the run folder's config.json)");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('"__proto__", "constructor" and "prototype" keys are refused by name (they cannot smuggle required fields)', () => {
  const smuggled = '{ "__proto__": { "model": { "name": "small-cnn" } }, "data": { "format": "mnist-embedded" }, ' +
    '"train": { "epochs": 3, "batchSize": 64, "lr": 0.05 }, "selectivity": { "alpha": -1 } }';
  const r = validateConfigText(smuggled, FILE);
  assert.equal(r.config, undefined);
  assert.deepEqual(r.problems.map((p) => p.field), ['__proto__']);
  assert.match(r.problems[0].message, /^__proto__ is not allowed/);
  assert.equal(smuggled.slice(r.problems[0].offset, r.problems[0].offset + r.problems[0].length), '"__proto__"');
  const nested = validateConfigText(textWith((c) => {
    c.train.constructor = { lr: 1 };
    c.selectivity.prototype = 1;
  }), FILE);
  assert.deepEqual(nested.problems.map((p) => p.field), ['train.constructor', 'selectivity.prototype']);
  // From code as well (JSON.parse makes "__proto__" an own key).
  const parsed = validateRunConfig(JSON.parse(smuggled));
  assert.deepEqual(parsed.problems.map((p) => p.field), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).model, undefined, 'Object.prototype is untouched');
});

test('messages quote user values short and stay on one line', () => {
  const huge = 'v'.repeat(10_000);
  const patches: Array<(c: ReturnType<typeof JSON.parse>) => void> = [
    (c) => (c.model.name = huge),
    (c) => (c.data.format = huge),
    (c) => (c.selectivity.alpha = `0 ${huge}`.slice(0, 10_000)),
    (c) => (c.train[huge] = 1),
    (c) => (c.train[`a\nb${huge}`] = 1),
    (c) => (c.selectivity.layers = [huge, huge]),
    (c) => (c.name = huge),
    (c) => (c.backend = `x\n${huge}`),
    (c) => (c.data = { format: huge.slice(0, 5000) }),
  ];
  for (const patch of patches) {
    const r = validateConfigText(textWith(patch), FILE);
    assert.ok(r.problems.length > 0);
    for (const p of r.problems) {
      assert.ok(p.message.length <= 200, `${p.message.length}: ${p.message.slice(0, 300)}`);
      assert.doesNotMatch(p.message, /[\n\r\u2028\u2029]/);
    }
  }
});

test('every problem gets its own line naming its field; beyond 50 they are counted', () => {
  const r = validateConfigText(textWith((c) => {
    c.train.batchSize = 0;
    c.train.lr = 'fast';
    c.model.name = 'resnet99';
  }), FILE);
  assert.deepEqual(problemLines(FILE, r.problems), [
    'runs/a.selectivity.json: model.name must be one of "small-cnn", "resnet20", "resnet18", "resnet50", "user" (got "resnet99")',
    'runs/a.selectivity.json: train.batchSize must be >= 1 (got 0)',
    'runs/a.selectivity.json: train.lr must be a number (got "fast")',
  ]);
  const many = validateConfigText(textWith((c) => {
    for (let i = 0; i < 1000; i++) c.train[`unknown${i}`] = i;
  }), FILE);
  assert.equal(many.problems.length, 50);
  assert.equal(many.omitted, 950);
  const lines = problemLines(FILE, many.problems, many.omitted);
  assert.equal(lines.length, 51);
  assert.equal(lines[50], 'runs/a.selectivity.json: and 950 more problems (fix these first)');
  // Values no config may hold are counted the same way.
  const text = textWith((c) => (c.selectivity.alpha = 'X')).replace('"X"', `[${new Array(1000).fill('1e999').join(', ')}]`);
  const unsafe = validateConfigText(text, FILE);
  assert.deepEqual([unsafe.problems.length, unsafe.omitted], [50, 950]);
  assert.equal(unsafe.problems[49].field, 'selectivity.alpha[49]');
});

test('loadRunConfigFile throws every problem: the message has the first, lines() all of them', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-config-'));
  try {
    const file = path.join(dir, 'c.selectivity.json');
    fs.writeFileSync(file, textWith((c) => {
      c.train.batchSize = 0;
      c.train.lr = -1;
    }));
    assert.throws(() => loadRunConfigFile(file, 'c.selectivity.json'), (e: unknown) => {
      assert.ok(e instanceof ConfigProblemsError);
      assert.equal(e.message, 'c.selectivity.json: train.batchSize must be >= 1 (got 0) (and 1 more problem)');
      assert.deepEqual(e.lines(), ['c.selectivity.json: train.batchSize must be >= 1 (got 0)', 'c.selectivity.json: train.lr must be > 0 (got -1)']);
      return true;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
