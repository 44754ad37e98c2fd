// Training and held-out-analysis throughput of one model on the active backend, at batch 128 on random inputs
// already on the device (data loading is not part of these numbers). Shared by bench.ts and gpuCheck.ts.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelName } from '../src/protocol/config';
import type { BuiltModel } from '../src/engine/contracts';
import { buildModel } from '../src/engine/models';
import { SelectivityAccumulator, SelectivityLayout } from '../src/engine/selectivity';
import { TrainStep } from '../src/engine/train/trainStep';

export const BATCH = 128;
export const ALPHA = -1;

export interface Timing {
  wallMs: number[];
  cpuMs: number[];
}

/** Times one step; `f` settles when its work is done (on a GPU: after a read that waits for the queue). */
async function timed(t: Timing, f: () => unknown): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  t.wallMs.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  t.cpuMs.push((c.user + c.system) / 1000);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Waits until the pass's first output can be read (its work done), then frees it all. */
async function settled(out: tf.Tensor | tf.Tensor[] | Promise<tf.Tensor[]>): Promise<void> {
  const tensors = [await out].flat();
  await tensors[0].data();
  tf.dispose(tensors);
}

export const imgPerSec = (ms: number[]): number => (BATCH * 1000) / median(ms);
const fresh = (): Timing => ({ wallMs: [], cpuMs: [] });

export interface ModelResult {
  model: string;
  params: number;
  units: number;
  train: { plain: Timing; regularized: Timing };
  eval: { plain: Timing; analysis: Timing; finishMs: number };
}

function randomBatch(shape: [number, number, number], classes: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const x = tf.randomNormal([BATCH, ...shape], 0, 1, 'float32', 7) as tf.Tensor4D;
  const y = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % classes), 'int32');
  return { x, y };
}

/** Times `steps` training steps per mode (alpha 0 and ALPHA, interleaved) and as many evaluation passes. */
export async function benchModel(name: ModelName, shape: [number, number, number], steps: number, classes = 10): Promise<ModelResult> {
  const built: BuiltModel = await buildModel({ name }, { shape, numClasses: classes }, 1);
  const layout = new SelectivityLayout(built.unitLayers, classes);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const step = new TrainStep(built, layout, optimizer, 5e-4);
  const { x, y } = randomBatch(shape, classes);
  const batch = { x, y, size: BATCH };

  const train = { plain: fresh(), regularized: fresh() };
  for (let i = 0; i < 2; i++) {
    step.run(batch, 0);
    step.run(batch, ALPHA);
    await step.read();
  }
  for (let i = 0; i < steps; i++) {
    // Alternate the order so neither mode always follows the other.
    const order = i % 2 ? ([ALPHA, 0] as const) : ([0, ALPHA] as const);
    for (const alpha of order) {
      // The read waits for the step's queued work (on a GPU backend the step only enqueues it).
      await timed(alpha === 0 ? train.plain : train.regularized, () => {
        step.run(batch, alpha);
        return step.read();
      });
    }
  }

  // Evaluation: plain = logits and loss only (what any test pass costs); analysis = the unit-layer probe
  // forward plus the accumulator's class sums, maxima and histograms.
  const ev = { plain: fresh(), analysis: fresh(), finishMs: 0 };
  const acc = new SelectivityAccumulator({ unitLayers: built.unitLayers, numClasses: classes });
  const onehot = tf.oneHot(y, classes).toFloat();
  const plainPass = () =>
    tf.tidy(() => {
      const logits = built.model.apply(x, { training: false }) as tf.Tensor2D;
      const loss = tf.losses.softmaxCrossEntropy(onehot, logits);
      return tf.stack([loss, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'))]);
    });
  const analysisPass = async () => {
    const { stats, unitMeans } = tf.tidy(() => {
      const out = built.forward(x, false);
      const loss = tf.losses.softmaxCrossEntropy(onehot, out.logits);
      const stats = tf.stack([loss, tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), y), 'float32'))]);
      return { stats, unitMeans: out.unitMeans };
    });
    await acc.add(unitMeans, y);
    return [stats, unitMeans];
  };
  for (let i = 0; i < 2; i++) {
    await settled(plainPass());
    await settled(analysisPass());
  }
  const evalSteps = steps * 2;
  for (let i = 0; i < evalSteps; i++) {
    const first = i % 2 ? 'analysis' : 'plain';
    for (const mode of first === 'plain' ? ['plain', 'analysis'] : ['analysis', 'plain']) {
      if (mode === 'plain') await timed(ev.plain, () => settled(plainPass()));
      else await timed(ev.analysis, () => settled(analysisPass()));
    }
  }
  const f0 = performance.now();
  await acc.finish();
  ev.finishMs = performance.now() - f0;
  acc.dispose();

  step.dispose();
  layout.dispose();
  optimizer.dispose();
  tf.dispose([x, y, onehot]);
  const result = { model: name, params: built.params, units: built.totalUnits, train, eval: ev };
  built.dispose();
  return result;
}
