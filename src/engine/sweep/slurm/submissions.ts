// The sweep's Slurm submissions, kept in its folder (slurm/submissions.json) so that any later `sweep` of the
// folder, from this terminal, another one or the editor, finds the job arrays to follow (or cancel) instead of
// submitting the same runs twice. Written only by the process that drives the sweep (it holds sweep.lock).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeJsonAtomicSync } from '../../runStore';

export interface Submission {
  /** The job array's id. */
  jobId: string;
  /** The --array value it was submitted with. */
  array: string;
  /** sweep.json indices of its runs (the array's task ids). */
  indices: number[];
  submittedAt: string;
}

export interface SubmissionsFile {
  version: 1;
  submissions: Submission[];
}

/** Where a sweep keeps what Slurm needs: the batch script, the submissions, the tasks' logs. */
export function slurmDir(sweepDir: string): string {
  return path.join(sweepDir, 'slurm');
}

function file(sweepDir: string): string {
  return path.join(slurmDir(sweepDir), 'submissions.json');
}

export function readSubmissions(sweepDir: string): Submission[] {
  const f = file(sweepDir);
  if (!existsSync(f)) return [];
  try {
    const parsed = JSON.parse(readFileSync(f, 'utf8')) as Partial<SubmissionsFile>;
    return Array.isArray(parsed.submissions)
      ? parsed.submissions.filter((s): s is Submission => typeof s?.jobId === 'string' && Array.isArray(s.indices))
      : [];
  } catch {
    // Damaged: the run folders still say what is done; nothing is followed but the next submission.
    return [];
  }
}

export function addSubmission(sweepDir: string, submission: Submission): void {
  mkdirSync(slurmDir(sweepDir), { recursive: true });
  const all = [...readSubmissions(sweepDir), submission];
  writeJsonAtomicSync(file(sweepDir), { version: 1, submissions: all } satisfies SubmissionsFile);
}
