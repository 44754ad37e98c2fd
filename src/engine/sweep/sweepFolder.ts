// Files of a sweep folder: sweep.json (atomic writes), sweep.config.json, the single-driver lock, and what a
// run folder inside it says about its run (finished summary, checkpoint to resume from).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SweepConfig } from '../../protocol/config';
import type { RunSummary } from '../../protocol/events';
import { RUN_FILES } from '../../protocol/runStore';
import { SWEEP_FILES, type SweepIndex } from '../../protocol/sweep';
import { EngineError } from '../errors';
import { latestCheckpointName } from '../runStore';
import { isProcessAlive } from '../runStore/processAlive';

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

export function readSweepIndex(sweepDir: string): SweepIndex | undefined {
  const file = path.join(sweepDir, SWEEP_FILES.index);
  if (!existsSync(file)) return undefined;
  try {
    const index = JSON.parse(readFileSync(file, 'utf8')) as SweepIndex;
    return index?.kind === 'sweep' && Array.isArray(index.runs) ? index : undefined;
  } catch {
    throw new EngineError('CONFIG_INVALID', `${file} is not a readable sweep index; move it away to start over.`, {
      file,
    });
  }
}

export function writeSweepIndex(sweepDir: string, index: SweepIndex): void {
  index.updatedAt = new Date().toISOString();
  writeJsonAtomic(path.join(sweepDir, SWEEP_FILES.index), index);
}

/** sweep.config.json: the sweep as resolved (base inlined, paths absolute), enough to resume from the folder. */
export interface StoredSweepConfig {
  file: string;
  config: SweepConfig;
}

export function readStoredSweepConfig(sweepDir: string): StoredSweepConfig | undefined {
  const file = path.join(sweepDir, SWEEP_FILES.config);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StoredSweepConfig;
}

/** The run's summary.json, when the engine wrote one. */
export function readRunSummary(runDir: string): RunSummary | undefined {
  try {
    return JSON.parse(readFileSync(path.join(runDir, RUN_FILES.summary), 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
}

/** Whether the run can be resumed: its config and a finished checkpoint are on disk. */
export function hasCheckpoint(runDir: string): boolean {
  return existsSync(path.join(runDir, RUN_FILES.config)) && latestCheckpointName(runDir) !== undefined;
}

/** Empties the folder of a run that never reached a checkpoint, so it starts clean (its log is kept). */
export function clearUnstartedRun(runDir: string): void {
  if (!existsSync(runDir)) return;
  for (const f of readdirSync(runDir)) {
    if (f !== 'engine.log') rmSync(path.join(runDir, f), { recursive: true, force: true });
  }
}

/**
 * Waits until no other live process holds the run's lock, and removes a stale lock: after a crash, the old worker of a run may still be
 * checkpointing on its way out (it stops when its parent disappears). Returns false if it is still alive at the end.
 */
export async function waitForRunLock(runDir: string, timeoutMs = 60_000): Promise<boolean> {
  const file = path.join(runDir, RUN_FILES.lock);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let pid: number | undefined;
    try {
      pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid;
    } catch {
      return true;
    }
    if (typeof pid !== 'number' || pid === process.pid) return true;
    if (!isProcessAlive(pid)) {
      // Stale: its holder is gone (or a zombie nobody reaped, which the engine would still take for alive).
      rmSync(file, { force: true });
      return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Takes the sweep folder for this process; a lock left by a dead process is taken over. */
export function acquireSweepLock(sweepDir: string): () => void {
  mkdirSync(sweepDir, { recursive: true });
  const file = path.join(sweepDir, SWEEP_FILES.lock);
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid)) {
      throw new EngineError(
        'RUN_DIR_UNWRITABLE',
        `The sweep ${sweepDir} is already being run by process ${pid}; stop it first.`,
        { file },
      );
    }
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
    } catch {
      /* already gone */
    }
  };
}
