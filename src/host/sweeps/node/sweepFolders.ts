// Finds sweep folders (<runsFolder>/<name>/sweep.json) for the Runs tree. Plain Node: no vscode.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SWEEP_FILES, type SweepIndex } from '../../../protocol/sweep';

export async function readSweepFolders(runsFolder: string): Promise<Array<{ dir: string; index: SweepIndex }>> {
  let names: string[];
  try {
    names = await fs.readdir(runsFolder);
  } catch {
    return [];
  }
  const out: Array<{ dir: string; index: SweepIndex }> = [];
  for (const name of names.sort()) {
    const dir = path.join(runsFolder, name);
    try {
      const index = JSON.parse(await fs.readFile(path.join(dir, SWEEP_FILES.index), 'utf8')) as SweepIndex;
      if (index?.kind === 'sweep' && Array.isArray(index.runs)) out.push({ dir, index });
    } catch {
      // not a sweep folder
    }
  }
  return out;
}
