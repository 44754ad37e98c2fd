// The wasm training kernels (src/engine/backend/wasmKernels.ts) against the reference cpu backend.
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../../../src/engine/backend';
import { simdFilterGradientThreads } from '../../../../src/engine/backend/wasmKernels';
import { fusedBatchNormAvailable } from '../../../../src/engine/backend/wasmBatchNorm';
import { FastBatchNorm, UnitReLU, buildModel } from '../../../../src/engine/models';
import { fusedReluMeanAvailable } from '../../../../src/engine/backend/wasmReluMean';
import { random } from './deterministicRandom';
import { resnet20RegularizedStep } from './resnet20Step';
import { usesPackedPath } from '../../../../src/engine/backend/kernels/filterGradientTaps';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs `f` on the cpu backend and then on wasm, returning both results as flat arrays. */
async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (name: string) => {
    await tf.setBackend(name);
    const outs = tf.tidy(() => {
      const r = f();
      return Array.isArray(r) ? r : [r];
    });
    const data = outs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    return data;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

interface ConvCase {
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: number;
  pad: 'same' | 'valid';
}

const CASES: ConvCase[] = [
  { x: [2, 8, 8, 3], k: 3, co: 4, stride: 1, pad: 'same' },
  { x: [2, 8, 8, 4], k: 3, co: 5, stride: 2, pad: 'same' },
  { x: [2, 7, 7, 4], k: 3, co: 5, stride: 2, pad: 'same' },
  { x: [2, 8, 8, 4], k: 1, co: 6, stride: 1, pad: 'same' },
  { x: [2, 8, 8, 4], k: 1, co: 6, stride: 2, pad: 'same' },
  { x: [3, 9, 9, 2], k: 3, co: 3, stride: 1, pad: 'valid' },
  { x: [3, 9, 9, 2], k: 3, co: 3, stride: 2, pad: 'valid' },
  { x: [2, 10, 10, 3], k: 5, co: 4, stride: 1, pad: 'same' },
  { x: [2, 12, 12, 3], k: 7, co: 4, stride: 2, pad: 'same' },
  { x: [1, 6, 6, 2], k: 2, co: 3, stride: 2, pad: 'valid' },
  // Output channels in fours: the wasm SIMD filter-gradient kernel (8- and 4-wide tiles, 4- and 1-wide inputs).
  { x: [2, 8, 8, 3], k: 3, co: 8, stride: 1, pad: 'same' },
  { x: [2, 8, 8, 5], k: 3, co: 12, stride: 2, pad: 'same' },
  { x: [3, 9, 9, 16], k: 3, co: 16, stride: 2, pad: 'valid' },
  { x: [2, 7, 7, 4], k: 3, co: 4, stride: 2, pad: 'same' },
  { x: [2, 12, 12, 4], k: 7, co: 4, stride: 2, pad: 'same' },
  { x: [1, 6, 6, 2], k: 2, co: 8, stride: 2, pad: 'valid' },
  { x: [2, 7, 7, 8], k: 1, co: 8, stride: 2, pad: 'same' },
  { x: [9, 3, 3, 8], k: 3, co: 24, stride: 1, pad: 'same' },
  // Many channels (>= 2^20 channel-pixel products per image): the packed-panel path of the filter gradient,
  // with chunks of images (the 24-image case spans two chunks of 2048 output pixels).
  { x: [2, 8, 8, 128], k: 3, co: 128, stride: 1, pad: 'same' },
  { x: [3, 16, 16, 132], k: 3, co: 136, stride: 2, pad: 'same' },
  { x: [2, 16, 16, 256], k: 1, co: 128, stride: 2, pad: 'same' },
  { x: [2, 17, 17, 128], k: 3, co: 128, stride: 2, pad: 'valid' },
  { x: [40, 8, 8, 128], k: 3, co: 128, stride: 1, pad: 'same' },
];

describe('wasm training kernels match the cpu backend', () => {
  before(async () => {
    await initBackend('wasm');
  });

  it('uses the wasm SIMD filter-gradient kernel (assembled by npm run build), on one thread', () => {
    assert.equal(simdFilterGradientThreads(), 1);
  });

  it('the filter gradient takes direct tiles for ResNet-20 layers and packed panels for many channels', () => {
    const g = (h: number, c: number, co: number) => ({
      batch: 128, inHeight: h, inWidth: h, inChannels: c, outHeight: h, outWidth: h, outChannels: co,
      filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, padTop: 1, padLeft: 1,
    });
    for (const [h, c] of [[32, 16], [16, 32], [8, 64]]) assert.equal(usesPackedPath(g(h, c, c)), false, `${c} channels at ${h}x${h}`);
    for (const [h, c] of [[8, 128], [8, 512], [64, 64], [3, 1024]]) assert.equal(usesPackedPath(g(h, c, c)), true, `${c} channels at ${h}x${h}`);
    for (const CASE of CASES.slice(-5)) {
      const [b, h, , c] = CASE.x;
      const o = CASE.pad === 'same' ? Math.ceil(h / CASE.stride) : Math.floor((h - CASE.k) / CASE.stride) + 1;
      assert.equal(usesPackedPath({ ...g(o, c, CASE.co), batch: b }), true, `case ${CASE.x.join('x')} -> ${CASE.co}`);
    }
  });

  for (const c of CASES) {
    const name = `${c.k}x${c.k} stride ${c.stride} ${c.pad} on ${c.x.join('x')}`;
    const wShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.co];
    it(`Conv2DBackpropFilter and Conv2DBackpropInput, ${name}`, async () => {
      const xv = random(c.x.reduce((a, b) => a * b), 1);
      const wv = random(wShape.reduce((a, b) => a * b), 2);
      const { cpu, wasm } = await onBoth(() => {
        const x = tf.tensor4d(xv, c.x);
        const w = tf.tensor4d(wv, wShape);
        const y = tf.conv2d(x, w, c.stride, c.pad);
        const dy = tf.tensor4d(random(y.size, 3), y.shape as [number, number, number, number]);
        // d/dw and d/dx of sum(conv(x, w) * dy) run Conv2DBackpropFilter and Conv2DBackpropInput with dy.
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)))([x, w]);
        return [dw, dx];
      });
      // float32 sums of up to ~1000 products: compare relative to the largest value.
      const relDiff = (i: number) => maxAbsDiff(cpu[i], wasm[i]) / cpu[i].reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      assert.ok(relDiff(0) < 1e-5, `filter gradient differs by ${maxAbsDiff(cpu[0], wasm[0])}`);
      assert.ok(relDiff(1) < 1e-5, `input gradient differs by ${maxAbsDiff(cpu[1], wasm[1])}`);
    });
  }

  for (const shape of [
    [8, 12, 12, 8], // 1152 rows: several 256-row sum blocks and a partial one (fused wasm kernels)
    [3, 5, 5, 12],
    [2, 3, 3, 6], // channels not in fours: the composite path
  ] as Array<[number, number, number, number]>) {
    it(`FastBatchNorm training step on ${shape.join('x')}: output, gradients and moving statistics match the cpu backend`, async () => {
      const C = shape[3];
      await tf.setBackend('wasm');
      assert.equal(fusedBatchNormAvailable(C), C % 4 === 0);
      const xv = random(shape.reduce((a, b) => a * b), 4).map((v) => 3 + 4 * v); // mean 3: deviations must stay exact
      const wv = random(xv.length, 5);
      const gv = random(C, 6).map((v) => 1 + v);
      const bv = random(C, 7);
      const { cpu, wasm } = await onBoth(() => {
        const bn = new FastBatchNorm({ name: `bn${C}`, epsilon: 1e-3 });
        bn.apply(tfl.input({ shape: shape.slice(1) }));
        bn.setWeights([tf.tensor1d(gv), tf.tensor1d(bv), tf.zeros([C]), tf.ones([C])]);
        const [gamma, beta] = bn.trainableWeights.map((w) => w.read() as tf.Variable);
        const x = tf.variable(tf.tensor4d(xv, shape));
        const w = tf.tensor4d(wv, shape);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.apply(x, { training: true }) as tf.Tensor, w)) as tf.Scalar, [x, gamma, beta]);
        const y = bn.apply(x, { training: true }) as tf.Tensor;
        const out = [y, value, grads[x.name], grads[gamma.name], grads[beta.name], ...bn.getWeights().slice(2)];
        x.dispose();
        return out;
      });
      const names = ['y', 'loss', 'dx', 'dGamma', 'dBeta', 'moving mean', 'moving variance'];
      names.forEach((name, i) => {
        const scale = cpu[i].reduce((m, v) => Math.max(m, Math.abs(v)), 1);
        assert.ok(maxAbsDiff(cpu[i], wasm[i]) / scale < 2e-5, `${name} differs by ${maxAbsDiff(cpu[i], wasm[i])}`);
      });
    });
  }

  for (const shape of [
    [4, 6, 5, 8],
    [2, 3, 3, 6], // channels not in fours: relu and mean as separate ops
  ] as Array<[number, number, number, number]>) {
    it(`UnitReLU on ${shape.join('x')}: activation, spatial means and the gradient through both match the cpu backend`, async () => {
      await tf.setBackend('wasm');
      assert.equal(fusedReluMeanAvailable(shape), shape[3] % 4 === 0);
      const xv = random(shape.reduce((a, b) => a * b), 8);
      const wy = random(xv.length, 9);
      const wm = random(shape[0] * shape[3], 10);
      const { cpu, wasm } = await onBoth(() => {
        const layer = new UnitReLU({ name: `unit${shape[3]}` });
        const x = tf.tensor4d(xv, shape);
        const f = (input: tf.Tensor) => {
          const [y, means] = layer.apply(input) as tf.Tensor[];
          // Both outputs reach the loss: the network path and the regularizer path.
          return tf.add(tf.sum(tf.mul(y, tf.tensor4d(wy, shape))), tf.sum(tf.mul(means, tf.tensor2d(wm, [shape[0], shape[3]]))));
        };
        const [y, means] = layer.apply(x) as tf.Tensor[];
        const onlyNetwork = tf.grad((input: tf.Tensor) => tf.sum(tf.mul((layer.apply(input) as tf.Tensor[])[0], tf.tensor4d(wy, shape))))(x);
        return [y, means, tf.grad(f)(x), onlyNetwork];
      });
      ['activation', 'means', 'gradient', 'gradient without the means'].forEach((name, i) => {
        assert.ok(maxAbsDiff(cpu[i], wasm[i]) < 1e-6, `${name} differs by ${maxAbsDiff(cpu[i], wasm[i])}`);
      });
    });
  }

  it('a whole ResNet-20 step with the regularizer: loss and every gradient on wasm match the cpu backend', async () => {
    const { cpu, wasm } = await onBoth(resnet20RegularizedStep);
    assert.equal(cpu.length, 60, 'loss and 59 gradients');
    cpu.forEach((c, i) => {
      const scale = c.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-3);
      assert.ok(maxAbsDiff(c, wasm[i]) / scale < 1e-4, `${i === 0 ? 'loss' : `gradient ${i}`} differs by ${maxAbsDiff(c, wasm[i])} (scale ${scale})`);
    });
  });

  it('a forward pass runs each conv unit layer once, though the probe fetches both its outputs', async () => {
    await tf.setBackend('wasm');
    const built = await buildModel({ name: 'small-cnn' }, { shape: [28, 28, 1], numClasses: 10 }, 1);
    const x = tf.randomNormal([2, 28, 28, 1]) as tf.Tensor4D;
    const info = await tf.profile(() => {
      const { logits, unitMeans } = built.forward(x, true);
      return [logits, unitMeans];
    });
    assert.equal(info.kernels.filter((k) => k.name === 'SelectivityLensReluMean').length, 2, 'conv1 and conv2, once each');
    tf.dispose(x);
    built.dispose();
  });

  for (const [shape, axis, keepDims] of [
    [[16, 8, 8, 5], [0, 1, 2], false],
    [[16, 8, 8, 5], [0, 1, 2], true],
    [[16, 8, 8, 5], [1, 2], false],
    [[16, 8, 8, 5], [1, 2], true],
    [[16, 8, 8, 5], [0], false],
    [[128, 10], [0], false],
    [[128, 10], [1], false],
    [[16, 8, 8, 5], [3], false],
    [[16, 8, 8, 5], [0, 1, 2, 3], false],
    [[4, 3], [0], false],
  ] as Array<[number[], number[], boolean]>) {
    it(`Sum and Mean over ${JSON.stringify(axis)} of ${shape.join('x')}${keepDims ? ' (keepDims)' : ''}`, async () => {
      const xv = random(shape.reduce((a, b) => a * b), 5);
      const { cpu, wasm } = await onBoth(() => {
        const x = tf.tensor(xv, shape);
        const s = tf.sum(x, axis, keepDims);
        const m = tf.mean(x, axis, keepDims);
        assert.deepEqual(s.shape, m.shape);
        return [s, m, tf.tensor1d(s.shape)];
      });
      assert.deepEqual(Array.from(cpu[2]), Array.from(wasm[2]), 'output shapes differ');
      assert.ok(maxAbsDiff(cpu[0], wasm[0]) < 1e-4, `sum differs by ${maxAbsDiff(cpu[0], wasm[0])}`);
      assert.ok(maxAbsDiff(cpu[1], wasm[1]) < 1e-6, `mean differs by ${maxAbsDiff(cpu[1], wasm[1])}`);
    });
  }

  it('BatchMatMul with transposed operands and the Mean gradient', async () => {
    const av = random(6 * 7, 21);
    const bv = random(6 * 5, 22);
    const { cpu, wasm } = await onBoth(() => {
      const a = tf.tensor2d(av, [6, 7]);
      const b = tf.tensor2d(bv, [6, 5]);
      const bt = tf.tensor2d(random(5 * 7, 23), [5, 7]);
      const a3 = tf.reshape(a, [2, 3, 7]);
      const x = tf.tensor4d(random(2 * 3 * 4 * 5, 24), [2, 3, 4, 5]);
      const dMean = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, [1, 2]), tf.tensor2d(random(10, 25), [2, 5]))))(x);
      const dMeanAll = tf.grad((t: tf.Tensor) => tf.mean(tf.square(t)))(x);
      const dMeanLead = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, [0, 1, 2]), tf.tensor1d([1, -2, 3, 0.5, 7]))))(x);
      const dMeanMid = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.mean(t, [1]))))(x);
      return [
        tf.matMul(a, b, true, false),
        tf.matMul(b, a, true, false),
        tf.matMul(a, bt, false, true),
        tf.matMul(a3, tf.reshape(bt, [1, 5, 7]), false, true),
        tf.matMul(a, tf.transpose(a), true, true),
        // A constant row times a tall matrix is a scaled column sum on wasm; a varying row is a real matmul.
        tf.matMul(tf.fill([1, 4096], 0.5), tf.tensor2d(random(4096 * 3, 26), [4096, 3])),
        tf.matMul(tf.ones([1, 1, 2048]), tf.tensor3d(random(2048 * 4, 27), [1, 2048, 4])),
        tf.matMul(tf.tensor2d(random(2048, 28), [1, 2048]), tf.tensor2d(random(2048 * 3, 29), [2048, 3])),
        // Few rows times a wide matrix goes through transposes on wasm.
        tf.matMul(tf.tensor2d(random(10 * 128, 30), [10, 128]), tf.tensor2d(random(128 * 1024, 31), [128, 1024])),
        tf.matMul(tf.tensor3d(random(3 * 64, 32), [1, 3, 64]), tf.tensor2d(random(64 * 1200, 33), [64, 1200])),
        dMean,
        dMeanAll,
        dMeanLead,
        dMeanMid,
      ];
    });
    for (let i = 0; i < cpu.length; i++) assert.ok(maxAbsDiff(cpu[i], wasm[i]) < 1e-4, `result ${i} differs by ${maxAbsDiff(cpu[i], wasm[i])}`);
  });

  it('per-channel Multiply, Add and Sub (1x1 depthwise on wasm) match the cpu backend, with changing values', async () => {
    const xv = random(4096 * 16, 40);
    const { cpu, wasm } = await onBoth(() => {
      const x = tf.tensor2d(xv, [4096, 16]);
      const x4 = tf.reshape(x, [16, 16, 16, 16]);
      const outs: tf.Tensor[] = [];
      for (let k = 0; k < 3; k++) {
        // New vectors each round: cached XNNPACK operators must not keep stale weights or biases.
        const v = tf.tensor1d(random(16, 41 + k));
        const row = tf.reshape(v, [1, 16]);
        outs.push(tf.mul(x, v), tf.mul(row, x), tf.add(x, row), tf.add(v, x4), tf.sub(x, v), tf.sub(row, x), tf.sub(x4, tf.reshape(v, [1, 1, 1, 16])));
      }
      return outs;
    });
    for (let i = 0; i < cpu.length; i++) assert.deepEqual(Array.from(wasm[i]), Array.from(cpu[i]), `result ${i}`);
  });

  it('OneHot honours dtype and on/off values (the shipped wasm kernel writes int32 bytes)', async () => {
    const { cpu, wasm } = await onBoth(() => {
      const labels = tf.tensor1d([0, 2, 1, 2], 'int32');
      return [
        tf.oneHot(labels, 3, 1, 0, 'float32'),
        tf.cast(tf.oneHot(labels, 3), 'float32'),
        tf.oneHot(labels, 3, 0.9, 0.05, 'float32'),
        tf.cast(tf.oneHot(labels, 3, 5, -1, 'int32'), 'float32'),
      ];
    });
    for (let i = 0; i < cpu.length; i++) assert.deepEqual(Array.from(wasm[i]), Array.from(cpu[i]), `case ${i}`);
    assert.deepEqual(Array.from(wasm[0]), [1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1]);
  });

  it('Identity and Cast share memory safely and still convert dtypes', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor1d([1.5, -2.25, 0]);
    const copy = tf.clone(a);
    const same = tf.cast(a, 'float32');
    a.dispose();
    assert.deepEqual(Array.from(copy.dataSync()), [1.5, -2.25, 0]);
    assert.deepEqual(Array.from(same.dataSync()), [1.5, -2.25, 0]);
    assert.deepEqual(Array.from(tf.cast(copy, 'int32').dataSync()), [1, -2, 0]);
    assert.deepEqual(Array.from(tf.cast(tf.greater(copy, 0), 'float32').dataSync()), [1, 0, 0]);
    tf.dispose([copy, same]);
  });

  it('gradients of a small conv net (conv, batch norm, relu, pad, concat, avgPool, mean, dense, softmax CE) agree', async () => {
    const shapes: Record<string, number[]> = {
      w1: [3, 3, 3, 8],
      w2: [3, 3, 8, 8],
      w3: [1, 1, 8, 16],
      gamma: [8],
      beta: [8],
      dense: [16, 5],
      bias: [5],
    };
    const values = Object.fromEntries(Object.entries(shapes).map(([k, s], i) => [k, random(s.reduce((a, b) => a * b, 1), 10 + i)]));
    const xv = random(6 * 8 * 8 * 3, 99);
    const labels = [0, 1, 2, 3, 4, 0];
    const { cpu, wasm } = await onBoth(() => {
      const p = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tf.tensor(v, shapes[k])]));
      const x = tf.tensor4d(xv, [6, 8, 8, 3]);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 5);
      const loss = (w1: tf.Tensor, w2: tf.Tensor, w3: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, dense: tf.Tensor, bias: tf.Tensor) => {
        let h = tf.conv2d(x, w1 as tf.Tensor4D, 1, 'same');
        const { mean, variance } = tf.moments(h, [0, 1, 2]);
        h = tf.add(tf.mul(tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
        h = tf.relu(h);
        const r = tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 2, 'same');
        const shortcut = tf.avgPool(h as tf.Tensor4D, 2, 2, 'same');
        h = tf.relu(tf.add(r, shortcut));
        const padded = tf.pad(h, [[0, 0], [0, 0], [0, 0], [0, 0]]);
        h = tf.concat([h, padded], 3);
        const head = tf.slice(h, [0, 0, 0, 0], [-1, -1, -1, 8]) as tf.Tensor4D;
        h = tf.relu(tf.add(tf.conv2d(head, w3 as tf.Tensor4D, 2, 'same'), tf.slice(tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]]), [0, 0, 0, 0], [-1, 2, 2, -1])));
        const pooled = tf.mean(h, [1, 2]);
        const logits = tf.add(tf.matMul(pooled as tf.Tensor2D, dense as tf.Tensor2D), bias);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      };
      const grads = tf.grads(loss)([p.w1, p.w2, p.w3, p.gamma, p.beta, p.dense, p.bias]);
      return grads;
    });
    for (let i = 0; i < cpu.length; i++) {
      const d = maxAbsDiff(cpu[i], wasm[i]);
      assert.ok(d < 1e-5, `gradient ${i} differs by ${d}`);
    }
  });
});
