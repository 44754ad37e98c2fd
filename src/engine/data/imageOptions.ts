// Options shared by the image-file formats.
import type { DataConfig } from '../../protocol/config';
import { EngineError } from '../errors';
import { checkLimit } from './subsample';

export function imageSizeOf(cfg: DataConfig, fallback: number): number {
  const s = cfg.imageSize ?? fallback;
  if (!Number.isInteger(s) || s < 4 || s > 1024) {
    throw new EngineError('CONFIG_INVALID', `data.imageSize must be a whole number of pixels between 4 and 1024 (got ${JSON.stringify(s)}).`, {
      field: 'data.imageSize',
    });
  }
  return s;
}

export function limitsOf(cfg: DataConfig): { trainLimit?: number; testLimit?: number } {
  return { trainLimit: checkLimit(cfg.trainLimit, 'data.trainLimit'), testLimit: checkLimit(cfg.testLimit, 'data.testLimit') };
}
