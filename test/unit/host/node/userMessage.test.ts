import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userMessage } from '../../../../src/host/node/userMessage';

test('user messages are one line without a stack', () => {
  const e = new Error('train.batchSize must be >= 1\n    at foo (bar.js:1:1)');
  assert.equal(userMessage(e), 'train.batchSize must be >= 1');
  assert.equal(userMessage('plain'), 'plain');
  assert.match(userMessage({}), /log/);
});
