// Drives a sweep: expands it, reconciles with what the sweep folder already holds (completed runs are kept and
// never retrained, interrupted runs (stopped, or their worker killed) resume from their checkpoint, failed runs
// (an engine error) are retried only on request),
// hands runs to an Executor as slots free up, keeps sweep.json current and emits sweep events.
import { existsSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEvent, RunSummary } from '../../protocol/events';
import {
  SWEEP_FILES,
  type SweepCounts,
  type SweepIndex,
  type SweepProcessEvent,
  type SweepRunEntry,
  type SweepState,
} from '../../protocol/sweep';
import { EngineError, toEngineError } from '../errors';
import { writeSweepReport } from '../report/writeReport';
import { runPostSweepAnalyses } from './postSweepAnalyses';
import type { Executor, RunHandle } from './executor';
import { expandSweep, type ExpandedRun } from './expand';
import { LocalPoolExecutor } from './localPoolExecutor';
import { SlurmExecutor } from './slurm/slurmExecutor';
import { checkRunConfig, loadSweepConfig, resolveSweepConfig, type ResolvedSweep, type SweepLoadOptions } from './loadSweepConfig';
import {
  acquireSweepLock,
  readRunSummary,
  readStoredSweepConfig,
  readSweepIndex,
  writeJsonAtomicSync,
  writeSweepIndex,
} from '../runStore';
import { prepareRunAttempt } from './runAttempt';

export interface SweepOptions {
  /** Runs at once; default: the config's `parallel`, else the number of cores. */
  parallel?: number;
  /** Retry runs that failed in an earlier attempt (from their checkpoint when they have one). */
  retryFailed?: boolean;
  /** Executor to use (default: LocalPoolExecutor). */
  executor?: Executor;
  /** Engine worker module for the default executor. */
  workerPath?: string;
  onEvent?: (event: SweepProcessEvent) => void;
  /** Write <sweepDir>/report when the sweep ends with completed runs (default true). */
  report?: boolean;
  /** Folder that holds the sweep folder, instead of the config's outDir (only for a sweep config, not a folder). */
  runsDir?: string;
  /** Environment of the Slurm commands for a sweep whose executor is "slurm" (PATH, SLURM_CONF). */
  slurmEnv?: NodeJS.ProcessEnv;
  /**
   * Only follow the runs already in the executor's hands (a Slurm sweep submitted from a terminal and left there);
   * submit nothing. The editor attaches this way without ever putting new jobs on a cluster by itself.
   */
  attachOnly?: boolean;
}

export interface SweepResult {
  sweepDir: string;
  state: SweepState;
  counts: SweepCounts;
  index: SweepIndex;
  reportDir?: string;
  seconds: number;
  /** The driver stopped following while the runs go on under their scheduler (a Slurm sweep); attach again later. */
  detached?: boolean;
  /** Why the runs could not be handed to the executor (e.g. Slurm refused the job array); they stay unfinished. */
  error?: string;
}

export interface SweepHandle {
  sweepDir: string;
  readonly index: SweepIndex;
  done: Promise<SweepResult>;
  /** Graceful: running runs checkpoint and stop, queued ones stay queued. */
  stop(): void;
  /**
   * Stop following and leave the runs to their scheduler (a Slurm sweep); where runs cannot outlive this process
   * (the local pool), the same as stop(). Says which it did.
   */
  detach(): 'detached' | 'stopping';
  /** Settles once the runs started so far are in the executor's hands (a Slurm sweep: submitted). */
  handedOver(): Promise<void>;
}

/** Loads the sweep from a *.selectivity.json or an existing sweep folder and resolves it. */
export function resolveSweepSource(source: string, options: SweepLoadOptions = {}): ResolvedSweep {
  const abs = path.resolve(source);
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    const stored = readStoredSweepConfig(abs);
    if (!stored) {
      throw new EngineError('CONFIG_UNREADABLE', `${abs} is not a sweep folder (no ${SWEEP_FILES.config}).`, {
        file: abs,
      });
    }
    // A sweep folder already is where it is; a different runs folder would be a different sweep.
    if (options.runsDir !== undefined && path.resolve(options.runsDir) !== path.dirname(abs)) {
      throw new EngineError(
        'CONFIG_INVALID',
        `${abs} is a sweep folder, which stays where it is; a runs folder (--runs-dir) is only for a sweep config.`,
        { file: abs },
      );
    }
    return { ...resolveSweepConfig(stored.config, stored.file), sweepDir: abs };
  }
  return loadSweepConfig(abs, options);
}

export function countRuns(runs: SweepRunEntry[]): SweepCounts {
  const counts: SweepCounts = { queued: 0, running: 0, completed: 0, failed: 0, stopped: 0 };
  for (const r of runs) counts[r.status]++;
  return counts;
}

export interface PlannedSweep {
  resolved: ResolvedSweep;
  sweepDir: string;
  name: string;
  axes: SweepIndex['axes'];
  runs: Array<ExpandedRun & { runId: string; runDir: string }>;
}

/**
 * Loads, validates and expands a sweep without running anything (tfjs-free; the host may call it to show the
 * runs a sweep will make). Every expanded run is checked against the run schema.
 */
export function planSweep(source: string, options: SweepLoadOptions = {}): PlannedSweep {
  const resolved = resolveSweepSource(source, options);
  const plan = expandSweep(resolved.spec);
  for (const run of plan.runs) checkRunConfig(run.config, resolved.file, `sweep run ${run.name}`);
  return {
    resolved,
    sweepDir: resolved.sweepDir,
    name: plan.name,
    axes: plan.axes,
    runs: plan.runs.map((r) => ({ ...r, runId: runIdOf(plan.name, r.name), runDir: path.join(resolved.sweepDir, r.name) })),
  };
}

export function runIdOf(sweepName: string, runName: string): string {
  return `${sweepName}--${runName}`;
}

/** Starts (or resumes) a sweep. Throws an EngineError for config problems before anything runs. */
export function startSweep(source: string, options: SweepOptions = {}): SweepHandle {
  const started = Date.now();
  const { resolved, ...plan } = planSweep(source, { runsDir: options.runsDir });
  const sweepDir = resolved.sweepDir;
  const release = acquireSweepLock(sweepDir);
  let index: SweepIndex;
  const before = readSweepIndex(sweepDir);
  try {
    index = reconcile(resolved, plan.runs, plan.axes, options);
    writeJsonAtomicSync(path.join(sweepDir, SWEEP_FILES.config), { file: resolved.file, config: storedConfig(resolved) });
    writeSweepIndex(sweepDir, index);
  } catch (e) {
    release();
    throw e;
  }
  const emit = (e: SweepProcessEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      /* a listener's failure must not stop the sweep */
    }
  };
  const executor = options.executor ?? executorFor(resolved, index, options);
  const configs = new Map<string, ExpandedRun>(plan.runs.map((r) => [r.name, r]));
  const active = new Map<string, RunHandle>();
  let launching = 0;
  let finishing = false;
  let stopping = false;
  let detached = false;
  /** Settles once the first runs went to the executor (what handedOver waits for before asking the executor). */
  let dispatched: Promise<void> = Promise.resolve();

  const save = () => writeSweepIndex(sweepDir, index);
  const runState = (entry: SweepRunEntry, summary?: RunSummary) => {
    save();
    emit({
      v: 1,
      type: 'sweepRunState',
      sweepId: index.sweepId,
      sweepDir,
      run: { ...entry },
      runDir: path.join(sweepDir, entry.dir),
      summary,
    });
  };

  const done = new Promise<SweepResult>((resolve) => {
    index.state = 'running';
    save();
    emit({ v: 1, type: 'sweepStarted', sweepId: index.sweepId, sweepDir, index: structuredClone(index) });
    let queue: SweepRunEntry[] = [];

    const finish = async () => {
      await executor.dispose();
      const counts = countRuns(index.runs);
      index.state = detached
        ? 'running'
        : counts.queued + counts.stopped + counts.running > 0
          ? 'stopped'
          : counts.failed > 0
            ? 'failed'
            : 'completed';
      save();
      let reportDir: string | undefined;
      let error = executor.failure?.message;
      const analyses = resolved.config.analyses;
      if (analyses?.run.length && counts.completed > 0 && !detached && !stopping) {
        const failed = await runPostSweepAnalyses(sweepDir, analyses, (line) =>
          emit({ v: 1, type: 'log', runId: index.sweepId, level: 'info', message: line }),
        );
        error ??= failed;
      }
      if (options.report !== false && counts.completed > 0 && !detached) {
        try {
          reportDir = (await writeSweepReport(sweepDir)).outDir;
        } catch (e) {
          error = `The sweep finished but its report could not be written: ${toEngineError(e).message}`;
        }
      }
      release();
      const seconds = (Date.now() - started) / 1000;
      emit({ v: 1, type: 'sweepFinished', sweepId: index.sweepId, sweepDir, state: index.state, counts, seconds, reportDir, error, ...(detached ? { detached } : {}) });
      resolve({ sweepDir, state: index.state, counts, index, reportDir, seconds, ...(detached ? { detached } : {}), ...(error ? { error } : {}) });
    };

    const pump = () => {
      while (!stopping && active.size + launching < executor.capacity && queue.length > 0) {
        const entry = queue.shift()!;
        launching++;
        void launch(entry).finally(() => {
          launching--;
          pump();
        });
      }
      if (active.size === 0 && launching === 0 && !finishing) {
        finishing = true;
        void finish();
      }
    };

    const launch = async (entry: SweepRunEntry) => {
      const runDir = path.join(sweepDir, entry.dir);
      // A cluster job waits in the scheduler's queue first; a local run starts at once.
      entry.status = executor.preparesOnNode ? 'queued' : 'running';
      entry.attempts++;
      entry.startedAt = new Date().toISOString();
      delete entry.error;
      delete entry.finishedAt;
      delete entry.scheduler;
      runState(entry);
      let resume = false;
      if (!executor.preparesOnNode) {
        // The previous driver's worker for this run may still be finishing its checkpoint: let it.
        const attempt = await prepareRunAttempt(runDir);
        if (stopping) {
          // Stopped while waiting: it never started, so it stays queued for the next time.
          entry.status = 'queued';
          entry.attempts--;
          runState(entry);
          return;
        }
        if (attempt.kind === 'busy') {
          entry.status = 'stopped';
          entry.attempts--;
          entry.error = attempt.error;
          runState(entry);
          return;
        }
        resume = attempt.kind === 'resume';
      }
      const handle = executor.start(
        { runId: entry.runId, runDir, config: configs.get(entry.name)!.config, resume, configPath: resolved.file, index: index.runs.indexOf(entry) },
        {
          onEvent: (event: EngineEvent) => emit(event),
          onScheduler: (job, running) => {
            entry.scheduler = job;
            if (running) entry.status = 'running';
            runState(entry);
          },
        },
      );
      active.set(entry.name, handle);
      void handle.done.then((outcome) => {
        active.delete(entry.name);
        if (outcome.status === 'detached') {
          // The run goes on under its scheduler: its entry says where it was last seen.
          pump();
          return;
        }
        if (outcome.scheduler) entry.scheduler = outcome.scheduler;
        // The folder is the truth: a summary that says completed wins over a lost message.
        const summary = outcome.summary ?? readRunSummary(runDir);
        entry.status = summary?.state === 'completed' ? 'completed' : outcome.status;
        entry.finishedAt = new Date().toISOString();
        if (summary) applySummary(entry, summary);
        if (entry.status === 'failed') entry.error = outcome.error ?? summary?.error ?? 'the run failed';
        // Interrupted (its worker killed from outside): stopped, so the next sweep resumes it; say why.
        else if (entry.status === 'stopped' && outcome.error) entry.error = outcome.error;
        runState(entry, summary);
        pump();
      });
    };

    // What to train: every unfinished run; when only attaching, those the executor already has (the others keep
    // what sweep.json said about them).
    const toTrain = async (): Promise<SweepRunEntry[]> => {
      const unfinished = index.runs.filter((r) => r.status === 'queued');
      if (!options.attachOnly) return unfinished;
      const live = (await executor.liveIndices?.(unfinished.map((r) => index.runs.indexOf(r))).catch(() => undefined)) ?? new Set<number>();
      const old = new Map((before?.runs ?? []).map((r) => [r.name, r]));
      for (const r of unfinished) {
        const was = old.get(r.name);
        if (live.has(index.runs.indexOf(r)) || !was) continue;
        Object.assign(r, was);
        runState(r);
      }
      return unfinished.filter((r) => live.has(index.runs.indexOf(r)));
    };
    dispatched = toTrain().then((q) => {
      queue = q;
      pump();
    });
  });

  return {
    sweepDir,
    get index() {
      return index;
    },
    done,
    stop: () => {
      if (stopping) return;
      stopping = true;
      for (const h of active.values()) h.stop();
    },
    handedOver: async () => {
      await dispatched;
      await executor.handedOver?.();
    },
    detach() {
      if (!executor.detach) {
        this.stop();
        return 'stopping';
      }
      stopping = true;
      detached = true;
      executor.detach();
      return 'detached';
    },
  };
}

/** Runs at once on this machine: the local executor's "parallel", else the sweep's. */
function localParallel(resolved: ResolvedSweep): number | undefined {
  const e = resolved.config.executor;
  return (e?.kind === 'local' ? e.parallel : undefined) ?? resolved.parallel;
}

/** The executor a sweep config names: this machine's pool of engine workers, or a Slurm cluster. */
function executorFor(resolved: ResolvedSweep, index: SweepIndex, options: SweepOptions): Executor {
  const e = resolved.config.executor;
  if (e?.kind === 'slurm') return new SlurmExecutor({ sweepName: resolved.spec.name, sweepDir: resolved.sweepDir, config: e, env: options.slurmEnv });
  return new LocalPoolExecutor({ parallel: index.parallel, workerPath: options.workerPath });
}



/** Runs a sweep to its end. */
export async function runSweep(source: string, options: SweepOptions = {}): Promise<SweepResult> {
  return startSweep(source, options).done;
}

function applySummary(entry: SweepRunEntry, s: RunSummary): void {
  entry.epochsDone = s.epochsDone;
  if (Number.isFinite(s.finalTestAcc)) entry.finalTestAcc = s.finalTestAcc;
  if (Number.isFinite(s.finalNetworkSI)) entry.finalNetworkSI = s.finalNetworkSI;
}

function storedConfig(resolved: ResolvedSweep) {
  // Base inlined with absolute paths, so the folder alone can resume the sweep.
  return { ...resolved.config, base: resolved.spec.base, name: resolved.spec.name };
}

function reconcile(
  resolved: ResolvedSweep,
  runs: ExpandedRun[],
  axes: SweepIndex['axes'],
  options: SweepOptions,
): SweepIndex {
  const sweepDir = resolved.sweepDir;
  const previous = readSweepIndex(sweepDir);
  const before = new Map((previous?.runs ?? []).map((r) => [r.name, r]));
  const now = new Date().toISOString();
  const entries = runs.map((run): SweepRunEntry => {
    const runDir = path.join(sweepDir, run.name);
    const old = before.get(run.name);
    if (old && old.configHash !== run.configHash && existsSync(runDir)) {
      throw new EngineError(
        'CONFIG_INVALID',
        `Run ${run.name} in ${sweepDir} was trained with a different config; give the sweep a new "name" (or "outDir") or move that run folder away.`,
        { file: resolved.file, field: 'name' },
      );
    }
    const entry: SweepRunEntry = {
      name: run.name,
      runId: runIdOf(resolved.spec.name, run.name),
      dir: run.name,
      overrides: run.overrides,
      alpha: run.alpha,
      seed: run.seed,
      configHash: run.configHash,
      status: 'queued',
      attempts: old?.attempts ?? 0,
      startedAt: old?.startedAt,
      finishedAt: old?.finishedAt,
    };
    const summary = readRunSummary(runDir);
    if (summary?.state === 'completed') {
      entry.status = 'completed';
      applySummary(entry, summary);
    } else if (old?.status === 'failed' && !options.retryFailed) {
      entry.status = 'failed';
      entry.error = old.error;
      if (summary) applySummary(entry, summary);
    }
    return entry;
  });
  return {
    version: 1,
    kind: 'sweep',
    sweepId: previous?.sweepId ?? `${resolved.spec.name}-${Date.now().toString(36)}`,
    name: resolved.spec.name,
    configPath: resolved.file,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    state: 'queued',
    parallel: Math.max(1, Math.floor(options.parallel ?? localParallel(resolved) ?? os.cpus().length)),
    executor: resolved.config.executor?.kind ?? 'local',
    axes,
    runs: entries,
  };
}
