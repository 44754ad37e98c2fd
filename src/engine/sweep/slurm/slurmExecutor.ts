// Trains a sweep's runs on a Slurm cluster: the runs the sweep runner starts in one go are submitted as one job
// array (task id = the run's index in sweep.json), runs whose task of an earlier array is still waiting or running
// are followed instead of submitted again, and one squeue call per poll follows every task. How a run ended comes
// from its folder (summary.json); the scheduler tells why a job that left no summary ended (time limit,
// preemption, node failure, cancel: interrupted, resumed next time; out of memory or a job that failed before the
// engine started: failed, saying why).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SchedulerJob, SlurmExecutorConfig } from '../../../protocol/executor';
import { readRunSummary } from '../../runStore';
import { packageRoot } from '../../packageRoot';
import type { Executor, RunHandle, RunJob, RunListener, RunOutcome } from '../executor';
import { arraySpec } from './arraySpec';
import { batchScript } from './batchScript';
import { schedulerPhase } from './jobStates';
import { accountedJobs, cancelArrays, jobExitCode, queryArrays, submitArray, type SlurmEnv, type TaskState } from './slurmCommands';
import { addSubmission, readSubmissions, slurmDir } from './submissions';

export interface SlurmExecutorOptions {
  sweepName: string;
  sweepDir: string;
  config: SlurmExecutorConfig;
  /** Environment of the Slurm commands (PATH, SLURM_CONF). */
  env?: NodeJS.ProcessEnv;
}

/** A run whose job this executor follows. */
interface Followed {
  job: RunJob;
  listener: RunListener;
  settle: (outcome: RunOutcome) => void;
  arrayJobId: string;
  last?: SchedulerJob;
  /** Polls in a row that did not list the task (Slurm forgot it, or has not listed it yet). */
  unseen: number;
  settled: boolean;
}

interface Pending {
  job: RunJob;
  listener: RunListener;
  settle: (outcome: RunOutcome) => void;
}

/** Polls in a row a task may be missing from squeue before its run folder is taken as the last word. */
const UNSEEN_POLLS = 2;

export class SlurmExecutor implements Executor {
  /** The scheduler queues: every run is handed over at once. */
  readonly capacity = Number.POSITIVE_INFINITY;
  readonly preparesOnNode = true;
  /** Why the sweep could not go to Slurm (sbatch missing, a refused submission); the runs stay unfinished. */
  failure: Error | undefined;
  private pending: Pending[] = [];
  private readonly followed = new Map<number, Followed>();
  private flushing: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  /** Whether sacct may know how forgotten jobs ended (false once it said the site keeps no accounting). */
  private accounting = true;
  private closed = false;
  private readonly slurm: SlurmEnv;

  constructor(private readonly options: SlurmExecutorOptions) {
    this.slurm = { env: options.env };
  }

  start(job: RunJob, listener: RunListener): RunHandle {
    let settle!: (o: RunOutcome) => void;
    const done = new Promise<RunOutcome>((resolve) => (settle = resolve));
    this.pending.push({ job, listener, settle });
    // Every run started in this turn goes into one array.
    if (!this.flushing) this.flushing = new Promise<void>((resolve) => setImmediate(() => void this.flush().finally(resolve)));
    return { done, stop: () => void this.cancel(job.index) };
  }

  async handedOver(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  detach(): void {
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    for (const f of this.followed.values()) this.settle(f, { status: 'detached' });
    for (const p of this.pending.splice(0)) p.settle({ status: 'detached' });
  }

  async dispose(): Promise<void> {
    await this.flushing;
    this.closed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
  }

  /** Submits the pending runs (or follows their live tasks of earlier arrays), then keeps polling. */
  private async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    this.flushing = undefined;
    if (batch.length === 0 || this.closed) return;
    try {
      const live = await this.liveTasks(batch.map((p) => p.job.index));
      const submit = batch.filter((p) => !live.has(p.job.index));
      for (const p of batch) {
        const task = live.get(p.job.index);
        if (task) this.follow(p, task.arrayJobId, task);
      }
      if (submit.length > 0) {
        const jobId = await this.submit(submit.map((p) => p.job.index));
        for (const p of submit) this.follow(p, jobId);
      }
    } catch (e) {
      this.failure = e instanceof Error ? e : new Error(String(e));
      const why = this.failure.message;
      for (const p of batch) {
        const f = this.followed.get(p.job.index);
        if (f) this.settle(f, { status: 'stopped', error: why });
        else p.settle({ status: 'stopped', error: why });
      }
      return;
    }
    this.schedulePoll(0);
  }

  async liveIndices(indices: number[]): Promise<Set<number>> {
    return new Set((await this.liveTasks(indices)).keys());
  }

  /** Tasks of this sweep's earlier arrays that are still waiting or running, by run index. */
  private async liveTasks(indices: number[]): Promise<Map<number, TaskState>> {
    const wanted = new Set(indices);
    const arrays = readSubmissions(this.options.sweepDir)
      .filter((s) => s.indices.some((i) => wanted.has(i)))
      .map((s) => s.jobId);
    const live = new Map<number, TaskState>();
    for (const t of await queryArrays(arrays, this.slurm)) {
      const phase = schedulerPhase(t.state);
      if (wanted.has(t.index) && (phase === 'waiting' || phase === 'running')) live.set(t.index, t);
    }
    return live;
  }

  private async submit(indices: number[]): Promise<string> {
    const { sweepDir, sweepName, config } = this.options;
    const dir = slurmDir(sweepDir);
    mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const script = path.join(dir, 'sweep.sbatch');
    writeFileSync(
      script,
      batchScript({
        sweepName,
        sweepDir,
        executor: config,
        node: config.node ?? 'node',
        engine: config.engine ?? path.join(packageRoot(), 'out', 'src', 'cli.js'),
      }),
      { mode: 0o755 },
    );
    const array = arraySpec(indices, config.throttle);
    const jobId = await submitArray(script, array, { ...this.slurm, cwd: sweepDir });
    addSubmission(sweepDir, { jobId, array, indices: [...indices].sort((a, b) => a - b), submittedAt: new Date().toISOString() });
    return jobId;
  }

  private follow(p: Pending, arrayJobId: string, task?: TaskState): void {
    const f: Followed = { ...p, arrayJobId, unseen: 0, settled: false };
    this.followed.set(p.job.index, f);
    this.report(f, task ?? { jobId: `${arrayJobId}_${p.job.index}`, arrayJobId, index: p.job.index, state: 'PENDING', reason: 'Submitted' });
    // Detached while this submission was on its way: the run is Slurm's now.
    if (this.closed) this.settle(f, { status: 'detached' });
  }

  /** Tells the sweep a waiting or running task's state when it changed; an ended one is told by its outcome. */
  private report(f: Followed, task: TaskState): void {
    const now = jobOf(task);
    const phase = schedulerPhase(task.state);
    if (phase !== 'waiting' && phase !== 'running') return;
    if (f.last?.state !== now.state || f.last?.reason !== now.reason) {
      f.last = now;
      f.listener.onScheduler?.(now, phase === 'running');
    }
  }

  private schedulePoll(delayMs = (this.options.config.pollSeconds ?? 10) * 1000): void {
    if (this.closed || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, delayMs);
  }

  /** One squeue call for every followed task. */
  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const open = [...this.followed.values()].filter((f) => !f.settled);
      if (open.length === 0) return;
      const tasks = await queryArrays([...new Set(open.map((f) => f.arrayJobId))], this.slurm);
      const byIndex = new Map(tasks.map((t) => [`${t.arrayJobId}_${t.index}`, t]));
      const forgotten: Followed[] = [];
      for (const f of open) {
        const task = byIndex.get(`${f.arrayJobId}_${f.job.index}`);
        if (!task) {
          if (++f.unseen >= UNSEEN_POLLS) forgotten.push(f);
          continue;
        }
        f.unseen = 0;
        this.report(f, task);
        const phase = schedulerPhase(task.state);
        if (phase !== 'waiting' && phase !== 'running') this.settle(f, { ...(await this.outcome(f, task.state)), scheduler: jobOf(task) });
      }
      await this.settleForgotten(forgotten);
    } catch {
      // A squeue that fails now and then (a busy controller) is tried again next time.
    } finally {
      this.polling = false;
      if ([...this.followed.values()].some((f) => !f.settled)) this.schedulePoll();
    }
  }

  /**
   * Tasks squeue no longer lists (it forgets ended jobs after MinJobAge): how each ended comes from its run folder,
   * and for those that left no finished run, from Slurm's accounting where the site keeps it (one sacct call for
   * all of them), else from the state squeue last showed.
   */
  private async settleForgotten(forgotten: Followed[]): Promise<void> {
    if (forgotten.length === 0) return;
    const jobIdOf = (f: Followed) => `${f.arrayJobId}_${f.job.index}`;
    const unfinished = forgotten.filter((f) => readRunSummary(f.job.runDir)?.state !== 'completed');
    const accounted = this.accounting ? await accountedJobs(unfinished.map(jobIdOf), this.slurm) : undefined;
    // No accounting here: asking again every poll would only cost a process.
    if (!accounted) this.accounting = false;
    for (const f of forgotten) {
      const record = accounted?.get(jobIdOf(f));
      this.settle(f, await this.outcome(f, record?.state ?? f.last?.state, record?.exitCode));
    }
  }

  /** How a run ended: its folder first, the scheduler's state for why a job left no finished run. */
  private async outcome(f: Followed, state: string | undefined, exitCode?: number): Promise<RunOutcome> {
    const summary = readRunSummary(f.job.runDir);
    if (summary?.state === 'completed') return { status: 'completed', summary };
    const jobId = f.last?.jobId ?? `${f.arrayJobId}_${f.job.index}`;
    const phase = state ? schedulerPhase(state) : 'ended';
    const said = state ? state.split(/\s+/)[0] : 'no longer listed';
    if (phase === 'outOfMemory') {
      return { status: 'failed', summary, error: `its job ${jobId} ran out of memory (OUT_OF_MEMORY); ask for more with executor.mem` };
    }
    if (phase === 'interrupted') {
      const why =
        said === 'TIMEOUT'
          ? 'reached its time limit (executor.time)'
          : said === 'PREEMPTED'
            ? 'was preempted'
            : said === 'NODE_FAIL'
              ? 'lost its node'
              : said === 'CANCELLED'
                ? 'was cancelled'
                : `ended as ${said}`;
      return { status: 'stopped', summary, error: `its job ${jobId} ${why}; it resumes from its last checkpoint on the next submission` };
    }
    if (summary?.state === 'stopped') return { status: 'stopped', summary, error: summary.error };
    if (summary?.state === 'failed') return { status: 'failed', summary, error: summary.error ?? `its job ${jobId} failed` };
    // Stopped by a signal (time limit, scancel) before the run began: nothing was written, nothing is lost.
    const code = exitCode ?? (await jobExitCode(jobId, this.slurm));
    if (code === 143 || code === 130) return { status: 'stopped', summary, error: `its job ${jobId} was stopped before the run began; it starts on the next submission` };
    // The job ended without the engine finishing the run: it failed before (or while) the engine started.
    const last = lastLogLine(path.join(slurmDir(this.options.sweepDir), 'logs', `${f.arrayJobId}_${f.job.index}.log`));
    return {
      status: 'failed',
      summary,
      error: `its job ${jobId} ended (${said}) before the engine finished the run${last ? `: ${last}` : ''} (check executor.setup and executor.node)`,
    };
  }

  private settle(f: Followed, outcome: RunOutcome): void {
    if (f.settled) return;
    f.settled = true;
    f.settle(outcome);
  }

  /** Graceful: Slurm sends SIGTERM to the run's job, the engine checkpoints at its next batch boundary. */
  private async cancel(index: number): Promise<void> {
    await this.flushing;
    const f = this.followed.get(index);
    if (!f || f.settled) return;
    try {
      await cancelArrays([`${f.arrayJobId}_${index}`], this.slurm);
    } catch {
      // The next poll tells how it ended.
    }
    this.schedulePoll(1000);
  }
}

function jobOf(task: TaskState): SchedulerJob {
  return { jobId: task.jobId, state: task.state, ...(task.reason ? { reason: task.reason } : {}) };
}

/** The last non-empty line of a task's log (why a job failed before the engine said anything). */
function lastLogLine(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const lines = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    return lines.at(-1)?.slice(0, 300);
  } catch {
    return undefined;
  }
}
