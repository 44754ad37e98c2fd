// Values and field names in messages: short and on one line, whatever was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldName, quoteValue, shorten } from '../../../../src/engine/config';

test('values: strings quoted and cut with an ellipsis, containers named', () => {
  assert.equal(quoteValue('abc'), '"abc"');
  assert.equal(quoteValue('y'.repeat(10_000)), `"${'y'.repeat(40)}…"`);
  assert.equal(quoteValue('a\nb'), '"a\\nb"');
  assert.equal(quoteValue([1]), 'a list');
  assert.equal(quoteValue({}), 'an object');
  assert.equal(quoteValue(null), 'null');
  assert.equal(quoteValue(1e300), '1e+300');
  assert.equal(shorten('abcdef', 3), 'abc…');
});

test('field names: plain keys as they are, odd keys quoted, long paths cut in the middle', () => {
  assert.equal(fieldName(['train', 'schedule', 'milestones', 2]), 'train.schedule.milestones[2]');
  assert.equal(fieldName(['axes', 'train.lr']), 'axes.train.lr');
  assert.equal(fieldName(['train', 'a\nb']), 'train."a\\nb"');
  assert.equal(fieldName(['k'.repeat(1000)]), `"${'k'.repeat(24)}…"`);
  assert.equal(fieldName(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']), 'a.b.c.d….g.h.i');
  assert.equal(fieldName([]), '');
  const long = fieldName(Array.from({ length: 1000 }, () => 'x'.repeat(1000)));
  assert.ok(long.length < 250 && !long.includes('\n'), long);
});
