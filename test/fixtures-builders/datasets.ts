// Builders of small, real data-set files on disk (IDX, CIFAR-10/100 binary, Tiny ImageNet, image folders),
// for data, CLI and end-to-end tests. Pixel contents are a known function of the label, so tests can check
// that every image arrives with its own label.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export async function makeTempDir(prefix = 'sl-data-fixture-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A clearly distinct colour per class (survives JPEG compression and resizing). */
export function classColour(label: number): [number, number, number] {
  return [(label * 71 + 20) % 256, (label * 137 + 90) % 256, (label * 193 + 160) % 256];
}

/** Labels 0..classes-1 repeated, so every class is present when count >= classes. */
export function cyclicLabels(count: number, classes: number): number[] {
  return Array.from({ length: count }, (_, i) => i % classes);
}

// ---------- IDX (MNIST format) ----------

/** Grey value of every pixel of an IDX fixture image: a function of the label (and sample index in pixel 0). */
export function idxPixel(label: number, index: number, p: number): number {
  return p === 0 ? index % 256 : label * 25;
}

function idxBuffer(ndims: 1 | 3, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * ndims);
  head[2] = 0x08;
  head[3] = ndims;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

export interface IdxFixtureOptions {
  trainCount?: number;
  testCount?: number;
  rows?: number;
  cols?: number;
  classes?: number;
  gzip?: boolean;
}

/** Writes train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (.gz when asked). */
export async function writeIdxDataset(dir: string, o: IdxFixtureOptions = {}): Promise<{ trainLabels: number[]; testLabels: number[]; files: string[] }> {
  const { trainCount = 60, testCount = 20, rows = 8, cols = 8, classes = 10, gzip = false } = o;
  await fs.mkdir(dir, { recursive: true });
  const files: string[] = [];
  const write = async (name: string, buf: Buffer) => {
    const file = path.join(dir, gzip ? `${name}.gz` : name);
    await fs.writeFile(file, gzip ? zlib.gzipSync(buf) : buf);
    files.push(file);
  };
  const out = { trainLabels: cyclicLabels(trainCount, classes), testLabels: cyclicLabels(testCount, classes).reverse() };
  for (const [stem, labels] of [
    ['train', out.trainLabels],
    ['t10k', out.testLabels],
  ] as const) {
    const per = rows * cols;
    const images = new Uint8Array(labels.length * per);
    labels.forEach((l, i) => {
      for (let p = 0; p < per; p++) images[i * per + p] = idxPixel(l, i, p);
    });
    await write(`${stem}-images-idx3-ubyte`, idxBuffer(3, [labels.length, rows, cols], images));
    await write(`${stem}-labels-idx1-ubyte`, idxBuffer(1, [labels.length], Uint8Array.from(labels)));
  }
  return { ...out, files };
}

// ---------- CIFAR-10 / CIFAR-100 binary ----------

/** Value of channel `ch` (0 R, 1 G, 2 B) at pixel p (0..1023) of a CIFAR fixture record. */
export function cifarPixel(label: number, index: number, ch: number, p: number): number {
  if (p === 0) return (index + ch) % 256;
  return classColour(label)[ch];
}

function cifarRecords(labels: number[], labelBytes: 1 | 2, firstIndex: number): Buffer {
  const record = labelBytes + 3072;
  const buf = Buffer.alloc(labels.length * record);
  labels.forEach((l, i) => {
    const r = i * record;
    if (labelBytes === 2) buf[r] = l % 20; // coarse label (unused)
    buf[r + labelBytes - 1] = l;
    for (let ch = 0; ch < 3; ch++) {
      for (let p = 0; p < 1024; p++) buf[r + labelBytes + ch * 1024 + p] = cifarPixel(l, firstIndex + i, ch, p);
    }
  });
  return buf;
}

export interface CifarFixture {
  /** The folder holding the .bin files (cifar-10-batches-bin / cifar-100-binary). */
  dataDir: string;
  trainLabels: number[];
  testLabels: number[];
  classNames: string[];
}

/** A CIFAR-10 binary tree under `parent`/cifar-10-batches-bin with `perBatch` records in each of the 5 training batches. */
export async function writeCifar10(parent: string, o: { perBatch?: number; testCount?: number; withNames?: boolean } = {}): Promise<CifarFixture> {
  const { perBatch = 6, testCount = 10, withNames = true } = o;
  const dataDir = path.join(parent, 'cifar-10-batches-bin');
  await fs.mkdir(dataDir, { recursive: true });
  const classNames = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  const trainLabels: number[] = [];
  for (let b = 1; b <= 5; b++) {
    const labels = Array.from({ length: perBatch }, (_, i) => (trainLabels.length + i) % 10);
    await fs.writeFile(path.join(dataDir, `data_batch_${b}.bin`), cifarRecords(labels, 1, trainLabels.length));
    trainLabels.push(...labels);
  }
  const testLabels = cyclicLabels(testCount, 10);
  await fs.writeFile(path.join(dataDir, 'test_batch.bin'), cifarRecords(testLabels, 1, 0));
  if (withNames) await fs.writeFile(path.join(dataDir, 'batches.meta.txt'), classNames.join('\n') + '\n\n');
  return { dataDir, trainLabels, testLabels, classNames };
}

/** A CIFAR-100 binary tree under `parent`/cifar-100-binary (fine labels cycle over all 100 classes). */
export async function writeCifar100(parent: string, o: { trainCount?: number; testCount?: number } = {}): Promise<CifarFixture> {
  const { trainCount = 120, testCount = 30 } = o;
  const dataDir = path.join(parent, 'cifar-100-binary');
  await fs.mkdir(dataDir, { recursive: true });
  const classNames = Array.from({ length: 100 }, (_, i) => `fine_${i}`);
  const trainLabels = cyclicLabels(trainCount, 100);
  const testLabels = cyclicLabels(testCount, 100).reverse();
  await fs.writeFile(path.join(dataDir, 'train.bin'), cifarRecords(trainLabels, 2, 0));
  await fs.writeFile(path.join(dataDir, 'test.bin'), cifarRecords(testLabels, 2, 0));
  await fs.writeFile(path.join(dataDir, 'fine_label_names.txt'), classNames.join('\n') + '\n');
  await fs.writeFile(path.join(dataDir, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `coarse_${i}`).join('\n'));
  return { dataDir, trainLabels, testLabels, classNames };
}

// ---------- images ----------

/** A size x size RGBA image of the class colour with a small index-dependent mark in the corner. */
export function classImage(label: number, index: number, width: number, height = width): Uint8Array {
  const [r, g, b] = classColour(label);
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data.set([r, g, b, 255], p * 4);
  }
  data[0] = index % 256;
  return data;
}

export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const png = new PNG({ width, height });
  Buffer.from(rgba.buffer, rgba.byteOffset, rgba.length).copy(png.data);
  return PNG.sync.write(png);
}

export function encodeJpeg(width: number, height: number, rgba: Uint8Array, quality = 95): Buffer {
  return jpeg.encode({ data: Buffer.from(rgba.buffer, rgba.byteOffset, rgba.length), width, height }, quality).data;
}

export interface TinyImagenetFixture {
  /** The tiny-imagenet-200 folder. */
  dataDir: string;
  wnids: string[];
  classNames: string[];
  trainCount: number;
  valLabels: number[];
}

/** A Tiny ImageNet tree under `parent`/tiny-imagenet-200 with small JPEGs written by jpeg-js. */
export async function writeTinyImagenet(
  parent: string,
  o: { classes?: number; perClassTrain?: number; perClassVal?: number; size?: number } = {},
): Promise<TinyImagenetFixture> {
  const { classes = 3, perClassTrain = 4, perClassVal = 2, size = 16 } = o;
  const dataDir = path.join(parent, 'tiny-imagenet-200');
  const wnids = Array.from({ length: classes }, (_, i) => `n0${1440000 + i * 7}`);
  const classNames = wnids.map((_, i) => `thing${i}`);
  await fs.mkdir(path.join(dataDir, 'val', 'images'), { recursive: true });
  await fs.mkdir(path.join(dataDir, 'test', 'images'), { recursive: true });
  await fs.writeFile(path.join(dataDir, 'wnids.txt'), wnids.join('\n') + '\n');
  // words.txt lists more wnids than wnids.txt, as the real file does.
  const words = [...wnids.map((w, i) => `${w}\t${classNames[i]}, other name ${i}`), 'n09999999\tunused, thing'];
  await fs.writeFile(path.join(dataDir, 'words.txt'), words.join('\n') + '\n');
  for (const [label, wnid] of wnids.entries()) {
    const dir = path.join(dataDir, 'train', wnid, 'images');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dataDir, 'train', wnid, `${wnid}_boxes.txt`), '');
    for (let i = 0; i < perClassTrain; i++) {
      await fs.writeFile(path.join(dir, `${wnid}_${i}.JPEG`), encodeJpeg(size, size, classImage(label, i, size)));
    }
  }
  const valLabels: number[] = [];
  const annotations: string[] = [];
  for (let i = 0; i < classes * perClassVal; i++) {
    const label = (i * 2 + 1) % classes;
    valLabels.push(label);
    await fs.writeFile(path.join(dataDir, 'val', 'images', `val_${i}.JPEG`), encodeJpeg(size, size, classImage(label, i, size)));
    annotations.push(`val_${i}.JPEG\t${wnids[label]}\t0\t0\t${size - 1}\t${size - 1}`);
  }
  await fs.writeFile(path.join(dataDir, 'val', 'val_annotations.txt'), annotations.join('\n') + '\n');
  return { dataDir, wnids, classNames, trainCount: classes * perClassTrain, valLabels };
}

export interface ImageFolderFixture {
  root: string;
  classNames: string[];
  files: { file: string; label: number; split?: 'train' | 'test' }[];
}

/**
 * One sub-folder of images per class (alternating PNG and JPEG, `size` pixels, sizes varied to exercise resizing);
 * with `split`, under train/ and test/ sub-folders.
 */
export async function writeImageFolder(
  root: string,
  o: { classNames?: string[]; perClass?: number; split?: { testPerClass: number }; size?: number } = {},
): Promise<ImageFolderFixture> {
  const { classNames = ['cat', 'dog', 'frog'], perClass = 6, split, size = 20 } = o;
  const files: ImageFolderFixture['files'] = [];
  const writeClass = async (dir: string, label: number, count: number, splitName?: 'train' | 'test') => {
    await fs.mkdir(dir, { recursive: true });
    for (let i = 0; i < count; i++) {
      const w = size + (i % 3) * 7; // non-square, non-target sizes
      const h = size + ((i + 1) % 2) * 5;
      const rgba = classImage(label, i, w, h);
      const png = i % 2 === 0;
      const file = path.join(dir, `img_${i}.${png ? 'png' : 'jpg'}`);
      await fs.writeFile(file, png ? encodePng(w, h, rgba) : encodeJpeg(w, h, rgba));
      files.push({ file, label, split: splitName });
    }
    await fs.writeFile(path.join(dir, 'notes.txt'), 'not an image');
  };
  for (const [label, cls] of classNames.entries()) {
    if (split) {
      await writeClass(path.join(root, 'train', cls), label, perClass, 'train');
      await writeClass(path.join(root, 'test', cls), label, split.testPerClass, 'test');
    } else {
      await writeClass(path.join(root, cls), label, perClass);
    }
  }
  return { root, classNames, files };
}
