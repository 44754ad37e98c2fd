// The worker transport: which of the parent's Node flags reach a forked worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerExecArgv } from '../../../../src/engine/client/workerProcess';

test('the worker never inherits a debugger flag from the extension host', () => {
  assert.deepEqual(workerExecArgv(['--inspect=9229', '--max-old-space-size=4096', '--inspect-brk', '--debug-port=1']), ['--max-old-space-size=4096']);
});

test('a parent started with node -e CODE does not make the worker run CODE', () => {
  assert.deepEqual(workerExecArgv(['--max-old-space-size=100', '-e', 'require("x")']), ['--max-old-space-size=100']);
  assert.deepEqual(workerExecArgv(['--eval=1+1', '-p', '2', '--enable-source-maps']), ['--enable-source-maps']);
});
