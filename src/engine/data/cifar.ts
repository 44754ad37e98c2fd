// CIFAR-10 and CIFAR-100 "binary version" files: fixed-size records of label byte(s) + 3072 planar RGB bytes.
import * as path from 'node:path';
import type { DataSplit } from '../contracts';
import { dataCorrupt, dataMissing, findFile, isFile, locateRoot, readLines, readMaybeGzip, requireDir, stampFiles } from './files';
import type { DataSource, SourceContext } from './source';
import { concatSplits } from './splits';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = PLANE * 3;

const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

interface CifarVariant {
  title: string;
  /** Folder the archive extracts to (accepted as a sub-folder of data.path). */
  extracted: string;
  trainFiles: string[];
  testFile: string;
  namesFile: string;
  /** Label bytes before the pixels; the label used is the last of them (CIFAR-100: fine label). */
  labelBytes: number;
  classes: number;
  fallbackNames: string[];
}

const CIFAR10: CifarVariant = {
  title: 'CIFAR-10',
  extracted: 'cifar-10-batches-bin',
  trainFiles: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
  testFile: 'test_batch.bin',
  namesFile: 'batches.meta.txt',
  labelBytes: 1,
  classes: 10,
  fallbackNames: CIFAR10_NAMES,
};

const CIFAR100: CifarVariant = {
  title: 'CIFAR-100',
  extracted: 'cifar-100-binary',
  trainFiles: ['train.bin'],
  testFile: 'test.bin',
  namesFile: 'fine_label_names.txt',
  labelBytes: 2,
  classes: 100,
  fallbackNames: Array.from({ length: 100 }, (_, i) => `class ${i}`),
};

/** Decode a file of CIFAR records into HWC uint8 pixels and labels. */
export function parseCifarRecords(buf: Buffer, file: string, v: CifarVariant): DataSplit {
  const record = v.labelBytes + PIXELS;
  if (buf.length === 0 || buf.length % record !== 0) {
    throw dataCorrupt(file, `size ${buf.length} bytes is not a whole number of ${record}-byte ${v.title} records (truncated?)`);
  }
  const n = buf.length / record;
  const images = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = i * record;
    const label = buf[r + v.labelBytes - 1];
    if (label >= v.classes) throw dataCorrupt(file, `record ${i} has label ${label}, but ${v.title} has ${v.classes} classes`);
    labels[i] = label;
    const src = r + v.labelBytes;
    const dst = i * PIXELS;
    // Planar R, G, B planes -> interleaved RGB pixels.
    for (let p = 0; p < PLANE; p++) {
      images[dst + 3 * p] = buf[src + p];
      images[dst + 3 * p + 1] = buf[src + PLANE + p];
      images[dst + 3 * p + 2] = buf[src + 2 * PLANE + p];
    }
  }
  return { images, labels, n };
}

function cifarSource(v: CifarVariant) {
  return async (ctx: SourceContext): Promise<DataSource> => {
    const root = await requireDir(ctx.root!, `${v.title} folder`);
    const dir = await locateRoot(root, [v.extracted], (d) => isFile(path.join(d, v.testFile)));
    if (!dir) {
      // Name the file we looked for in the folder the user most likely meant.
      const guess = (await isFile(path.join(root, v.extracted, v.trainFiles[0]))) ? path.join(root, v.extracted) : root;
      throw dataMissing(path.join(guess, v.testFile), `${v.title} test file`);
    }
    const trainFiles: string[] = [];
    for (const f of v.trainFiles) trainFiles.push(await findFile([path.join(dir, f)], `${v.title} training file`));
    const testFile = path.join(dir, v.testFile);
    const namesFile = path.join(dir, v.namesFile);
    const hasNames = await isFile(namesFile);
    const name = `${v.title} at ${dir}`;
    return {
      name,
      key: { files: await stampFiles([...trainFiles, testFile, ...(hasNames ? [namesFile] : [])]) },
      decode: async () => {
        const parts: DataSplit[] = [];
        for (const f of trainFiles) parts.push(parseCifarRecords(await readMaybeGzip(f), f, v));
        const train = concatSplits(parts, PIXELS);
        const test = parseCifarRecords(await readMaybeGzip(testFile), testFile, v);
        let classNames = v.fallbackNames;
        if (hasNames) {
          const lines = await readLines(namesFile);
          if (lines.length === v.classes) classNames = lines;
          else ctx.log(`Data: ${namesFile} lists ${lines.length} names, expected ${v.classes}; using default class names.`);
        } else {
          ctx.log(`Data: ${namesFile} not found; using default class names.`);
        }
        return { name, classNames, shape: [SIDE, SIDE, 3], train, test };
      },
    };
  };
}

export const cifar10Source = cifarSource(CIFAR10);
export const cifar100Source = cifarSource(CIFAR100);
export { CIFAR10, CIFAR100, type CifarVariant };
