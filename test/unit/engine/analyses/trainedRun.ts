// A small trained run for the analysis tests: the small CNN on 2,000 embedded MNIST digits, 40 steps, 300
// held-out samples; trained once per test process.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunConfig } from '../../../../src/protocol/config';
import { initBackend } from '../../../../src/engine/backend';
import { startRun } from '../../../../src/engine/train';

let root: string | undefined;
const trained = new Map<string, Promise<string>>();

export function scratchDir(): string {
  if (!root) {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-analyses-'));
    const dir = root;
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return root;
}

export function runConfig(model: 'small-cnn' | 'resnet20', seed: number, alpha = 0): RunConfig {
  return {
    name: `${model}-s${seed}-a${alpha}`,
    model: { name: model },
    data: { format: 'mnist-embedded', trainLimit: 2000, testLimit: 300, cacheDir: path.join(scratchDir(), '.cache') },
    // ResNet-20 only needs to exist (structure tests); the small CNN needs to be better than chance.
    train: { epochs: 1, batchSize: 32, lr: 0.05, maxBatchesPerEpoch: model === 'resnet20' ? 3 : 40, seed },
    selectivity: { alpha },
  };
}

/** The folder of a trained run (trained on first use). */
export function trainedRun(model: 'small-cnn' | 'resnet20' = 'small-cnn', seed = 1, alpha = 0): Promise<string> {
  const key = `${model}-${seed}-${alpha}`;
  let p = trained.get(key);
  if (!p) {
    p = (async () => {
      await initBackend('wasm');
      const runDir = path.join(scratchDir(), key);
      await startRun({ runId: key, runDir, config: runConfig(model, seed, alpha) }, { emit: () => undefined, shouldStop: () => false, backend: { name: 'wasm', threads: 1 } });
      return runDir;
    })();
    trained.set(key, p);
  }
  return p;
}
