// The science, end to end on the real wasm backend: with the same seed and data, training with alpha = -X ends
// with a lower held-out network SI than alpha = 0, and alpha = +X with a higher one (Leavitt & Morcos 2021).
// Kept small: ResNet-20 (batch-normalised, as in the paper) on embedded MNIST, 15 steps per run, 45 in all.
// (The small CNN has no batch norm; there a positive alpha mostly kills near-silent units, whose SI is 0.)
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunConfig } from '../../../../src/protocol/config';
import { initBackend } from '../../../../src/engine/backend';
import { startRun } from '../../../../src/engine/train';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-science-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));

const X = 2;

function config(alpha: number): RunConfig {
  return {
    name: `alpha${alpha}`,
    model: { name: 'resnet20' },
    data: { format: 'mnist-embedded', trainLimit: 2000, testLimit: 300, cacheDir: path.join(root, '.cache') },
    train: { epochs: 1, batchSize: 32, lr: 0.05, maxBatchesPerEpoch: 15, seed: 7 },
    selectivity: { alpha },
  };
}

before(async () => {
  await initBackend('wasm');
});

test(`alpha = -${X} lowers and alpha = +${X} raises network SI relative to alpha = 0 (same seed)`, async () => {
  const si = new Map<number, number>();
  for (const alpha of [-X, 0, X]) {
    const summary = await startRun(
      { runId: `a${alpha}`, runDir: path.join(root, `a${alpha}`), config: config(alpha) },
      { emit: () => undefined, shouldStop: () => false, backend: { name: 'wasm', threads: 1 } },
    );
    assert.equal(summary.state, 'completed');
    assert.ok(Number.isFinite(summary.finalNetworkSI));
    si.set(alpha, summary.finalNetworkSI);
  }
  const report = [...si].map(([a, s]) => `alpha ${a}: SI ${s.toFixed(4)}`).join(', ');
  assert.ok(si.get(-X)! < si.get(0)!, report);
  assert.ok(si.get(X)! > si.get(0)!, report);
});
