// `selectivity-lens train` on a config with data.download, and `analyze --download`: the CLI (a real child process,
// no terminal) prints the download as periodic lines and where it put the data, then trains on it or analyses it.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, it } from 'node:test';
import { makeTempDir, writeCifar10 } from '../../../../fixtures-builders/datasets';
import { startArchiveServer, type ArchiveServer } from '../../../../fixtures-builders/archiveServer';
import { tarGzOf } from '../../../../fixtures-builders/datasetArchives';
import { REPO_ROOT } from '../../../../repoRoot';

let tmp: string;
let server: ArchiveServer;

before(async () => {
  tmp = await makeTempDir('sl-download-cli-');
  await writeCifar10(path.join(tmp, 'src'), { perBatch: 20, testCount: 20 });
  const archive = await tarGzOf(path.join(tmp, 'src'), 'cifar-10-batches-bin');
  server = await startArchiveServer({
    '/cifar-10-binary.tar.gz': archive,
    '/MD5SUMS': Buffer.from(`${createHash('md5').update(archive).digest('hex')}  cifar-10-binary.tar.gz\n`),
  });
});

after(async () => {
  await server.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'selectivity-lens'), ...args], {
    cwd: tmp,
    env: { ...process.env, SELECTIVITY_LENS_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, ...out })));
}

it('downloads CIFAR-10 from the mirror, prints progress lines and the folder, and trains on it', async () => {
  const config = path.join(tmp, 'cifar.selectivity.json');
  await fs.writeFile(
    config,
    JSON.stringify({
      name: 'cifar-download',
      model: { name: 'small-cnn' },
      data: { format: 'cifar10', download: true, trainLimit: 40, testLimit: 20 },
      train: { epochs: 1, batchSize: 20, lr: 0.05, maxBatchesPerEpoch: 2 },
      selectivity: { alpha: 0 },
      backend: 'wasm',
    }),
  );
  const datasets = path.join(tmp, 'datasets');
  const r = await cli(['train', config], { SELECTIVITY_LENS_DATA_MIRROR: server.url, SELECTIVITY_LENS_DATASETS: datasets });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n');
  assert.ok(lines.some((l) => /^downloading CIFAR-10: [\d.]+ \/ [\d.]+ MB \(100%\)$/.test(l)), r.stderr);
  const target = path.join(datasets, 'cifar10', 'cifar-10-batches-bin');
  assert.ok(lines.some((l) => l.includes(`unpacked into ${target}`)), r.stderr);
  assert.match(r.stdout, /^epoch +1 /m);
  assert.ok((await fs.stat(path.join(target, 'test_batch.bin'))).isFile());
});

it('analyze --download fetches the held-out data of a format named without a path, and analyses the trained run', async () => {
  const runsDir = path.join(tmp, 'runs');
  const [run] = (await fs.readdir(runsDir)).filter((n) => n.startsWith('cifar-download'));
  assert.ok(run, 'the first test trained a run');
  const datasets = path.join(tmp, 'datasets-analyze');
  const env = { SELECTIVITY_LENS_DATA_MIRROR: server.url, SELECTIVITY_LENS_DATASETS: datasets };
  const args = ['analyze', '--model', path.join(runsDir, run), '--data', 'cifar10', '--test-limit', '20', '--runs-dir', 'analyses', '--backend', 'wasm'];
  const without = await cli(args, env);
  assert.equal(without.code, 2, without.stderr);
  assert.equal(without.stderr, 'selectivity-lens: --data cifar10 names no folder: give cifar10:PATH, or add --download to fetch the official archive.\n');
  const r = await cli([...args, '--download'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stderr.split('\n').some((l) => l.includes(`unpacked into ${path.join(datasets, 'cifar10', 'cifar-10-batches-bin')}`)), r.stderr);
  assert.match(r.stdout, /completed: 1 epoch .* network SI [\d.]+/);
});
