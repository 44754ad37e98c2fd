// Schema errors as sentences: an anyOf is reported by the alternative the value was meant for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRunConfig } from '../../../../src/engine/config';

const valid = {
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded' },
  train: { epochs: 2, batchSize: 64, lr: 0.05 },
  selectivity: { alpha: -1 },
};

const messages = (patch: (c: typeof valid & Record<string, unknown>) => void) => {
  const c = structuredClone(valid) as typeof valid & Record<string, unknown>;
  patch(c);
  return validateRunConfig(c).problems.map((p) => p.message);
};

test('a list of alphas is checked item by item', () => {
  assert.deepEqual(messages((c) => ((c.selectivity as Record<string, unknown>).alpha = [1e308, -1e308])), [
    'selectivity.alpha[0] must be <= 1000 (got 1e+308)',
    'selectivity.alpha[1] must be >= -1000 (got -1e+308)',
  ]);
  assert.deepEqual(messages((c) => ((c.selectivity as Record<string, unknown>).alpha = [0, 'a'])), ['selectivity.alpha[1] must be a number (got "a")']);
  assert.deepEqual(messages((c) => ((c.selectivity as Record<string, unknown>).alpha = 1e308)), ['selectivity.alpha must be <= 1000 (got 1e+308)']);
});

test('a value of no alternative\'s type gets the field\'s own message', () => {
  assert.deepEqual(messages((c) => ((c.selectivity as Record<string, unknown>).alpha = true)), [
    'selectivity.alpha must be a number, a list of numbers (one per epoch) or a schedule string like "0*5 -1*15"',
  ]);
  assert.deepEqual(messages((c) => ((c.selectivity as Record<string, unknown>).layers = [])), ['selectivity.layers must be "all" or a non-empty list of layer names']);
});

test('an object alternative reports its own fields', () => {
  assert.deepEqual(messages((c) => ((c.data as Record<string, unknown>).normalize = { mean: [0.5], std: [0] })), ['data.normalize.std[0] must be > 0 (got 0)']);
  assert.deepEqual(messages((c) => ((c.data as Record<string, unknown>).normalize = { mean: [0.5] })), ['data.normalize.std is required']);
});

test('long keys and values are quoted short; no typo guess for a long word', () => {
  const [m] = messages((c) => ((c.train as Record<string, unknown>)['l'.repeat(10_000)] = 1));
  assert.match(m, /^train\."l{24}…" is not a known field of train \(known: /);
  assert.ok(m.length < 200, m);
  const [v] = messages((c) => ((c.model as Record<string, unknown>).name = 'n'.repeat(10_000)));
  assert.match(v, /\(got "n{40}…"\)$/);
});
