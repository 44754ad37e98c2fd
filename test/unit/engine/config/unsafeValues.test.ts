// What no config may hold, found before the schema validator sees it, each naming its field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnsafeValues, MAX_DEPTH, MAX_LIST_ITEMS, MAX_STRING_LENGTH } from '../../../../src/engine/config';

test('a clean config has no findings', () => {
  assert.deepEqual(findUnsafeValues({ a: [1, 'x', { b: null, c: true }], n: -1e300 }), []);
});

test('non-finite numbers anywhere, with the literal text when there is one', () => {
  const found = findUnsafeValues({ data: { trainLimit: Infinity }, list: [0, NaN, -Infinity] });
  assert.deepEqual(found.map((f) => f.message), [
    'data.trainLimit must be a finite number (got Infinity, which JSON cannot store)',
    'list[1] must be a finite number (got NaN, which JSON cannot store)',
    'list[2] must be a finite number (got -Infinity, which JSON cannot store)',
  ]);
  const literal = findUnsafeValues({ x: Infinity }, () => '1e999');
  assert.match(literal[0].message, /got 1e999/);
});

test('reserved keys are named, on the key', () => {
  const value: Record<string, unknown> = { train: {} };
  Object.defineProperty(value.train, '__proto__', { value: { lr: 1 }, enumerable: true });
  Object.defineProperty(value.train, 'constructor', { value: 1, enumerable: true });
  value.prototype = {};
  const found = findUnsafeValues(value);
  assert.deepEqual(found.map((f) => [f.segments, f.key]), [[['train', '__proto__'], true], [['train', 'constructor'], true], [['prototype'], true]]);
  assert.match(found[0].message, /^train\.__proto__ is not allowed/);
});

test('objects with a prototype other than a plain object are refused (fields could hide in it)', () => {
  const found = findUnsafeValues({ model: Object.create({ name: 'small-cnn' }) as object });
  assert.deepEqual(found.map((f) => f.message), ['model must be a plain JSON object']);
});

test('deep objects built in code, long strings and long lists are refused without being walked', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = { k: deep };
  const d = findUnsafeValues(deep);
  assert.equal(d.length, 1);
  assert.equal(d[0].segments.length, MAX_DEPTH);
  assert.match(d[0].message, /^k\.k\.k\.k….k\.k\.k is nested more than 20 levels deep/);
  const s = findUnsafeValues({ outDir: 'x'.repeat(MAX_STRING_LENGTH + 1) });
  assert.match(s[0].message, /^outDir is 10,001 characters long; at most 10,000 are allowed \(got "x{40}…"\)$/);
  const l = findUnsafeValues({ a: new Array(MAX_LIST_ITEMS + 1).fill(0) });
  assert.equal(l[0].message, 'a has 100,001 items; at most 100,000 are allowed');
});

test('findings stop at the limit', () => {
  assert.equal(findUnsafeValues(new Array(1000).fill(NaN), undefined, 7).length, 7);
});
