// Entry point of the data room: resolve the config, use the cache or decode, apply limits and normalisation.
import * as path from 'node:path';
import type { DataConfig } from '../../protocol/config';
import type { Dataset } from '../contracts';
import { EngineError } from '../errors';
import { cacheFile, cacheKey, readCache, writeCache } from './cache';
import { embeddedMnistSource } from './mnistEmbedded';
import { resolveNormalization } from './normalize';
import type { DataSource, SourceContext } from './source';
import { pickSamples, sampleBytes, type DecodedDataset } from './splits';
import { checkLimit, limitIndices } from './subsample';

export interface LoadDatasetOptions {
  /** Folder of the config file; a relative data.path is resolved against it. */
  baseDir: string;
  /** Where decoded data is cached (data.cacheDir, when set, wins). */
  cacheDir: string;
  /** Run seed. The data content deliberately does not depend on it, so runs of different seeds share splits. */
  seed: number;
  log?: (m: string) => void;
}

/** Fixed seed for trainLimit/testLimit subsamples: the same limit picks the same samples in every run. */
export const LIMIT_SEED = 7151;

type SourceFactory = (ctx: SourceContext) => Promise<DataSource>;

const SOURCES: Record<string, SourceFactory> = {
  'mnist-embedded': embeddedMnistSource,
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
    if (typeof cfg.path !== 'string' || cfg.path.trim() === '') {
      throw new EngineError('CONFIG_INVALID', `data.path is required for data.format "${cfg.format}": the folder holding the data set.`, {
        field: 'data.path',
      });
    }
    root = path.resolve(opts.baseDir, cfg.path);
  }
  const source = await factory({ cfg, root, log });
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
  return finishDataset(decoded, cfg, trainLimit, testLimit);
}

/** Apply trainLimit/testLimit and attach normalisation statistics. */
function finishDataset(d: DecodedDataset, cfg: DataConfig, trainLimit?: number, testLimit?: number): Dataset {
  const per = sampleBytes(d.shape);
  const train = pickSamples(d.train, limitIndices(d.train.labels, trainLimit, LIMIT_SEED), per);
  const test = pickSamples(d.test, limitIndices(d.test.labels, testLimit, LIMIT_SEED + 1), per);
  if (train.n === 0) {
    throw new EngineError('DATA_CORRUPT', `${d.name} has no training samples.`, { field: 'data.path' });
  }
  const { mean, std } = resolveNormalization(cfg, train, d.shape[2]);
  return { name: d.name, classNames: d.classNames, shape: d.shape, train, test, mean, std };
}
