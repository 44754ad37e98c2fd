// The repository root, for tests that read its files (examples, package.json) or start its built entry points;
// this file compiles to out/test/repoRoot.js, two levels below the root.
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
