// One SGD step of loss = CE - alpha * networkSI (+ L2 on kernels), with the batch's cross-entropy, network SI
// and correct count summed on the device: nothing is read back per batch, the sums are read when asked.
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, BuiltModel } from '../contracts';
import { type SelectivityLayout, selectivityRegularizer } from '../selectivity';
import { checkedRead } from '../backend/webgpu';

export interface TrainSums {
  ceSum: number;
  siSum: number;
  correct: number;
  count: number;
}

export class TrainStep {
  /** [ceSum, siSum, correct] since the last reset. */
  private sums: tf.Tensor1D;
  private count = 0;
  private batchSize = 0;
  private readonly decayed: tf.Variable[];
  private readonly variables: tf.Variable[];

  constructor(
    private readonly built: BuiltModel,
    private readonly layout: SelectivityLayout,
    private readonly optimizer: tf.Optimizer,
    private readonly weightDecay: number,
    /** Rescale the whole gradient to at most this global L2 norm (0 / undefined: off). */
    private readonly clipNorm = 0,
  ) {
    this.variables = built.trainableVariables();
    // Weight decay on conv/dense kernels only (rank >= 2), not on biases or batch-norm parameters.
    this.decayed = this.variables.filter((v) => v.rank >= 2);
    this.sums = tf.zeros([3]);
  }

  run(batch: Batch, alpha: number): void {
    const numClasses = this.layout.numClasses;
    let stats: tf.Tensor1D | undefined;
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const { logits, unitMeans } = this.built.forward(batch.x, true);
        const ce = tf.losses.softmaxCrossEntropy(tf.cast(tf.oneHot(batch.y, numClasses), 'float32'), logits) as tf.Scalar;
        const { netSI } = selectivityRegularizer(unitMeans, batch.y, this.layout);
        const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(batch.y, 'int32')), 'float32'));
        // Kept past variableGrads' own tidy; disposed below once added to the running sums.
        stats = tf.keep(tf.stack([tf.mul(ce, batch.size), tf.mul(netSI, batch.size), correct]) as tf.Tensor1D);
        let loss = alpha === 0 ? ce : tf.sub(ce, tf.mul(netSI, alpha));
        if (this.weightDecay > 0 && this.decayed.length > 0) {
          const l2 = tf.addN(this.decayed.map((v) => tf.sum(tf.square(v))));
          loss = tf.add(loss, tf.mul(l2, 0.5 * this.weightDecay));
        }
        return loss as tf.Scalar;
      }, this.variables);
      this.optimizer.applyGradients(this.clipNorm > 0 ? clipByGlobalNorm(grads, this.clipNorm) : grads);
    });
    const next = tf.add(this.sums, stats!) as tf.Tensor1D;
    this.sums.dispose();
    stats!.dispose();
    this.sums = next;
    this.count += batch.size;
    this.batchSize = batch.size;
  }

  /** Read the sums back (one small sync). */
  async read(): Promise<TrainSums> {
    const [ceSum, siSum, correct] = await checkedRead(this.sums.data(), this.batchSize);
    return { ceSum, siSum, correct, count: this.count };
  }

  /** Start new sums, optionally from saved partial sums (a run resumed mid-epoch). */
  reset(from?: TrainSums): void {
    this.sums.dispose();
    this.sums = from ? tf.tensor1d([from.ceSum, from.siSum, from.correct]) : tf.zeros([3]);
    this.count = from?.count ?? 0;
  }

  dispose(): void {
    this.sums.dispose();
  }
}

/** Scales every gradient by min(1, maxNorm / globalNorm), on the device (no read-back). Call inside a tidy. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  const names = Object.keys(grads);
  if (names.length === 0) return grads;
  const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
  const scale = tf.minimum(1, tf.div(maxNorm, tf.maximum(norm, 1e-12)));
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n], scale);
  return out;
}
