// What a Slurm job state means for the run it trains. The run folder has the last word on how a run ended
// (its summary.json); the scheduler says whether it is still waiting or running, and why a job that left
// no summary ended.

export type SchedulerPhase =
  /** Waiting to start (PENDING, REQUEUED, ...): the run is queued, with Slurm's reason. */
  | 'waiting'
  /** On a node (RUNNING, COMPLETING, ...). */
  | 'running'
  /** The job ended; the run folder says how the run ended. */
  | 'ended'
  /** The job was ended from outside (time limit, preemption, node failure, cancel): the run resumes next time. */
  | 'interrupted'
  /** The job ran out of memory: the same request would fail again, so it is a failure naming executor.mem. */
  | 'outOfMemory';

const WAITING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD', 'CONFIGURING', 'SUSPENDED', 'STOPPED', 'RESIZING']);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'STAGE_OUT', 'SIGNALING']);
const INTERRUPTED = new Set(['TIMEOUT', 'PREEMPTED', 'NODE_FAIL', 'CANCELLED', 'DEADLINE', 'BOOT_FAIL', 'REVOKED', 'SPECIAL_EXIT']);

/** Slurm's state name (squeue %T, e.g. "CANCELLED by 0" trimmed to its first word) as a phase. */
export function schedulerPhase(state: string): SchedulerPhase {
  const s = state.trim().split(/\s+/)[0].toUpperCase();
  if (WAITING.has(s)) return 'waiting';
  if (RUNNING.has(s)) return 'running';
  if (INTERRUPTED.has(s)) return 'interrupted';
  if (s === 'OUT_OF_MEMORY') return 'outOfMemory';
  // COMPLETED, FAILED and anything unknown: the job is over; the run folder tells how the run ended.
  return 'ended';
}
