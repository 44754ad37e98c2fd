/* global console, process */
// Turns the JSON lines of a real engine run into a webview fixture: typed-array fields go back to
// {"$typed": ..., "data": [...]} (the CLI writes them as plain arrays) and nulls back to NaN markers.
// Record:  node bin/selectivity-lens train <config> --json > events.jsonl
// Convert: node test/webview/record-fixture.mjs events.jsonl test/fixtures/events/<name>.json
import { readFileSync, writeFileSync } from 'node:fs';

const TYPED = { si: 'Float32Array', classMeans: 'Float32Array', edges: 'Float32Array', preferred: 'Int32Array', counts: 'Uint32Array' };

function convert(value, key) {
  if (value === null) return { $num: 'NaN' };
  if (Array.isArray(value)) {
    if (key in TYPED && value.every((x) => typeof x === 'number' || x === null)) {
      return { $typed: TYPED[key], data: value.map((x) => (x === null ? 0 : x)) };
    }
    return value.map((v) => convert(v, ''));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v, k)]));
  }
  return value;
}

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node test/webview/record-fixture.mjs <events.jsonl> <fixture.json>');
  process.exit(2);
}
const events = readFileSync(input, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line))
  // Debug logs carry nothing the views draw.
  .filter((e) => !(e.type === 'log' && e.level === 'debug'))
  .map((e) => convert(e, ''));
writeFileSync(output, JSON.stringify(events));
console.log(`${events.length} events -> ${output}`);
