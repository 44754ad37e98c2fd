// The sweep command's exit code: 0 only when every run completed; a stop we were asked for (Ctrl-C, SIGTERM) is
// 130 / 143; failures, and runs left unfinished without being asked (a worker killed from outside), are 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepExitCode } from '../../../../src/engine/sweep/cli';

test('sweep exit codes say whether everything is done', () => {
  assert.equal(sweepExitCode('completed', 0), 0);
  assert.equal(sweepExitCode('failed', 2), 1);
  assert.equal(sweepExitCode('stopped', 0), 1, 'interrupted runs, nobody asked: not done');
  assert.equal(sweepExitCode('stopped', 0, 'SIGINT'), 130);
  assert.equal(sweepExitCode('stopped', 0, 'SIGTERM'), 143);
  assert.equal(sweepExitCode('stopped', 1, 'SIGINT'), 1, 'a failure is reported even when stopped');
});
