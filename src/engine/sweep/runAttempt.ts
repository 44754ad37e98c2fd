// Makes a sweep run's folder ready for its next attempt, wherever that attempt runs (the sweep runner before a
// local worker starts, or the Slurm task on its node): wait until no other live engine holds the run (the worker
// of an earlier attempt may still be writing its last checkpoint), then resume from the checkpoint, or start clean
// when there is none yet.
import { clearUnstartedRun, hasCheckpoint, waitForRunLock } from '../runStore';

export type RunAttempt =
  | { kind: 'start' }
  | { kind: 'resume' }
  /** Another live engine still writes the folder: leave it alone; the next sweep tries again. */
  | { kind: 'busy'; error: string };

export async function prepareRunAttempt(runDir: string, lockWaitMs?: number): Promise<RunAttempt> {
  if (!(await waitForRunLock(runDir, lockWaitMs))) {
    return { kind: 'busy', error: `its folder ${runDir} is still in use by another engine process; run the sweep again once that one has ended` };
  }
  if (hasCheckpoint(runDir)) return { kind: 'resume' };
  clearUnstartedRun(runDir);
  return { kind: 'start' };
}
