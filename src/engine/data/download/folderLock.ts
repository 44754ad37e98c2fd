// A lock file that lets one process at a time download and unpack a data set: the runs of a sweep start
// together and would otherwise write the same ".part" file. A lock whose holder died is taken over: on this
// machine when its process is gone, on another one (a shared cluster folder) when it was not refreshed for a while.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { removeAbandonedLock } from '../../runStore/lockFile';
import { isProcessAlive } from '../../runStore/processAlive';

/** The holder refreshes the lock's time this often; a lock older than STALE_MS is abandoned. */
export const REFRESH_MS = 5_000;
const STALE_MS = 60_000;
const POLL_MS = 250;

interface Holder {
  pid: number;
  host: string;
}

/** The lock's text when its holder has died or stopped refreshing it, '' when it is gone; undefined while held. */
async function abandonedText(lockFile: string): Promise<string | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([fs.readFile(lockFile, 'utf8'), fs.stat(lockFile)]);
  } catch {
    // Gone in between: free now.
    return '';
  }
  if (Date.now() - mtimeMs > STALE_MS) return text;
  try {
    const holder = JSON.parse(text) as Holder;
    return holder.host === os.hostname() && !isProcessAlive(holder.pid) ? text : undefined;
  } catch {
    // Being written right now, or garbage: only age tells.
    return undefined;
  }
}

export interface HeldLock {
  /** Tells waiting processes the holder is alive (call during long work; cheap when called often). */
  refresh(): void;
}

/**
 * Runs `work` while holding `lockFile` (created exclusively). `onWait` is called once when another process
 * holds it. The lock is removed when `work` ends, however it ends.
 */
export async function withFolderLock<T>(lockFile: string, work: (lock: HeldLock) => Promise<T>, onWait?: (holder: string) => void): Promise<T> {
  let waited = false;
  // A token makes this holder's text unique: the lock is removed at the end only while it is still this one.
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex') });
  for (;;) {
    try {
      const handle = await fs.open(lockFile, 'wx');
      await handle.writeFile(mine);
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const abandoned = await abandonedText(lockFile);
    if (abandoned !== undefined) {
      // Several waiters may judge it abandoned together: only one removes it, and only while it is still that lock.
      if (abandoned) removeAbandonedLock(lockFile, abandoned);
      continue;
    }
    if (!waited) {
      waited = true;
      onWait?.(await fs.readFile(lockFile, 'utf8').catch(() => 'another process'));
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  let last = Date.now();
  const lock: HeldLock = {
    refresh() {
      const now = Date.now();
      if (now - last < REFRESH_MS) return;
      last = now;
      void fs.utimes(lockFile, now / 1000, now / 1000).catch(() => undefined);
    },
  };
  try {
    return await work(lock);
  } finally {
    // Held past STALE_MS without a refresh, another process may have taken it over since: that lock stays.
    if ((await fs.readFile(lockFile, 'utf8').catch(() => undefined)) === mine) await fs.rm(lockFile, { force: true });
  }
}
