// Each on-disk format loads from small fixtures built here: IDX (plain and .gz), CIFAR-10/100 binary,
// Tiny ImageNet, image folders (PNG + JPEG, with and without train/test sub-folders).
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DataConfig } from '../../../../src/protocol/config';
import type { Dataset } from '../../../../src/engine/contracts';
import { loadDataset } from '../../../../src/engine/data';
import {
  cifarPixel,
  classColour,
  idxPixel,
  makeTempDir,
  writeCifar10,
  writeCifar100,
  writeIdxDataset,
  writeImageFolder,
  writeTinyImagenet,
} from '../../../fixtures-builders/datasets';

let tmp: string;
before(async () => {
  tmp = await makeTempDir();
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

function load(cfg: DataConfig, baseDir = tmp): Promise<Dataset> {
  return loadDataset(cfg, { baseDir, cacheDir: path.join(tmp, 'cache'), seed: 0 });
}

/** Mean colour of sample i (to recognise fixture images by their class colour). */
function meanColour(ds: Dataset, split: 'train' | 'test', i: number): number[] {
  const [h, w, c] = ds.shape;
  const per = h * w * c;
  const sum = new Array(c).fill(0);
  const img = ds[split].images.subarray(i * per, (i + 1) * per);
  for (let p = 0; p < h * w; p++) for (let ch = 0; ch < c; ch++) sum[ch] += img[p * c + ch];
  return sum.map((s) => s / (h * w));
}

function assertClassColours(ds: Dataset, split: 'train' | 'test', tolerance: number): void {
  for (let i = 0; i < ds[split].n; i++) {
    const want = classColour(ds[split].labels[i]);
    const got = meanColour(ds, split, i);
    for (let ch = 0; ch < 3; ch++) {
      assert.ok(Math.abs(got[ch] - want[ch]) <= tolerance, `${split} sample ${i}: colour ${got} vs class colour ${want}`);
    }
  }
}

describe('IDX', () => {
  for (const gzip of [false, true]) {
    it(`reads train and t10k files${gzip ? ' (gzipped)' : ''}, relative to the config folder`, async () => {
      const dir = path.join(tmp, gzip ? 'idx-gz' : 'idx');
      const fx = await writeIdxDataset(dir, { trainCount: 40, testCount: 15, rows: 6, cols: 5, gzip });
      const ds = await load({ format: 'idx', path: path.basename(dir) });
      assert.deepEqual(ds.shape, [6, 5, 1]);
      assert.deepEqual(ds.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      assert.deepEqual(Array.from(ds.train.labels), fx.trainLabels);
      assert.deepEqual(Array.from(ds.test.labels), fx.testLabels);
      for (let i = 0; i < ds.train.n; i++) {
        assert.equal(ds.train.images[i * 30], idxPixel(fx.trainLabels[i], i, 0));
        assert.equal(ds.train.images[i * 30 + 29], idxPixel(fx.trainLabels[i], i, 29));
      }
    });
  }

  it('applies trainLimit / testLimit as stratified subsamples', async () => {
    const dir = path.join(tmp, 'idx-limit');
    await writeIdxDataset(dir, { trainCount: 100, testCount: 50 });
    const ds = await load({ format: 'idx', path: dir, trainLimit: 30, testLimit: 20 });
    assert.equal(ds.train.n, 30);
    assert.equal(ds.test.n, 20);
    const counts = new Array(10).fill(0);
    for (const l of ds.train.labels) counts[l]++;
    assert.deepEqual(counts, new Array(10).fill(3));
  });
});

describe('CIFAR', () => {
  it('reads CIFAR-10 batches from the extracted folder or its parent, with names and HWC pixels', async () => {
    const parent = path.join(tmp, 'c10');
    const fx = await writeCifar10(parent, { perBatch: 4, testCount: 10 });
    for (const p of [parent, fx.dataDir]) {
      const ds = await load({ format: 'cifar10', path: p });
      assert.deepEqual(ds.shape, [32, 32, 3]);
      assert.deepEqual(ds.classNames, fx.classNames);
      assert.equal(ds.train.n, 20);
      assert.deepEqual(Array.from(ds.train.labels), fx.trainLabels);
      assert.deepEqual(Array.from(ds.test.labels), fx.testLabels);
      for (let i = 0; i < ds.train.n; i++) {
        for (const p of [0, 1, 517]) {
          for (let ch = 0; ch < 3; ch++) {
            assert.equal(ds.train.images[i * 3072 + p * 3 + ch], cifarPixel(fx.trainLabels[i], i, ch, p));
          }
        }
      }
      // 'auto' normalisation: per-channel statistics of the training pixels.
      assert.equal(ds.mean.length, 3);
      assert.ok(ds.std.every((s) => s > 0));
    }
  });

  it('falls back to the standard CIFAR-10 names without batches.meta.txt', async () => {
    const fx = await writeCifar10(path.join(tmp, 'c10-nonames'), { withNames: false });
    const ds = await load({ format: 'cifar10', path: fx.dataDir });
    assert.equal(ds.classNames[9], 'truck');
  });

  it('reads CIFAR-100 with fine labels and fine_label_names.txt', async () => {
    const parent = path.join(tmp, 'c100');
    const fx = await writeCifar100(parent, { trainCount: 110, testCount: 25 });
    const ds = await load({ format: 'cifar100', path: parent });
    assert.equal(ds.classNames.length, 100);
    assert.equal(ds.classNames[42], 'fine_42');
    assert.deepEqual(Array.from(ds.train.labels), fx.trainLabels);
    assert.deepEqual(Array.from(ds.test.labels), fx.testLabels);
    assert.equal(ds.test.images[5 * 3072 + 3 * 7 + 1], cifarPixel(fx.testLabels[5], 5, 1, 7));
  });
});

describe('Tiny ImageNet', () => {
  it('reads train/<wnid>/images and the labelled val set, naming classes by the first synonym', async () => {
    const fx = await writeTinyImagenet(path.join(tmp, 'tiny'), { classes: 3, perClassTrain: 4, perClassVal: 2, size: 16 });
    const ds = await load({ format: 'tiny-imagenet', path: path.join(tmp, 'tiny') });
    assert.deepEqual(ds.classNames, fx.classNames);
    // Native size is 64: the 16-pixel fixtures are upscaled.
    assert.deepEqual(ds.shape, [64, 64, 3]);
    assert.equal(ds.train.n, fx.trainCount);
    assert.deepEqual(Array.from(ds.test.labels), fx.valLabels);
    assertClassColours(ds, 'train', 6);
    assertClassColours(ds, 'test', 6);
    const small = await load({ format: 'tiny-imagenet', path: fx.dataDir, imageSize: 8, trainLimit: 6 });
    assert.deepEqual(small.shape, [8, 8, 3]);
    assert.equal(small.train.n, 6);
    assert.equal(new Set(small.train.labels).size, 3);
    assertClassColours(small, 'train', 6);
  });
});

describe('image folder', () => {
  it('decodes PNG and JPEG class folders, resizes, and splits deterministically by testFraction', async () => {
    const fx = await writeImageFolder(path.join(tmp, 'folder'), { classNames: ['cat', 'dog', 'frog'], perClass: 10 });
    const ds = await load({ format: 'image-folder', path: fx.root, imageSize: 12, testFraction: 0.3 });
    assert.deepEqual(ds.classNames, ['cat', 'dog', 'frog']);
    assert.deepEqual(ds.shape, [12, 12, 3]);
    assert.equal(ds.train.n + ds.test.n, 30);
    assert.equal(ds.test.n, 9);
    for (const split of [ds.train, ds.test]) assert.equal(new Set(split.labels).size, 3);
    assertClassColours(ds, 'train', 6);
    assertClassColours(ds, 'test', 6);
    const again = await loadDataset({ format: 'image-folder', path: fx.root, imageSize: 12, testFraction: 0.3 }, {
      baseDir: tmp,
      cacheDir: path.join(tmp, 'cache-other'),
      seed: 5,
    });
    assert.deepEqual(Buffer.from(again.test.images), Buffer.from(ds.test.images));
  });

  it('uses train/ and test/ sub-folders when present (default size 32)', async () => {
    const fx = await writeImageFolder(path.join(tmp, 'folder-split'), { classNames: ['a', 'b'], perClass: 5, split: { testPerClass: 3 } });
    const ds = await load({ format: 'image-folder', path: fx.root });
    assert.deepEqual(ds.shape, [32, 32, 3]);
    assert.equal(ds.train.n, 10);
    assert.equal(ds.test.n, 6);
    assertClassColours(ds, 'test', 6);
  });
});

describe('cache of file formats', () => {
  it('is reused while files are unchanged and rebuilt when one changes', async () => {
    const fx = await writeImageFolder(path.join(tmp, 'folder-cache'), { classNames: ['a', 'b'], perClass: 4 });
    const cacheDir = path.join(tmp, 'cache-files');
    const logs: string[] = [];
    const opts = { baseDir: tmp, cacheDir, seed: 0, log: (m: string) => logs.push(m) };
    const first = await loadDataset({ format: 'image-folder', path: fx.root, imageSize: 8 }, opts);
    assert.ok(logs.some((m) => /decoding/.test(m)));
    logs.length = 0;
    await loadDataset({ format: 'image-folder', path: fx.root, imageSize: 8 }, opts);
    assert.ok(logs.some((m) => /from cache/.test(m)), logs.join('\n'));
    // Replace one image by another class's picture: new size/mtime, so the cache is not used.
    const target = fx.files.find((f) => f.label === 0)!;
    const other = fx.files.find((f) => f.label === 1 && path.extname(f.file) === path.extname(target.file))!;
    await fs.copyFile(other.file, target.file);
    const future = new Date(Date.now() + 5000);
    await fs.utimes(target.file, future, future);
    logs.length = 0;
    const second = await loadDataset({ format: 'image-folder', path: fx.root, imageSize: 8 }, opts);
    assert.ok(logs.some((m) => /decoding/.test(m)), logs.join('\n'));
    const bytes = (d: Dataset) => Buffer.concat([Buffer.from(d.train.images), Buffer.from(d.test.images)]);
    assert.notDeepEqual(bytes(second), bytes(first));
  });
});

