// Files of a sweep folder: sweep.json (atomic writes), sweep.config.json, the single-driver lock, and what a
// run folder inside it says about its run (checkpoint to resume from). The sweep runner writes them; the report
// and the host read them.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { SweepConfig } from '../../protocol/config';
import { RUN_FILES } from '../../protocol/runStore';
import { SWEEP_FILES, type SweepIndex } from '../../protocol/sweep';
import { EngineError } from '../errors';
import { writeJsonAtomicSync } from './atomicFile';
import { latestCheckpointName } from './readers';
import { acquireLockFile, isStale, readLockHolder } from './lockFile';

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
  writeJsonAtomicSync(path.join(sweepDir, SWEEP_FILES.index), index);
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

/** Whether the run can be resumed: its config and a finished checkpoint are on disk. */
export function hasCheckpoint(runDir: string): boolean {
  return existsSync(path.join(runDir, RUN_FILES.config)) && latestCheckpointName(runDir) !== undefined;
}

/**
 * Empties the folder of a run that never reached a checkpoint, so it starts clean. Its log and the user's label are kept, and its lock:
 * a stale one is the next engine's to take over (removing it here could race with a live holder).
 */
export function clearUnstartedRun(runDir: string): void {
  if (!existsSync(runDir)) return;
  for (const f of readdirSync(runDir)) {
    if (f !== 'engine.log' && f !== RUN_FILES.lock && f !== RUN_FILES.label) rmSync(path.join(runDir, f), { recursive: true, force: true });
  }
}

/**
 * Waits until no other live process holds the run's lock: after a crash, the old worker of a run may still be
 * checkpointing on its way out (it stops when its parent disappears). A stale lock is left for the next engine
 * to take over (that takeover is the race-free one). Returns false if its holder is still alive at the end.
 */
export async function waitForRunLock(runDir: string, timeoutMs = 60_000): Promise<boolean> {
  const file = path.join(runDir, RUN_FILES.lock);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = readLockHolder(file);
    if (!held || isStale(held)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Takes the sweep folder for this process (exclusively); a lock left by a dead process is taken over. */
export function acquireSweepLock(sweepDir: string): () => void {
  mkdirSync(sweepDir, { recursive: true });
  const file = path.join(sweepDir, SWEEP_FILES.lock);
  const lock = acquireLockFile(file, (held) =>
    new EngineError('RUN_DIR_UNWRITABLE', `The sweep ${sweepDir} is already being run by ${held.pid ? `process ${held.pid}` : 'another process'}; stop it first.`, { file }),
  );
  return () => lock.release();
}

/** Whether a live process drives the sweep now (holds its lock): then nobody else may, and sweep.json is current. */
export function isSweepDriven(sweepDir: string): boolean {
  const held = readLockHolder(path.join(sweepDir, SWEEP_FILES.lock));
  return held !== undefined && !isStale(held);
}
