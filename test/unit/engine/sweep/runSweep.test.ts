// A real sweep through the engine worker (small-cnn on embedded MNIST, a few batches), killed mid-way and
// restarted: completed runs are never retrained and keep their results, interrupted runs resume from their
// checkpoint, failed runs are retried only with --retry-failed.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { RunMeta } from '../../../../src/protocol/events';
import type { SweepIndex, SweepProcessEvent } from '../../../../src/protocol/sweep';
import { REPO_ROOT } from '../../../repoRoot';

const root = REPO_ROOT;
// The sweep command as the CLI registers it, in its own process (so it can be killed like a real one).
const CLI = `
const { Command } = require(${JSON.stringify(path.join(root, 'node_modules', 'commander'))});
const { registerSweepCommands } = require(${JSON.stringify(path.join(root, 'out', 'src', 'engine', 'sweep', 'cli.js'))});
const program = new Command('selectivity-lens'); registerSweepCommands(program); program.parseAsync(process.argv.slice(1), { from: 'user' });`;

const tinyBase = {
  model: { name: 'small-cnn' },
  data: { format: 'mnist-embedded', trainLimit: 256, testLimit: 128 },
  train: { epochs: 3, batchSize: 32, lr: 0.01, maxBatchesPerEpoch: 2 },
  selectivity: { alpha: 0 },
  backend: 'wasm',
};

interface Started {
  child: ChildProcess;
  events: SweepProcessEvent[];
  exited: Promise<number | null>;
}

function startCli(args: string[], onEvent?: (e: SweepProcessEvent, all: SweepProcessEvent[]) => void): Started {
  const child = spawn(process.execPath, ['-e', CLI, '--', ...args, '--json', '--no-report'], {
    detached: true, // own process group: killing it takes the engine workers too, like a crash
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: SweepProcessEvent[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      if (!line.trim()) continue;
      const e = JSON.parse(line) as SweepProcessEvent;
      events.push(e);
      onEvent?.(e, events);
    }
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null && process.env.SWEEP_TEST_DEBUG) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, events, exited };
}

const readIndex = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'sweep.json'), 'utf8')) as SweepIndex;

test('killed sweep resumes: completed runs kept as they were, interrupted runs continue from checkpoints', { timeout: 480_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sweep-resume-'));
  const file = path.join(dir, 'tiny.selectivity.json');
  writeFileSync(file, JSON.stringify({ kind: 'sweep', base: tinyBase, alphas: [-1, 0], seeds: [0, 1], parallel: 2 }));
  const sweepDir = path.join(dir, 'runs', 'tiny');

  // 1) Run until one run completed and another one has checkpointed, then kill everything at once.
  let killed = false;
  const first = startCli(['sweep', file], (e, all) => {
    if (killed) return;
    const done = new Set(all.filter((x) => x.type === 'sweepRunState' && x.run.status === 'completed').map((x) => (x as { run: { runId: string } }).run.runId));
    // A checkpoint before the last epoch, so that run still has epochs left when the kill lands.
    const early = (x: SweepProcessEvent) => x.type === 'checkpoint' && x.epoch < tinyBase.train.epochs && !done.has(x.runId);
    if (done.size >= 1 && all.some(early) && early(e)) {
      killed = true;
      process.kill(-first.child.pid!, 'SIGKILL');
    }
  });
  await first.exited;
  assert.ok(killed, 'the sweep was killed mid-way');
  const before = readIndex(sweepDir);
  // A run may have written its summary just before the kill, before sweep.json said so: it counts as done.
  const onDisk = (r: { dir: string }) => {
    try {
      return JSON.parse(readFileSync(path.join(sweepDir, r.dir, 'summary.json'), 'utf8')).state === 'completed';
    } catch {
      return false;
    }
  };
  const completedBefore = before.runs.filter((r) => r.status === 'completed' || onDisk(r));
  const interrupted = before.runs.filter((r) => r.status === 'running' && !onDisk(r));
  assert.ok(completedBefore.length >= 1 && completedBefore.length < 4, `completed before kill: ${completedBefore.length}`);
  assert.ok(interrupted.length >= 1, 'some run was interrupted');
  const kept = new Map(
    completedBefore.map((r) => {
      const f = path.join(sweepDir, r.dir, 'summary.json');
      return [r.name, { text: readFileSync(f, 'utf8'), mtime: statSync(f).mtimeMs, metrics: readFileSync(path.join(sweepDir, r.dir, 'metrics.jsonl'), 'utf8') }];
    }),
  );
  const checkpointedRun = first.events.filter((x) => x.type === 'checkpoint' && x.epoch < tinyBase.train.epochs).map((x) => (x as { runId: string }).runId).find((id) => interrupted.some((r) => r.runId === id));

  // 2) Same command again: it finishes everything without retraining what was done.
  const second = startCli(['sweep', file]);
  assert.equal(await second.exited, 0);
  const after = readIndex(sweepDir);
  assert.equal(after.state, 'completed');
  assert.deepEqual(after.runs.map((r) => r.status), ['completed', 'completed', 'completed', 'completed']);
  assert.equal(after.sweepId, before.sweepId);
  const restarted = new Set(second.events.filter((e) => e.type === 'runStarted').map((e) => (e as { runId: string }).runId));
  for (const r of completedBefore) {
    assert.ok(!restarted.has(r.runId), `${r.name} was not retrained`);
    const f = path.join(sweepDir, r.dir, 'summary.json');
    assert.equal(readFileSync(f, 'utf8'), kept.get(r.name)!.text);
    assert.equal(statSync(f).mtimeMs, kept.get(r.name)!.mtime);
    assert.equal(readFileSync(path.join(sweepDir, r.dir, 'metrics.jsonl'), 'utf8'), kept.get(r.name)!.metrics);
    assert.equal(after.runs.find((x) => x.name === r.name)!.attempts, 1);
  }
  for (const r of interrupted) assert.equal(after.runs.find((x) => x.name === r.name)!.attempts, 2);
  // The run that had a checkpoint went on from it.
  assert.ok(checkpointedRun, 'an interrupted run had checkpointed');
  const resumed = after.runs.find((r) => r.runId === checkpointedRun)!;
  const meta = JSON.parse(readFileSync(path.join(sweepDir, resumed.dir, 'meta.json'), 'utf8')) as RunMeta;
  assert.ok((meta.resumedFromEpoch ?? 0) >= 1, `resumed from epoch ${meta.resumedFromEpoch}`);
  for (const r of after.runs) {
    const summary = JSON.parse(readFileSync(path.join(sweepDir, r.dir, 'summary.json'), 'utf8'));
    assert.equal(summary.state, 'completed');
    assert.equal(summary.epochsDone, 3);
    assert.ok(summary.finalTestAcc > 0, `${r.name} accuracy ${summary.finalTestAcc}`);
    assert.equal(r.finalTestAcc, summary.finalTestAcc);
  }

  // 3) A finished sweep started again trains nothing.
  const third = startCli(['sweep', sweepDir]);
  assert.equal(await third.exited, 0);
  assert.equal(third.events.filter((e) => e.type === 'runStarted').length, 0);
});

test('failed runs stay failed until --retry-failed', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sweep-retry-'));
  const file = path.join(dir, 'mixed.selectivity.json');
  // The idx run fails at once (its data folder does not exist); the embedded MNIST run trains.
  const base = { ...tinyBase, data: { ...tinyBase.data, path: 'no-such-idx-folder' }, train: { ...tinyBase.train, epochs: 1 } };
  writeFileSync(file, JSON.stringify({ kind: 'sweep', base, alphas: [0], seeds: [0], parallel: 2, axes: { 'data.format': ['mnist-embedded', 'idx'] } }));
  const sweepDir = path.join(dir, 'runs', 'mixed');
  const first = startCli(['sweep', file]);
  assert.equal(await first.exited, 1);
  let index = readIndex(sweepDir);
  assert.deepEqual(index.runs.map((r) => [r.name, r.status]), [
    ['alpha=0_seed=0_format=mnist-embedded', 'completed'],
    ['alpha=0_seed=0_format=idx', 'failed'],
  ]);
  assert.match(index.runs[1].error ?? '', /no-such-idx-folder/);

  const second = startCli(['sweep', file]);
  assert.equal(await second.exited, 1);
  assert.equal(second.events.filter((e) => e.type === 'runStarted' || (e.type === 'sweepRunState' && e.run.status === 'running')).length, 0);
  assert.equal(readIndex(sweepDir).runs[1].attempts, 1);

  const third = startCli(['sweep', file, '--retry-failed']);
  assert.equal(await third.exited, 1);
  index = readIndex(sweepDir);
  assert.equal(index.runs[1].attempts, 2);
  assert.equal(index.runs[1].status, 'failed');
  assert.equal(index.runs[0].attempts, 1);

  // `report` on a sweep with a failed run: one line naming the HTML, the failed run listed but not plotted.
  const out = path.join(dir, 'rep');
  const report = spawn(process.execPath, ['-e', CLI, '--', 'report', sweepDir, '--out', out, '--no-png'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  report.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  assert.equal(await new Promise((r) => report.on('exit', r)), 0);
  assert.match(stdout, new RegExp(`^${path.join(out, 'index.html').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n4 SVG, 0 PNG, 3 CSV, 1 TensorBoard runs`));
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.match(html, /alpha=0_seed=0_format=idx/);
  const missing = spawn(process.execPath, ['-e', CLI, '--', 'report', path.join(dir, 'nope')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  missing.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  assert.equal(await new Promise((r) => missing.on('exit', r)), 2);
  assert.match(err, /^selectivity-lens: .*nope is not a sweep folder \(no sweep.json\)\.\n$/);
});

test('sweep process (what the extension host forks): stopSweep stops gracefully, startSweep resumes', { timeout: 240_000 }, async () => {
  const { fork } = await import('node:child_process');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sweep-process-'));
  const file = path.join(dir, 'one.selectivity.json');
  writeFileSync(file, JSON.stringify({ kind: 'sweep', base: { ...tinyBase, train: { ...tinyBase.train, epochs: 2, maxBatchesPerEpoch: 4 } }, alphas: [-1], seeds: [0] }));
  const drive = (onEvent: (e: SweepProcessEvent, send: (m: unknown) => void) => void) =>
    new Promise<SweepProcessEvent[]>((resolve) => {
      const child = fork(path.join(root, 'out', 'src', 'engine', 'sweep', 'sweepProcess.js'), [], { serialization: 'advanced', stdio: 'ignore' });
      const events: SweepProcessEvent[] = [];
      child.on('message', (e: SweepProcessEvent) => {
        events.push(e);
        if (e.type === 'hello') child.send({ v: 1, type: 'startSweep', configPath: file, report: false });
        onEvent(e, (m) => child.send(m as never));
      });
      child.on('exit', () => resolve(events));
    });

  let stopSent = false;
  const first = await drive((e, send) => {
    if (e.type === 'progress' && !stopSent) {
      stopSent = true;
      send({ v: 1, type: 'stopSweep' });
    }
  });
  const types = first.map((e) => e.type);
  assert.equal(types[0], 'hello');
  assert.ok(types.indexOf('sweepStarted') < types.indexOf('runStarted'));
  const finished = first.find((e) => e.type === 'sweepFinished');
  assert.ok(finished && finished.type === 'sweepFinished');
  assert.equal(finished.state, 'stopped');
  assert.equal(finished.counts.stopped, 1);
  const states = first.filter((e) => e.type === 'sweepRunState').map((e) => (e.type === 'sweepRunState' ? e.run.status : ''));
  assert.deepEqual(states, ['running', 'stopped']);
  // Run events are relayed with their runId, typed arrays intact.
  const sel = first.find((e) => e.type === 'selectivity');
  if (sel && sel.type === 'selectivity') assert.ok(sel.layers[0].si instanceof Float32Array);

  const second = await drive(() => undefined);
  const done = second.find((e) => e.type === 'sweepFinished');
  assert.ok(done && done.type === 'sweepFinished');
  assert.equal(done.state, 'completed');
  const index = readIndex(path.join(dir, 'runs', 'one'));
  assert.equal(index.runs[0].status, 'completed');
  assert.equal(index.runs[0].attempts, 2);
});

test('a sweep worker killed from outside: its run is stopped (not failed), the sweep exits non-zero, and the next sweep resumes it', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sweep-killed-'));
  const file = path.join(dir, 'killed.selectivity.json');
  writeFileSync(file, JSON.stringify({ kind: 'sweep', base: tinyBase, alphas: [0, -1], seeds: [0], parallel: 1 }));
  const sweepDir = path.join(dir, 'runs', 'killed');
  // The real command line (its exit code is the one a shell or a scheduler sees).
  const sweep = (args: string[], onEvent?: (e: SweepProcessEvent) => void) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'selectivity-lens'), 'sweep', ...args, '--json', '--no-report'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const events: SweepProcessEvent[] = [];
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        if (!line.trim()) continue;
        const e = JSON.parse(line) as SweepProcessEvent;
        events.push(e);
        onEvent?.(e);
      }
    });
    return { events, exited: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))) };
  };

  // Kill the first run's worker (the pid its hello names) right after its first checkpoint.
  let workerPid: number | undefined;
  let victim: string | undefined;
  const first = sweep([file], (e) => {
    if (e.type === 'hello' && !workerPid) workerPid = e.pid;
    if (e.type === 'checkpoint' && e.epoch === 1 && !victim && workerPid) {
      victim = e.runId;
      process.kill(workerPid, 'SIGKILL');
    }
  });
  assert.equal(await first.exited, 1, 'a sweep that ends with a run not done exits non-zero');
  assert.ok(victim);
  const finished = first.events.find((e) => e.type === 'sweepFinished');
  assert.ok(finished && finished.type === 'sweepFinished');
  assert.equal(finished.state, 'stopped');
  assert.deepEqual([finished.counts.completed, finished.counts.stopped, finished.counts.failed], [1, 1, 0], 'the other run went on');
  let index = readIndex(sweepDir);
  const killed = index.runs.find((r) => r.runId === victim)!;
  assert.equal(killed.status, 'stopped');
  assert.match(killed.error ?? '', /signal SIGKILL\): the run was interrupted; resuming continues from checkpoints\/epoch-0001/);

  // The same command again resumes it from its checkpoint (no --retry-failed needed) and ends at 0.
  const second = sweep([file]);
  assert.equal(await second.exited, 0);
  index = readIndex(sweepDir);
  assert.deepEqual(index.runs.map((r) => r.status), ['completed', 'completed']);
  const meta = JSON.parse(readFileSync(path.join(sweepDir, killed.dir, 'meta.json'), 'utf8')) as RunMeta;
  assert.equal(meta.resumedFromEpoch, 1);
  const epochs = readFileSync(path.join(sweepDir, killed.dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).epoch);
  assert.deepEqual(epochs, [1, 2, 3]);
});
