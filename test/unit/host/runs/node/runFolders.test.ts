// Run folders written by the engine's own RunWriter, read back by the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { releaseRunLock, RunWriter } from '../../../../../src/engine/runStore';
import type { EpochMetrics, RunMeta, RunSummary } from '../../../../../src/protocol/events';
import { listRunFolders, readRunFolder } from '../../../../../src/host/runs/node/runFolders';
import { readSweepFolders } from '../../../../../src/host/sweeps/node/sweepFolders';

const metrics = (epoch: number, networkSI: number): EpochMetrics =>
  ({ epoch, alpha: 0, lr: 0.1, trainCE: 1, trainReg: 0, trainSI: 0.1, trainAcc: 0.5, testLoss: 1, testAcc: 0.6, networkSI, layers: [], imgPerSec: 1, seconds: 1 });

async function writeRun(dir: string, finished: boolean): Promise<void> {
  const w = RunWriter.startNew(dir);
  await w.writeMeta({ runId: path.basename(dir), runDir: dir, name: path.basename(dir), epochs: 2, startedAt: new Date().toISOString() } as RunMeta);
  await w.appendMetrics(metrics(1, NaN));
  await w.appendMetrics(metrics(2, 0.25));
  const si = new Float32Array([0.1, 0.4]);
  await w.writeSelectivity(2, 0.25, [{ layer: 'conv1', units: 2, classes: 3, si, preferred: new Int32Array([0, 2]), classMeans: new Float32Array(6).fill(0.5) }], [
    { layer: 'conv1', units: 2, classes: 3, bins: 2, edges: new Float32Array(6), counts: new Uint32Array(12).fill(1) },
  ]);
  if (finished) await w.writeSummary({ runId: path.basename(dir), state: 'completed', epochsDone: 2, finalTestAcc: 0.6, finalNetworkSI: 0.25, bestTestAcc: 0.6, layers: [], seconds: 2 } as RunSummary);
  await w.flush();
}

test('runs and sweep groups are found; state, metrics and arrays read back', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sl-folders-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  await writeRun(path.join(root, 'a-20240101-000000'), true);
  await writeRun(path.join(root, 'b-20240101-000001'), false);
  mkdirSync(path.join(root, 'sw'));
  await writeRun(path.join(root, 'sw', 'alpha=0_seed=0'), true);
  writeFileSync(path.join(root, 'sw', 'sweep.json'), JSON.stringify({ version: 1, kind: 'sweep', sweepId: 's', name: 'sw', runs: [] }));
  mkdirSync(path.join(root, 'not-a-run'));

  const entries = await listRunFolders(root);
  assert.deepEqual(entries.map((e) => `${e.kind}:${e.kind === 'run' ? e.runId : `${e.name}[${e.runs.length}]`}`), ['run:a-20240101-000000', 'run:b-20240101-000001', 'group:sw[1]']);
  assert.deepEqual((await readSweepFolders(root)).map((s) => s.index.name), ['sw']);

  const a = await readRunFolder(path.join(root, 'a-20240101-000000'));
  assert.equal(a?.state, 'completed');
  assert.equal(a?.metrics.length, 2);
  assert.ok(Number.isNaN(a!.metrics[0].networkSI), 'null on disk is NaN again');
  assert.deepEqual(a?.selectivity.map((s) => [s.epoch, s.networkSI, s.layers.length]), [[2, 0.25, 0]], 'light read: no arrays');
  const full = await readRunFolder(path.join(root, 'a-20240101-000000'), undefined, { withSelectivity: true });
  assert.deepEqual(Array.from(full!.selectivity[0].layers[0].si), [Float32Array.of(0.1)[0], Float32Array.of(0.4)[0]]);
  assert.equal(full?.classResponses?.layers[0].counts.length, 12);
  const bDir = path.join(root, 'b-20240101-000001');
  assert.equal((await readRunFolder(bDir))?.state, 'running', 'no summary, and a live process holds the lock');
  releaseRunLock(bDir);
  assert.equal((await readRunFolder(bDir))?.state, 'stopped', 'no summary and no live writer: interrupted');
  assert.equal(await readRunFolder(path.join(root, 'not-a-run')), undefined);
});
