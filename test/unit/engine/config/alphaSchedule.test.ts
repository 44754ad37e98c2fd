// Alpha schedules: read as (value, count) segments and checked before anything is expanded, every value bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALPHA_LIMIT,
  AlphaScheduleError,
  expandAlpha,
  MAX_EPOCHS,
  parseAlphaSegments,
  parseAlphaString,
  scheduleEpochs,
} from '../../../../src/engine/config';

test('segments: values with optional *count, separated by spaces or commas', () => {
  assert.deepEqual(parseAlphaSegments('0*5 -1*15'), [{ value: 0, count: 5 }, { value: -1, count: 15 }]);
  assert.deepEqual(parseAlphaSegments(' .5, +2e1 * 3 ,-1 '), [{ value: 0.5, count: 1 }, { value: 20, count: 3 }, { value: -1, count: 1 }]);
  assert.equal(scheduleEpochs(parseAlphaSegments('0*5 -1*15')), 20);
});

test('a schedule covering billions of epochs is refused without being expanded', () => {
  for (const spec of ['1*99999999999', '1*100000000', `1*${'9'.repeat(400)}`, '0*60000 1*60000']) {
    assert.throws(() => expandAlpha(spec, 3), (e: unknown) => {
      assert.ok(e instanceof AlphaScheduleError);
      assert.match(e.message, new RegExp(`covers more than ${MAX_EPOCHS} epochs but train\\.epochs is 3`));
      return true;
    }, spec);
    assert.throws(() => parseAlphaString(spec), new RegExp(`a run has at most ${MAX_EPOCHS}`), spec);
  }
  // One segment per token: the count is only a number until the epochs are known.
  assert.equal(parseAlphaSegments('1*99999999999').length, 1);
});

test('every alpha is bounded, however it is written', () => {
  const bounded = new RegExp(`between ${-ALPHA_LIMIT} and ${ALPHA_LIMIT}`);
  assert.throws(() => expandAlpha('1e308*2', 2), /has the value 1e308; every alpha must be between -1000 and 1000/);
  assert.throws(() => expandAlpha('0 1e999', 2), /has the value 1e999/);
  assert.throws(() => expandAlpha('-1001', 1), bounded);
  assert.throws(() => expandAlpha([1e308, -1e308], 2), bounded);
  assert.throws(() => expandAlpha([0, NaN], 2), bounded);
  assert.throws(() => expandAlpha(Infinity, 2), bounded);
  assert.throws(() => expandAlpha(1001, 2), bounded);
  assert.deepEqual(expandAlpha(`${ALPHA_LIMIT}*1 ${-ALPHA_LIMIT}`, 2), [ALPHA_LIMIT, -ALPHA_LIMIT]);
});

test('bad tokens are named short and on one line', () => {
  const long = `0 ${'x'.repeat(10_000)}`;
  assert.throws(() => parseAlphaString(long), (e: unknown) => {
    assert.ok(e instanceof AlphaScheduleError);
    assert.ok(e.message.length < 120, e.message);
    assert.match(e.message, /^has "x{24}…", which is not VALUE or VALUE\*EPOCHS/);
    return true;
  });
  assert.throws(() => parseAlphaString('1\u0001'), /has "1\\u0001"/);
  assert.throws(() => parseAlphaString('1*0'), /the epoch count after \* must be >= 1/);
  assert.throws(() => parseAlphaString(' , '), /is an empty schedule/);
  assert.throws(() => parseAlphaString('1*5x'), /has "1\*5x"/);
});

test('a long mismatched schedule is quoted short', () => {
  const spec = Array.from({ length: 2000 }, () => '1').join(' ');
  assert.throws(() => expandAlpha(spec, 3), (e: unknown) => {
    assert.ok(e instanceof AlphaScheduleError);
    assert.match(e.message, /^"(1 ){20}…" covers 2000 epochs but train\.epochs is 3/);
    return true;
  });
});

test('epochs outside the schema are refused rather than allocated', () => {
  assert.throws(() => expandAlpha(0, 1e12), /train\.epochs must be a whole number from 1 to 100000/);
  assert.throws(() => expandAlpha(0, 2.5), /train\.epochs must be a whole number/);
});
