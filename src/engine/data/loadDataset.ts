// Entry point of the data room: resolve the config, use the cache or decode, apply limits and normalisation.
import * as path from 'node:path';
import type { DataConfig } from '../../protocol/config';
import type { Dataset } from '../contracts';
import { EngineError } from '../errors';
import { cacheFile, cacheKey, readCache, writeCache } from './cache';
import { resolveClassNames } from './classNames';
import { cifar100Source, cifar10Source } from './cifar';
import { fetchDataset, type DownloadReport } from './download/fetchDataset';
import { idxSource } from './idx';
import { imageFolderSource } from './imageFolder';
import { embeddedMnistSource } from './mnistEmbedded';
import { tinyImagenetSource } from './tinyImagenet';
import { resolveNormalization } from './normalize';
import { checkDecodedDataset } from './sanity';
import type { DataSource, SourceContext } from './source';
import { pickSamples, sampleBytes, type DecodedDataset } from './splits';
import { checkLimit, limitIndices, TEST_LIMIT_SEED, TRAIN_LIMIT_SEED } from './subsample';

export interface LoadDatasetOptions {
  /** Folder of the config file; a relative data.path is resolved against it. */
  baseDir: string;
  /** Where decoded data is cached (data.cacheDir, when set, wins). */
  cacheDir: string;
  /** Run seed. The data content deliberately does not depend on it, so runs of different seeds share splits. */
  seed?: number;
  log?: (m: string) => void;
  /** Bytes of a data.download as they arrive. */
  onDownload?: (p: DownloadReport) => void;
}

type SourceFactory = (ctx: SourceContext) => Promise<DataSource>;

const SOURCES: Record<string, SourceFactory> = {
  'mnist-embedded': embeddedMnistSource,
  idx: idxSource,
  cifar10: cifar10Source,
  cifar100: cifar100Source,
  'tiny-imagenet': tinyImagenetSource,
  'image-folder': imageFolderSource,
};

export async function loadDataset(cfg: DataConfig, opts: LoadDatasetOptions): Promise<Dataset> {
  const log = opts.log ?? (() => undefined);
  const factory = SOURCES[cfg.format];
  if (!factory) {
    throw new EngineError(
      'CONFIG_INVALID',
      `data.format "${String(cfg.format)}" is not supported; use one of: ${Object.keys(SOURCES).join(', ')}.`,
      { field: 'data.format' },
    );
  }
  const trainLimit = checkLimit(cfg.trainLimit, 'data.trainLimit');
  const testLimit = checkLimit(cfg.testLimit, 'data.testLimit');
  let root: string | undefined;
  if (cfg.format !== 'mnist-embedded') {
    const hasPath = typeof cfg.path === 'string' && cfg.path.trim() !== '';
    if (!hasPath && cfg.download !== true) {
      throw new EngineError('CONFIG_INVALID', `data.path is required for data.format "${cfg.format}": the folder holding the data set.`, {
        field: 'data.path',
      });
    }
    if (hasPath) root = path.resolve(opts.baseDir, cfg.path!);
  }
  const source = cfg.download === true ? await downloadedSource(factory, cfg, root, opts, log) : await factory({ cfg, root, log });
  const key = cacheKey({ format: cfg.format, source: source.key });
  const cacheDir = cfg.cacheDir ? path.resolve(opts.baseDir, cfg.cacheDir) : opts.cacheDir;
  const file = cacheFile(cacheDir, cfg.format, key);

  let decoded = await readCache(file, key);
  if (decoded) {
    log(`Data: ${decoded.name} read from cache ${file}`);
  } else {
    const t0 = Date.now();
    log(`Data: decoding ${source.name} ...`);
    decoded = await source.decode();
    log(`Data: decoded ${decoded.train.n} training and ${decoded.test.n} held-out samples in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    try {
      await writeCache(file, key, decoded);
    } catch (e) {
      // A read-only or full disk only costs speed next time.
      log(`Data: could not write cache ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  checkDecodedDataset(decoded);
  const classNames = resolveClassNames(cfg, opts.baseDir, decoded.classNames);
  return finishDataset({ ...decoded, classNames }, cfg, trainLimit, testLimit);
}

/** data.path when it already holds the data set, else the downloaded copy (fetched first when needed). */
async function downloadedSource(
  factory: SourceFactory,
  cfg: DataConfig,
  root: string | undefined,
  opts: LoadDatasetOptions,
  log: (m: string) => void,
): Promise<DataSource> {
  if (root !== undefined) {
    try {
      return await factory({ cfg, root, log });
    } catch (e) {
      // Damaged data at data.path is the user's to fix; only absent data is downloaded.
      if (!(e instanceof EngineError) || e.code !== 'DATA_MISSING') throw e;
      log(`Data: no ${cfg.format} data at ${root}; data.download is on, so the downloaded copy is used.`);
    }
  }
  const downloaded = await fetchDataset(cfg.format, { log, onProgress: opts.onDownload });
  return factory({ cfg, root: downloaded, log });
}

/** Apply trainLimit/testLimit and attach normalisation statistics. */
function finishDataset(d: DecodedDataset, cfg: DataConfig, trainLimit?: number, testLimit?: number): Dataset {
  const per = sampleBytes(d.shape);
  const train = pickSamples(d.train, limitIndices(d.train.labels, trainLimit, TRAIN_LIMIT_SEED), per);
  const test = pickSamples(d.test, limitIndices(d.test.labels, testLimit, TEST_LIMIT_SEED), per);
  const { mean, std } = resolveNormalization(cfg, train, d.shape[2]);
  return { name: d.name, classNames: d.classNames, shape: d.shape, train, test, mean, std };
}
