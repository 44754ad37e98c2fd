// A folder with one sub-folder of PNG/JPEG images per class. With train/ and test/ sub-folders those are the
// splits; otherwise a deterministic stratified split by data.testFraction.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { EngineError } from '../errors';
import { isDir, requireDir, stampFiles } from './files';
import { IMAGE_EXTENSIONS } from './imageDecode';
import { decodeImageFiles, limitFiles, type LabelledFile } from './imageList';
import { imageSizeOf, limitsOf } from './imageOptions';
import type { DataSource, SourceContext } from './source';
import { stratifiedSplit, TEST_LIMIT_SEED, testFractionOf, TRAIN_LIMIT_SEED } from './subsample';

/** Fixed so the held-out images are the same in every run. */
const FOLDER_SPLIT_SEED = 4242;

/** Visible sub-folders of `dir`, sorted. */
async function subfolders(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** Image files of each class folder under `dir`, labelled by position in `classNames`. */
async function listImages(dir: string, classNames: string[]): Promise<LabelledFile[]> {
  const out: LabelledFile[] = [];
  for (const [label, cls] of classNames.entries()) {
    const classDir = path.join(dir, cls);
    if (!(await isDir(classDir))) continue;
    const names = (await fs.readdir(classDir)).filter((n) => !n.startsWith('.') && IMAGE_EXTENSIONS.test(n)).sort();
    for (const n of names) out.push({ file: path.join(classDir, n), label });
  }
  return out;
}

export async function imageFolderSource(ctx: SourceContext): Promise<DataSource> {
  const root = await requireDir(ctx.root!, 'Image folder');
  const presplit = (await isDir(path.join(root, 'train'))) && (await isDir(path.join(root, 'test')));
  let classNames: string[];
  let train: LabelledFile[];
  let test: LabelledFile[];
  let testFraction: number | undefined;
  if (presplit) {
    const names = new Set([...(await subfolders(path.join(root, 'train'))), ...(await subfolders(path.join(root, 'test')))]);
    classNames = [...names].sort();
    train = await listImages(path.join(root, 'train'), classNames);
    test = await listImages(path.join(root, 'test'), classNames);
  } else {
    classNames = await subfolders(root);
    testFraction = testFractionOf(ctx.cfg);
    const all = await listImages(root, classNames);
    if (all.length < 2) {
      train = all;
      test = [];
    } else {
      const testCount = Math.min(all.length - 1, Math.max(1, Math.round(all.length * testFraction)));
      const split = stratifiedSplit(
        all.map((f) => f.label),
        testCount,
        FOLDER_SPLIT_SEED,
      );
      train = Array.from(split.train, (i) => all[i]);
      test = Array.from(split.test, (i) => all[i]);
    }
  }
  const where = presplit ? `${path.join(root, 'train')}${path.sep}<class>${path.sep}` : `${root}${path.sep}<class>${path.sep}`;
  if (classNames.length === 0 || train.length === 0) {
    throw new EngineError(
      'DATA_MISSING',
      `No training images found: expected PNG or JPEG files in one sub-folder per class, ${where}*.png (check data.path in the config).`,
      { file: root, field: 'data.path' },
    );
  }
  for (const [label, cls] of classNames.entries()) {
    if (!train.some((f) => f.label === label)) ctx.log(`Data: class "${cls}" has no training images.`);
  }

  const size = imageSizeOf(ctx.cfg, 32);
  const { trainLimit, testLimit } = limitsOf(ctx.cfg);
  const trainFiles = limitFiles(train, trainLimit, TRAIN_LIMIT_SEED);
  const testFiles = limitFiles(test, testLimit, TEST_LIMIT_SEED);
  const name = `Image folder ${root}`;
  return {
    name,
    key: {
      root,
      size,
      testFraction,
      classNames,
      train: trainFiles.map((f) => [f.label, path.relative(root, f.file)]),
      test: testFiles.map((f) => [f.label, path.relative(root, f.file)]),
      stamps: (await stampFiles([...trainFiles, ...testFiles].map((f) => f.file))).map((s) => [s.size, s.mtimeMs]),
    },
    decode: async () => ({
      name,
      classNames,
      shape: [size, size, 3],
      train: await decodeImageFiles(trainFiles, size, ctx.log, 'training'),
      test: await decodeImageFiles(testFiles, size, ctx.log, 'held-out'),
    }),
  };
}
