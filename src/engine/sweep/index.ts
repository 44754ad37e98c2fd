// Sweeps: load and check a sweep config, plan its runs, and drive them on an executor (the local pool of
// engine workers by default). No tfjs here: the runs train in their own worker processes.
export { loadSweepConfig, resolveSweepConfig, type ResolvedSweep } from './loadSweepConfig';
export { planSweep, runSweep, startSweep, type SweepHandle, type SweepOptions, type SweepResult } from './runSweep';
export type { Executor, RunHandle, RunJob as SweepRunJob, RunOutcome as SweepRunOutcome } from './executor';
export { prepareRunAttempt, type RunAttempt } from './runAttempt';
