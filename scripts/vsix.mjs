// Packages platform-specific VSIX files. The npm package `webgpu` carries Dawn for five platforms (about
// 130 MB); each VSIX holds only its own platform's dawn.node (20 MB), chosen by an ignore file written from
// .vscodeignore plus the other platforms' folders. `npm start` packages for this machine; `npm run package`
// too, or for named targets: `node scripts/vsix.mjs linux-x64 darwin-arm64 ...`, or `--all`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** vsce targets and the folder of node_modules/webgpu/dist each needs. */
export const DAWN_FOLDERS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'darwin-x64': 'darwin-universal',
  'darwin-arm64': 'darwin-universal',
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
};

/** The vsce target of this machine. */
export function hostTarget() {
  const target = `${process.platform}-${process.arch}`;
  if (!(target in DAWN_FOLDERS)) throw new Error(`no VSIX target for ${target} (targets: ${Object.keys(DAWN_FOLDERS).join(', ')})`);
  return target;
}

/** Writes the ignore file of one target: .vscodeignore, then every Dawn binary but the target's. */
export function ignoreFileFor(target) {
  const folder = DAWN_FOLDERS[target];
  if (!folder) throw new Error(`unknown target ${target} (targets: ${Object.keys(DAWN_FOLDERS).join(', ')})`);
  const lines = [
    readFileSync(join(root, '.vscodeignore'), 'utf8'),
    `# ${target}: Dawn for this platform only.`,
    'node_modules/webgpu/dist/**',
    `!node_modules/webgpu/dist/${folder}/**`,
    '',
  ];
  const file = join(root, '.cache', 'vsix', `vscodeignore-${target}`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.join('\n'));
  return file;
}

/**
 * vsce package for one target, tried twice (it fails when a file changes while zipping, e.g. a build running
 * alongside). Returns { ok, output }.
 */
export function packageTarget(target, out) {
  const vsce = join(root, 'node_modules', '.bin', 'vsce');
  const args = ['package', '--allow-missing-repository', '--skip-license', '--target', target, '--ignoreFile', ignoreFileFor(target), '--out', out];
  let output = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const result = spawnSync(vsce, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status === 0) return { ok: true, output };
  }
  return { ok: false, output };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const targets = args.includes('--all') ? Object.keys(DAWN_FOLDERS) : args.length ? args : [hostTarget()];
  let failed = false;
  for (const target of targets) {
    const out = join(root, `selectivity-lens-${target}.vsix`);
    const { ok, output } = packageTarget(target, out);
    if (!ok) {
      process.stderr.write(output);
      console.error(`vsix: packaging ${target} failed`);
      failed = true;
    } else console.log(`vsix: ${out}`);
  }
  process.exit(failed ? 1 : 0);
}
