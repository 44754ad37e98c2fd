// ResNet-20 for 32x32 images (He et al. 2016, section 4.2): 3 stages of 3 basic blocks, 16/32/64 channels,
// parameter-free option-A shortcuts. Downsampling shortcuts subsample with a 1x1 average pool of stride 2
// (exactly x[:, ::2, ::2]; tfjs has no gradient for strided slices) and zero-pad the new channels.
import * as tfl from '@tensorflow/tfjs-layers';
import { ChannelZeroPad } from './channelPad';
import { add, channels, convBn, head, relu } from './resnetParts';
import { SeededInit } from './seededInit';

type T = tfl.SymbolicTensor;

function basicBlockA(x: T, name: string, filters: number, strides: number, init: SeededInit): T {
  let y = relu(convBn(x, `${name}.1`, filters, 3, strides, init), `${name}.relu1`);
  y = convBn(y, `${name}.2`, filters, 3, 1, init);
  let shortcut = x;
  if (strides !== 1) {
    shortcut = tfl.layers.averagePooling2d({ name: `${name}.subsample`, poolSize: 1, strides, padding: 'valid' }).apply(x) as T;
  }
  const missing = filters - channels(x);
  if (missing > 0) {
    const before = Math.floor(missing / 2);
    shortcut = new ChannelZeroPad({ name: `${name}.pad`, before, after: missing - before }).apply(shortcut) as T;
  }
  return relu(add(y, shortcut, `${name}.add`), `${name}.relu2`);
}

/** CIFAR-style ResNet with 6n+2 layers; n = 3 gives ResNet-20 (~0.27M parameters). */
export function buildCifarResNet(shape: [number, number, number], numClasses: number, seed: number, n = 3): tfl.LayersModel {
  const init = new SeededInit(seed);
  const input = tfl.input({ shape, name: 'input' });
  let x = relu(convBn(input, 'stem', 16, 3, 1, init), 'stem.relu');
  [16, 32, 64].forEach((filters, stage) => {
    for (let b = 0; b < n; b++) {
      x = basicBlockA(x, `block${stage + 1}.${b}`, filters, stage > 0 && b === 0 ? 2 : 1, init);
    }
  });
  return tfl.model({ inputs: input, outputs: head(x, numClasses, init), name: `resnet${6 * n + 2}` });
}
