// data.download end to end: a local server plays the data set's host (SELECTIVITY_LENS_DATA_MIRROR), the real
// loader downloads, checks, unpacks and reads the fixture archives, and the datasets folder is inspected after.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { DataConfig } from '../../../../../src/protocol/config';
import { loadDataset } from '../../../../../src/engine/data';
import type { DownloadReport } from '../../../../../src/engine/data/download/fetchDataset';
import { EngineError } from '../../../../../src/engine/errors';
import { makeTempDir, writeCifar10, writeTinyImagenet, type CifarFixture, type TinyImagenetFixture } from '../../../../fixtures-builders/datasets';
import { startArchiveServer, type ArchiveServer } from '../../../../fixtures-builders/archiveServer';
import { tarGzOf, zipOf } from '../../../../fixtures-builders/datasetArchives';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let tmp: string;
let server: ArchiveServer;
let cifar: CifarFixture;
let cifarArchive: Buffer;
let tiny: TinyImagenetFixture;
let tinyArchive: Buffer;
let datasets: string;
let caseNo = 0;
const saved = { mirror: process.env.SELECTIVITY_LENS_DATA_MIRROR, datasets: process.env.SELECTIVITY_LENS_DATASETS };

before(async () => {
  tmp = await makeTempDir('sl-download-');
  const src = path.join(tmp, 'src');
  // Enough records that the archive spans many TCP chunks (a drop lands mid-body).
  cifar = await writeCifar10(src, { perBatch: 40, testCount: 30 });
  cifarArchive = await tarGzOf(src, 'cifar-10-batches-bin');
  tiny = await writeTinyImagenet(src, { classes: 3, perClassTrain: 4, perClassVal: 2, size: 16 });
  tinyArchive = await zipOf(src, 'tiny-imagenet-200');
  server = await startArchiveServer();
  process.env.SELECTIVITY_LENS_DATA_MIRROR = `${server.url}/mirror/`;
});

after(async () => {
  await server.close();
  process.env.SELECTIVITY_LENS_DATA_MIRROR = saved.mirror;
  process.env.SELECTIVITY_LENS_DATASETS = saved.datasets;
  if (saved.mirror === undefined) delete process.env.SELECTIVITY_LENS_DATA_MIRROR;
  if (saved.datasets === undefined) delete process.env.SELECTIVITY_LENS_DATASETS;
  await fs.rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  // Each case starts with an empty datasets folder and a server holding the two fixture archives.
  datasets = path.join(tmp, `datasets-${++caseNo}`);
  process.env.SELECTIVITY_LENS_DATASETS = datasets;
  server.requests.length = 0;
  server.dropNext = 0;
  server.files = new Map([
    ['/mirror/cifar-10-binary.tar.gz', cifarArchive],
    ['/mirror/tiny-imagenet-200.zip', tinyArchive],
    ['/mirror/MD5SUMS', Buffer.from(`${md5(cifarArchive)}  cifar-10-binary.tar.gz\n${md5(tinyArchive)} *tiny-imagenet-200.zip\n`)],
  ]);
});

function load(cfg: DataConfig, onDownload?: (p: DownloadReport) => void, log?: (m: string) => void) {
  return loadDataset(cfg, { baseDir: tmp, cacheDir: path.join(tmp, `decoded-${caseNo}`), onDownload, log });
}

const archiveRequests = (name: string) => server.requests.filter((r) => r.path === `/mirror/${name}`);

async function assertNoLeftovers(home: string): Promise<void> {
  const names = await fs.readdir(home).catch(() => []);
  assert.deepEqual(
    names.filter((n) => n.endsWith('.part') || n.startsWith('.unpack-') || n.endsWith('.lock')),
    [],
    `left in ${home}: ${names.join(', ')}`,
  );
}

describe('data.download', () => {
  it('downloads, checks and unpacks CIFAR-10, reads the same images as the fixture, reports monotone progress and says where', async () => {
    const progress: DownloadReport[] = [];
    const logs: string[] = [];
    const ds = await load({ format: 'cifar10', download: true, normalize: 'none' }, (p) => progress.push(p), (m) => logs.push(m));
    const direct = await loadDataset({ format: 'cifar10', path: cifar.dataDir, normalize: 'none' }, { baseDir: tmp, cacheDir: path.join(tmp, 'direct') });
    assert.deepEqual(Array.from(ds.train.labels), cifar.trainLabels);
    assert.deepEqual(Array.from(ds.test.labels), cifar.testLabels);
    assert.ok(Buffer.from(ds.train.images).equals(Buffer.from(direct.train.images)), 'training images equal the fixture');
    assert.ok(Buffer.from(ds.test.images).equals(Buffer.from(direct.test.images)), 'test images equal the fixture');

    assert.ok(progress.length >= 2, `progress events: ${progress.length}`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].bytes >= progress[i - 1].bytes, 'bytes never go back');
    const last = progress[progress.length - 1];
    assert.equal(last.bytes, cifarArchive.length);
    assert.equal(last.total, cifarArchive.length);
    assert.equal(last.url, `${server.url}/mirror/cifar-10-binary.tar.gz`);

    const target = path.join(datasets, 'cifar10', 'cifar-10-batches-bin');
    assert.ok(logs.some((m) => m.includes(target) && /downloaded and unpacked/.test(m)), logs.join('\n'));
    assert.match(ds.name, new RegExp(target.replace(/[\\.]/g, '\\$&')));
    await assertNoLeftovers(path.join(datasets, 'cifar10'));
  });

  it('a second load uses the downloaded copy without asking the server', async () => {
    await load({ format: 'cifar10', download: true });
    const before = server.requests.length;
    const logs: string[] = [];
    const again = await load({ format: 'cifar10', download: true }, undefined, (m) => logs.push(m));
    assert.equal(server.requests.length, before);
    assert.equal(again.train.n, cifar.trainLabels.length);
    assert.ok(logs.some((m) => /downloaded earlier/.test(m)), logs.join('\n'));
  });

  it('resumes with a Range request after the connection drops half-way, and the data is intact', async () => {
    server.dropNext = 1;
    const logs: string[] = [];
    const ds = await load({ format: 'cifar10', download: true, normalize: 'none' }, undefined, (m) => logs.push(m));
    const gets = archiveRequests('cifar-10-binary.tar.gz');
    assert.equal(gets.length, 2, JSON.stringify(gets));
    assert.equal(gets[0].range, undefined);
    const m = /^bytes=(\d+)-$/.exec(gets[1].range ?? '');
    assert.ok(m && Number(m[1]) > 0 && Number(m[1]) < cifarArchive.length, `resume range: ${gets[1].range}`);
    assert.ok(logs.some((l) => /resuming/.test(l)), logs.join('\n'));
    assert.deepEqual(Array.from(ds.test.labels), cifar.testLabels);
    const direct = await loadDataset({ format: 'cifar10', path: cifar.dataDir, normalize: 'none' }, { baseDir: tmp, cacheDir: path.join(tmp, 'direct') });
    assert.ok(Buffer.from(ds.train.images).equals(Buffer.from(direct.train.images)), 'training images intact after the resume');
    await assertNoLeftovers(path.join(datasets, 'cifar10'));
  });

  it("an earlier run's .part, stale lock and half unpacking are picked up: one Range request for the rest", async () => {
    const home = path.join(datasets, 'cifar10');
    await fs.mkdir(path.join(home, '.unpack-killed', 'cifar-10-batches-bin'), { recursive: true });
    const half = Math.floor(cifarArchive.length / 2);
    await fs.writeFile(path.join(home, 'cifar-10-binary.tar.gz.part'), cifarArchive.subarray(0, half));
    // Left by a process of this machine that no longer runs.
    await fs.writeFile(path.join(home, '.download.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname() }));
    const ds = await load({ format: 'cifar10', download: true, normalize: 'none' });
    assert.deepEqual(archiveRequests('cifar-10-binary.tar.gz'), [{ path: '/mirror/cifar-10-binary.tar.gz', range: `bytes=${half}-` }]);
    assert.deepEqual(Array.from(ds.train.labels), cifar.trainLabels);
    assert.deepEqual((await fs.readdir(home)).sort(), ['cifar-10-batches-bin']);
  });

  it('an archive without the expected folder is one clear error and leaves no data set', async () => {
    const other = path.join(tmp, `other-${caseNo}`);
    await fs.mkdir(path.join(other, 'something-else'), { recursive: true });
    await fs.writeFile(path.join(other, 'something-else', 'x.bin'), 'x');
    const wrongLayout = await tarGzOf(other, 'something-else');
    server.files.set('/mirror/cifar-10-binary.tar.gz', wrongLayout);
    server.files.set('/mirror/MD5SUMS', Buffer.from(`${md5(wrongLayout)}  cifar-10-binary.tar.gz\n`));
    await assert.rejects(load({ format: 'cifar10', download: true }), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'DATA_CORRUPT');
      assert.equal(e.details.field, 'data.download');
      assert.match(e.message, /does not hold the folder cifar-10-batches-bin\//);
      return true;
    });
    assert.deepEqual(await fs.readdir(path.join(datasets, 'cifar10')), []);
  });

  it('a checksum mismatch is one clear error naming data.download, the URL and both md5s, and leaves no data set', async () => {
    const wrong = '0'.repeat(32);
    server.files.set('/mirror/MD5SUMS', Buffer.from(`${wrong}  cifar-10-binary.tar.gz\n`));
    await assert.rejects(load({ format: 'cifar10', download: true }), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'DATA_CORRUPT');
      assert.equal(e.details.field, 'data.download');
      assert.ok(e.message.includes(`${server.url}/mirror/cifar-10-binary.tar.gz`), e.message);
      assert.ok(e.message.includes(`expected ${wrong}`) && e.message.includes(`got ${md5(cifarArchive)}`), e.message);
      return true;
    });
    const home = path.join(datasets, 'cifar10');
    assert.deepEqual(await fs.readdir(home), []);
  });

  it('HTTP 404 is one clear error naming data.download and the URL, and leaves nothing', async () => {
    server.files.delete('/mirror/cifar-10-binary.tar.gz');
    await assert.rejects(load({ format: 'cifar10', download: true }), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'DATA_MISSING');
      assert.equal(e.details.field, 'data.download');
      assert.match(e.message, /^data\.download: could not download http:\/\/127\.0\.0\.1:\d+\/mirror\/cifar-10-binary\.tar\.gz: answered HTTP 404/);
      return true;
    });
    assert.deepEqual(await fs.readdir(path.join(datasets, 'cifar10')), []);
  });

  it('an unreachable host is one clear error at once', async () => {
    const dead = await startArchiveServer();
    const url = dead.url;
    await dead.close();
    process.env.SELECTIVITY_LENS_DATA_MIRROR = url;
    try {
      await assert.rejects(load({ format: 'cifar10', download: true }), (e: unknown) => {
        assert.ok(e instanceof EngineError);
        assert.equal(e.details.field, 'data.download');
        assert.ok(e.message.includes(url), e.message);
        assert.match(e.message, /ECONNREFUSED/);
        return true;
      });
    } finally {
      process.env.SELECTIVITY_LENS_DATA_MIRROR = `${server.url}/mirror/`;
    }
  });

  it('data.path that already holds the data is used without a download', async () => {
    const ds = await load({ format: 'cifar10', download: true, path: path.dirname(cifar.dataDir) });
    assert.equal(server.requests.length, 0);
    assert.match(ds.name, /src/);
  });

  it('two loads at once (a sweep pool) download once and both read the data', async () => {
    const [a, b] = await Promise.all([load({ format: 'cifar10', download: true }), load({ format: 'cifar10', download: true })]);
    assert.equal(archiveRequests('cifar-10-binary.tar.gz').length, 1);
    assert.equal(a.train.n, b.train.n);
    await assertNoLeftovers(path.join(datasets, 'cifar10'));
  });

  it('downloads and unpacks the Tiny ImageNet zip and reads the same images as the fixture', async () => {
    const ds = await load({ format: 'tiny-imagenet', download: true, normalize: 'none' });
    const direct = await loadDataset({ format: 'tiny-imagenet', path: tiny.dataDir, normalize: 'none' }, { baseDir: tmp, cacheDir: path.join(tmp, 'direct-tiny') });
    assert.deepEqual(ds.classNames, tiny.classNames);
    assert.equal(ds.train.n, tiny.trainCount);
    assert.deepEqual(Array.from(ds.test.labels), Array.from(direct.test.labels));
    assert.ok(Buffer.from(ds.train.images).equals(Buffer.from(direct.train.images)));
    assert.ok(Buffer.from(ds.test.images).equals(Buffer.from(direct.test.images)));
    await assertNoLeftovers(path.join(datasets, 'tiny-imagenet'));
  });
});
