// Cheaper gradients for ops the selectivity regularizer and batch statistics use on every step.
// Mean: tfjs builds ones(x.shape) in JavaScript (a full-size allocation and upload), multiplies and divides;
// here the 1/n scale goes onto the small gradient, which is then expanded in one pass (on wasm by copying
// rows, elsewhere by a device-side fill and a broadcast multiply).
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { BROADCAST_BLOCK_KERNEL, broadcastBlock } from './wasmBroadcast';

let registered = false;

export function registerFastGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs?: NamedAttrMap) => {
      const [x] = saved;
      const g = Array.isArray(dy) ? dy[0] : dy;
      const axes = util.parseAxisParam(attrs?.axis as number | number[], x.shape);
      const [, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
      const kept = backend_util.expandShapeToKeepDim(g.shape, axes);
      const scale = 1 / util.sizeFromShape(reduceShape);
      return {
        x: () => {
          const small = tf.reshape(tf.mul(g, scale), kept);
          const direct = tf.getBackend() === 'wasm' && small.dtype === 'float32' && broadcastBlock(kept, x.shape) != null;
          if (direct) return tf.engine().runKernel(BROADCAST_BLOCK_KERNEL, { x: small }, { shape: x.shape }) as tf.Tensor;
          return tf.mul(small, tf.fill(x.shape, 1, 'float32'));
        },
      };
    },
  });
}
