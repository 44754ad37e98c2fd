// What every format loader provides: a cheap description (checked paths, cache key) and the costly decode.
import type { DataConfig } from '../../protocol/config';
import type { DecodedDataset } from './splits';

export interface DataSource {
  /** Human name of the data set, e.g. "CIFAR-10 at /data/cifar-10-batches-bin". */
  name: string;
  /**
   * Everything the decoded result depends on (absolute paths, sizes, mtimes, options). Image formats apply
   * trainLimit/testLimit before decoding (so they are in the key); others are limited after the cache.
   */
  key: unknown;
  decode(): Promise<DecodedDataset>;
}

export interface SourceContext {
  cfg: DataConfig;
  /** Absolute data path (config's data.path resolved against the config folder); undefined when not needed. */
  root?: string;
  log: (m: string) => void;
}
