// The Run tab's analysis messages: a run folder's results in a fixed order, and an analysis's JSON lines as
// progress that never goes back, with partial results carrying the progress reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AblationResult, AnalysisResult, DimensionalityResult, SimilarityResult } from '../../../../src/protocol/analyses';
import { AnalysisFeed, resultsMessage } from '../../../../src/host/analyses/node/analysisMessages';

const header = { version: 1 as const, model: 'checkpoints/epoch-1', epoch: 1, createdAt: '', samples: 10, seconds: 1 };
const dims: DimensionalityResult = { ...header, kind: 'dimensionality', layers: [] };
const ablation: AblationResult = { ...header, kind: 'ablation', fractions: [0, 1], baseline: { acc: 1, loss: 0 }, chance: 0.1, layers: [] };
const sim = (runB: string): SimilarityResult => ({ ...header, kind: 'similarity', runA: 'a', runB, modelB: 'm', units: 'channel', layersA: [], layersB: [], pairing: 'all', pairs: [] });

test('resultsMessage lists the folder results, similarity last', () => {
  const m = resultsMessage('r1', { dimensionality: dims, ablation, similarity: [sim('b'), sim('c')], files: [] });
  assert.equal(m.type, 'analysisResults');
  if (m.type !== 'analysisResults') return;
  assert.equal(m.runId, 'r1');
  assert.deepEqual(m.results.map((r: AnalysisResult) => r.kind), ['ablation', 'dimensionality', 'similarity', 'similarity']);
});

test('AnalysisFeed: progress is clipped and monotone, a partial result carries it, the result says nothing', () => {
  const feed = new AnalysisFeed('r1', 'ablation');
  assert.deepEqual(feed.onLine({ type: 'progress', what: 'ablating conv1', done: 0.4 }), { type: 'analysisProgress', runId: 'r1', kind: 'ablation', what: 'ablating conv1', done: 0.4 });
  assert.equal((feed.onLine({ type: 'progress', what: 'ablating conv1', done: 0.2 }) as { done: number }).done, 0.4);
  assert.equal((feed.onLine({ type: 'progress', what: 'x', done: 3 }) as { done: number }).done, 1);
  const partial = feed.onLine({ type: 'partial', result: ablation });
  assert.deepEqual(partial, { type: 'analysisProgress', runId: 'r1', kind: 'ablation', what: 'x', done: 1, partial: ablation });
  assert.equal(feed.onLine({ type: 'result', file: '/f', result: ablation }), undefined);
  assert.equal(feed.fraction, 1);
});
