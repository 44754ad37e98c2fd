// Decoding a labelled list of image files into a split, with progress and without blocking the event loop.
import { promises as fs } from 'node:fs';
import type { DataSplit } from '../contracts';
import { dataMissing, yieldToEventLoop } from './files';
import { decodeImage, resizeToRgb } from './imageDecode';
import { limitIndices } from './subsample';

export interface LabelledFile {
  file: string;
  label: number;
}

/** Keep a deterministic class-stratified subsample of at most `limit` files (all when no limit). */
export function limitFiles(files: LabelledFile[], limit: number | undefined, seed: number): LabelledFile[] {
  const keep = limitIndices(
    files.map((f) => f.label),
    limit,
    seed,
  );
  return Array.from(keep, (i) => files[i]);
}

export async function decodeImageFiles(files: LabelledFile[], size: number, log: (m: string) => void, what: string): Promise<DataSplit> {
  const per = size * size * 3;
  const images = new Uint8Array(files.length * per);
  const labels = new Int32Array(files.length);
  const t0 = Date.now();
  for (let i = 0; i < files.length; i++) {
    const { file, label } = files[i];
    let buf: Buffer;
    try {
      buf = await fs.readFile(file);
    } catch {
      throw dataMissing(file, 'Image file');
    }
    resizeToRgb(decodeImage(buf, file), size, images, i * per);
    labels[i] = label;
    if (i % 64 === 63) await yieldToEventLoop();
    if (i % 5000 === 4999) log(`Data: decoded ${i + 1} / ${files.length} ${what} images (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  return { images, labels, n: files.length };
}
