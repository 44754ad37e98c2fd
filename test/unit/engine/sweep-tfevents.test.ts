// TensorBoard event files: CRC32C, TFRecord framing and the hand-encoded protobufs, read back by an independent
// reader that checks every CRC.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { crc32c, histogramOf, maskedCrc32c, TfEventsWriter } from '../../../src/engine/report/tfevents';
import { readEventFile, readRecords } from '../../../src/engine/report/tfeventsReader';

test('CRC32C matches the standard check value and TFRecord masking', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
  const crc = crc32c(Buffer.from('abc'));
  assert.equal(maskedCrc32c(Buffer.from('abc')), ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0);
});

test('histograms: every value counted once, limits ascending', () => {
  const h = histogramOf([0, 0.1, 0.1, 0.5, 1], 4)!;
  assert.equal(h.num, 5);
  assert.equal(h.bucket.reduce((a, b) => a + b, 0), 5);
  // Buckets are (previous limit, limit]: 0.5 falls in (0.25, 0.5].
  assert.deepEqual(h.bucket, [3, 1, 0, 1]);
  assert.equal(h.bucketLimit[3], 1);
  assert.ok(Math.abs(h.sumSquares - (0.01 + 0.01 + 0.25 + 1)) < 1e-12);
  assert.equal(histogramOf([NaN]), undefined);
});

test('event files round-trip: file version, scalars, histograms, text; corruption is detected', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tfevents-'));
  const w = new TfEventsWriter(1700000000.5);
  w.scalar('test/accuracy', 1, 0.5, 1700000001);
  w.scalar('test/accuracy', 2, 0.75, 1700000002);
  w.scalar('skipped', 3, NaN);
  w.scalar('big/step', 2 ** 40 + 3, -1.25);
  w.histogram('si_distribution/conv1', 2, Float32Array.from([0.1, 0.2, 0.2, 0.9]));
  w.text('config', 0, '{"a": 1} ünïcode');
  const file = w.write(dir);
  assert.match(path.basename(file), /^events\.out\.tfevents\.1700000000\..+/);
  assert.deepEqual(readdirSync(dir), [path.basename(file)]);

  const events = readEventFile(file);
  assert.equal(events.length, 6);
  assert.equal(events[0].fileVersion, 'brain.Event:2');
  assert.equal(events[0].wallTime, 1700000000.5);
  const scalars = events.flatMap((e) => e.values.filter((v) => v.simpleValue !== undefined).map((v) => [v.tag, e.step, v.simpleValue, e.wallTime]));
  assert.deepEqual(scalars, [
    ['test/accuracy', 1, 0.5, 1700000001],
    ['test/accuracy', 2, 0.75, 1700000002],
    ['big/step', 2 ** 40 + 3, -1.25, 1700000000.5],
  ]);
  const histo = events.flatMap((e) => e.values).find((v) => v.histo)!;
  assert.equal(histo.tag, 'si_distribution/conv1');
  assert.equal(histo.histo!.num, 4);
  assert.equal(histo.histo!.bucket.reduce((a, b) => a + b, 0), 4);
  assert.equal(histo.histo!.bucket.length, histo.histo!.bucketLimit.length);
  assert.ok(Math.abs(histo.histo!.max - 0.9) < 1e-6);
  const text = events.flatMap((e) => e.values).find((v) => v.tag === 'config')!;
  assert.equal(text.pluginName, 'text');
  assert.equal(text.text, '{"a": 1} ünïcode');

  // Flip one payload byte: the data CRC catches it. Damage a length: the length CRC catches it.
  const bytes = readFileSync(file);
  const flipped = Buffer.from(bytes);
  flipped[20] ^= 0x40;
  assert.throws(() => readRecords(flipped), /bad data CRC/);
  const badLength = Buffer.from(bytes);
  badLength[0] ^= 1;
  assert.throws(() => readRecords(badLength), /bad length CRC/);
  writeFileSync(path.join(dir, 'truncated'), bytes.subarray(0, bytes.length - 3));
  assert.throws(() => readEventFile(path.join(dir, 'truncated')), /truncated/);
});
