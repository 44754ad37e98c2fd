// Sweeps on a real Slurm cluster (test/fixtures-builders/slurmCluster.ts: Debian's slurmctld and slurmd on this
// machine), driven through the real CLI: the same 4-run sweep gives the same results through Slurm as on the local
// pool; a task cancelled mid-run and one that reaches its time limit checkpoint and resume on the next `sweep`,
// completed runs are never submitted again; detach and attach again; Slurm refusing the array, no sbatch on PATH
// and a job that fails before the engine starts are one clear message each, and nothing finished is touched.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectSweepReport } from '../../../../../src/engine/report';
import { readMetrics } from '../../../../../src/engine/runStore';
import type { RunMeta } from '../../../../../src/protocol/events';
import type { SweepIndex } from '../../../../../src/protocol/sweep';
import { slurmUnavailable, startSlurmCluster, type SlurmCluster } from '../../../../fixtures-builders/slurmCluster';
import { REPO_ROOT } from '../../../../repoRoot';

const bin = path.join(REPO_ROOT, 'bin', 'selectivity-lens');
const skip = slurmUnavailable();
if (skip && process.env.CI) throw new Error(`Slurm tests cannot run on CI: ${skip}`);

const base = {
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded', trainLimit: 256, testLimit: 128 },
  train: { epochs: 3, batchSize: 32, lr: 0.01, maxBatchesPerEpoch: 2 },
  selectivity: { alpha: 0 },
  backend: 'wasm',
};

let cluster: SlurmCluster;
let root: string;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `selectivity-lens sweep ...` with the test cluster's SLURM_CONF; `env` replaces parts of the environment. */
function sweep(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> & { child: ReturnType<typeof spawn>; lines: string[] } {
  const child = spawn(process.execPath, [bin, 'sweep', ...args, '--no-report'], { cwd: root, env: { ...cluster.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    lines.push(...c.toString().split('\n').filter((l) => l.trim() !== ''));
  });
  const done = new Promise<Ran>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return Object.assign(done, { child, lines });
}

function writeSweep(name: string, executor: object, extra: object = {}): string {
  const file = path.join(root, `${name}.selectivity.json`);
  writeFileSync(file, JSON.stringify({ kind: 'sweep', name, base, alphas: [-1, 0], seeds: [0, 1], executor, ...extra }, null, 2));
  return file;
}

const index = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'sweep.json'), 'utf8')) as SweepIndex;
const submissions = (dir: string) => (JSON.parse(readFileSync(path.join(dir, 'slurm', 'submissions.json'), 'utf8')) as { submissions: Array<{ jobId: string; indices: number[] }> }).submissions;
const meta = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as RunMeta;
const slurmCommand = (cmd: string, args: string[]) => spawnSync(cmd, args, { env: cluster.env, encoding: 'utf8' });

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${cluster.logs()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('sweeps on a real Slurm cluster', { skip, timeout: 900_000 }, () => {
  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'sl-slurm-sweep-'));
    cluster = await startSlurmCluster();
  });
  after(async () => {
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('a 4-run sweep completes through Slurm with the same results as on the local pool', async () => {
    const slurm = await sweep([writeSweep('viaslurm', { kind: 'slurm', cpusPerTask: 1, throttle: 2, pollSeconds: 1 })]);
    assert.equal(slurm.code, 0, slurm.stderr);
    const local = await sweep([writeSweep('vialocal', { kind: 'local', parallel: 2 })]);
    assert.equal(local.code, 0, local.stderr);
    const dir = path.join(root, 'runs', 'viaslurm');
    assert.deepEqual(index(dir).runs.map((r) => r.status), ['completed', 'completed', 'completed', 'completed']);
    assert.equal(index(dir).executor, 'slurm');
    const [sub] = submissions(dir);
    assert.deepEqual(sub.indices, [0, 1, 2, 3], 'one array for all four runs');
    // The batch script is in the sweep folder for a person to read.
    const script = readFileSync(path.join(dir, 'slurm', 'sweep.sbatch'), 'utf8');
    assert.match(script, /#SBATCH --signal=B:TERM@300/);
    assert.match(script, /exec node .*cli\.js sweep-task .*viaslurm "\$SLURM_ARRAY_TASK_ID"/);
    const results = (d: string) => collectSweepReport(d).groups[0].runs.map((r) => [r.name, r.testAcc, r.networkSI]).sort();
    assert.deepEqual(results(dir), results(path.join(root, 'runs', 'vialocal')));
    assert.match(slurm.stderr, /queued +alpha=-1_seed=0 \[Slurm \d+_0 PENDING/);
  });

  it('a task cancelled mid-run is interrupted, then resumed from its checkpoint on the next sweep; completed runs are not submitted again', async () => {
    const file = writeSweep('cancelled', { kind: 'slurm', throttle: 2, pollSeconds: 1 }, { base: { ...base, train: { ...base.train, epochs: 40 } }, alphas: [0], seeds: [0, 1] });
    const dir = path.join(root, 'runs', 'cancelled');
    const first = sweep([file]);
    // Once run 1 has a checkpoint, cancel its task: Slurm sends SIGTERM, the engine checkpoints and stops.
    const runDir = path.join(dir, index(await until('the sweep folder', () => (existsSync(path.join(dir, 'sweep.json')) ? dir : undefined))).runs[1].dir);
    await until('a checkpoint of run 1', () => (existsSync(path.join(runDir, 'checkpoints', 'latest')) ? true : undefined));
    const jobId = submissions(dir)[0].jobId;
    assert.equal(slurmCommand('scancel', [`${jobId}_1`]).status, 0);
    const r1 = await first;
    assert.equal(r1.code, 1, 'not every run completed');
    const after1 = index(dir);
    assert.equal(after1.runs[0].status, 'completed');
    assert.equal(after1.runs[1].status, 'stopped', JSON.stringify(after1.runs[1]));
    assert.match(after1.runs[1].error ?? '', /was cancelled; it resumes from its last checkpoint/);
    assert.equal(after1.runs[1].scheduler?.state.split(' ')[0], 'CANCELLED');
    const checkpointed = meta(runDir);

    const second = await sweep([dir]);
    assert.equal(second.code, 0, second.stderr);
    const after2 = index(dir);
    assert.deepEqual(after2.runs.map((r) => r.status), ['completed', 'completed']);
    assert.deepEqual(submissions(dir).map((s) => s.indices), [[0, 1], [1]], 'only the interrupted run is submitted again');
    assert.ok((meta(runDir).resumedFromEpoch ?? 0) >= 1, 'resumed from its checkpoint, not started over');
    assert.equal(meta(runDir).startedAt, checkpointed.startedAt);
  });

  it('a task that reaches its time limit checkpoints, and resumes on the next submission', async () => {
    // Slurm may send the warning signal up to 60 s before the time asked for (its background check runs every
    // 30 s), so a 2-minute job told 30 s ahead gets it between 30 s and 90 s in: always after an epoch (a few tenths
    // of a second each), never after the run could end (100,000 epochs). Each submission therefore trains a while,
    // checkpoints at the signal and stops; the second must go on from the first one's checkpoint.
    const long = { ...base, train: { ...base.train, epochs: 100000 } };
    const file = writeSweep('timelimit', { kind: 'slurm', time: '2', signalSeconds: 30, pollSeconds: 2 }, { base: long, alphas: [0], seeds: [0] });
    const dir = path.join(root, 'runs', 'timelimit');
    const first = await sweep([file]);
    assert.equal(first.code, 1, first.stderr);
    const entry = index(dir).runs[0];
    assert.equal(entry.status, 'stopped', JSON.stringify(entry));
    const runDir = path.join(dir, entry.dir);
    assert.ok(existsSync(path.join(runDir, 'checkpoints', 'latest')), 'the time-limit signal left a checkpoint');
    const epochsAtStop = readMetrics(runDir).length;
    assert.ok(epochsAtStop >= 1, `the run trained for a while before its time limit (${epochsAtStop} epochs)`);
    const second = await sweep([file]);
    assert.equal(second.code, 1, second.stderr);
    assert.equal(index(dir).runs[0].status, 'stopped');
    assert.equal(meta(runDir).resumedFromEpoch, epochsAtStop, 'resumed from the checkpoint the time limit left');
    assert.ok(readMetrics(runDir).length > epochsAtStop, 'the second submission trained on from there');
    assert.equal(submissions(dir).length, 2);
    const log = readdirSync(path.join(dir, 'slurm', 'logs')).map((f) => readFileSync(path.join(dir, 'slurm', 'logs', f), 'utf8')).join('\n');
    assert.match(log, /SIGTERM/, 'the engine was told to stop by the time-limit signal');
  });

  it('--detach leaves the runs to Slurm; the next sweep of the folder follows them instead of submitting again', async () => {
    const file = writeSweep('detached', { kind: 'slurm', throttle: 1, pollSeconds: 1 }, { alphas: [0], seeds: [0, 1] });
    const dir = path.join(root, 'runs', 'detached');
    const first = await sweep([file, '--detach']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /detached: 2 runs go on under Slurm; `selectivity-lens sweep .*detached` follows them again, --cancel cancels them/);
    assert.equal(index(dir).state, 'running');
    assert.equal(submissions(dir).length, 1);
    const again = await sweep([dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(index(dir).runs.map((r) => r.status), ['completed', 'completed']);
    assert.equal(submissions(dir).length, 1, 'followed, not submitted twice');
  });

  it('Slurm refusing the array, no sbatch on PATH, and a job that fails before the engine starts: one clear message each', async () => {
    const bad = await sweep([writeSweep('badpartition', { kind: 'slurm', partition: 'nope' })]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /selectivity-lens: Slurm refused the sweep's job array: Invalid partition name specified \(check executor\.partition\)\./);
    const dir = path.join(root, 'runs', 'badpartition');
    assert.deepEqual(index(dir).runs.map((r) => r.status), ['stopped', 'stopped', 'stopped', 'stopped'], 'unfinished, resumable once the config is fixed');

    const emptyPath = mkdtempSync(path.join(os.tmpdir(), 'sl-no-slurm-'));
    const noSbatch = await sweep([writeSweep('nosbatch', { kind: 'slurm' })], { PATH: emptyPath });
    assert.equal(noSbatch.code, 2, noSbatch.stderr);
    assert.match(noSbatch.stderr, /selectivity-lens: sbatch is not on PATH, so the sweep cannot go to Slurm; .* set executor\.kind to "local"\./);

    const noNode = await sweep([writeSweep('nonode', { kind: 'slurm', node: '/no/such/node', pollSeconds: 1 }, { alphas: [0], seeds: [0] })]);
    assert.equal(noNode.code, 1, noNode.stderr);
    const entry = index(path.join(root, 'runs', 'nonode')).runs[0];
    assert.equal(entry.status, 'failed');
    assert.match(entry.error ?? '', /ended \(FAILED\) before the engine finished the run: .*\/no\/such\/node.* \(check executor\.setup and executor\.node\)/);
  });
});
