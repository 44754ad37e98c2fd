// The ReLU of a conv unit layer in the built-in models, with a second output: each image's spatial mean of
// the activation per channel ([b, c]), the per-sample unit activation that selectivity is measured on. On wasm
// both come from one fused kernel whose gradient also takes the regularizer's gradient through the means
// (backend/wasmReluMean.ts); elsewhere from tf.relu and tf.mean. The first output feeds the network; the
// second feeds only the probe that BuiltModel.forward reads (builtModel.ts).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RELU_MEAN, fusedReluMeanAvailable } from '../backend/wasmReluMean';

/**
 * kwargs key naming one forward pass of a model (any fresh object). tfjs-layers' executor applies a layer once
 * per output it needs, so when both outputs are fetched (BuiltModel's probe) it calls this layer twice in a row
 * with the same input: within one named pass the second call gets the first call's tensors (computing them
 * twice would also put two nodes on the gradient tape). Without a pass every call computes.
 */
export const FORWARD_PASS = 'unitReluForwardPass';

export class UnitReLU extends tfl.layers.Layer {
  static className = 'UnitReLU';
  private last: { pass: object; input: tf.Tensor; outputs: tf.Tensor[] } | undefined;

  constructor(args: { name?: string } = {}) {
    super({ name: args.name });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== 4) throw new Error(`${this.name}: UnitReLU expects [batch, height, width, channels], got rank ${x.rank}`);
    const pass = kwargs[FORWARD_PASS];
    const last = this.last;
    this.last = undefined;
    if (last && pass !== undefined && last.pass === pass && last.input === x) return last.outputs;
    const outputs = fusedReluMeanAvailable(x.shape)
      ? (tf.engine().runKernel(RELU_MEAN, { x }) as tf.Tensor[])
      : tf.tidy(() => {
          const y = tf.relu(x);
          return [y, tf.mean(y, [1, 2])];
        });
    if (typeof pass === 'object' && pass !== null) this.last = { pass, input: x, outputs };
    return outputs;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape, [shape[0], shape[shape.length - 1]]];
  }
}
tf.serialization.registerClass(UnitReLU);
