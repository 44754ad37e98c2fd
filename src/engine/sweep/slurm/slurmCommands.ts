// The Slurm commands a sweep needs, each one process: sbatch (submit one job array), squeue (the state of every
// task of the sweep's arrays in one call per poll), sacct where the site keeps accounting (how the tasks squeue has
// already forgotten ended, one call per poll for all of them) and scancel. Slurm's own words reach the user: a
// refused submission becomes one message quoting Slurm's reason and naming the executor field it is about.
import { execFile } from 'node:child_process';
import { EngineError } from '../../errors';

export interface SlurmEnv {
  /** Environment of the Slurm commands (PATH, SLURM_CONF). */
  env?: NodeJS.ProcessEnv;
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], opts: SlurmEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: opts.env ?? process.env, timeout: 60_000, maxBuffer: 64 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new EngineError('CONFIG_INVALID', `${command} is not on PATH, so the sweep cannot go to Slurm; run it on the cluster's login node, or set executor.kind to "local".`, {
            field: 'executor.kind',
          }),
        );
        return;
      }
      // A non-zero exit carries its status as a number; anything else (a timeout, a signal) counts as 1.
      const status = (err as { code?: unknown } | null)?.code;
      resolve({ code: !err ? 0 : typeof status === 'number' ? status : 1, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Slurm's reason, without its "sbatch: error:" prefixes, on one line. */
export function slurmReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\s*(sbatch|squeue|scancel|srun):\s*(error|fatal):\s*/i, '').trim())
    .filter((l) => l !== '');
  const last = lines.filter((l) => !/^Batch job submission failed:?$/i.test(l)).at(-1) ?? 'no reason given';
  return last.replace(/^Batch job submission failed:\s*/i, '');
}

/** The executor field a refusal is about, from Slurm's reason. */
export function fieldOfRefusal(reason: string): string | undefined {
  const rules: Array<[RegExp, string]> = [
    [/partition/i, 'executor.partition'],
    [/account/i, 'executor.account'],
    [/qos/i, 'executor.qos'],
    [/time limit|timelimit/i, 'executor.time'],
    [/memory|mem\b/i, 'executor.mem'],
    [/generic resource|gres|gpu/i, 'executor.gpusPerTask'],
    [/feature|constraint/i, 'executor.constraint'],
    [/cpu|processor/i, 'executor.cpusPerTask'],
  ];
  return rules.find(([re]) => re.test(reason))?.[1];
}

/** Submits the batch script as one job array; returns the array's job id. */
export async function submitArray(script: string, array: string, opts: SlurmEnv & { cwd?: string } = {}): Promise<string> {
  const r = await run('sbatch', ['--parsable', `--array=${array}`, script], opts);
  if (r.code !== 0) {
    const reason = slurmReason(r.stderr || r.stdout);
    const field = fieldOfRefusal(reason);
    throw new EngineError('CONFIG_INVALID', `Slurm refused the sweep's job array: ${reason}${field ? ` (check ${field})` : ''}.`, { field, file: script });
  }
  // --parsable prints "<job id>" or "<job id>;<cluster>".
  const id = r.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new EngineError('INTERNAL', `sbatch printed "${r.stdout.trim().slice(0, 80)}" instead of a job id.`, { file: script });
  return id;
}

/** One array task as squeue sees it. */
export interface TaskState {
  /** "<array job id>_<task id>" */
  jobId: string;
  arrayJobId: string;
  /** The task id: the run's index in sweep.json. */
  index: number;
  state: string;
  reason?: string;
}

const SQUEUE_FORMAT = '%A|%F|%K|%T|%r';

/** Parses `squeue -h -r -o "%A|%F|%K|%T|%r"`: job id, array job id, task id, state, reason. */
export function parseSqueue(stdout: string): TaskState[] {
  const out: TaskState[] = [];
  for (const line of stdout.split('\n')) {
    const [, arrayJobId, task, state, reason] = line.trim().split('|');
    const index = Number(task);
    if (!arrayJobId || !state || !Number.isInteger(index)) continue;
    out.push({ jobId: `${arrayJobId}_${index}`, arrayJobId, index, state, reason: reason && reason !== 'None' && reason !== '(null)' ? reason : undefined });
  }
  return out;
}

/**
 * Every task of these job arrays that Slurm still knows (waiting, running, or ended a short while ago), in one
 * squeue call. Arrays Slurm has forgotten are simply absent: the run folders say how those runs ended.
 */
export async function queryArrays(arrayJobIds: readonly string[], opts: SlurmEnv = {}): Promise<TaskState[]> {
  if (arrayJobIds.length === 0) return [];
  const r = await run('squeue', ['-h', '-r', '--states=all', `--jobs=${arrayJobIds.join(',')}`, '-o', SQUEUE_FORMAT], opts);
  if (r.code !== 0) {
    // squeue refuses a list in which every job is forgotten ("Invalid job id specified"): nothing to report.
    if (/invalid job id/i.test(r.stderr)) return [];
    throw new EngineError('INTERNAL', `squeue failed: ${slurmReason(r.stderr || r.stdout)}.`);
  }
  const wanted = new Set(arrayJobIds);
  return parseSqueue(r.stdout).filter((t) => wanted.has(t.arrayJobId));
}

/** How a job ended, as Slurm's accounting recorded it. */
export interface AccountedJob {
  /** "<array job id>_<task id>" */
  jobId: string;
  /** e.g. COMPLETED, TIMEOUT, OUT_OF_MEMORY, "CANCELLED by 1000" */
  state: string;
  /** The exit code, or 128 + the signal that ended the job (as a shell reports it). */
  exitCode?: number;
}

/** "N:S" (exit code : signal) as one number, 128 + S for a signal. */
function exitCodeOf(text: string | undefined): number | undefined {
  const m = /^(\d+):(\d+)$/.exec(text?.trim() ?? '');
  if (!m) return undefined;
  return Number(m[2]) > 0 ? 128 + Number(m[2]) : Number(m[1]);
}

/**
 * Parses `sacct -n -P -o JobID,State,ExitCode`: one line per job and one per step ("4211_7.batch"). The job's own
 * line gives its state, except that running out of memory is often recorded on the batch step only.
 */
export function parseSacct(stdout: string): Map<string, AccountedJob> {
  const out = new Map<string, AccountedJob>();
  for (const line of stdout.split('\n')) {
    const [id, state, exit] = line.trim().split('|');
    if (!id || !state) continue;
    const [jobId, step] = id.split('.');
    if (!/^\d+_\d+$/.test(jobId)) continue;
    const known = out.get(jobId);
    if (step === undefined) {
      out.set(jobId, { jobId, state: known?.state.startsWith('OUT_OF_MEMORY') ? known.state : state, exitCode: exitCodeOf(exit) ?? known?.exitCode });
    } else if (state.startsWith('OUT_OF_MEMORY')) {
      out.set(jobId, { jobId, state, exitCode: known?.exitCode ?? exitCodeOf(exit) });
    }
  }
  return out;
}

/**
 * How these jobs ended, from Slurm's accounting, in one sacct call; undefined where the site keeps no accounting
 * (sacct missing, or "accounting storage is disabled"): then the run folders and scontrol are all there is.
 */
export async function accountedJobs(jobIds: readonly string[], opts: SlurmEnv = {}): Promise<Map<string, AccountedJob> | undefined> {
  if (jobIds.length === 0) return new Map();
  const r = await run('sacct', ['-n', '-P', `--jobs=${jobIds.join(',')}`, '-o', 'JobID,State,ExitCode'], opts).catch(() => undefined);
  if (!r || r.code !== 0) return undefined;
  const wanted = new Set(jobIds);
  return new Map([...parseSacct(r.stdout)].filter(([id]) => wanted.has(id)));
}

/** Cancels these job arrays (every task). */
export async function cancelArrays(arrayJobIds: readonly string[], opts: SlurmEnv = {}): Promise<void> {
  if (arrayJobIds.length === 0) return;
  const r = await run('scancel', [...arrayJobIds], opts);
  if (r.code !== 0 && !/invalid job id/i.test(r.stderr)) throw new EngineError('INTERNAL', `scancel failed: ${slurmReason(r.stderr || r.stdout)}.`);
}

/**
 * The exit code of a job Slurm still remembers (`scontrol show job -o`), or undefined. Asked only for a job that
 * ended without its run's summary, to tell a run stopped by a signal before it began (143, 130) from a failure.
 */
export async function jobExitCode(jobId: string, opts: SlurmEnv = {}): Promise<number | undefined> {
  const r = await run('scontrol', ['show', 'job', '-o', jobId], opts).catch(() => undefined);
  const m = r && r.code === 0 ? /\bExitCode=(\d+):(\d+)/.exec(r.stdout) : null;
  if (!m) return undefined;
  // "N:S": the exit code, or the signal that ended it (reported as 128 + S, as a shell does).
  return Number(m[2]) > 0 ? 128 + Number(m[2]) : Number(m[1]);
}
