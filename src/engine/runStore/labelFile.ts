// label.json, the user's name and tags for a run (Rename Run..., Tag Run...). A file of its own: the engine
// rewrites meta.json on resume and never touches this one, so a run being trained can be renamed too.
import * as path from 'node:path';
import { normalizeRunLabel } from '../../protocol/runName';
import { RUN_FILES, type RunLabel } from '../../protocol/runStore';
import { writeJsonAtomic } from './atomicFile';

/** Writes the run's label atomically (a reader sees the old file or the new one) and returns what was stored. */
export async function writeRunLabel(dir: string, label: { label?: string; tags?: readonly string[] }, configName?: string): Promise<RunLabel> {
  const stored = normalizeRunLabel(label, configName);
  await writeJsonAtomic(path.join(dir, RUN_FILES.label), stored);
  return stored;
}
