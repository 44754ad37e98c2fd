// The shared run-view reducer (used by host and webview) on a recorded event stream.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineEvent } from '../../src/protocol/events';
import {
  applyEvent,
  applyEventToRuns,
  applyEvents,
  classMeansTrimmed,
  createRunViewState,
  progressFraction,
  selectivityAt,
} from '../../src/protocol/runView';
import { loadFixture } from './harness';

/** Turns the fixture's {$typed, data} back into typed arrays, as structured clone delivers them. */
function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.$num === 'NaN') return NaN;
    if (typeof o.$typed === 'string') {
      const ctor = { Float32Array, Int32Array, Uint32Array }[o.$typed as 'Float32Array'];
      return ctor.from(o.data as number[]);
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}

const events = revive(loadFixture('mnist-small-cnn-synthetic.json')) as EngineEvent[];
const runId = (events[1] as { runId: string }).runId;

describe('runView reducer', () => {
  it('folds a whole run', () => {
    const s = applyEvents(createRunViewState(runId), events);
    assert.equal(s.state, 'completed');
    assert.equal(s.meta?.model, 'small-cnn');
    assert.deepEqual(s.metrics.map((m) => m.epoch), [1, 2, 3]);
    assert.deepEqual(s.selectivity.map((x) => x.epoch), [1, 2, 3]);
    assert.ok(s.selectivity[0].layers[0].si instanceof Float32Array);
    assert.equal(s.classResponses?.epoch, 3);
    assert.equal(s.summary?.epochsDone, 3);
    assert.equal(progressFraction(s), 1);
    assert.equal(selectivityAt(s, 2)?.epoch, 2);
    assert.equal(selectivityAt(s)?.epoch, 3);
  });

  it('ignores other runs and never mutates its input', () => {
    const s = createRunViewState('other');
    assert.equal(applyEvent(s, events[1]), s);
    const started = applyEvent(createRunViewState(runId), events[1]);
    const frozen = JSON.stringify(started);
    applyEvent(started, events[2]);
    assert.equal(JSON.stringify(started), frozen);
  });

  it('tracks runs in a list and marks failures', () => {
    let runs = applyEventToRuns([], events[0]);
    assert.deepEqual(runs, []);
    runs = applyEventToRuns(runs, events[1]);
    assert.equal(runs.length, 1);
    runs = applyEventToRuns(runs, { v: 1, type: 'error', runId, code: 'DATA_MISSING', message: 'data.path: folder not found' });
    assert.equal(runs[0].state, 'failed');
    assert.equal(runs[0].error, 'data.path: folder not found');
  });

  it('drops old class means past the memory budget, keeping SI', () => {
    const s = applyEvents(createRunViewState(runId), events, { maxClassMeansBytes: 4000 });
    const last = s.selectivity.at(-1)!;
    assert.equal(classMeansTrimmed(last.layers[2]), false);
    assert.equal(classMeansTrimmed(s.selectivity[0].layers[2]), true);
    assert.equal(s.selectivity[0].layers[2].si.length, 32);
  });
});
