// One pass over the held-out set: test loss and accuracy, and (when an accumulator is given) the per-unit
// selectivity analysis from the same forward passes.
import * as tf from '@tensorflow/tfjs-core';
import type { BuiltModel, Dataset } from '../contracts';
import { checkedRead } from '../backend/webgpu';
import { testBatches } from '../data';
import type { SelectivityAccumulator } from '../selectivity';

export interface Evaluation {
  loss: number;
  acc: number;
  samples: number;
}

export async function evaluate(
  built: BuiltModel,
  ds: Dataset,
  batchSize: number,
  accumulator?: SelectivityAccumulator,
  shouldStop?: () => boolean,
): Promise<Evaluation> {
  const numClasses = ds.classNames.length;
  let sums: tf.Tensor1D = tf.zeros([2]);
  let samples = 0;
  for (const batch of testBatches(ds, batchSize)) {
    const { stats, unitMeans } = tf.tidy(() => {
      const out = built.forward(batch.x, false);
      const ce = tf.losses.softmaxCrossEntropy(tf.cast(tf.oneHot(batch.y, numClasses), 'float32'), out.logits, undefined, 0, tf.Reduction.SUM);
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(out.logits, 1), tf.cast(batch.y, 'int32')), 'float32'));
      return { stats: tf.stack([ce, correct]) as tf.Tensor1D, unitMeans: out.unitMeans };
    });
    // The accumulator keeps its own running tensors: call it outside any tidy.
    await accumulator?.add(unitMeans, batch.y);
    const next = tf.add(sums, stats) as tf.Tensor1D;
    tf.dispose([sums, stats, unitMeans, batch.x, batch.y]);
    sums = next;
    samples += batch.size;
    if (shouldStop?.()) break;
    // Let IPC messages (stop) in between batches.
    await new Promise<void>((r) => setImmediate(r));
  }
  const [ceSum, correct] = await checkedRead(sums.data(), batchSize);
  sums.dispose();
  return { loss: samples ? ceSum / samples : NaN, acc: samples ? correct / samples : NaN, samples };
}
