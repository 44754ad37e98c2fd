import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfigText, configKindOf, rangeOfField } from '../../../../../src/host/config/node/configValidation';

const good = `{
  // quick run
  "name": "quick",
  "model": { "name": "small-cnn" },
  "data": { "format": "mnist-embedded" },
  "train": { "epochs": 2, "batchSize": 32, "lr": 0.05 },
  "selectivity": { "alpha": -1 },
}`;

test('a good run config has no problems and comes back parsed', () => {
  const r = checkConfigText(good, '/w/quick.selectivity.json');
  assert.equal(r.kind, 'run');
  assert.deepEqual(r.problems.filter((p) => p.severity === 'error'), []);
  assert.equal((r.config as { name?: string }).name, 'quick');
});

test('a wrong field is reported at that exact field', () => {
  const text = good.replace('"batchSize": 32', '"batchSize": -4');
  const r = checkConfigText(text, '/w/quick.selectivity.json');
  const p = r.problems.find((x) => x.severity === 'error');
  assert.ok(p, 'one error');
  assert.equal(p.field, 'train.batchSize');
  assert.equal(text.slice(p.offset, p.offset + p.length), '-4');
});

test('a JSON syntax error is reported where it is', () => {
  const text = good.replace('"lr": 0.05', '"lr": 0.05,,');
  const r = checkConfigText(text, '/w/x.selectivity.json');
  assert.equal(r.problems.length >= 1, true);
  assert.match(r.problems[0].message, /syntax/i);
  assert.ok(Math.abs(r.problems[0].offset - text.indexOf(',,')) <= 2);
});

test('a sweep is recognised by its kind', () => {
  const r = checkConfigText('{ "kind": "sweep", "base": "./quick.selectivity.json", "alphas": [0, -1] }', '/w/s.selectivity.json');
  assert.equal(r.kind, 'sweep');
});

test('rangeOfField finds nested fields and array items, and falls back to the parent of a missing one', () => {
  const text = '{ "train": { "epochs": 3 }, "alphas": [1, 2, 3] }';
  const at = (f: string) => {
    const r = rangeOfField(text, f);
    return text.slice(r.offset, r.offset + r.length);
  };
  assert.equal(at('train.epochs'), '3');
  assert.equal(at('alphas[1]'), '2');
  assert.equal(at('train.lr'), '"train"');
});

test('deeply nested text is one problem, not a stack overflow, in the diagnostics and the CodeLens', () => {
  const text = `{ "kind": "run", "selectivity": { "alpha": ${'['.repeat(100_000)}${']'.repeat(100_000)} } }`;
  const r = checkConfigText(text, '/w/deep.selectivity.json');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0].message, /nested more than 20 levels deep/);
  assert.equal(r.problems[0].severity, 'error');
  assert.equal(configKindOf(text), 'unknown');
});

test('a "__proto__" key passes no kind on and is refused by name', () => {
  const text = '{ "__proto__": { "kind": "sweep" }, "model": { "name": "small-cnn" } }';
  assert.equal(configKindOf(text), 'run');
  const r = checkConfigText(text, '/w/proto.selectivity.json');
  assert.equal(r.kind, 'run');
  assert.ok(r.problems.some((p) => /__proto__/.test(p.message)), JSON.stringify(r.problems));
});
