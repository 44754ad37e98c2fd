// A tiny real run folder for the analysis tests: `selectivity-lens train` on a slice of the embedded MNIST
// (wasm backend, one short epoch), optionally followed by real analysis commands that write its analyses/.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../repoRoot';

const bin = path.join(REPO_ROOT, 'bin', 'selectivity-lens');

/** Runs the CLI in `cwd`; throws with its stderr when it fails. */
export function runCli(cwd: string, args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SELECTIVITY_LENS_DEBUG: '' }, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`selectivity-lens ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Trains a tiny run named `name` under `root`/runs and returns its folder. */
export function trainTinyRun(root: string, name: string, seed = 3): string {
  const config = {
    kind: 'run',
    name,
    model: { name: 'small-cnn' },
    data: { format: 'mnist-embedded', trainLimit: 600, testLimit: 120, cacheDir: path.join(root, '.cache') },
    train: { epochs: 1, batchSize: 32, lr: 0.05, maxBatchesPerEpoch: 15, seed },
    selectivity: { alpha: 0 },
  };
  const file = path.join(root, `${name}.selectivity.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  const before = new Set(fs.existsSync(path.join(root, 'runs')) ? fs.readdirSync(path.join(root, 'runs')) : []);
  runCli(root, ['train', file, '--runs-dir', 'runs', '--backend', 'wasm']);
  const made = fs.readdirSync(path.join(root, 'runs')).find((d) => !before.has(d));
  if (!made) throw new Error(`training ${name} made no run folder`);
  return path.join(root, 'runs', made);
}

export function tempRoot(prefix: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}
