// esbuild bundles the webview without type checking; this keeps the browser code (and the protocol types it
// shares with the host) type-correct under webview/tsconfig.json (DOM lib, strict).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { it } from 'node:test';
import { ROOT } from './harness';

it('webview/ type-checks', () => {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', 'webview/tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc -p webview/tsconfig.json:\n${r.stdout}${r.stderr}`);
});
