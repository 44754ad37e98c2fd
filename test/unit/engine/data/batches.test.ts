// Augmentation of colour images: pad-and-crop and flips keep shapes and labels, move pixels as expected,
// and are reproducible per seed and epoch.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Dataset } from '../../../../src/engine/contracts';
import { loadDataset, trainBatches } from '../../../../src/engine/data';
import { makeTempDir, writeCifar10 } from '../../../fixtures-builders/datasets';

let tmp: string;
let ds: Dataset;

/** A tiny colour data set whose pixel values encode (sample, row, column), to follow them through augmentation. */
function gradientDataset(n: number, side: number): Dataset {
  const images = new Uint8Array(n * side * side * 3);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 4;
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const o = ((i * side + y) * side + x) * 3;
        images[o] = 1 + x; // column
        images[o + 1] = 1 + y; // row
        images[o + 2] = i; // sample
      }
    }
  }
  const split = { images, labels, n };
  return { name: 'gradient', classNames: ['a', 'b', 'c', 'd'], shape: [side, side, 3], train: split, test: split, mean: [0, 0, 0], std: [1, 1, 1] };
}

before(async () => {
  await tf.setBackend('cpu');
  tmp = await makeTempDir();
  ds = gradientDataset(40, 8);
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Read back a batch as bytes (mean 0, std 1 means value * 255). */
function batchBytes(x: tf.Tensor): number[] {
  return Array.from(x.dataSync(), (v) => Math.round(v * 255));
}

describe('augmentation', () => {
  it('keeps shapes and labels, and every output pixel is a shifted (maybe mirrored) source pixel or zero padding', () => {
    const side = 8;
    let shifted = 0;
    let mirrored = 0;
    for (const b of trainBatches(ds, { batchSize: 10, epoch: 0, seed: 1, augment: { crop: 2, flip: true } })) {
      assert.deepEqual(b.x.shape, [10, side, side, 3]);
      const px = batchBytes(b.x);
      const y = b.y.dataSync();
      for (let k = 0; k < b.size; k++) {
        // Find the sample by the blue channel of any non-padding pixel; its label must match.
        let sample = -1;
        let dx: number | undefined;
        let dy: number | undefined;
        let flip: boolean | undefined;
        for (let r = 0; r < side; r++) {
          for (let c = 0; c < side; c++) {
            const o = ((k * side + r) * side + c) * 3;
            if (px[o] === 0) {
              assert.equal(px[o + 1], 0, 'padding is zero in every channel');
              continue;
            }
            sample = px[o + 2];
            const srcCol = px[o] - 1;
            const srcRow = px[o + 1] - 1;
            if (dy === undefined) dy = srcRow - r;
            assert.equal(srcRow - r, dy, 'rows shift together');
            // With a flip, source column decreases as the output column increases.
            if (flip === undefined && c + 1 < side && px[o + 3] !== 0) flip = px[o + 3] - 1 < srcCol;
            const off = flip ? srcCol - (side - 1 - c) : srcCol - c;
            if (flip !== undefined) {
              if (dx === undefined) dx = off;
              assert.equal(off, dx, 'columns shift together');
            }
          }
        }
        assert.ok(sample >= 0);
        assert.equal(y[k], ds.train.labels[sample], 'label travels with its image');
        assert.ok(Math.abs(dy!) <= 2 && Math.abs(dx ?? 0) <= 2);
        if (dy !== 0 || dx !== 0) shifted++;
        if (flip) mirrored++;
      }
      tf.dispose([b.x, b.y]);
    }
    assert.ok(shifted > 10, `only ${shifted} of 40 shifted`);
    assert.ok(mirrored > 5 && mirrored < 35, `${mirrored} of 40 mirrored`);
  });

  it('is reproducible per seed and epoch, and off when asked', () => {
    const run = (seed: number, augment?: { crop?: number; flip?: boolean }) => {
      const out: number[] = [];
      for (const b of trainBatches(ds, { batchSize: 8, epoch: 3, seed, augment })) {
        out.push(...batchBytes(b.x));
        tf.dispose([b.x, b.y]);
      }
      return out;
    };
    assert.deepEqual(run(4), run(4));
    assert.notDeepEqual(run(4), run(5));
    // Without augmentation every batch sample equals its source exactly.
    const plain = run(4, { crop: 0, flip: false });
    for (let k = 0; k < 40; k++) {
      const o = k * 8 * 8 * 3;
      const sample = plain[o + 2];
      assert.deepEqual(plain.slice(o, o + 192), Array.from(ds.train.images.subarray(sample * 192, (sample + 1) * 192)));
    }
  });

  it('default augmentation on CIFAR-shaped data keeps [b,32,32,3] and labels', async () => {
    const fx = await writeCifar10(path.join(tmp, 'c10'), { perBatch: 4, testCount: 4 });
    const cifar = await loadDataset({ format: 'cifar10', path: fx.dataDir }, { baseDir: tmp, cacheDir: path.join(tmp, 'cache'), seed: 0 });
    const seen: number[] = [];
    for (const b of trainBatches(cifar, { batchSize: 5, epoch: 0, seed: 0 })) {
      assert.deepEqual(b.x.shape, [5, 32, 32, 3]);
      seen.push(...b.y.dataSync());
      tf.dispose([b.x, b.y]);
    }
    assert.deepEqual(seen.sort(), [...fx.trainLabels].sort());
  });
});
