// A small CNN for 28x28 grey images (MNIST-like); fast enough to train on a CPU in a minute or two.
// Unit layers: conv1, conv2 (channels) and fc1 (neurons), each a ReLU after batch norm. Batch norm matters
// for the science, not just speed: without it a positive alpha silences near-dead units (SI 0) instead of
// making them selective, so selectivity fell where the paper has it rise.
import * as tfl from '@tensorflow/tfjs-layers';
import { FastBatchNorm } from './batchNorm';
import { SeededInit } from './seededInit';
import { UnitReLU } from './unitRelu';

type T = tfl.SymbolicTensor;

export function buildSmallCnn(shape: [number, number, number], numClasses: number, seed: number): tfl.LayersModel {
  const init = new SeededInit(seed);
  const input = tfl.input({ shape, name: 'input' });
  // Conv unit layers are UnitReLUs (activation plus its spatial means); the dense one is a plain ReLU.
  const bnRelu = (x: T, name: string): T => {
    const normalized = new FastBatchNorm({ name: `${name}.bn` }).apply(x) as T;
    return normalized.rank === 4 ? (new UnitReLU({ name }).apply(normalized) as T[])[0] : (tfl.layers.reLU({ name }).apply(normalized) as T);
  };
  const conv = (x: T, name: string, filters: number): T =>
    bnRelu(
      tfl.layers
        .conv2d({ name: `${name}.conv`, filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init.he() })
        .apply(x) as T,
      name,
    );
  let x = conv(input, 'conv1', 32);
  x = tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as T;
  x = conv(x, 'conv2', 64);
  x = tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as T;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as T;
  x = bnRelu(tfl.layers.dense({ name: 'fc1.dense', units: 128, useBias: false, kernelInitializer: init.he() }).apply(x) as T, 'fc1');
  const logits = tfl.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: init.glorot() }).apply(x) as T;
  return tfl.model({ inputs: input, outputs: logits, name: 'small_cnn' });
}
