// Batch normalisation over the last (channel) axis, written with plain element-wise ops: on the wasm backend
// this is faster than tf.batchNorm and its gradient. Moving statistics update in training mode (PyTorch
// convention: momentum 0.1 for the new batch, unbiased variance for the running estimate).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerVariable = tfl.LayerVariable;

export interface FastBatchNormArgs {
  name?: string;
  /** Weight of the running estimate at each update (0.9 = PyTorch momentum 0.1). */
  momentum?: number;
  epsilon?: number;
  /** Initial gamma (0 for the last BN of a residual branch can help deep nets). */
  gammaInit?: number;
  trainable?: boolean;
}

export class FastBatchNorm extends tfl.layers.Layer {
  static className = 'FastBatchNorm';
  private readonly momentum: number;
  private readonly epsilon: number;
  private readonly gammaInit: number;
  private gamma!: LayerVariable;
  private beta!: LayerVariable;
  private movingMean!: LayerVariable;
  private movingVariance!: LayerVariable;

  constructor(args: FastBatchNormArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-5;
    this.gammaInit = args.gammaInit ?? 1;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`${this.name}: the channel axis must have a known size`);
    const gammaInit = tfl.initializers.constant({ value: this.gammaInit });
    this.gamma = this.addWeight('gamma', [channels], 'float32', gammaInit, undefined, true);
    this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros(), undefined, true);
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tfl.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = kwargs['training'] === true;
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    if (!training) {
      // Inference: one multiply-add with folded scale and shift.
      return tf.tidy(() => {
        const scale = tf.mul(this.gamma.read(), tf.rsqrt(tf.add(this.movingVariance.read(), this.epsilon)));
        const shift = tf.sub(this.beta.read(), tf.mul(this.movingMean.read(), scale));
        return tf.add(tf.mul(x, scale), shift);
      });
    }
    const mean = tf.mean(x, axes);
    const centered = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centered), axes);
    const scale = tf.mul(this.gamma.read(), tf.rsqrt(tf.add(variance, this.epsilon)));
    const y = tf.add(tf.mul(centered, scale), this.beta.read());
    const n = x.size / x.shape[x.shape.length - 1];
    tf.tidy(() => {
      const m = this.momentum;
      const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
      this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), m), tf.mul(mean, 1 - m)));
      this.movingVariance.write(tf.add(tf.mul(this.movingVariance.read(), m), tf.mul(unbiased, 1 - m)));
    });
    return y;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, gammaInit: this.gammaInit };
  }
}
tf.serialization.registerClass(FastBatchNorm);
