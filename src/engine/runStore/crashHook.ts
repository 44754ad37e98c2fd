// Test hook for crash-point tests: with SELECTIVITY_LENS_CRASH_AT=<point>@<n> in its environment, the engine
// process SIGKILLs itself the n-th time it passes <point>, exactly where a kill -9 or a power cut could land.
// Unset (always, outside tests) it does nothing. Points:
//   append-metrics, append-events  while appending a line: half the line is written, then the kill (a torn line)
//   atomic-rename                  a whole-file write: its temporary file is written, the rename not done
//   checkpoint-model               a checkpoint's model is written into its temporary folder, the rest not
//   checkpoint-folder              the checkpoint's temporary folder is complete, not yet renamed into place
//   checkpoint-latest              the checkpoint folder is in place, checkpoints/latest does not name it yet
export type CrashPoint = 'append-metrics' | 'append-events' | 'atomic-rename' | 'checkpoint-model' | 'checkpoint-folder' | 'checkpoint-latest';

export const CRASH_AT_ENV = 'SELECTIVITY_LENS_CRASH_AT';

const passes = new Map<CrashPoint, number>();

/** Whether this pass of `point` is the one to crash at; the caller leaves its half-done work, then calls crashNow(). */
export function crashDue(point: CrashPoint): boolean {
  const wanted = process.env[CRASH_AT_ENV];
  if (!wanted) return false;
  const n = (passes.get(point) ?? 0) + 1;
  passes.set(point, n);
  return wanted === `${point}@${n}`;
}

export function crashNow(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: the process was killed');
}

/** Crash here when this pass of `point` is the one named. */
export function crashPoint(point: CrashPoint): void {
  if (crashDue(point)) crashNow();
}
