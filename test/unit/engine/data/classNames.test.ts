// data.classNames names the classes of any format (IDX data has none): a list or a file, checked against the data.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateRunConfig } from '../../../../src/engine/config';
import { loadDataset } from '../../../../src/engine/data';
import { EngineError } from '../../../../src/engine/errors';
import type { DataConfig } from '../../../../src/protocol/config';
import { makeTempDir, writeIdxDataset } from '../../../fixtures-builders/datasets';

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

let tmp: string;
let dir: string;
before(async () => {
  tmp = await makeTempDir();
  dir = path.join(tmp, 'fashion');
  await writeIdxDataset(dir);
});
after(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const load = (extra: Partial<DataConfig>) =>
  loadDataset({ format: 'idx', path: dir, ...extra }, { baseDir: tmp, cacheDir: path.join(tmp, 'cache'), seed: 0 });

async function refused(extra: Partial<DataConfig>, pattern: RegExp): Promise<void> {
  await assert.rejects(load(extra), (e: unknown) => {
    assert.ok(e instanceof EngineError);
    assert.equal(e.code, 'CONFIG_INVALID');
    assert.equal(e.details.field, 'data.classNames');
    assert.match(e.message, pattern);
    return true;
  });
}

describe('data.classNames', () => {
  it('IDX data is named "0".."9" without it, by the list with it', async () => {
    assert.deepEqual((await load({})).classNames, FASHION.map((_, i) => String(i)));
    assert.deepEqual((await load({ classNames: FASHION })).classNames, FASHION);
  });

  it('reads a file of one name a line, relative to the config', async () => {
    await fs.writeFile(path.join(tmp, 'classes.txt'), `${FASHION.join('\r\n')}\n\n`);
    assert.deepEqual((await load({ classNames: 'classes.txt' })).classNames, FASHION);
  });

  it('refuses a count that does not match the data, an unreadable file and a blank line, naming the field', async () => {
    await refused({ classNames: FASHION.slice(0, 9) }, /^data\.classNames names 9 classes but the data has 10 \(labels 0 to 9\)\.$/);
    await refused({ classNames: 'missing.txt' }, /data\.classNames: the file .*missing\.txt could not be read/);
    await fs.writeFile(path.join(tmp, 'gap.txt'), `${FASHION.slice(0, 3).join('\n')}\n\n${FASHION.slice(3).join('\n')}\n`);
    await refused({ classNames: 'gap.txt' }, /gap\.txt\): line 4 is empty/);
  });

  it('the schema takes a list of names or a file name, and names a wrong item', () => {
    const config = (classNames: unknown) => ({
      model: { name: 'small-cnn' },
      data: { format: 'idx', path: 'fashion', classNames },
      train: { epochs: 1, batchSize: 32, lr: 0.1 },
      selectivity: { alpha: -1 },
    });
    assert.deepEqual(validateRunConfig(config(FASHION)).problems, []);
    assert.deepEqual(validateRunConfig(config('classes.txt')).problems, []);
    const bad = validateRunConfig(config(['Shirt', 7])).problems;
    assert.equal(bad.length, 1);
    assert.equal(bad[0].field, 'data.classNames[1]');
  });
});
