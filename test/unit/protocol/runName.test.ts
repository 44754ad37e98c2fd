// One display name for a run everywhere: the user's label, else the config's name, with its tags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRunLabel, parseTags, runDisplayName, runTagsText, runTitle } from '../../../src/protocol/runName';
import { applyEvent, createRunViewState } from '../../../src/protocol/runView';
import type { EpochMetrics, RunMeta } from '../../../src/protocol/events';
import { runFacts, RunViewStore } from '../../../src/host/runs/node/runViewStore';
import { sameNameSuffix, statusText } from '../../../src/host/runs/node/runText';

const meta = { runId: 'r1', runDir: '/runs/r1', name: 'tiny', epochs: 2, startedAt: '2024-01-01T00:00:00.000Z' } as RunMeta;

test('the label wins over the config name, which wins over the run id; tags read as #tags', () => {
  assert.equal(runDisplayName({ runId: 'r1' }), 'r1');
  assert.equal(runDisplayName({ runId: 'r1', meta }), 'tiny');
  assert.equal(runDisplayName({ runId: 'r1', meta, label: { tags: ['x'] } }), 'tiny');
  assert.equal(runDisplayName({ runId: 'r1', meta, label: { label: 'baseline', tags: [] } }), 'baseline');
  assert.equal(runTagsText({ label: { tags: ['seed-2', 'paper'] } }), '#seed-2 #paper');
  assert.equal(runTagsText({}), '');
  assert.equal(runTitle({ runId: 'r1', meta, label: { label: 'baseline', tags: ['paper'] } }), 'baseline · #paper');
  assert.equal(runTitle({ runId: 'r1', meta }), 'tiny');
});

test('typed tags are split on commas and tidied; a label equal to the config name is no label', () => {
  assert.deepEqual(parseTags(' a, b,,#c , a'), ['a', 'b', 'c']);
  assert.deepEqual(parseTags(''), []);
  assert.deepEqual(normalizeRunLabel({ label: 'tiny', tags: [] }, 'tiny'), { tags: [] });
  assert.deepEqual(normalizeRunLabel({ label: ' mine ' }), { label: 'mine', tags: [] });
});

test("a run's label survives its events and renames it in the status bar and the same-name suffix", () => {
  const store = new RunViewStore();
  store.apply({ v: 1, type: 'runStarted', runId: 'r1', meta, config: {} as never });
  store.apply({ v: 1, type: 'runStarted', runId: 'r2', meta: { ...meta, runId: 'r2', startedAt: '2024-01-01T00:05:00.000Z' }, config: {} as never });
  assert.equal(sameNameSuffix(store.get('r1')!, store.all()), 'started 2024-01-01 00:00:00');
  store.setLabel('r1', { label: 'baseline', tags: ['paper'] });
  store.apply({ v: 1, type: 'epoch', runId: 'r1', metrics: { epoch: 1, alpha: 0, layers: [] } as unknown as EpochMetrics });
  const r1 = store.get('r1')!;
  assert.deepEqual(r1.label, { label: 'baseline', tags: ['paper'] });
  assert.equal(r1.metrics.length, 1);
  assert.equal(runFacts(r1).name, 'baseline');
  assert.match(statusText(r1), /^baseline/);
  assert.equal(sameNameSuffix(r1, store.all()), '', 'renamed apart: no start time needed');
  assert.equal(sameNameSuffix(store.get('r2')!, store.all()), '');
  // A resume's runStarted keeps it too.
  const resumed = applyEvent(r1, { v: 1, type: 'runStarted', runId: 'r1', meta: { ...meta, resumedFromEpoch: 1 }, config: {} as never });
  assert.equal(runDisplayName(resumed), 'baseline');
  assert.equal(runDisplayName(createRunViewState('r9')), 'r9');
});
