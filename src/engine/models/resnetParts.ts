// Shared building blocks of the ResNets: conv + batch norm (+ ReLU), named so that unit layers read
// like "block2.1.relu2" (stage 2, block 1, second ReLU).
import * as tfl from '@tensorflow/tfjs-layers';
import { FastBatchNorm } from './batchNorm';
import type { SeededInit } from './seededInit';
import { UnitReLU } from './unitRelu';

type T = tfl.SymbolicTensor;

export function convBn(x: T, name: string, filters: number, kernelSize: number, strides: number, init: SeededInit): T {
  const conv = tfl.layers.conv2d({
    name: `${name}.conv`,
    filters,
    kernelSize,
    strides,
    padding: 'same',
    useBias: false,
    kernelInitializer: init.he(),
  });
  return new FastBatchNorm({ name: `${name}.bn` }).apply(conv.apply(x)) as T;
}

/** A conv unit layer's ReLU; the network continues from its activation (UnitReLU's second output is the means). */
export function relu(x: T, name: string): T {
  return (new UnitReLU({ name }).apply(x) as T[])[0];
}

export function add(a: T, b: T, name: string): T {
  return tfl.layers.add({ name }).apply([a, b]) as T;
}

export function channels(x: T): number {
  return x.shape[x.shape.length - 1] as number;
}

/** Global average pooling and the class logits. */
export function head(x: T, numClasses: number, init: SeededInit): T {
  const pooled = tfl.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as T;
  return tfl.layers.dense({ name: 'logits', units: numClasses, kernelInitializer: init.glorot() }).apply(pooled) as T;
}
