// Binary cache of decoded data sets, so a second run skips decoding. A file that fails any check is ignored
// (and later overwritten); the cache never turns a good data set into an error.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DecodedDataset } from './splits';
import { sampleBytes } from './splits';

const MAGIC = Buffer.from('SLDATA01', 'ascii');
/** Bump when decoding changes so stale caches are not reused. */
const CACHE_VERSION = 1;

interface CacheHeader {
  key: string;
  name: string;
  classNames: string[];
  shape: [number, number, number];
  trainN: number;
  testN: number;
  sha1: string;
}

/** A stable key for what was decoded and how. */
export function cacheKey(parts: unknown): string {
  return createHash('sha1').update(JSON.stringify({ v: CACHE_VERSION, parts })).digest('hex');
}

export function cacheFile(cacheDir: string, format: string, key: string): string {
  return path.join(cacheDir, `${format}-${key.slice(0, 20)}.bin`);
}

/** The cached data set, or undefined when the file is missing, stale or damaged in any way. */
export async function readCache(file: string, key: string): Promise<DecodedDataset | undefined> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch {
    return undefined;
  }
  try {
    if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const headerLen = buf.readUInt32LE(MAGIC.length);
    const bodyStart = MAGIC.length + 4 + headerLen;
    if (bodyStart > buf.length) return undefined;
    const header = JSON.parse(buf.subarray(MAGIC.length + 4, bodyStart).toString('utf8')) as CacheHeader;
    if (header.key !== key) return undefined;
    const per = sampleBytes(header.shape);
    const trainImg = header.trainN * per;
    const testImg = header.testN * per;
    const bodyLen = trainImg + testImg + 4 * (header.trainN + header.testN);
    if (buf.length !== bodyStart + bodyLen) return undefined;
    const body = buf.subarray(bodyStart);
    if (createHash('sha1').update(body).digest('hex') !== header.sha1) return undefined;
    const view = (off: number, len: number) => new Uint8Array(body.buffer, body.byteOffset + off, len);
    // Labels are copied: Int32Array views need 4-byte alignment the file does not promise.
    const labels = (off: number, n: number) => new Int32Array(new Uint8Array(view(off, 4 * n)).buffer);
    return {
      name: header.name,
      classNames: header.classNames,
      shape: header.shape,
      train: { images: view(0, trainImg), labels: labels(trainImg + testImg, header.trainN), n: header.trainN },
      test: { images: view(trainImg, testImg), labels: labels(trainImg + testImg + 4 * header.trainN, header.testN), n: header.testN },
    };
  } catch {
    return undefined;
  }
}

/** Write the cache atomically (temp file + rename) so a crash never leaves a half file under the real name. */
export async function writeCache(file: string, key: string, ds: DecodedDataset): Promise<void> {
  const per = sampleBytes(ds.shape);
  const parts = [
    ds.train.images.subarray(0, ds.train.n * per),
    ds.test.images.subarray(0, ds.test.n * per),
    new Uint8Array(ds.train.labels.buffer, ds.train.labels.byteOffset, 4 * ds.train.n),
    new Uint8Array(ds.test.labels.buffer, ds.test.labels.byteOffset, 4 * ds.test.n),
  ];
  const hash = createHash('sha1');
  for (const p of parts) hash.update(p);
  const header: CacheHeader = {
    key,
    name: ds.name,
    classNames: ds.classNames,
    shape: ds.shape,
    trainN: ds.train.n,
    testN: ds.test.n,
    sha1: hash.digest('hex'),
  };
  const headerBuf = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBuf.length);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    for (const p of [MAGIC, len, headerBuf, ...parts]) await handle.write(p);
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}
