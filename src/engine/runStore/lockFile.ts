// A lock file that at most one live process holds (run.lock, sweep.lock). It is created whole and exclusively (a
// hard link of a finished temporary file, or an exclusive open where links are not supported), so it is never
// seen half-written and two processes never both create it. A lock whose holder is dead (or a zombie) is taken
// over under a claim file named after that lock's exact text: only one process can claim it, and the claimant
// removes the lock only while it still holds that text, so two processes taking over the same stale lock never
// both win.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { isProcessAlive } from './processAlive';

export interface LockHolder {
  /** The holder's process id, when the lock names one. */
  pid?: number;
  since?: string;
  /** The lock file's text as read (what a takeover compares against). */
  text: string;
  /** Milliseconds since the lock file was last written. */
  ageMs: number;
}

export interface HeldLock {
  readonly file: string;
  /** Removes the lock, when it is still this one. */
  release(): void;
}

/** A lock without a readable holder is taken for one being written until it is this old. */
const UNREADABLE_GRACE_MS = 5000;
/** Claims on claims, when claimants died too, before giving up. */
const MAX_CLAIM_DEPTH = 3;

export function readLockHolder(file: string): LockHolder | undefined {
  let text: string;
  let ageMs: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    ageMs = Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  let pid: number | undefined;
  let since: string | undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    // An older sweep.lock holds the bare pid.
    if (typeof parsed === 'number') pid = parsed;
    else if (parsed && typeof parsed === 'object') {
      const p = (parsed as { pid?: unknown }).pid;
      const s = (parsed as { since?: unknown }).since;
      if (typeof p === 'number') pid = p;
      if (typeof s === 'string') since = s;
    }
  } catch {
    // unreadable: see isStale
  }
  return { pid: Number.isInteger(pid) && pid! > 0 ? pid : undefined, since, text, ageMs };
}

/** Whether nobody alive holds the lock: its holder is gone, a zombie, or this very process from an earlier take. */
export function isStale(holder: LockHolder, ownText?: string): boolean {
  if (holder.pid === undefined) return holder.ageMs > UNREADABLE_GRACE_MS;
  if (holder.pid === process.pid) return holder.text !== ownText;
  return !isProcessAlive(holder.pid);
}

/**
 * Takes the lock `file`, taking over a stale one. `inUse` makes the error for a lock a live process holds.
 * Errors of the file system (a folder that cannot be written) are thrown as they are.
 */
export function acquireLockFile(file: string, inUse: (holder: LockHolder) => Error): HeldLock {
  const text = JSON.stringify({ pid: process.pid, since: new Date().toISOString(), token: randomBytes(8).toString('hex') }) + '\n';
  for (let attempt = 0; attempt < 50; attempt++) {
    if (attempt > 0) pause(5 + attempt);
    if (createExclusive(file, text)) return { file, release: () => removeIfStill(file, text) };
    const held = readLockHolder(file);
    if (!held) continue; // released in between: try again
    if (!isStale(held)) throw inUse(held);
    takeOverStale(file, held, 0);
  }
  // Still contended after about a second and a half: another process is busy taking it.
  throw inUse({ text: '', ageMs: 0 });
}

/** A short synchronous wait (lock-taking is synchronous: it runs before anything else is written). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Creates `file` holding `text` unless it exists. */
function createExclusive(file: string, text: string): boolean {
  const tmp = `${file}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, text, { flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw e;
    // No hard links here: an exclusive open, written at once (a reader that catches it empty waits, see isStale).
    return openExclusive(file, text);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function openExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Removes a lock judged abandoned by its own rules (the download lock's: age, host) if it still holds exactly
 * `seenText`, under the same claim as a stale run lock: of several processes that judged it together, only one
 * removes it, and never the lock a faster one has taken since.
 */
export function removeAbandonedLock(file: string, seenText: string): void {
  takeOverStale(file, { text: seenText, ageMs: 0 }, 0);
}

/** Removes `file` if it still holds exactly the stale `seen`, under a claim only one process can hold. */
function takeOverStale(file: string, seen: LockHolder, depth: number): void {
  const claim = `${file}.takeover-${createHash('sha256').update(seen.text).digest('hex').slice(0, 32)}`;
  const mine = JSON.stringify({ pid: process.pid, since: new Date().toISOString(), token: randomBytes(8).toString('hex') }) + '\n';
  if (!createExclusive(claim, mine)) {
    // Another process is taking this lock over; when that one died on the way, take its claim over first.
    const other = readLockHolder(claim);
    if (other && isStale(other) && depth < MAX_CLAIM_DEPTH) takeOverStale(claim, other, depth + 1);
    return;
  }
  try {
    // Holding the claim, nobody else may remove this text, and its dead holder cannot: it is safe to remove.
    if (readText(file) === seen.text) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(claim, { force: true });
  }
}

function removeIfStill(file: string, text: string): void {
  if (readText(file) === text) fs.rmSync(file, { force: true });
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
