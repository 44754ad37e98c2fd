// One pass over the held-out set that hands each batch's per-layer unit responses (conv: the channel's spatial
// mean, the selectivity unit) to a callback; the tensors are freed after it returns.
import * as tf from '@tensorflow/tfjs-core';
import type { Batch } from '../contracts';
import { testBatches } from '../data';
import type { AnalysisTarget } from './target';

export interface UnitBatch {
  /** [b, units] per requested layer. */
  layers: Map<string, tf.Tensor2D>;
  logits: tf.Tensor2D;
  batch: Batch;
  /** Index of the batch's first sample in the held-out set. */
  start: number;
}

export async function forEachUnitBatch(
  target: AnalysisTarget,
  layers: string[],
  fn: (b: UnitBatch) => Promise<void> | void,
  onProgress?: (samplesDone: number, samples: number) => void,
): Promise<void> {
  const { built } = target;
  const index = new Map(built.unitLayers.map((l, i) => [l.name, i]));
  let start = 0;
  for (const batch of testBatches(target.ds, target.batchSize)) {
    const [logits, ...slices] = tf.tidy(() => {
      const { logits, unitMeans } = built.forward(batch.x, false);
      return [
        logits,
        ...layers.map((name) => {
          const i = index.get(name)!;
          return tf.slice(unitMeans, [0, built.unitOffsets[i]], [-1, built.unitLayers[i].units]);
        }),
      ];
    }) as tf.Tensor2D[];
    const out = { logits, per: new Map(layers.map((name, i) => [name, slices[i]])) };
    try {
      await fn({ layers: out.per, logits: out.logits, batch, start });
    } finally {
      tf.dispose([out.logits, ...out.per.values(), batch.x, batch.y]);
    }
    start += batch.size;
    onProgress?.(start, target.ds.test.n);
    await new Promise<void>((r) => setImmediate(r));
  }
}
