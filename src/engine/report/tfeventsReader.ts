// Reads TensorBoard event files back (checking both CRCs of every record and decoding the Event protobufs),
// to verify what TfEventsWriter writes and to read event files from elsewhere.
import { readFileSync } from 'node:fs';
import { maskedCrc32c, type Histogram } from './tfevents';

export interface DecodedValue {
  tag: string;
  simpleValue?: number;
  histo?: Histogram;
  text?: string;
  pluginName?: string;
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values: DecodedValue[];
}

type Field = { field: number; wire: number; int?: number; bytes?: Buffer; f64?: number; f32?: number };

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0;
  let mul = 1;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result += (b & 0x7f) * mul;
    if (b < 0x80) return [result, pos];
    mul *= 128;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const [v, p] = readVarint(buf, pos);
      out.push({ field, wire, int: v });
      pos = p;
    } else if (wire === 1) {
      out.push({ field, wire, f64: buf.readDoubleLE(pos) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ field, wire, f32: buf.readFloatLE(pos) });
      pos += 4;
    } else if (wire === 2) {
      const [len, p] = readVarint(buf, pos);
      if (p + len > buf.length) throw new Error('truncated length-delimited field');
      out.push({ field, wire, bytes: buf.subarray(p, p + len) });
      pos = p + len;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function doubles(b: Buffer): number[] {
  return Array.from({ length: b.length / 8 }, (_, i) => b.readDoubleLE(8 * i));
}

function decodeHisto(buf: Buffer): Histogram {
  const h: Histogram = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  for (const f of fields(buf)) {
    if (f.field === 1) h.min = f.f64!;
    if (f.field === 2) h.max = f.f64!;
    if (f.field === 3) h.num = f.f64!;
    if (f.field === 4) h.sum = f.f64!;
    if (f.field === 5) h.sumSquares = f.f64!;
    if (f.field === 6) h.bucketLimit.push(...(f.bytes ? doubles(f.bytes) : [f.f64!]));
    if (f.field === 7) h.bucket.push(...(f.bytes ? doubles(f.bytes) : [f.f64!]));
  }
  return h;
}

function decodeValue(buf: Buffer): DecodedValue {
  const v: DecodedValue = { tag: '' };
  for (const f of fields(buf)) {
    if (f.field === 1) v.tag = f.bytes!.toString('utf8');
    if (f.field === 2) v.simpleValue = f.f32;
    if (f.field === 5) v.histo = decodeHisto(f.bytes!);
    if (f.field === 9) {
      const pluginData = fields(f.bytes!).find((x) => x.field === 1);
      const name = pluginData && fields(pluginData.bytes!).find((x) => x.field === 1);
      if (name) v.pluginName = name.bytes!.toString('utf8');
    }
    if (f.field === 8) {
      const strings = fields(f.bytes!).filter((x) => x.field === 8);
      if (strings.length) v.text = strings.map((s) => s.bytes!.toString('utf8')).join('\n');
    }
  }
  return v;
}

export function decodeEvent(buf: Buffer): DecodedEvent {
  const e: DecodedEvent = { wallTime: 0, step: 0, values: [] };
  for (const f of fields(buf)) {
    if (f.field === 1) e.wallTime = f.f64!;
    if (f.field === 2) e.step = f.int!;
    if (f.field === 3) e.fileVersion = f.bytes!.toString('utf8');
    if (f.field === 5) for (const v of fields(f.bytes!)) if (v.field === 1) e.values.push(decodeValue(v.bytes!));
  }
  return e;
}

/** Splits TFRecord framing, throwing on a bad length or data CRC. */
export function readRecords(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + 12 > data.length) throw new Error(`truncated record header at byte ${pos}`);
    const len = data.readUInt32LE(pos) + data.readUInt32LE(pos + 4) * 2 ** 32;
    if (data.readUInt32LE(pos + 8) !== maskedCrc32c(data.subarray(pos, pos + 8))) {
      throw new Error(`bad length CRC at byte ${pos}`);
    }
    const start = pos + 12;
    if (start + len + 4 > data.length) throw new Error(`truncated record at byte ${pos}`);
    const payload = data.subarray(start, start + len);
    if (data.readUInt32LE(start + len) !== maskedCrc32c(payload)) throw new Error(`bad data CRC at byte ${pos}`);
    out.push(payload);
    pos = start + len + 4;
  }
  return out;
}

export function readEventFile(file: string): DecodedEvent[] {
  return readRecords(readFileSync(file)).map(decodeEvent);
}
