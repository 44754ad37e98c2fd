// Whole-file writes that are never seen half-done: write a sibling temporary file, then rename over the target.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toWireJson } from '../../protocol/wire';
import { crashPoint } from './crashHook';

let counter = 0;

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${counter++}`);
  try {
    await fs.promises.writeFile(tmp, data);
    crashPoint('atomic-rename');
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** JSON in wire form (NaN as null, typed arrays as lists), indented for people. */
export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, toWireJson(value, { indent: 2 }) + '\n');
}

/** The same, synchronously (small index files written between steps of a sweep, a resume's repairs). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${counter++}`);
  try {
    fs.writeFileSync(tmp, data);
    crashPoint('atomic-rename');
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomicSync(file: string, value: unknown): void {
  writeFileAtomicSync(file, toWireJson(value, { indent: 2 }) + '\n');
}

/** Whether `name` is the temporary file of an interrupted writeFileAtomic. */
export function isAtomicLeftover(name: string): boolean {
  return /^\..+\.tmp-\d+-\d+$/.test(name);
}
