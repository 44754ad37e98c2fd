import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerExecArgv } from '../../../src/host/engineProcess';
import { runNameFor, safeRunName } from '../../../src/host/runNaming';
import { userMessage } from '../../../src/host/userMessage';

test('run names are folder-safe and come from the config or its file', () => {
  assert.equal(safeRunName('My Run (α=-1)'), 'My-Run-=-1-');
  assert.equal(safeRunName('../../etc'), 'etc');
  assert.equal(runNameFor('/w/quick.selectivity.json', undefined), 'quick');
  assert.equal(runNameFor('/w/quick.selectivity.json', ' paper α '), 'paper-');
});

test('the worker never inherits a debugger flag from the extension host', () => {
  assert.deepEqual(workerExecArgv(['--inspect=9229', '--max-old-space-size=4096', '--inspect-brk', '--debug-port=1']), ['--max-old-space-size=4096']);
});

test('user messages are one line without a stack', () => {
  const e = new Error('train.batchSize must be >= 1\n    at foo (bar.js:1:1)');
  assert.equal(userMessage(e), 'train.batchSize must be >= 1');
  assert.equal(userMessage('plain'), 'plain');
  assert.match(userMessage({}), /log/);
});
