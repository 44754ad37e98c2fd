// Zero-pads the channel axis: the parameter-free "option A" shortcut of CIFAR ResNets (He et al. 2016)
// when a stage doubles its width.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface ChannelZeroPadArgs {
  name?: string;
  before: number;
  after: number;
}

export class ChannelZeroPad extends tfl.layers.Layer {
  static className = 'ChannelZeroPad';
  private readonly before: number;
  private readonly after: number;

  constructor(args: ChannelZeroPadArgs) {
    super({ name: args.name });
    this.before = args.before;
    this.after = args.after;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const pads = x.shape.map((): [number, number] => [0, 0]);
    pads[pads.length - 1] = [this.before, this.after];
    return tf.pad(x, pads);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = [...((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape)];
    const c = shape[shape.length - 1];
    shape[shape.length - 1] = c == null ? null : c + this.before + this.after;
    return shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), before: this.before, after: this.after };
  }
}
tf.serialization.registerClass(ChannelZeroPad);
