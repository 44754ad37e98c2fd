// TensorBoard event files: CRC32C, TFRecord framing and the hand-encoded protobufs, read back by an independent
// reader that checks every CRC.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { crc32c, histogramOf, maskedCrc32c, TfEventsWriter } from '../../../../src/engine/report/tfevents';
import { readEventFile, readRecords } from '../../../../src/engine/report/tfeventsReader';

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

// TensorFlow's own message layout (event.proto, summary.proto, tensor.proto: same field numbers and types), for an
// independent decode with protoc when it is installed.
const TF_PROTO = `syntax = "proto3";
package tensorflow;
message HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true]; repeated double bucket = 7 [packed = true]; }
message TensorShapeProto { message Dim { int64 size = 1; string name = 2; } repeated Dim dim = 2; bool unknown_rank = 3; }
message TensorProto { int32 dtype = 1; TensorShapeProto tensor_shape = 2; int32 version_number = 3; bytes tensor_content = 4;
  repeated bytes string_val = 8; }
message SummaryMetadata { message PluginData { string plugin_name = 1; bytes content = 2; }
  PluginData plugin_data = 1; string display_name = 2; string summary_description = 3; }
message Summary { message Value { string node_name = 7; string tag = 1; SummaryMetadata metadata = 9;
  oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; HistogramProto histo = 5; TensorProto tensor = 8; } }
  repeated Value value = 1; }
message Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; } }
`;

test('protoc decodes every record with TensorFlow\'s Event schema', { skip: !existsSync('/usr/bin/protoc') && 'protoc is not installed (apt-get install protobuf-compiler; .ci/run installs it)' }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tfevents-protoc-'));
  writeFileSync(path.join(dir, 'tf.proto'), TF_PROTO);
  const w = new TfEventsWriter(1700000000);
  w.scalar('test/accuracy', 3, 0.5);
  w.histogram('si_distribution/fc1', 3, [0.25, 0.5, 0.5]);
  w.text('config', 0, 'hello');
  const records = readRecords(readFileSync(w.write(dir)));
  const decoded = records.map((r) =>
    execFileSync('/usr/bin/protoc', [`--proto_path=${dir}`, '--decode=tensorflow.Event', 'tf.proto'], { input: r }).toString(),
  );
  assert.match(decoded[0], /wall_time: 1700000000\n.*file_version: "brain.Event:2"/s);
  assert.match(decoded[1], /step: 3\nsummary \{\n {2}value \{\n {4}tag: "test\/accuracy"\n {4}simple_value: 0.5\n/);
  assert.match(decoded[2], /tag: "si_distribution\/fc1"\n {4}histo \{\n {6}min: 0.25\n {6}max: 0.5\n {6}num: 3\n {6}sum: 1.25\n {6}sum_squares: 0.5625\n/);
  assert.match(decoded[2], /bucket_limit: 0.5\n {6}bucket: /);
  assert.match(decoded[3], /tensor \{\n {6}dtype: 7\n {6}tensor_shape \{\n {6}\}\n {6}string_val: "hello"\n/);
  assert.match(decoded[3], /metadata \{\n {6}plugin_data \{\n {8}plugin_name: "text"\n/);
});
