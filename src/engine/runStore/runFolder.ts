// Where runs live: fresh, never-reused folders for new runs, the lock that marks a live writer, and the
// guard that refuses to write a new run over an earlier run's files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES } from '../../protocol/runStore';
import { EngineError } from '../errors';
import { acquireLockFile, type HeldLock, readLockHolder } from './lockFile';

function unwritable(dir: string, e: unknown): EngineError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why =
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOTDIR' ? 'a file is in the way' : code === 'ENOSPC' ? 'disk full' : (code ?? (e instanceof Error ? e.message : String(e)));
  return new EngineError('RUN_DIR_UNWRITABLE', `Run folder ${dir} is not writable (${why}); choose another outDir or --runs-dir.`, { file: dir, field: 'outDir' });
}

/** "2024-05-01T12:03:04.567Z" -> "20240501-120304". */
function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Create a new, empty run folder `<outDir>/<name>-<yyyymmdd-hhmmss>` (with -2, -3... when taken) and return it.
 * Exclusive mkdir guarantees an earlier run's folder is never reused.
 */
export function createRunDir(outDir: string, name: string, now = new Date()): string {
  const root = path.resolve(outDir);
  try {
    fs.mkdirSync(root, { recursive: true });
  } catch (e) {
    throw unwritable(root, e);
  }
  const base = `${name}-${stamp(now)}`;
  for (let i = 1; i < 1000; i++) {
    const dir = path.join(root, i === 1 ? base : `${base}-${i}`);
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw unwritable(root, e);
    }
  }
  throw new EngineError('RUN_DIR_UNWRITABLE', `Could not find a free run folder name for ${base} in ${root}.`, { file: root });
}

/** Whether `dir` already holds (part of) a run: then a new run must not be written there. */
export function holdsRun(dir: string): boolean {
  return [RUN_FILES.meta, RUN_FILES.metrics, RUN_FILES.summary, RUN_FILES.checkpointsDir].some((f) => fs.existsSync(path.join(dir, f)));
}

/** Make sure `dir` exists and is writable (probe file), or throw RUN_DIR_UNWRITABLE naming it. */
export function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (e) {
    throw unwritable(dir, e);
  }
}

/**
 * Take the run's lock (exclusively: of two processes asking at once, one gets it). A lock a live other process
 * holds is refused, naming that process; a stale one (its holder dead or a zombie) is taken over.
 */
export function acquireRunLock(dir: string): HeldLock {
  const file = path.join(dir, RUN_FILES.lock);
  try {
    return acquireLockFile(file, (held) =>
      new EngineError('RUN_DIR_UNWRITABLE', `Run folder ${dir} is in use by ${held.pid ? `engine process ${held.pid}` : 'another engine process'}; nothing was changed.`, { file: dir }),
    );
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw unwritable(dir, e);
  }
}

/** Removes the run's lock when this process holds it. */
export function releaseRunLock(dir: string): void {
  const file = path.join(dir, RUN_FILES.lock);
  if (readLockHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
}
