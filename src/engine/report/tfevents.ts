// TensorBoard event files written by hand, so runs open in TensorBoard without TensorFlow: TFRecord framing
// (length, masked CRC32C of the length, payload, masked CRC32C of the payload) around Event protobufs holding
// scalar, histogram and text summaries.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// ---- CRC32C (Castagnoli), as TFRecord uses it. ----
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: uint64 length, masked crc of the length, data, masked crc of the data (all little-endian). */
export function tfRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  out.writeUInt32LE(data.length >>> 0, 0);
  out.writeUInt32LE(Math.floor(data.length / 2 ** 32), 4);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

// ---- Minimal protobuf encoding. ----
class ProtoWriter {
  private parts: Buffer[] = [];

  private varint(n: number): void {
    const bytes: number[] = [];
    // Non-negative integers up to 2^53; arithmetic instead of bit ops to pass 32 bits.
    let v = Math.floor(n);
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  uint(field: number, n: number): this {
    this.key(field, 0);
    this.varint(n);
    return this;
  }

  double(field: number, x: number): this {
    this.key(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(x);
    this.parts.push(b);
    return this;
  }

  float(field: number, x: number): this {
    this.key(field, 5);
    const b = Buffer.alloc(4);
    b.writeFloatLE(x);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, data: Uint8Array | string): this {
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    this.key(field, 2);
    this.varint(b.length);
    this.parts.push(b);
    return this;
  }

  packedDoubles(field: number, xs: number[]): this {
    const b = Buffer.alloc(8 * xs.length);
    xs.forEach((x, i) => b.writeDoubleLE(x, 8 * i));
    return this.bytes(field, b);
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Upper edge of each bucket; bucket i holds values in (limit[i-1], limit[i]]. */
  bucketLimit: number[];
  bucket: number[];
}

/** Histogram of values in `bins` equal buckets between their min and max. */
export function histogramOf(values: ArrayLike<number>, bins = 30): Histogram | undefined {
  const v = Array.from(values).filter((x) => Number.isFinite(x));
  if (v.length === 0) return undefined;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (const x of v) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    sum += x;
    sumSquares += x * x;
  }
  const width = (max - min) / bins || 1e-6;
  const bucketLimit = Array.from({ length: bins }, (_, i) => (i === bins - 1 ? max : min + width * (i + 1)));
  const bucket = new Array<number>(bins).fill(0);
  for (const x of v) bucket[Math.min(bins - 1, Math.max(0, Math.ceil((x - min) / width) - 1))]++;
  return { min, max, num: v.length, sum, sumSquares, bucketLimit, bucket };
}

type SummaryValue =
  | { tag: string; simpleValue: number }
  | { tag: string; histo: Histogram }
  | { tag: string; text: string };

function encodeValue(v: SummaryValue): Buffer {
  const w = new ProtoWriter().bytes(1, v.tag);
  if ('simpleValue' in v) w.float(2, v.simpleValue);
  else if ('histo' in v) {
    const h = v.histo;
    const histo = new ProtoWriter()
      .double(1, h.min)
      .double(2, h.max)
      .double(3, h.num)
      .double(4, h.sum)
      .double(5, h.sumSquares)
      .packedDoubles(6, h.bucketLimit)
      .packedDoubles(7, h.bucket)
      .finish();
    w.bytes(5, histo);
  } else {
    // Text plugin: a scalar DT_STRING tensor with plugin metadata "text".
    const pluginData = new ProtoWriter().bytes(1, 'text').finish();
    w.bytes(9, new ProtoWriter().bytes(1, pluginData).finish());
    const DT_STRING = 7;
    w.bytes(8, new ProtoWriter().uint(1, DT_STRING).bytes(2, Buffer.alloc(0)).bytes(8, v.text).finish());
  }
  return w.finish();
}

function encodeEvent(wallTime: number, step: number, body: { fileVersion?: string; values?: SummaryValue[] }): Buffer {
  const w = new ProtoWriter().double(1, wallTime).uint(2, Math.max(0, step));
  if (body.fileVersion !== undefined) w.bytes(3, body.fileVersion);
  if (body.values) {
    const summary = new ProtoWriter();
    for (const v of body.values) summary.bytes(1, encodeValue(v));
    w.bytes(5, summary.finish());
  }
  return w.finish();
}

/** Collects summaries of one run and writes them as one events.out.tfevents.* file. */
export class TfEventsWriter {
  private records: Buffer[] = [];

  constructor(private readonly wallTime = Date.now() / 1000) {
    this.records.push(tfRecord(encodeEvent(wallTime, 0, { fileVersion: 'brain.Event:2' })));
  }

  private add(step: number, value: SummaryValue, wallTime?: number): void {
    this.records.push(tfRecord(encodeEvent(wallTime ?? this.wallTime, step, { values: [value] })));
  }

  scalar(tag: string, step: number, value: number, wallTime?: number): void {
    if (Number.isFinite(value)) this.add(step, { tag, simpleValue: value }, wallTime);
  }

  histogram(tag: string, step: number, values: ArrayLike<number>, wallTime?: number): void {
    const histo = histogramOf(values);
    if (histo) this.add(step, { tag, histo }, wallTime);
  }

  text(tag: string, step: number, text: string, wallTime?: number): void {
    this.add(step, { tag, text }, wallTime);
  }

  /** Writes the file into `dir` and returns its path. */
  write(dir: string): string {
    mkdirSync(dir, { recursive: true });
    const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'localhost';
    const file = path.join(dir, `events.out.tfevents.${Math.floor(this.wallTime)}.${host}.${process.pid}.selectivity-lens`);
    writeFileSync(file, Buffer.concat(this.records));
    return file;
  }
}
