// Installs a real (tiny, local) package with the real npm: the same code path as @tensorflow/tfjs-node(-gpu),
// whose postinstall downloads libtensorflow and cannot run here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { installNativePackage, nativeDir, nativeInstalled, npmInstallArgs } from '../../../../../src/host/native/node/nativeInstall';

test('npm installs into the given folder only, output streamed, and the engine can resolve it there', { timeout: 120_000 }, async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sl-native-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pkgDir = path.join(root, 'fake-tfjs-node');
  mkdirSync(pkgDir);
  writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
  writeFileSync(path.join(pkgDir, 'index.js'), 'module.exports = { native: true };');
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', root], { cwd: pkgDir, encoding: 'utf8' }).trim().split('\n').pop()!;
  const dir = nativeDir(path.join(root, 'globalStorage'));
  const lines: string[] = [];
  await installNativePackage({ dir, pkg: path.join(root, tgz) as never, onLine: (l) => lines.push(l) });
  assert.ok(lines[0].startsWith('> npm install --prefix'), lines[0]);
  assert.equal(nativeInstalled(dir, '@tensorflow/tfjs-node'), true);
  // What the engine does with SELECTIVITY_LENS_NATIVE_DIR (src/engine/backend/native.ts): resolve from <dir>/node_modules.
  const req = createRequire(path.join(dir, '.anchor.js'));
  assert.deepEqual(req('@tensorflow/tfjs-node'), { native: true });
});

test('a failing install says so in one line', { timeout: 60_000 }, async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sl-native-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  await assert.rejects(
    installNativePackage({ dir: path.join(root, 'n'), pkg: path.join(root, 'missing.tgz') as never }),
    /npm install .*missing\.tgz failed \(exit code \d+\)/,
  );
  await assert.rejects(installNativePackage({ dir: path.join(root, 'n'), pkg: '@tensorflow/tfjs-node', npm: path.join(root, 'no-npm') }), /Could not run npm/);
});

test('npm arguments pin the folder and stay quiet', () => {
  assert.deepEqual(npmInstallArgs('/g/native', '@tensorflow/tfjs-node-gpu@4.22.0').slice(0, 3), ['install', '--prefix', '/g/native']);
});
