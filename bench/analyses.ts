// What each analysis costs on ResNet-20 (32x32x3, 10 classes, untrained weights) relative to one plain
// held-out forward pass over the same samples (npm run bench runs it after the throughput benchmark; alone:
// node out/bench/analyses.js). Random images; BENCH_ANALYSIS_SAMPLES (default 128) samples at batch 128.
// Ablation is timed for one layer (a middle one) with the single-run defaults (11 fractions x zero and mean x
// descending, ascending and 5 random orders = 154 points) and with the sweep defaults (5 fractions x zero x 5
// orders = 25 points); the others cover every unit layer.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend';
import type { Dataset } from '../src/engine/contracts';
import { buildModel } from '../src/engine/models';
import { evaluate } from '../src/engine/train';
import {
  runAblation,
  runDimensionality,
  runRobustness,
  runSimilarity,
  runTopInputs,
  type AnalysisTarget,
} from '../src/engine/analyses';
import { SWEEP_ABLATION } from '../src/engine/analyses/sweepAnalyses';

function syntheticDataset(n: number): Dataset {
  let s = 12345;
  const images = Uint8Array.from({ length: n * 32 * 32 * 3 }, () => ((s = (s * 1664525 + 1013904223) >>> 0) >>> 24));
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  const split = { images, labels, n };
  return { name: 'random', classNames: Array.from({ length: 10 }, (_, i) => String(i)), shape: [32, 32, 3], train: split, test: split, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
}

async function seconds(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

export async function benchAnalyses(log: (line: string) => void = console.log): Promise<Record<string, number>> {
  const n = Number(process.env.BENCH_ANALYSIS_SAMPLES ?? 128);
  const ds = syntheticDataset(n);
  const built = await buildModel({ name: 'resnet20' }, { shape: ds.shape, numClasses: 10 }, 1, process.cwd());
  const target: AnalysisTarget = { runDir: 'bench', built, ds, model: 'resnet20 (untrained)', epoch: 0, batchSize: 128, dispose: () => built.dispose() };
  const layers = built.unitLayers.map((l) => l.name);
  const middle = layers[Math.floor(layers.length / 2)];
  try {
    await evaluate(built, ds, 128); // warm-up: kernels compiled, memory allocated
    const forward = await seconds(() => evaluate(built, ds, 128));
    const costs: Record<string, number> = {
      [`ablation, 1 layer (${middle}), 154 points`]: await seconds(() => runAblation(target, { layers: [middle] })),
      [`ablation, 1 layer, sweep defaults (25 points)`]: await seconds(() => runAblation(target, { layers: [middle], ...SWEEP_ABLATION })),
      [`similarity, ${layers.length} layer pairs`]: await seconds(() => runSimilarity(target, target, { layersA: layers, layersB: layers, pairing: 'matching' })),
      [`dimensionality, ${layers.length} layers`]: await seconds(() => runDimensionality(target, layers)),
      [`top inputs, ${layers.length} layers`]: await seconds(() => runTopInputs(target, { layers })),
      ['robustness, 25 corruptions + FGSM/PGD(5) at 4 eps']: await seconds(() => runRobustness(target)),
    };
    log(`analysis cost on ResNet-20, ${n} held-out samples (${tf.getBackend()}): one forward pass ${forward.toFixed(2)} s`);
    for (const [what, s] of Object.entries(costs)) log(`  ${what.padEnd(52)} ${s.toFixed(1).padStart(7)} s  ${(s / forward).toFixed(0).padStart(5)}x a forward pass`);
    return { forward, ...costs };
  } finally {
    built.dispose();
  }
}

if (require.main === module) {
  void (async () => {
    await initBackend((process.env.BENCH_BACKEND as 'auto') ?? 'auto', { threads: Number(process.env.BENCH_THREADS ?? 2) });
    await benchAnalyses();
  })();
}
