// The safe JSONC reader: depth measured before anything recursive runs, keys kept as own properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DEPTH, MAX_TEXT_LENGTH, parseConfigDocument } from '../../../../src/engine/config';

test('JSONC with comments and trailing commas parses to a plain value', () => {
  const doc = parseConfigDocument('{ // c\n "a": [1, 2,], /* b */ "b": { "c": null }, }');
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(doc.value, { a: [1, 2], b: { c: null } });
});

test('nesting 100,000 levels deep is one problem with the path down to where it got too deep, not a stack overflow', () => {
  const text = `{ "selectivity": { "alpha": ${'['.repeat(100_000)}${']'.repeat(100_000)} } }`;
  const doc = parseConfigDocument(text, 'a run config');
  assert.equal(doc.value, undefined);
  assert.equal(doc.problems.length, 1);
  const p = doc.problems[0];
  assert.match(p.message, new RegExp(`^selectivity\\.alpha\\[0\\]\\[0\\]…\\[0\\]\\[0\\]\\[0\\] is nested more than ${MAX_DEPTH} levels deep; a run config needs only a few levels`));
  assert.equal(p.field, `selectivity.alpha${'[0]'.repeat(MAX_DEPTH - 2)}`);
  assert.equal(text[p.offset], '[');
  assert.equal(p.line, 1);
});

test('the depth path follows keys and list positions, and comments do not count', () => {
  const inner = '{"k": '.repeat(MAX_DEPTH) + '1' + '}'.repeat(MAX_DEPTH);
  const doc = parseConfigDocument(`{ /* { [ */ "a": [0, "x", ${inner}] }`);
  assert.equal(doc.problems.length, 1);
  assert.equal(doc.problems[0].field, `a[2]${'.k'.repeat(MAX_DEPTH - 2)}`);
  // Exactly at the limit is fine.
  const atLimit = '['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH);
  assert.deepEqual(parseConfigDocument(atLimit).problems, []);
  assert.equal(parseConfigDocument('[' + atLimit + ']').problems.length, 1);
});

test('"__proto__" stays an own key instead of becoming the prototype', () => {
  const doc = parseConfigDocument('{ "__proto__": { "model": 1 }, "constructor": 2 }');
  const value = doc.value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value), ['__proto__', 'constructor']);
  assert.equal((value as { model?: unknown }).model, undefined, 'no field arrives through a prototype');
  assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { model: 1 });
});

test('syntax errors and empty text are problems with line and column', () => {
  const doc = parseConfigDocument('{\n  "a": 1\n  "b": 2\n}');
  assert.equal(doc.value, undefined);
  assert.match(doc.problems[0].message, /^invalid JSON: comma expected/);
  assert.deepEqual([doc.problems[0].line, doc.problems[0].column], [3, 3]);
  assert.match(parseConfigDocument('').problems[0].message, /^invalid JSON: value expected/);
});

test('a file larger than any config is refused before it is scanned', () => {
  const doc = parseConfigDocument(`[${' '.repeat(MAX_TEXT_LENGTH)}]`, 'a run config');
  assert.equal(doc.value, undefined);
  assert.deepEqual(doc.problems.map((p) => p.message), ['the file is 4,000,002 characters long; a run config has at most 4,000,000']);
});
