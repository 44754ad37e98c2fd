// Tiny ImageNet (tiny-imagenet-200): train/<wnid>/images/*.JPEG, val/images + val/val_annotations.txt,
// wnids.txt (class order) and words.txt (class names: the first synonym). The labelled val set is the held-out set.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { dataCorrupt, dataMissing, findFile, isDir, isFile, locateRoot, readLines, requireDir, stampFiles } from './files';
import { IMAGE_EXTENSIONS } from './imageDecode';
import { decodeImageFiles, limitFiles, type LabelledFile } from './imageList';
import { imageSizeOf, limitsOf } from './imageOptions';
import type { DataSource, SourceContext } from './source';
import { TEST_LIMIT_SEED, TRAIN_LIMIT_SEED } from './subsample';

const NATIVE_SIZE = 64;

/** wnid -> first synonym from words.txt ("n01443537\tgoldfish, Carassius auratus"). */
async function readWords(file: string): Promise<Map<string, string>> {
  const words = new Map<string, string>();
  for (const line of await readLines(file)) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const first = line.slice(tab + 1).split(',')[0].trim();
    if (first) words.set(line.slice(0, tab).trim(), first);
  }
  return words;
}

export async function tinyImagenetSource(ctx: SourceContext): Promise<DataSource> {
  const root = ctx.root!;
  await requireDir(root, 'Tiny ImageNet folder');
  const dir = (await locateRoot(root, ['tiny-imagenet-200'], (d) => isFile(path.join(d, 'wnids.txt')))) ?? root;
  const wnidsFile = await findFile([path.join(dir, 'wnids.txt')], 'Tiny ImageNet class list');
  const wnids = await readLines(wnidsFile);
  if (wnids.length === 0) throw dataCorrupt(wnidsFile, 'it lists no classes');
  const classOf = new Map(wnids.map((w, i) => [w, i]));
  const wordsFile = path.join(dir, 'words.txt');
  const words = (await isFile(wordsFile)) ? await readWords(wordsFile) : new Map<string, string>();
  if (words.size === 0) ctx.log(`Data: ${wordsFile} not found or empty; class names are the WordNet ids.`);
  const classNames = wnids.map((w) => words.get(w) ?? w);

  const train: LabelledFile[] = [];
  for (const [label, wnid] of wnids.entries()) {
    const imagesDir = path.join(dir, 'train', wnid, 'images');
    if (!(await isDir(imagesDir))) throw dataMissing(imagesDir, `Tiny ImageNet training images of class ${wnid}`);
    const names = (await fs.readdir(imagesDir)).filter((n) => IMAGE_EXTENSIONS.test(n)).sort();
    for (const n of names) train.push({ file: path.join(imagesDir, n), label });
  }
  const annotations = await findFile([path.join(dir, 'val', 'val_annotations.txt')], 'Tiny ImageNet validation labels');
  const valImages = await requireDir(path.join(dir, 'val', 'images'), 'Tiny ImageNet validation images folder');
  const test: LabelledFile[] = [];
  for (const [i, line] of (await readLines(annotations)).entries()) {
    const [file, wnid] = line.split('\t');
    const label = classOf.get(wnid?.trim());
    if (!file || label === undefined) {
      throw dataCorrupt(annotations, `line ${i + 1} ("${line.slice(0, 60)}") does not name an image and a class listed in wnids.txt`);
    }
    test.push({ file: path.join(valImages, file.trim()), label });
  }

  const size = imageSizeOf(ctx.cfg, NATIVE_SIZE);
  const { trainLimit, testLimit } = limitsOf(ctx.cfg);
  const trainFiles = limitFiles(train, trainLimit, TRAIN_LIMIT_SEED);
  const testFiles = limitFiles(test, testLimit, TEST_LIMIT_SEED);
  const name = `Tiny ImageNet at ${dir}`;
  return {
    name,
    key: {
      size,
      trainLimit,
      testLimit,
      classNames,
      train: trainFiles.map((f) => f.label),
      test: testFiles.map((f) => f.label),
      files: await stampFiles([wnidsFile, annotations, ...trainFiles.map((f) => f.file), ...testFiles.map((f) => f.file)]).catch(() => {
        // stampFiles fails only when a listed image vanished; decoding will name it.
        return Date.now();
      }),
    },
    decode: async () => ({
      name,
      classNames,
      shape: [size, size, 3],
      train: await decodeImageFiles(trainFiles, size, ctx.log, 'training'),
      test: await decodeImageFiles(testFiles, size, ctx.log, 'validation'),
    }),
  };
}
