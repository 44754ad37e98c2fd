// The extension/package root (the folder with package.json "selectivity-lens"), found from this compiled file,
// so that schemas/ and dist/ resolve the same from out/, tests and the packaged extension.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'selectivity-lens') return (root = dir);
      } catch {
        /* keep looking */
      }
    }
    if (path.dirname(dir) === dir) throw new Error('selectivity-lens package root not found');
  }
}
