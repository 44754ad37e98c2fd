import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runNameFor, safeRunName } from '../../../../../src/host/runs/node/runNaming';

test('run names are folder-safe and come from the config or its file', () => {
  assert.equal(safeRunName('My Run (α=-1)'), 'My-Run-=-1-');
  assert.equal(safeRunName('../../etc'), 'etc');
  assert.equal(runNameFor('/w/quick.selectivity.json', undefined), 'quick');
  assert.equal(runNameFor('/w/quick.selectivity.json', ' paper α '), 'paper-');
});
