// MNIST-format IDX files (train/t10k images and labels, optionally gzipped), e.g. MNIST, Fashion-MNIST, KMNIST.
import * as path from 'node:path';
import type { DataSplit } from '../contracts';
import { dataCorrupt, findFile, requireDir, readMaybeGzip, stampFiles } from './files';
import type { DataSource, SourceContext } from './source';

const IDX_UBYTE = 0x08;

/** The accepted spellings of one IDX file: plain or gzipped, with "-idx3-ubyte" or ".idx3-ubyte". */
function candidates(dir: string, stem: string, dims: 1 | 3): string[] {
  const names = [`${stem}-idx${dims}-ubyte`, `${stem}.idx${dims}-ubyte`];
  return names.flatMap((n) => [path.join(dir, n), path.join(dir, `${n}.gz`)]);
}

/** Parse an IDX file of unsigned bytes with the given number of dimensions. */
export function parseIdx(buf: Buffer, file: string, ndims: 1 | 3): { dims: number[]; data: Uint8Array } {
  if (buf.length < 4 + 4 * ndims) throw dataCorrupt(file, `only ${buf.length} bytes, too short for an IDX header`);
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== IDX_UBYTE || buf[3] !== ndims) {
    const magic = buf.readUInt32BE(0).toString(16).padStart(8, '0');
    const want = (0x800 + ndims).toString(16).padStart(8, '0');
    throw dataCorrupt(file, `IDX magic number is 0x${magic}, expected 0x${want} (unsigned bytes, ${ndims} dimension${ndims > 1 ? 's' : ''})`);
  }
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(buf.readUInt32BE(4 + 4 * d));
  const expected = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndims;
  const have = buf.length - start;
  if (have !== expected) {
    throw dataCorrupt(file, `header promises ${dims.join(' x ')} = ${expected} bytes of data but the file holds ${have} (truncated?)`);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + start, expected) };
}

async function readIdxSplit(imagesFile: string, labelsFile: string): Promise<{ split: DataSplit; rows: number; cols: number }> {
  const img = parseIdx(await readMaybeGzip(imagesFile), imagesFile, 3);
  const lab = parseIdx(await readMaybeGzip(labelsFile), labelsFile, 1);
  const [n, rows, cols] = img.dims;
  if (lab.dims[0] !== n) throw dataCorrupt(labelsFile, `${lab.dims[0]} labels for ${n} images in ${imagesFile}`);
  return { split: { images: img.data, labels: Int32Array.from(lab.data), n }, rows, cols };
}

/**
 * IDX files carry no class count: the classes are 0..max label. A label far above the others (255 among 0-9)
 * would silently make a model of 256 classes, most of them empty, so the labels must number the classes
 * without gaps. Returns the largest label.
 */
function checkLabelsNumberClasses(files: Array<[string, Int32Array]>): number {
  let maxLabel = 0;
  let maxFile = files[0][0];
  for (const [file, labels] of files) {
    for (const l of labels) {
      if (l > maxLabel) {
        maxLabel = l;
        maxFile = file;
      }
    }
  }
  const seen = new Uint8Array(maxLabel + 1);
  for (const [, labels] of files) for (const l of labels) seen[l] = 1;
  const missing: number[] = [];
  for (let c = 0; c <= maxLabel; c++) if (!seen[c]) missing.push(c);
  if (missing.length > 0) {
    const list = missing.length > 6 ? `${missing.slice(0, 3).join(', ')}, ... ${missing.at(-1)} (${missing.length} classes)` : missing.join(', ');
    throw dataCorrupt(maxFile, `labels go up to ${maxLabel} but no sample has label ${list}; IDX labels must number the classes 0..K-1 without gaps`);
  }
  return maxLabel;
}

export async function idxSource(ctx: SourceContext): Promise<DataSource> {
  const dir = await requireDir(ctx.root!, 'IDX data folder');
  const files = {
    trainImages: await findFile(candidates(dir, 'train-images', 3), 'IDX training images'),
    trainLabels: await findFile(candidates(dir, 'train-labels', 1), 'IDX training labels'),
    testImages: await findFile(candidates(dir, 't10k-images', 3), 'IDX test images'),
    testLabels: await findFile(candidates(dir, 't10k-labels', 1), 'IDX test labels'),
  };
  const name = `IDX (MNIST format) at ${dir}`;
  return {
    name,
    key: await stampFiles(Object.values(files)),
    decode: async () => {
      const train = await readIdxSplit(files.trainImages, files.trainLabels);
      const test = await readIdxSplit(files.testImages, files.testLabels);
      if (train.rows !== test.rows || train.cols !== test.cols) {
        throw dataCorrupt(files.testImages, `images are ${test.rows}x${test.cols} but training images are ${train.rows}x${train.cols}`);
      }
      const maxLabel = checkLabelsNumberClasses([
        [files.trainLabels, train.split.labels],
        [files.testLabels, test.split.labels],
      ]);
      return {
        name,
        classNames: Array.from({ length: maxLabel + 1 }, (_, i) => String(i)),
        shape: [train.rows, train.cols, 1],
        train: train.split,
        test: test.split,
      };
    },
  };
}
