// The lock file behind run.lock and sweep.lock, raced by real processes: of many processes asking at the same
// moment exactly one gets it, whether the folder is free, holds a stale lock of a dead process, a zombie's, or an
// unreadable one; a live holder is refused by name; a release removes only the releaser's own lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireLockFile, readLockHolder } from '../../../../src/engine/runStore/lockFile';
import { acquireRunLock, releaseRunLock } from '../../../../src/engine/runStore';
import { REPO_ROOT } from '../../../repoRoot';

const lockModule = path.join(REPO_ROOT, 'out', 'src', 'engine', 'runStore', 'lockFile.js');

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'sl-lock-'));
}

/** A pid that is certainly dead: a process that has exited (and was reaped). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/**
 * `n` processes that all try to take `file` at the same instant; each prints "won" or "refused" and holds what it
 * won a moment longer, so that a late one cannot take over the lock of a winner already gone.
 */
async function race(file: string, n: number): Promise<string[]> {
  const at = Date.now() + 600;
  const script = `
    const { acquireLockFile } = require(${JSON.stringify(lockModule)});
    while (Date.now() < ${at}) {}
    let out;
    try { acquireLockFile(${JSON.stringify(file)}, (h) => new Error('in use by ' + h.pid)); out = 'won'; }
    catch (e) { out = /in use/.test(e.message) ? 'refused' : 'error: ' + e.message; }
    process.stdout.write(out);
    setTimeout(() => {}, 700);`;
  const results = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<string>((resolve) => {
          const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.on('data', (c: Buffer) => (out += c.toString()));
          child.on('exit', () => resolve(out));
        }),
    ),
  );
  return results.sort();
}

const expectOneWinner = (results: string[], n: number, what: string) =>
  assert.deepEqual(results, [...Array<string>(n - 1).fill('refused'), 'won'], `${what}: ${results.join(', ')}`);

test('many processes at once: exactly one takes a free lock, a stale one, a zombie one, an unreadable old one', { timeout: 120_000 }, async () => {
  const dir = tmp();
  try {
    const n = 8;
    for (let round = 0; round < 3; round++) {
      const free = path.join(dir, `free-${round}.lock`);
      expectOneWinner(await race(free, n), n, `free lock, round ${round}`);

      const stale = path.join(dir, `stale-${round}.lock`);
      fs.writeFileSync(stale, JSON.stringify({ pid: deadPid(), since: '2020-01-01T00:00:00Z' }) + '\n');
      expectOneWinner(await race(stale, n), n, `stale lock, round ${round}`);
    }

    // A zombie (exited, never reaped by its parent) still answers signal 0 but holds nothing.
    const holder = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = Number(await new Promise<string>((r) => holder.stdout.once('data', (c: Buffer) => r(c.toString().trim()))));
    await new Promise((r) => setTimeout(r, 500));
    try {
      const state = fs.readFileSync(`/proc/${zombie}/stat`, 'utf8');
      assert.match(state, /\) Z /, 'the holder is a zombie');
      const file = path.join(dir, 'zombie.lock');
      fs.writeFileSync(file, JSON.stringify({ pid: zombie }) + '\n');
      expectOneWinner(await race(file, n), n, 'zombie holder');
    } finally {
      holder.kill('SIGKILL');
    }

    // An old sweep.lock holds the bare pid; an unreadable one counts as being written until it is old.
    const bare = path.join(dir, 'bare.lock');
    fs.writeFileSync(bare, String(deadPid()));
    expectOneWinner(await race(bare, n), n, 'bare-pid lock of a dead process');
    const junk = path.join(dir, 'junk.lock');
    fs.writeFileSync(junk, '');
    assert.throws(() => acquireLockFile(junk, () => new Error('in use')), /in use/, 'a fresh empty lock may be one being written');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(junk, old, old);
    acquireLockFile(junk, () => new Error('in use')).release();
    assert.equal(fs.existsSync(junk), false);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => /\.(new|takeover)-/.test(f)), [], 'no temporary or claim files are left');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a live holder is refused by name and keeps its lock; release removes only its own', () => {
  const dir = tmp();
  try {
    const file = path.join(dir, 'x.lock');
    // A live other process: this test's parent.
    fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, since: 'then' }) + '\n');
    const before = fs.readFileSync(file, 'utf8');
    assert.throws(() => acquireLockFile(file, (h) => new Error(`in use by ${h.pid}`)), new RegExp(`in use by ${process.ppid}`));
    assert.equal(fs.readFileSync(file, 'utf8'), before, 'the live holder keeps its lock');

    const mine = path.join(dir, 'mine.lock');
    const held = acquireLockFile(mine, () => new Error('in use'));
    assert.equal(readLockHolder(mine)?.pid, process.pid);
    // Someone else's lock in its place (after a takeover): releasing must not remove it.
    fs.writeFileSync(mine, JSON.stringify({ pid: process.ppid }) + '\n');
    held.release();
    assert.ok(fs.existsSync(mine));

    // The run lock names the folder and says nothing was changed.
    const run = path.join(dir, 'run');
    fs.mkdirSync(run);
    fs.writeFileSync(path.join(run, 'run.lock'), JSON.stringify({ pid: process.ppid }) + '\n');
    assert.throws(() => acquireRunLock(run), (e: Error) => e.message === `Run folder ${run} is in use by engine process ${process.ppid}; nothing was changed.`);
    fs.rmSync(path.join(run, 'run.lock'));
    acquireRunLock(run);
    releaseRunLock(run);
    assert.equal(fs.existsSync(path.join(run, 'run.lock')), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
