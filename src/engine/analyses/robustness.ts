// Robustness of a run on its held-out set: accuracy under seeded corruptions (five kinds, severities 1..5)
// and under FGSM and few-step PGD at small epsilons. One pass per batch for everything.
import * as tf from '@tensorflow/tfjs-core';
import { CORRUPTIONS, type CorruptionName, type RobustnessResult } from '../../protocol/analyses';
import type { Dataset } from '../contracts';
import { EngineError } from '../errors';
import { attackBatch, normalizer, type AttackSpec } from './adversarial';
import { corruptImage, SEVERITIES } from './corruptions';
import { resultHeader, type AnalysisTarget } from './target';

export const DEFAULT_EPSILONS = [0.01, 0.02, 0.05, 0.1];
export const DEFAULT_PGD_STEPS = 5;

export interface RobustnessOptions {
  seed?: number;
  corruptions?: CorruptionName[];
  epsilons?: number[];
  pgdSteps?: number;
  onProgress?: (samplesDone: number, samples: number) => void;
  /** The accuracies so far, after each batch but the last (a view draws them while the rest is attacked). */
  onPartial?: (partial: RobustnessResult) => void;
}

/** Held-out images as pixels in [0, 1], in order, batch by batch. */
export function* pixelBatches(ds: Dataset, batchSize: number): Generator<{ x01: Float32Array; labels: Int32Array; start: number; size: number }> {
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  for (let start = 0; start < ds.test.n; start += batchSize) {
    const size = Math.min(batchSize, ds.test.n - start);
    const bytes = ds.test.images.subarray(start * per, (start + size) * per);
    yield { x01: Float32Array.from(bytes, (v) => v / 255), labels: ds.test.labels.subarray(start, start + size), start, size };
  }
}

export async function runRobustness(target: AnalysisTarget, options: RobustnessOptions = {}): Promise<RobustnessResult> {
  const started = Date.now();
  const { built, ds } = target;
  const seed = options.seed ?? 0;
  const names = options.corruptions ?? [...CORRUPTIONS];
  const epsilons = options.epsilons ?? DEFAULT_EPSILONS;
  for (const e of epsilons) {
    if (!(e >= 0 && e <= 1)) throw new EngineError('CONFIG_INVALID', `--eps values must lie in [0, 1] (pixel scale; got ${e}).`, { field: 'eps' });
  }
  const attacks: AttackSpec[] = [
    ...epsilons.map((eps) => ({ attack: 'fgsm' as const, eps, steps: 1 })),
    ...epsilons.map((eps) => ({ attack: 'pgd' as const, eps, steps: options.pgdSteps ?? DEFAULT_PGD_STEPS })),
  ];
  const [h, w, c] = ds.shape;
  const shape = { h, w, c };
  const per = h * w * c;
  const numClasses = ds.classNames.length;
  const norm = normalizer(ds);
  const normalize = norm.apply;
  const correctCorrupt = names.map(() => new Array<number>(SEVERITIES.length).fill(0));
  const correctAttack = attacks.map(() => 0);
  let cleanCorrect = 0;
  let cleanLoss = 0;
  /** Correct predictions among a batch of pixel images. */
  const correctOn = async (x01: tf.Tensor4D, labels: tf.Tensor1D): Promise<number> => {
    const n = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(built.forward(normalize(x01), false).logits, 1), tf.cast(labels, 'int32')), 'float32')));
    const v = (await n.data())[0];
    n.dispose();
    return v;
  };
  for (const b of pixelBatches(ds, target.batchSize)) {
    const labels = tf.tensor1d(b.labels, 'int32');
    const x01 = tf.tensor4d(b.x01, [b.size, h, w, c]);
    try {
      const clean = tf.tidy(() => {
        const logits = built.forward(normalize(x01), false).logits;
        const ce = tf.losses.softmaxCrossEntropy(tf.cast(tf.oneHot(labels, numClasses), 'float32'), logits, undefined, 0, tf.Reduction.SUM);
        return tf.stack([ce, tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'))]);
      });
      const [ce, ok] = await clean.data();
      clean.dispose();
      cleanLoss += ce;
      cleanCorrect += ok;
      for (const [ci, name] of names.entries()) {
        for (const [si, severity] of SEVERITIES.entries()) {
          const pixels = new Float32Array(b.size * per);
          for (let i = 0; i < b.size; i++) {
            pixels.set(corruptImage(name, severity, b.x01.subarray(i * per, (i + 1) * per), shape, seed, b.start + i), i * per);
          }
          const xc = tf.tensor4d(pixels, [b.size, h, w, c]);
          correctCorrupt[ci][si] += await correctOn(xc, labels);
          xc.dispose();
        }
      }
      for (const [ai, spec] of attacks.entries()) {
        const adv = attackBatch(built, normalize, x01, labels, numClasses, spec);
        correctAttack[ai] += await correctOn(adv, labels);
        adv.dispose();
      }
    } finally {
      tf.dispose([labels, x01]);
    }
    options.onProgress?.(b.start + b.size, ds.test.n);
    if (b.start + b.size < ds.test.n) options.onPartial?.(resultOn(b.start + b.size));
    await new Promise<void>((r) => setImmediate(r));
  }
  norm.dispose();
  return resultOn(ds.test.n);

  /** Accuracies over the first `n` samples (all of them at the end; fewer in a partial result). */
  function resultOn(n: number): RobustnessResult {
    const corruptions = names.map((name, ci) => ({ name, accBySeverity: correctCorrupt[ci].map((v) => v / n) }));
    const all = corruptions.flatMap((x) => x.accBySeverity);
    return {
      ...resultHeader(target, n, started),
      kind: 'robustness',
      seed,
      clean: { acc: cleanCorrect / n, loss: cleanLoss / n },
      corruptions,
      meanCorruptionAcc: all.length ? all.reduce((s, v) => s + v, 0) / all.length : NaN,
      adversarial: attacks.map((a, i) => ({ ...a, acc: correctAttack[i] / n })),
    };
  }
}
