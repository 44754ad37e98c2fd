// A lock file that lets one process at a time download and unpack a data set: the runs of a sweep start
// together and would otherwise write the same ".part" file. A lock whose holder died is taken over: on this
// machine when its process is gone, on another one (a shared cluster folder) when it was not refreshed for a while.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { isProcessAlive } from '../../runStore/processAlive';

/** The holder refreshes the lock's time this often; a lock older than STALE_MS is abandoned. */
export const REFRESH_MS = 5_000;
const STALE_MS = 60_000;
const POLL_MS = 250;

interface Holder {
  pid: number;
  host: string;
}

async function abandoned(lockFile: string): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([fs.readFile(lockFile, 'utf8'), fs.stat(lockFile)]);
  } catch {
    // Gone in between: free now.
    return true;
  }
  if (Date.now() - mtimeMs > STALE_MS) return true;
  try {
    const holder = JSON.parse(text) as Holder;
    return holder.host === os.hostname() && !isProcessAlive(holder.pid);
  } catch {
    // Being written right now, or garbage: only age tells.
    return false;
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
  for (;;) {
    try {
      const handle = await fs.open(lockFile, 'wx');
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies Holder));
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (await abandoned(lockFile)) {
      await fs.rm(lockFile, { force: true });
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
    await fs.rm(lockFile, { force: true });
  }
}
