// Batch normalisation over the last (channel) axis with a hand-written gradient. On wasm, training runs
// through our fused SIMD kernels (backend/wasmBatchNorm.ts: 6 passes over the activation instead of ~25);
// elsewhere through plain element-wise ops, which on wasm were already faster than tf.batchNorm and its
// gradient. Moving statistics update in training mode (PyTorch convention: momentum 0.1 for the new batch,
// unbiased variance for the running estimate).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BATCH_NORM_GRAD, BATCH_NORM_TRAIN, fusedBatchNormAvailable } from '../backend/wasmBatchNorm';

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
    if (!training) {
      // Inference: one multiply-add with folded scale and shift.
      return tf.tidy(() => {
        const scale = tf.mul(this.gamma.read(), tf.rsqrt(tf.add(this.movingVariance.read(), this.epsilon)));
        const shift = tf.sub(this.beta.read(), tf.mul(this.movingMean.read(), scale));
        return tf.add(tf.mul(x, scale), shift);
      });
    }
    const channels = x.shape[x.shape.length - 1];
    const n = x.size / channels;
    let batchMean: tf.Tensor | undefined;
    let batchVariance: tf.Tensor | undefined;
    const keepStats = (mean: tf.Tensor, variance: tf.Tensor) => {
      batchMean = mean;
      batchVariance = variance;
    };
    const normalize =
      fusedBatchNormAvailable(channels) && n > 0 ? this.fusedNormalize(keepStats) : this.compositeNormalize(n, channels, keepStats);
    const y = tf.reshape(normalize(tf.reshape(x, [n, channels]), this.gamma.read(), this.beta.read()), x.shape);
    tf.tidy(() => {
      const m = this.momentum;
      const mean = tf.reshape(batchMean!, [channels]);
      const unbiased = tf.mul(tf.reshape(batchVariance!, [channels]), n / Math.max(n - 1, 1));
      this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), m), tf.mul(mean, 1 - m)));
      this.movingVariance.write(tf.add(tf.mul(this.movingVariance.read(), m), tf.mul(unbiased, 1 - m)));
    });
    tf.dispose([batchMean!, batchVariance!]);
    return y;
  }

  /** Training-mode normalisation of [n, c] by our wasm kernels; hands the batch statistics (kept) to `stats`. */
  private fusedNormalize(stats: (mean: tf.Tensor, variance: tf.Tensor) => void) {
    const epsilon = this.epsilon;
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x2, gamma, beta] = args as tf.Tensor[];
      const save = args[3] as tf.GradSaveFunc;
      const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN, { x: x2, gamma, beta }, { epsilon }) as tf.Tensor[];
      // customGrad runs f in a tidy: keep copies of the batch statistics for the moving-average update (the
      // originals are saved for the gradient and must outlive the update's dispose).
      stats(tf.keep(tf.clone(mean)), tf.keep(tf.clone(variance)));
      save([x2, mean, variance, gamma]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [xs, m, v, g] = saved;
          const inputs = { dy: Array.isArray(dy) ? dy[0] : dy, x: xs, mean: m, variance: v, gamma: g };
          return tf.engine().runKernel(BATCH_NORM_GRAD, inputs, { epsilon }) as tf.Tensor[];
        },
      };
    });
  }

  /**
   * The same with plain ops, every per-channel reduction a [1, n] x [n, c] matmul: tfjs' generic reductions over
   * leading axes (and the broadcast gradients of the naive formula) transpose the whole activation first.
   */
  private compositeNormalize(n: number, channels: number, stats: (mean: tf.Tensor, variance: tf.Tensor) => void) {
    return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x2, gamma, beta] = args as tf.Tensor[];
      const save = args[3] as tf.GradSaveFunc;
      const ones = tf.ones([1, n]);
      const mean = tf.div(tf.matMul(ones, x2), n);
      const centered = tf.sub(x2, mean);
      const variance = tf.div(tf.matMul(ones, tf.square(centered)), n);
      const invStd = tf.rsqrt(tf.add(variance, this.epsilon));
      const xHat = tf.mul(centered, invStd);
      // customGrad runs f in a tidy; keep the batch statistics for the moving-average update.
      stats(tf.keep(mean), tf.keep(variance));
      save([xHat, invStd, gamma]);
      return {
        value: tf.add(tf.mul(xHat, gamma), beta),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const g = Array.isArray(dy) ? dy[0] : dy;
          const [xh, inv, gam] = saved;
          const onesRow = tf.ones([1, n]);
          const dBeta = tf.matMul(onesRow, g); // [1, c]
          const dGamma = tf.matMul(onesRow, tf.mul(g, xh)); // [1, c]
          const dx = tf.mul(tf.div(tf.mul(gam, inv), n), tf.sub(tf.sub(tf.mul(g, n), dBeta), tf.mul(xh, dGamma)));
          return [dx, tf.reshape(dGamma, [channels]), tf.reshape(dBeta, [channels])];
        },
      };
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, gammaInit: this.gammaInit };
  }
}
tf.serialization.registerClass(FastBatchNorm);
