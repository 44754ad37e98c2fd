// `selectivity-lens sweep SWEEP_DIR --cancel`: cancels every job array the sweep folder has submitted. Slurm sends
// each running run SIGTERM, so it checkpoints at its next batch boundary; the next `sweep` resumes them all.
import * as path from 'node:path';
import { EngineError } from '../../errors';
import { readSweepIndex } from '../../runStore';
import { cancelArrays, type SlurmEnv } from './slurmCommands';
import { readSubmissions } from './submissions';

/** Returns the job ids of the arrays it cancelled. */
export async function cancelSlurmSweep(sweepDir: string, opts: SlurmEnv = {}): Promise<string[]> {
  const dir = path.resolve(sweepDir);
  if (!readSweepIndex(dir)) {
    throw new EngineError('CONFIG_UNREADABLE', `${dir} is not a sweep folder (no sweep.json); --cancel takes the folder of a Slurm sweep.`, { file: dir });
  }
  const arrays = readSubmissions(dir).map((s) => s.jobId);
  await cancelArrays(arrays, opts);
  return arrays;
}
