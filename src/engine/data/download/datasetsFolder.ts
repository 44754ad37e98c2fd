// Where downloaded data sets live: SELECTIVITY_LENS_DATASETS, else the platform's per-user cache folder.
import * as os from 'node:os';
import * as path from 'node:path';
import { WORKER_ENV } from '../../../protocol/workerEnv';

export const DATASETS_ENV = WORKER_ENV.datasets;

export function datasetsFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  const chosen = env[DATASETS_ENV]?.trim();
  if (chosen) return path.resolve(chosen);
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'selectivity-lens', 'datasets');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'selectivity-lens', 'datasets');
  return path.join(env.XDG_CACHE_HOME?.trim() || path.join(home, '.cache'), 'selectivity-lens', 'datasets');
}
