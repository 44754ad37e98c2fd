// What the live webviews are sent of a ResNet-50-sized run: SI only by default, the shown layer's class means and
// the shown unit's histograms with each epoch, the rest on request (from memory or the run folder); and how the
// page's SI history stays bounded over 1,000 epochs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerLayerRequest, eventForWebview, runForWebview } from '../../../../../src/host/webviews/node/webviewFeed';
import type { EngineEvent } from '../../../../../src/protocol/events';
import { applyEvent, createRunViewState, siTrimmed } from '../../../../../src/protocol/runView';
import { BIG_LAYER, epochEvents, RUN_ID, runStarted } from '../../../../../bench/webview/syntheticRun';
import { messageBytes } from '../../../../../bench/webview/transfer';

const [epoch1, selectivity1, histograms1] = epochEvents(1);

describe('webview feed', () => {
  it('cuts an epoch from ~51 MB to SI alone, or SI plus the shown layer and unit (>= 10x less)', () => {
    const raw = [epoch1, selectivity1, histograms1].reduce((n, e) => n + messageBytes(e), 0);
    const slim = [epoch1, selectivity1, histograms1].map((e) => eventForWebview(e)).reduce((n, e) => n + messageBytes(e), 0);
    const shows = { type: 'showLayer' as const, runId: RUN_ID, layer: BIG_LAYER, unit: 7 };
    const shown = [epoch1, selectivity1, histograms1].map((e) => eventForWebview(e, shows));
    const shownBytes = shown.reduce((n, e) => n + messageBytes(e), 0);
    assert.ok(raw > 50e6, `raw ${raw}`);
    assert.ok(slim < 0.25e6, `SI only ${slim}`);
    assert.ok(shownBytes * 10 < raw, `shown ${shownBytes} vs raw ${raw}`);
    const sel = shown[1] as Extract<EngineEvent, { type: 'selectivity' }>;
    assert.equal(sel.layers.find((l) => l.layer === BIG_LAYER)!.classMeans.length, 2048 * 200);
    assert.ok(sel.layers.filter((l) => l.layer !== BIG_LAYER).every((l) => l.classMeans.length === 0 && l.si.length === l.units));
    const h = (shown[2] as Extract<EngineEvent, { type: 'classResponses' }>).layers[0];
    assert.deepEqual([h.units, h.firstUnit, h.counts.length, h.edges.length], [1, 7, 200 * 20, 21]);
    const full = (histograms1 as Extract<EngineEvent, { type: 'classResponses' }>).layers[0];
    assert.deepEqual(Array.from(h.counts), Array.from(full.counts.subarray(7 * 4000, 8 * 4000)));
  });

  it('answers requests from the run state, then from the folder, else says why', () => {
    let run = applyEvent(createRunViewState(RUN_ID), runStarted());
    for (const e of [epoch1, selectivity1, histograms1]) run = applyEvent(run, e);
    const got = answerLayerRequest(run, { type: 'requestLayer', runId: RUN_ID, epoch: 1, layer: BIG_LAYER });
    assert.equal(got.selectivity?.classMeans.length, 2048 * 200);
    const unit = answerLayerRequest(run, { type: 'requestUnitHistograms', runId: RUN_ID, epoch: 1, layer: BIG_LAYER, unit: 3 });
    assert.equal(unit.histograms?.firstUnit, 3);
    // Epoch 9 is not held: read from the folder when there is one.
    const asked: string[] = [];
    const folder = {
      layer: (epoch: number, layer: string) => {
        asked.push(`${layer}@${epoch}`);
        return (selectivity1 as Extract<EngineEvent, { type: 'selectivity' }>).layers.find((l) => l.layer === layer);
      },
      unitHistograms: () => undefined,
    };
    const fromDisk = answerLayerRequest(run, { type: 'requestLayer', runId: RUN_ID, epoch: 9, layer: 'relu' }, folder);
    assert.equal(fromDisk.selectivity?.layer, 'relu');
    assert.deepEqual(asked, ['relu@9'], 'only the asked-for layer of the asked-for epoch is read');
    const missing = answerLayerRequest(run, { type: 'requestLayer', runId: RUN_ID, epoch: 9, layer: 'relu' });
    assert.match(missing.missing ?? '', /epoch 9 .*no folder/);
    assert.match(answerLayerRequest(undefined, { type: 'requestLayer', runId: 'x', epoch: 1, layer: 'relu' }).missing ?? '', /no longer listed/);
  });

  it('bounds SI history: 1,000 epochs keep a bounded number of per-unit arrays', () => {
    let run = applyEvent(createRunViewState(RUN_ID), runStarted());
    const si = selectivity1 as Extract<EngineEvent, { type: 'selectivity' }>;
    const slim = eventForWebview(si) as typeof si;
    for (let epoch = 1; epoch <= 1000; epoch++) run = applyEvent(run, { ...slim, epoch }, { maxSIBytes: 16 * 1024 * 1024 });
    assert.equal(run.selectivity.length, 1000, 'every epoch stays reachable');
    const held = run.selectivity.filter((s) => !siTrimmed(s.layers[0])).length;
    assert.ok(held > 50 && held < 100, `${held} epochs hold SI`);
    assert.equal(siTrimmed(run.selectivity.at(-1)!.layers[0]), false, 'the newest epoch is never trimmed');
    const snapshot = runForWebview(run);
    assert.ok(snapshot.selectivity.filter((s) => !siTrimmed(s.layers[0])).length <= 50);
  });
});
