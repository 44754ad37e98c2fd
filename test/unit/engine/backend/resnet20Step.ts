// One ResNet-20 training step with the selectivity regularizer on 8x8 images, the same inputs on every backend:
// what each backend's parity with the cpu backend is checked on (the wasm and webgpu tests, and the GPU check).
// 8x8 images keep the cpu side quick; every kernel of a real step runs (both conv gradients at strides 1 and 2,
// batch norm, ReLU with spatial means, option-A shortcuts, the regularizer's class means).
import * as tf from '@tensorflow/tfjs-core';
import { SelectivityLayout, selectivityRegularizer } from '../../../../src/engine/selectivity';
import { buildCifarResNet } from '../../../../src/engine/models/resnetCifar';
import { wrapLayersModel } from '../../../../src/engine/models/builtModel';
import { random } from './deterministicRandom';

/** The loss and then every trainable variable's gradient (60 tensors). Call inside tf.tidy. */
export function resnet20RegularizedStep(): tf.Tensor[] {
  const built = wrapLayersModel(buildCifarResNet([8, 8, 3], 10, 1, 3));
  const layout = new SelectivityLayout(built.unitLayers, 10);
  const x = tf.tensor4d(random(4 * 8 * 8 * 3, 11), [4, 8, 8, 3]);
  const y = tf.tensor1d([0, 1, 2, 1], 'int32');
  const { value, grads } = tf.variableGrads(() => {
    const { logits, unitMeans } = built.forward(x, true);
    const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), logits);
    return tf.add(ce, selectivityRegularizer(unitMeans, y, layout).netSI) as tf.Scalar;
  }, built.trainableVariables());
  const out = [value, ...built.trainableVariables().map((v) => grads[v.name])];
  layout.dispose();
  built.dispose();
  return out;
}
