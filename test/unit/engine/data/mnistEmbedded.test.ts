// Embedded MNIST loading, the deterministic split, the cache, normalisation and batching.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, after, describe, it } from 'node:test';
import type { Dataset } from '../../../../src/engine/contracts';
import { channelStats, defaultAugment, loadDataset, testBatches, trainBatchCount, trainBatches } from '../../../../src/engine/data';
import { EngineError } from '../../../../src/engine/errors';

let tmp: string;
let mnist: Dataset;

before(async () => {
  await tf.setBackend('cpu');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-data-'));
  mnist = await loadDataset({ format: 'mnist-embedded' }, { baseDir: tmp, cacheDir: path.join(tmp, 'cache'), seed: 1 });
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A fingerprint of one sample's pixels, to compare samples across splits. */
function fingerprint(ds: Dataset, split: 'train' | 'test', i: number): string {
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  return Buffer.from(ds[split].images.subarray(i * per, (i + 1) * per)).toString('base64');
}

describe('embedded MNIST', () => {
  it('holds 10,000 real digits split 80/20 with all ten classes on both sides', () => {
    assert.equal(mnist.train.n + mnist.test.n, 10000);
    assert.equal(mnist.test.n, 2000);
    assert.deepEqual(mnist.shape, [28, 28, 1]);
    assert.deepEqual(mnist.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(mnist.train.images.length, mnist.train.n * 784);
    for (const split of [mnist.train, mnist.test]) {
      const counts = new Array(10).fill(0);
      for (const l of split.labels) counts[l]++;
      // Stratified: every class near its 10% share.
      for (const c of counts) assert.ok(c > split.n * 0.07 && c < split.n * 0.13, `class counts ${counts}`);
    }
  });

  it('splits deterministically and disjointly, whatever the run seed', async () => {
    const again = await loadDataset({ format: 'mnist-embedded' }, { baseDir: tmp, cacheDir: path.join(tmp, 'other-cache'), seed: 99 });
    assert.deepEqual(again.test.labels, mnist.test.labels);
    assert.deepEqual(Buffer.from(again.test.images), Buffer.from(mnist.test.images));
    const trainSet = new Set<string>();
    for (let i = 0; i < mnist.train.n; i++) trainSet.add(fingerprint(mnist, 'train', i));
    let shared = 0;
    for (let i = 0; i < mnist.test.n; i++) if (trainSet.has(fingerprint(mnist, 'test', i))) shared++;
    // The package itself holds a handful of byte-identical duplicates; a leaky split would share ~20%.
    assert.ok(shared < 10, `${shared} held-out digits also in training`);
  });

  it('honours testFraction, trainLimit and testLimit deterministically', async () => {
    const opts = { baseDir: tmp, cacheDir: path.join(tmp, 'cache'), seed: 1 };
    const a = await loadDataset({ format: 'mnist-embedded', testFraction: 0.1, trainLimit: 500, testLimit: 100 }, opts);
    const b = await loadDataset({ format: 'mnist-embedded', testFraction: 0.1, trainLimit: 500, testLimit: 100 }, opts);
    assert.equal(a.train.n, 500);
    assert.equal(a.test.n, 100);
    assert.deepEqual(a.train.labels, b.train.labels);
    assert.equal(new Set(a.train.labels).size, 10);
    assert.equal(new Set(a.test.labels).size, 10);
  });

  it('rejects unusable limits and fractions naming the field', async () => {
    const opts = { baseDir: tmp, cacheDir: path.join(tmp, 'cache'), seed: 1 };
    await assert.rejects(loadDataset({ format: 'mnist-embedded', trainLimit: -3 }, opts), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.match(e.message, /data\.trainLimit/);
      return true;
    });
    await assert.rejects(loadDataset({ format: 'mnist-embedded', testFraction: 1.5 }, opts), /data\.testFraction/);
  });

  it('normalises with the training mean/std by default, identity for none, or given values', async () => {
    // Known MNIST statistics: mean ~0.13, std ~0.31.
    assert.ok(Math.abs(mnist.mean[0] - 0.13) < 0.01, `mean ${mnist.mean}`);
    assert.ok(Math.abs(mnist.std[0] - 0.31) < 0.01, `std ${mnist.std}`);
    const opts = { baseDir: tmp, cacheDir: path.join(tmp, 'cache'), seed: 1 };
    const none = await loadDataset({ format: 'mnist-embedded', normalize: 'none' }, opts);
    assert.deepEqual([none.mean, none.std], [[0], [1]]);
    const given = await loadDataset({ format: 'mnist-embedded', normalize: { mean: [0.5], std: [0.25] } }, opts);
    assert.deepEqual([given.mean, given.std], [[0.5], [0.25]]);
    await assert.rejects(loadDataset({ format: 'mnist-embedded', normalize: { mean: [0.5, 0.5, 0.5], std: [0] } }, opts), /data\.normalize/);
  });
});

describe('channelStats', () => {
  it('matches a direct computation', () => {
    const images = new Uint8Array([0, 255, 10, 20, 30, 40, 255, 0, 128, 64, 32, 16]);
    const { mean, std } = channelStats({ images, labels: new Int32Array(2), n: 2 }, 3);
    for (let c = 0; c < 3; c++) {
      const vals = [0, 1, 2, 3].map((p) => images[p * 3 + c] / 255);
      const m = vals.reduce((s, v) => s + v, 0) / 4;
      const sd = Math.sqrt(vals.reduce((s, v) => s + (v - m) ** 2, 0) / 4);
      assert.ok(Math.abs(mean[c] - m) < 1e-9);
      assert.ok(Math.abs(std[c] - sd) < 1e-9);
    }
  });
});

describe('cache', () => {
  it('reads the cache file on the second load and rebuilds a corrupt one', async () => {
    const cacheDir = path.join(tmp, 'cache-test');
    const logs: string[] = [];
    const opts = { baseDir: tmp, cacheDir, seed: 1, log: (m: string) => logs.push(m) };
    const t0 = performance.now();
    const first = await loadDataset({ format: 'mnist-embedded' }, opts);
    const firstMs = performance.now() - t0;
    const files = await fs.readdir(cacheDir);
    assert.equal(files.length, 1);
    assert.ok(logs.some((m) => /decoding/.test(m)));
    logs.length = 0;
    const t1 = performance.now();
    const second = await loadDataset({ format: 'mnist-embedded' }, opts);
    const secondMs = performance.now() - t1;
    assert.ok(logs.some((m) => /from cache/.test(m)), logs.join('\n'));
    assert.ok(secondMs < firstMs, `cache ${secondMs} ms vs decode ${firstMs} ms`);
    assert.deepEqual(second.train.labels, first.train.labels);
    assert.deepEqual(Buffer.from(second.train.images), Buffer.from(first.train.images));

    // Flip bytes in the middle of the file: the checksum catches it and the data is decoded again.
    const file = path.join(cacheDir, files[0]);
    const buf = await fs.readFile(file);
    for (let i = 0; i < 100; i++) buf[Math.floor(buf.length / 2) + i] ^= 0xff;
    await fs.writeFile(file, buf);
    logs.length = 0;
    const third = await loadDataset({ format: 'mnist-embedded' }, opts);
    assert.ok(logs.some((m) => /decoding/.test(m)), logs.join('\n'));
    assert.deepEqual(Buffer.from(third.train.images), Buffer.from(first.train.images));
    // Truncated file: same.
    await fs.truncate(file, 1000);
    const fourth = await loadDataset({ format: 'mnist-embedded' }, opts);
    assert.deepEqual(fourth.test.labels, first.test.labels);
    // And the rebuilt cache is whole again.
    logs.length = 0;
    await loadDataset({ format: 'mnist-embedded' }, opts);
    assert.ok(logs.some((m) => /from cache/.test(m)));
  });
});

describe('batches', () => {
  const labelsOf = (b: { y: tf.Tensor }) => Array.from(b.y.dataSync());

  it('shuffles reproducibly per seed and epoch, covering distinct samples', () => {
    const take = (seed: number, epoch: number) => {
      const out: number[][] = [];
      for (const b of trainBatches(mnist, { batchSize: 64, epoch, seed, maxBatches: 3 })) {
        out.push(labelsOf(b));
        tf.dispose([b.x, b.y]);
      }
      return out;
    };
    assert.deepEqual(take(1, 0), take(1, 0));
    assert.notDeepEqual(take(1, 0), take(1, 1));
    assert.notDeepEqual(take(1, 0), take(2, 0));
  });

  it('gives normalised [b,h,w,c] float32 batches and int32 labels, dropping the last partial batch', () => {
    const before = tf.memory().numTensors;
    let count = 0;
    let seen = 0;
    for (const b of trainBatches(mnist, { batchSize: 1000, epoch: 0, seed: 3 })) {
      assert.deepEqual(b.x.shape, [1000, 28, 28, 1]);
      assert.equal(b.x.dtype, 'float32');
      assert.equal(b.y.dtype, 'int32');
      assert.equal(b.size, 1000);
      seen += b.size;
      count++;
      tf.dispose([b.x, b.y]);
    }
    assert.equal(count, trainBatchCount(mnist, 1000));
    assert.equal(count, 8);
    assert.equal(seen, 8000);
    assert.equal(tf.memory().numTensors, before);
    // One epoch over the whole training set has mean ~0, std ~1 after normalisation.
    const all = trainBatches(mnist, { batchSize: 8000, epoch: 0, seed: 3 }).next().value!;
    const { mean, variance } = tf.moments(all.x);
    assert.ok(Math.abs(mean.dataSync()[0]) < 1e-3);
    assert.ok(Math.abs(Math.sqrt(variance.dataSync()[0]) - 1) < 1e-3);
    tf.dispose([all.x, all.y, mean, variance]);
  });

  it('keeps each sample with its own label (batch pixels equal the normalised source sample)', () => {
    const b = trainBatches(mnist, { batchSize: 16, epoch: 2, seed: 5 }).next().value!;
    const x = b.x.dataSync() as Float32Array;
    const y = b.y.dataSync();
    const per = 784;
    for (let k = 0; k < 16; k++) {
      const px = Array.from(x.subarray(k * per, (k + 1) * per), (v) => Math.round((v * mnist.std[0] + mnist.mean[0]) * 255));
      let found = -1;
      for (let i = 0; i < mnist.train.n && found < 0; i++) {
        const s = mnist.train.images.subarray(i * per, (i + 1) * per);
        if (px.every((v, j) => v === s[j])) found = i;
      }
      assert.ok(found >= 0, 'batch sample not found in the training set');
      assert.equal(y[k], mnist.train.labels[found]);
    }
    tf.dispose([b.x, b.y]);
  });

  it('test batches cover every held-out sample in order', () => {
    const labels: number[] = [];
    for (const b of testBatches(mnist, 300)) {
      labels.push(...labelsOf(b));
      tf.dispose([b.x, b.y]);
    }
    assert.equal(labels.length, mnist.test.n);
    assert.deepEqual(labels, Array.from(mnist.test.labels));
  });

  it('caps batches with maxBatches and still yields one batch when the set is smaller than a batch', async () => {
    assert.equal(trainBatchCount(mnist, 64, 5), 5);
    assert.equal([...trainBatches(mnist, { batchSize: 64, epoch: 0, seed: 1, maxBatches: 5 })].map((b) => (tf.dispose([b.x, b.y]), b.size)).length, 5);
    const tiny = await loadDataset({ format: 'mnist-embedded', trainLimit: 30 }, { baseDir: tmp, cacheDir: path.join(tmp, 'cache'), seed: 1 });
    const sizes = [...trainBatches(tiny, { batchSize: 64, epoch: 0, seed: 1 })].map((b) => (tf.dispose([b.x, b.y]), b.size));
    assert.deepEqual(sizes, [30]);
    assert.equal(trainBatchCount(tiny, 64), 1);
  });

  it('does not augment digits by default', () => {
    assert.deepEqual(defaultAugment(mnist), { crop: 0, flip: false });
    assert.deepEqual(defaultAugment({ shape: [32, 32, 3] }), { crop: 4, flip: true });
  });
});
