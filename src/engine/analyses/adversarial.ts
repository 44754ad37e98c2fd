// White-box L-infinity attacks on the held-out set, in pixel space ([0, 1], before the data set's
// normalisation, so epsilon means the same on every data set): FGSM (Goodfellow et al. 2015) and a few-step
// PGD (Madry et al. 2018) without random start, so a result is reproducible.
import * as tf from '@tensorflow/tfjs-core';
import type { BuiltModel, Dataset } from '../contracts';

export interface AttackSpec {
  attack: 'fgsm' | 'pgd';
  eps: number;
  /** PGD steps (FGSM: 1). Step size 2.5 * eps / steps. */
  steps: number;
}

/** (x01 - mean) / std per channel, as the data set's batches are normalised; dispose when done. */
export function normalizer(ds: Dataset): { apply: (x01: tf.Tensor4D) => tf.Tensor4D; dispose: () => void } {
  const mean = tf.tensor1d(ds.mean);
  const std = tf.tensor1d(ds.std);
  return { apply: (x01) => tf.div(tf.sub(x01, mean), std), dispose: () => tf.dispose([mean, std]) };
}

/** The adversarial images for one batch (pixels in [0, 1]) under `spec`. Caller disposes the result. */
export function attackBatch(built: BuiltModel, normalize: (x: tf.Tensor4D) => tf.Tensor4D, x01: tf.Tensor4D, labels: tf.Tensor1D, numClasses: number, spec: AttackSpec): tf.Tensor4D {
  if (spec.eps === 0) return tf.clone(x01);
  const onehot = tf.tidy(() => tf.cast(tf.oneHot(tf.cast(labels, 'int32'), numClasses), 'float32'));
  const lossOf = (x: tf.Tensor4D) => tf.losses.softmaxCrossEntropy(onehot, built.forward(normalize(x), false).logits) as tf.Scalar;
  const gradient = tf.grad((x: tf.Tensor) => lossOf(x as tf.Tensor4D));
  const steps = spec.attack === 'fgsm' ? 1 : Math.max(1, spec.steps);
  const stepSize = spec.attack === 'fgsm' ? spec.eps : (2.5 * spec.eps) / steps;
  let adv = tf.clone(x01);
  try {
    for (let i = 0; i < steps; i++) {
      const next = tf.tidy(() => {
        const g = gradient(adv);
        const moved = tf.add(adv, tf.mul(tf.sign(g), stepSize));
        // Project onto the eps ball around x and onto valid pixels.
        const lo = tf.maximum(tf.sub(x01, spec.eps), 0);
        const hi = tf.minimum(tf.add(x01, spec.eps), 1);
        return tf.minimum(tf.maximum(moved, lo), hi) as tf.Tensor4D;
      });
      adv.dispose();
      adv = next;
    }
    return adv;
  } finally {
    onehot.dispose();
  }
}
