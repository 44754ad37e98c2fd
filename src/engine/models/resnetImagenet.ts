// ResNet-18 (basic blocks) and ResNet-50 (bottlenecks) adapted to 64x64 Tiny ImageNet: a 3x3 stride-1 stem
// and no max pool (the 7x7/2 stem + pool of the 224px nets would leave 2x2 maps), so the four stages run at
// 64, 32, 16 and 8 pixels. Shortcuts are 1x1 conv + BN projections where shape changes (option B);
// strides sit on the 3x3 conv of a bottleneck (the common "v1.5" variant).
import * as tfl from '@tensorflow/tfjs-layers';
import { add, channels, convBn, head, relu } from './resnetParts';
import { SeededInit } from './seededInit';

type T = tfl.SymbolicTensor;

function shortcut(x: T, name: string, filters: number, strides: number, init: SeededInit): T {
  if (strides === 1 && channels(x) === filters) return x;
  return convBn(x, `${name}.shortcut`, filters, 1, strides, init);
}

function basicBlock(x: T, name: string, filters: number, strides: number, init: SeededInit): T {
  let y = relu(convBn(x, `${name}.1`, filters, 3, strides, init), `${name}.relu1`);
  y = convBn(y, `${name}.2`, filters, 3, 1, init);
  return relu(add(y, shortcut(x, name, filters, strides, init), `${name}.add`), `${name}.relu2`);
}

function bottleneck(x: T, name: string, width: number, strides: number, init: SeededInit): T {
  let y = relu(convBn(x, `${name}.1`, width, 1, 1, init), `${name}.relu1`);
  y = relu(convBn(y, `${name}.2`, width, 3, strides, init), `${name}.relu2`);
  y = convBn(y, `${name}.3`, width * 4, 1, 1, init);
  return relu(add(y, shortcut(x, name, width * 4, strides, init), `${name}.add`), `${name}.relu3`);
}

export function buildImagenetResNet(
  depth: 18 | 50,
  shape: [number, number, number],
  numClasses: number,
  seed: number,
): tfl.LayersModel {
  const init = new SeededInit(seed);
  const blocks = depth === 18 ? [2, 2, 2, 2] : [3, 4, 6, 3];
  const block = depth === 18 ? basicBlock : bottleneck;
  const input = tfl.input({ shape, name: 'input' });
  let x = relu(convBn(input, 'stem', 64, 3, 1, init), 'stem.relu');
  [64, 128, 256, 512].forEach((width, stage) => {
    for (let b = 0; b < blocks[stage]; b++) {
      x = block(x, `block${stage + 1}.${b}`, width, stage > 0 && b === 0 ? 2 : 1, init);
    }
  });
  return tfl.model({ inputs: input, outputs: head(x, numClasses, init), name: `resnet${depth}` });
}
