// The download lock: one holder at a time, also when several processes find the same abandoned lock at once
// (the runs of a sweep that start together after a crashed download); a live holder's lock is waited for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withFolderLock } from '../../../../../src/engine/data/download/folderLock';

/** A pid that no process has now: a child that has exited. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

test('holders that find one abandoned lock together take turns: never two at once, each exactly once', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-folder-lock-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const lockFile = path.join(dir, '.download.lock');
  await fs.writeFile(lockFile, JSON.stringify({ pid: deadPid(), host: os.hostname() }));
  let inside = 0;
  let most = 0;
  const done: number[] = [];
  const waits: string[] = [];
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      withFolderLock(
        lockFile,
        async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 30));
          inside--;
          done.push(i);
        },
        (holder) => waits.push(holder),
      ),
    ),
  );
  assert.equal(most, 1, 'one holder at a time');
  assert.deepEqual([...done].sort(), [0, 1, 2, 3, 4, 5]);
  assert.ok(waits.length >= 4, `the others waited (${waits.length})`);
  assert.deepEqual((await fs.readdir(dir)).sort(), [], 'no lock or claim file left');
});

test('a holder that lost its lock to a takeover (no refresh for a minute) leaves the new holder\'s lock in place', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-folder-lock-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const lockFile = path.join(dir, '.download.lock');
  const other = JSON.stringify({ pid: process.pid, host: 'another-node', token: 'theirs' });
  await withFolderLock(lockFile, async () => {
    // Meanwhile another node judged this lock abandoned and took it.
    await fs.writeFile(lockFile, other);
  });
  assert.equal(await fs.readFile(lockFile, 'utf8'), other);
});
