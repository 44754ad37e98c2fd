// A small CNN for 28x28 grey images (MNIST-like); fast enough to train on a CPU in a minute or two.
// Unit layers: conv1, conv2 (channels) and fc1 (neurons), each with a fused ReLU.
import * as tfl from '@tensorflow/tfjs-layers';
import { SeededInit } from './seededInit';

export function buildSmallCnn(shape: [number, number, number], numClasses: number, seed: number): tfl.LayersModel {
  const init = new SeededInit(seed);
  const input = tfl.input({ shape, name: 'input' });
  let x = tfl.layers
    .conv2d({ name: 'conv1', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init.he() })
    .apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers
    .conv2d({ name: 'conv2', filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init.he() })
    .apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ name: 'fc1', units: 128, activation: 'relu', kernelInitializer: init.he() }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: init.glorot() }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'small_cnn' });
}
