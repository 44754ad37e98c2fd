// Missing and damaged data give DATA_MISSING / DATA_CORRUPT with a message naming the exact file or folder.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import type { DataConfig } from '../../../../src/protocol/config';
import { loadDataset } from '../../../../src/engine/data';
import { EngineError } from '../../../../src/engine/errors';
import { makeTempDir, writeCifar10, writeCifar100, writeIdxDataset, writeImageFolder, writeTinyImagenet } from '../../../fixtures-builders/datasets';

let tmp: string;
before(async () => {
  tmp = await makeTempDir();
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function expectError(cfg: DataConfig, code: string, mustMention: (string | RegExp)[]): Promise<EngineError> {
  let caught: unknown;
  try {
    await loadDataset(cfg, { baseDir: tmp, cacheDir: path.join(tmp, 'cache'), seed: 0 });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof EngineError, `expected an EngineError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const m of mustMention) {
    if (typeof m === 'string') assert.ok(caught.message.includes(m), `"${caught.message}" should mention ${m}`);
    else assert.match(caught.message, m);
  }
  assert.doesNotMatch(caught.message, /\n\s+at /, 'no stack trace in the message');
  return caught;
}

describe('missing data', () => {
  it('names the folder and data.path when the folder does not exist', async () => {
    const missing = path.join(tmp, 'nowhere');
    for (const format of ['idx', 'cifar10', 'cifar100', 'tiny-imagenet', 'image-folder'] as const) {
      const e = await expectError({ format, path: 'nowhere' }, 'DATA_MISSING', [missing, 'data.path']);
      assert.equal(e.details.field, 'data.path');
    }
  });

  it('says so when data.path names a file instead of a folder', async () => {
    const dir = path.join(tmp, 'idx-file');
    const fx = await writeIdxDataset(dir);
    await expectError({ format: 'idx', path: fx.files[0] }, 'DATA_MISSING', [fx.files[0], 'data.path', /is a file/]);
  });

  it('requires data.path for file formats', async () => {
    await expectError({ format: 'cifar10' }, 'CONFIG_INVALID', ['data.path']);
  });

  it('names the exact IDX file expected', async () => {
    const dir = path.join(tmp, 'idx-missing');
    const fx = await writeIdxDataset(dir);
    await fs.rm(fx.files[3]);
    await expectError({ format: 'idx', path: dir }, 'DATA_MISSING', [path.join(dir, 't10k-labels-idx1-ubyte'), 'data.path']);
  });

  it('names the missing CIFAR batch', async () => {
    const fx = await writeCifar10(path.join(tmp, 'c10-missing'));
    await fs.rm(path.join(fx.dataDir, 'data_batch_3.bin'));
    await expectError({ format: 'cifar10', path: fx.dataDir }, 'DATA_MISSING', [path.join(fx.dataDir, 'data_batch_3.bin')]);
    const empty = path.join(tmp, 'c100-empty');
    await fs.mkdir(empty);
    await expectError({ format: 'cifar100', path: empty }, 'DATA_MISSING', [path.join(empty, 'test.bin')]);
  });

  it('names missing Tiny ImageNet parts', async () => {
    const fx = await writeTinyImagenet(path.join(tmp, 'tiny-missing'), { classes: 2, perClassTrain: 1, perClassVal: 1, size: 8 });
    await fs.rm(path.join(fx.dataDir, 'val', 'val_annotations.txt'));
    await expectError({ format: 'tiny-imagenet', path: fx.dataDir }, 'DATA_MISSING', [path.join(fx.dataDir, 'val', 'val_annotations.txt')]);
    await fs.rm(path.join(fx.dataDir, 'train', fx.wnids[1]), { recursive: true });
    await expectError({ format: 'tiny-imagenet', path: fx.dataDir }, 'DATA_MISSING', [path.join(fx.dataDir, 'train', fx.wnids[1], 'images')]);
  });

  it('says where images were expected in an empty image folder', async () => {
    const dir = path.join(tmp, 'empty-folder');
    await fs.mkdir(path.join(dir, 'cat'), { recursive: true });
    await expectError({ format: 'image-folder', path: dir }, 'DATA_MISSING', [dir, 'data.path']);
  });
});

describe('damaged data', () => {
  it('rejects a wrong IDX magic number, naming the file', async () => {
    const dir = path.join(tmp, 'idx-magic');
    await writeIdxDataset(dir);
    const file = path.join(dir, 'train-labels-idx1-ubyte');
    const buf = await fs.readFile(file);
    buf[3] = 3;
    await fs.writeFile(file, buf);
    await expectError({ format: 'idx', path: dir }, 'DATA_CORRUPT', [file, /magic/]);
  });

  it('rejects a truncated IDX file (also gzipped), naming the file', async () => {
    const dir = path.join(tmp, 'idx-trunc');
    await writeIdxDataset(dir, { gzip: true });
    const file = path.join(dir, 't10k-images-idx3-ubyte.gz');
    const raw = zlib.gunzipSync(await fs.readFile(file));
    await fs.writeFile(file, zlib.gzipSync(raw.subarray(0, raw.length - 10)));
    await expectError({ format: 'idx', path: dir }, 'DATA_CORRUPT', [file, /truncated/]);
    // A gzip stream cut short does not decompress at all.
    const cut = await fs.readFile(file);
    await fs.writeFile(file, cut.subarray(0, cut.length >> 1));
    await expectError({ format: 'idx', path: dir }, 'DATA_CORRUPT', [file]);
  });

  it('rejects a CIFAR file that is not a whole number of records', async () => {
    const fx = await writeCifar10(path.join(tmp, 'c10-trunc'));
    const file = path.join(fx.dataDir, 'data_batch_2.bin');
    await fs.truncate(file, 3073 * 2 + 100);
    await expectError({ format: 'cifar10', path: fx.dataDir }, 'DATA_CORRUPT', [file, /3073-byte/]);
    const c100 = await writeCifar100(path.join(tmp, 'c100-trunc'), { trainCount: 10, testCount: 5 });
    await fs.appendFile(path.join(c100.dataDir, 'test.bin'), Buffer.alloc(5));
    await expectError({ format: 'cifar100', path: c100.dataDir }, 'DATA_CORRUPT', [path.join(c100.dataDir, 'test.bin'), /3074-byte/]);
  });

  it('rejects an undecodable image, naming it', async () => {
    const fx = await writeImageFolder(path.join(tmp, 'bad-image'), { classNames: ['x', 'y'], perClass: 3 });
    const bad = fx.files[1].file; // a JPEG
    const buf = await fs.readFile(bad);
    await fs.writeFile(bad, buf.subarray(0, 40));
    await expectError({ format: 'image-folder', path: fx.root }, 'DATA_CORRUPT', [bad]);
    await fs.writeFile(bad, 'hello, not an image');
    await expectError({ format: 'image-folder', path: fx.root }, 'DATA_CORRUPT', [bad, /not a PNG or JPEG/]);
  });

  it('rejects a val_annotations.txt line naming an unknown class', async () => {
    const fx = await writeTinyImagenet(path.join(tmp, 'tiny-bad'), { classes: 2, perClassTrain: 1, perClassVal: 1, size: 8 });
    const file = path.join(fx.dataDir, 'val', 'val_annotations.txt');
    await fs.appendFile(file, 'val_9.JPEG\tn00000000\t0\t0\t1\t1\n');
    await expectError({ format: 'tiny-imagenet', path: fx.dataDir }, 'DATA_CORRUPT', [file, /line 3/]);
  });

  it('rejects a bad imageSize naming the field', async () => {
    const fx = await writeImageFolder(path.join(tmp, 'size-folder'), { classNames: ['x'], perClass: 2 });
    await expectError({ format: 'image-folder', path: fx.root, imageSize: 2.5 }, 'CONFIG_INVALID', ['data.imageSize']);
  });
});

describe('data the models cannot use', () => {
  it('refuses images of 0x0 pixels, naming the data set', async () => {
    const dir = path.join(tmp, 'idx-0x0');
    await writeIdxDataset(dir, { rows: 0, cols: 0 });
    await expectError({ format: 'idx', path: dir }, 'DATA_CORRUPT', [dir, /0x0 pixels/]);
  });

  it('refuses an IDX label far above the others (255 among 0-9) instead of making a 256-class model', async () => {
    const dir = path.join(tmp, 'idx-255');
    await writeIdxDataset(dir, { classes: 10 });
    const file = path.join(dir, 'train-labels-idx1-ubyte');
    const buf = await fs.readFile(file);
    buf[8] = 255; // the first label
    await fs.writeFile(file, buf);
    await expectError({ format: 'idx', path: dir }, 'DATA_CORRUPT', [file, /up to 255/, /0\.\.K-1/]);
  });

  it('refuses an empty held-out split before any training, naming the data set', async () => {
    const dir = path.join(tmp, 'idx-no-test');
    await writeIdxDataset(dir, { testCount: 0 });
    await expectError({ format: 'idx', path: dir }, 'DATA_CORRUPT', [dir, /no held-out samples/]);
  });

  it('refuses a data set of one class (selectivity compares classes)', async () => {
    const dir = path.join(tmp, 'idx-one-class');
    await writeIdxDataset(dir, { classes: 1 });
    await expectError({ format: 'idx', path: dir }, 'DATA_CORRUPT', [dir, /1 class\b/, /at least 2/]);
  });
});
