// Built-in architectures: output shapes, parameter counts, unit layers, deterministic init, batch norm,
// gradients, and checkpoint save -> restore round trips (cpu backend, tiny batches).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { FastBatchNorm, buildModel, resolveCheckpointDir, restoreBuiltModel, saveModelAtomic } from '../../../../src/engine/models';
import { isEngineError } from '../../../../src/engine/errors';
import type { ModelName } from '../../../../src/protocol/config';

const MNIST = { shape: [28, 28, 1] as [number, number, number], numClasses: 10 };
const CIFAR = { shape: [32, 32, 3] as [number, number, number], numClasses: 10 };
const TINY = { shape: [64, 64, 3] as [number, number, number], numClasses: 200 };
let tmp: string;

before(async () => {
  await tf.setBackend('cpu');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-models-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function weightsOf(name: ModelName, seed: number): Promise<Float32Array[]> {
  const built = await buildModel({ name }, MNIST, seed);
  const values = built.model.getWeights().map((w) => w.dataSync() as Float32Array);
  built.dispose();
  return values;
}

describe('small-cnn', () => {
  it('gives logits and all unit means in one tensor', async () => {
    const built = await buildModel({ name: 'small-cnn' }, MNIST, 1);
    assert.deepEqual(
      built.unitLayers.map((l) => [l.name, l.units, l.kind]),
      [
        ['conv1', 32, 'conv'],
        ['conv2', 64, 'conv'],
        ['fc1', 128, 'dense'],
      ],
    );
    assert.deepEqual(built.unitOffsets, [0, 32, 96]);
    assert.equal(built.totalUnits, 224);
    assert.equal(built.params, 421866);
    const x = tf.randomNormal([3, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const [logitShape, meanShape, minMean] = tf.tidy(() => {
      const { logits, unitMeans } = built.forward(x, false);
      return [logits.shape, unitMeans.shape, tf.min(unitMeans).dataSync()[0]];
    });
    assert.deepEqual(logitShape, [3, 10]);
    assert.deepEqual(meanShape, [3, 224]);
    assert.ok((minMean as number) >= 0, 'post-ReLU means are non-negative');
    // conv2's slice of unitMeans is the spatial mean of conv2's output; fc1's slice is fc1's output.
    const gaps = tf.tidy(() => {
      const { unitMeans } = built.forward(x, false);
      // conv2 is a UnitReLU: [activation, spatial means].
      const conv2 = tfl.model({ inputs: built.model.inputs, outputs: (built.model.getLayer('conv2').output as tfl.SymbolicTensor[])[0] });
      const fc1 = tfl.model({ inputs: built.model.inputs, outputs: built.model.getLayer('fc1').output as tfl.SymbolicTensor });
      const conv2Means = tf.mean(conv2.predict(x) as tf.Tensor, [1, 2]);
      return [
        tf.max(tf.abs(tf.sub(tf.slice(unitMeans, [0, 32], [3, 64]), conv2Means))).dataSync()[0],
        tf.max(tf.abs(tf.sub(tf.slice(unitMeans, [0, 96], [3, 128]), fc1.predict(x) as tf.Tensor))).dataSync()[0],
      ];
    });
    assert.ok(gaps[0] < 1e-6 && gaps[1] < 1e-6, `gaps ${gaps}`);
    x.dispose();
    built.dispose();
  });

  it('initialises deterministically from the seed', async () => {
    const a = await weightsOf('small-cnn', 7);
    const b = await weightsOf('small-cnn', 7);
    const c = await weightsOf('small-cnn', 8);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a[0], c[0]);
  });

  it('every trainable variable gets a gradient through forward()', async () => {
    const built = await buildModel({ name: 'small-cnn' }, MNIST, 1);
    const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const { value, grads } = tf.variableGrads(() => {
      const { logits, unitMeans } = built.forward(x, true);
      return tf.add(tf.mean(tf.square(logits)), tf.mean(unitMeans)) as tf.Scalar;
    }, built.trainableVariables());
    assert.equal(Object.keys(grads).length, built.trainableVariables().length);
    for (const g of Object.values(grads)) assert.ok(Number.isFinite(tf.sum(g).dataSync()[0]));
    tf.dispose([value, grads, x]);
    built.dispose();
  });

  it('refuses images smaller than its two 2x2 max-pools allow, naming model.name and the sizes', async () => {
    await assert.rejects(
      () => buildModel({ name: 'small-cnn' }, { shape: [1, 1, 1], numClasses: 10 }, 1),
      (e) => isEngineError(e) && e.code === 'CONFIG_INVALID' && e.details.field === 'model.name' && /at least 4x4/.test(e.message) && /1x1/.test(e.message),
    );
  });

  it('rejects unknown model names with MODEL_UNKNOWN', async () => {
    await assert.rejects(
      () => buildModel({ name: 'vgg16' as ModelName }, MNIST, 1),
      (e) => isEngineError(e) && e.code === 'MODEL_UNKNOWN' && /vgg16/.test(e.message) && e.details.field === 'model.name',
    );
  });
});

describe('resnet20', () => {
  it('has ~0.27M parameters and a unit layer for every ReLU', async () => {
    const built = await buildModel({ name: 'resnet20' }, CIFAR, 1);
    assert.equal(built.params, 269722);
    assert.equal(built.unitLayers.length, 19); // stem + 9 blocks x 2
    assert.equal(built.unitLayers[0].name, 'stem.relu');
    assert.ok(built.unitLayers.some((l) => l.name === 'block2.1.relu2' && l.units === 32));
    assert.equal(built.unitLayers[18].name, 'block3.2.relu2');
    assert.equal(built.totalUnits, 16 + 6 * 16 + 6 * 32 + 6 * 64);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const shapes = tf.tidy(() => {
      const { logits, unitMeans } = built.forward(x, false);
      return [logits.shape, unitMeans.shape];
    });
    assert.deepEqual(shapes, [
      [2, 10],
      [2, 688],
    ]);
    x.dispose();
    built.dispose();
  });

  it('updates batch-norm moving statistics in training mode only, and round-trips through a checkpoint', async () => {
    const built = await buildModel({ name: 'resnet20' }, CIFAR, 4);
    const bn = built.model.getLayer('stem.bn');
    const movingMean = () => bn.getWeights()[2].dataSync()[0];
    const x = tf.randomNormal([4, 32, 32, 3], 0.5, 1, 'float32', 5) as tf.Tensor4D;
    tf.tidy(() => built.forward(x, false));
    assert.equal(movingMean(), 0, 'inference leaves the running mean alone');
    tf.tidy(() => built.forward(x, true));
    assert.notEqual(movingMean(), 0, 'training updates the running mean');
    const dir = path.join(tmp, 'ckpt');
    await saveModelAtomic(built.model, dir);
    await saveModelAtomic(built.model, dir); // overwriting leaves no temporary folders behind
    assert.deepEqual(fs.readdirSync(tmp).sort(), ['ckpt']);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);

    const restored = await restoreBuiltModel(dir, CIFAR);
    assert.deepEqual(restored.unitLayers, built.unitLayers);
    assert.equal(restored.params, built.params);
    const [a, b] = [built, restored].map((m) =>
      tf.tidy(() => {
        const { logits, unitMeans } = m.forward(x, false);
        return [logits.dataSync(), unitMeans.dataSync()];
      }),
    );
    assert.deepEqual(a, b, 'restored model gives identical outputs');
    // A crash between saveModelAtomic's two renames leaves only the previous checkpoint, moved aside: still found.
    fs.renameSync(dir, `${dir}.old-123`);
    assert.equal(resolveCheckpointDir(dir), `${dir}.old-123`);
    fs.renameSync(`${dir}.old-123`, dir);
    assert.equal(resolveCheckpointDir(dir), dir);
    x.dispose();
    built.dispose();
    restored.dispose();
  });

  it('restore of a missing checkpoint says which file is missing', async () => {
    await assert.rejects(
      () => restoreBuiltModel(path.join(tmp, 'nope'), CIFAR),
      (e) => isEngineError(e) && e.code === 'MODEL_INVALID' && e.message.includes(path.join(tmp, 'nope', 'model.json')),
    );
  });
});

describe('FastBatchNorm', () => {
  it('normalises like the textbook formula, with the same gradients', () => {
    const bn = new FastBatchNorm({ name: 'bn', epsilon: 1e-3 });
    bn.apply(tfl.input({ shape: [3, 3, 4] }));
    bn.setWeights([tf.tensor1d([1, 2, 0.5, -1]), tf.tensor1d([0, 0.1, -0.2, 0.3]), tf.zeros([4]), tf.ones([4])]);
    const [gamma, beta] = bn.trainableWeights.map((w) => w.read() as tf.Variable);
    const x = tf.variable(tf.randomNormal([5, 3, 3, 4], 1, 2, 'float32', 9));
    const weights = tf.randomNormal([5, 3, 3, 4], 0, 1, 'float32', 10);
    const textbook = () => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), gamma), beta);
    };
    const loss = (f: () => tf.Tensor) => () => tf.sum(tf.mul(f(), weights)) as tf.Scalar;
    const fast = tf.variableGrads(loss(() => bn.apply(x, { training: true }) as tf.Tensor), [x, gamma, beta]);
    const ref = tf.variableGrads(loss(textbook), [x, gamma, beta]);
    const gap = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    assert.ok(Math.abs(fast.value.dataSync()[0] - ref.value.dataSync()[0]) < 1e-3, 'same output');
    for (const v of [x, gamma, beta]) assert.ok(gap(fast.grads[v.name], ref.grads[v.name]) < 1e-3, `gradient of ${v.name}`);
    // Running statistics: 0.9 * initial + 0.1 * batch (unbiased variance).
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    assert.ok(gap(bn.getWeights()[2], tf.mul(mean, 0.1)) < 1e-5, 'moving mean');
    assert.ok(gap(bn.getWeights()[3], tf.add(0.9, tf.mul(variance, (0.1 * 45) / 44))) < 1e-4, 'moving variance');
    tf.dispose([fast.value, ref.value, x, weights]);
  });
});

describe('Tiny ImageNet ResNets', () => {
  it('resnet18: basic blocks at 64x64, 11.3M parameters', async () => {
    const built = await buildModel({ name: 'resnet18' }, TINY, 1);
    assert.equal(built.params, 11271432);
    assert.equal(built.unitLayers.length, 17);
    assert.deepEqual(
      built.unitLayers.slice(-2).map((l) => [l.name, l.units]),
      [
        ['block4.1.relu1', 512],
        ['block4.1.relu2', 512],
      ],
    );
    assert.deepEqual(built.model.outputs[0].shape, [null, 200]);
    built.dispose();
  });

  it('resnet50: bottlenecks, every ReLU a unit layer', async () => {
    const built = await buildModel({ name: 'resnet50' }, TINY, 1);
    assert.equal(built.unitLayers.length, 1 + 16 * 3);
    assert.ok(Math.abs(built.params - 23.9e6) < 0.1e6, `params ${built.params}`);
    assert.deepEqual(
      built.unitLayers.slice(1, 4).map((l) => [l.name, l.units]),
      [
        ['block1.0.relu1', 64],
        ['block1.0.relu2', 64],
        ['block1.0.relu3', 256],
      ],
    );
    built.dispose();
  });
});
