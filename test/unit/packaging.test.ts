// Both packages keep building: the VSIX (vsce, listed by .vscodeignore) and the npm package for cluster nodes
// (npm pack, listed by .npmignore). vsce refuses to package when package.json has a "files" list beside a
// .vscodeignore, which once broke every end-to-end test at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { REPO_ROOT } from '../repoRoot';

test('package.json has no "files" list beside .vscodeignore (vsce refuses both)', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.ok(existsSync(path.join(REPO_ROOT, '.vscodeignore')));
  assert.equal('files' in pkg, false);
});

test('npm pack ships the CLI, the engine and the bundles, and no sources or tests', { skip: !existsSync(path.join(REPO_ROOT, 'out', 'src', 'cli.js')) && 'not built' }, () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const [packed] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  const files = new Set(packed.files.map((f) => f.path));
  for (const needed of ['package.json', 'bin/selectivity-lens', 'out/src/cli.js', 'out/src/engine/worker.js', 'dist/figures.js', 'schemas/sweep.schema.json', 'README.md']) {
    assert.ok(files.has(needed), `npm pack leaves out ${needed}`);
  }
  const stray = [...files].filter((f) => /^(src|test|webview|scripts|bench|out\/test|out\/bench|node_modules)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'));
  assert.deepEqual(stray, []);
});

test('a platform VSIX keeps only its own Dawn binary: the ignore file drops the other platforms', async () => {
  const vsix = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'vsix.mjs')).href)) as {
    ignoreFileFor(target: string): string;
    DAWN_FOLDERS: Record<string, string>;
  };
  const lines = readFileSync(vsix.ignoreFileFor('darwin-arm64'), 'utf8').split('\n');
  assert.ok(lines.includes('src/**'), 'starts from .vscodeignore');
  assert.equal(lines.at(-3), 'node_modules/webgpu/dist/**');
  assert.equal(lines.at(-2), '!node_modules/webgpu/dist/darwin-universal/**');
  const dawnDirs = readdirSync(path.join(REPO_ROOT, 'node_modules', 'webgpu', 'dist'));
  for (const folder of new Set(Object.values(vsix.DAWN_FOLDERS))) assert.ok(dawnDirs.includes(folder), `webgpu ships dist/${folder}`);
});
