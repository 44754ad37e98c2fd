// An analysis in its own engine process, as the host runs it: the real CLI on a tiny trained run streams
// progress, ablation's per-layer partial result and the result (written to analyses/); a cancel kills it and
// leaves no result file; a bad run folder fails with the CLI's one line naming the file.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalysisJsonLine } from '../../../../src/protocol/analyses';
import { AnalysisJob, analysisArgs, failureMessage, parseAnalysisLine } from '../../../../src/engine/client';
import { tempRoot, trainTinyRun } from '../../../fixtures-builders/trainedRun';

const root = tempRoot('sl-analysis-job-');
let runDir = '';

before(() => {
  runDir = trainTinyRun(root, 'job');
});

test('analysisArgs: the CLI command per kind, --json last; similarity needs the other run', () => {
  assert.deepEqual(analysisArgs({ kind: 'topInputs', runDir: '/r' }, ['--backend', 'wasm']), ['top-inputs', '/r', '--backend', 'wasm', '--json']);
  assert.deepEqual(analysisArgs({ kind: 'similarity', runDir: '/a', otherRunDir: '/b', allPairs: true }), ['similarity', '/a', '/b', '--all-pairs', '--json']);
  assert.deepEqual(analysisArgs({ kind: 'topInputs', runDir: '/r', layers: ['conv1', 'fc1'] }), ['top-inputs', '/r', '--layers', 'conv1,fc1', '--json']);
  assert.deepEqual(analysisArgs({ kind: 'sweep', sweepDir: '/s', analyses: ['ablation', 'robustness'] }), ['sweep-analyze', '/s', '--analyses', 'ablation,robustness', '--json']);
  assert.throws(() => analysisArgs({ kind: 'similarity', runDir: '/a' }), /second run/);
});

test('parseAnalysisLine and failureMessage keep only what the CLI means', () => {
  assert.equal(parseAnalysisLine('Warning: something'), undefined);
  assert.equal(parseAnalysisLine('{"type":"other"}'), undefined);
  assert.deepEqual(parseAnalysisLine('{"type":"progress","what":"x","done":0.5}'), { type: 'progress', what: 'x', done: 0.5 });
  assert.equal(failureMessage('noise\nselectivity-lens: /r is not a run folder\n', 'exit code 2'), '/r is not a run folder');
  assert.equal(failureMessage('Warning: x\nboom\n', 'signal SIGKILL'), 'The analysis stopped unexpectedly (signal SIGKILL): boom');
});

test('ablation streams progress, a partial result after the first layer, then the result it wrote', async () => {
  const lines: AnalysisJsonLine[] = [];
  const job = new AnalysisJob(
    { kind: 'ablation', runDir },
    { extraArgs: ['--layers', 'conv1,fc1', '--fractions', '0,0.5,1', '--permutations', '2', '--modes', 'zero', '--samples', '60', '--backend', 'wasm'], onLine: (l) => lines.push(l) },
  );
  const outcome = await job.done;
  assert.equal(outcome.state, 'completed', JSON.stringify(outcome));
  assert.ok(lines.some((l) => l.type === 'progress'));
  const partial = lines.find((l) => l.type === 'partial');
  assert.ok(partial && partial.result.kind === 'ablation');
  assert.deepEqual(partial.result.layers.map((l) => l.layer), ['conv1']);
  assert.equal(lines[lines.length - 1].type, 'result');
  if (outcome.state !== 'completed' || outcome.result?.kind !== 'ablation') return assert.fail('no ablation result');
  assert.deepEqual(outcome.result.layers.map((l) => l.layer), ['conv1', 'fc1']);
  assert.equal(outcome.file, path.join(runDir, 'analyses', 'ablation.json'));
  assert.deepEqual(JSON.parse(fs.readFileSync(outcome.file, 'utf8')).layers.length, 2);
});

test('robustness streams its accuracies so far after each batch', async () => {
  const lines: AnalysisJsonLine[] = [];
  const outcome = await new AnalysisJob(
    { kind: 'robustness', runDir },
    { extraArgs: ['--samples', '64', '--batch-size', '32', '--corruptions', 'blur', '--eps', '0.05', '--pgd-steps', '1', '--backend', 'wasm'], onLine: (l) => lines.push(l) },
  ).done;
  assert.equal(outcome.state, 'completed', JSON.stringify(outcome));
  const partials = lines.filter((l) => l.type === 'partial').map((l) => l.result);
  assert.deepEqual(partials.map((r) => [r.kind, r.samples]), [['robustness', 32]]);
  assert.equal(outcome.state === 'completed' ? outcome.result?.samples : undefined, 64);
});

test('a cancelled analysis ends cancelled and writes no result', async () => {
  fs.rmSync(path.join(runDir, 'analyses', 'robustness.json'), { force: true });
  const started: { job?: AnalysisJob } = {};
  const job = new AnalysisJob({ kind: 'robustness', runDir }, { extraArgs: ['--backend', 'wasm'], onLine: (l) => l.type === 'progress' && started.job?.cancel() });
  started.job = job;
  const outcome = await job.done;
  assert.equal(outcome.state, 'cancelled');
  assert.ok(!fs.existsSync(path.join(runDir, 'analyses', 'robustness.json')));
});

test('a folder that is not a run fails with the CLI message naming it', async () => {
  const outcome = await new AnalysisJob({ kind: 'dimensionality', runDir: root }, { extraArgs: ['--backend', 'wasm'] }).done;
  assert.equal(outcome.state, 'failed');
  if (outcome.state === 'failed') assert.match(outcome.error, /is not a run folder: it has no config\.json/);
});

test('an unbuilt engine fails at once with a message saying to build it', async () => {
  const outcome = await new AnalysisJob({ kind: 'ablation', runDir }, { cliPath: path.join(root, 'missing', 'cli.js') }).done;
  assert.equal(outcome.state, 'failed');
  if (outcome.state === 'failed') assert.match(outcome.error, /missing\/cli\.js does not exist; build the engine first/);
});
