// Where a sweep's runs train: this machine's cores (the local pool of engine workers) or a Slurm cluster (one job
// array per submission). Written in a sweep config's "executor" field; schemas/sweep.schema.json describes each
// field and these types mirror it.

export interface LocalExecutorConfig {
  kind: 'local';
  /** Engine processes at once (default: the sweep's "parallel", else the number of cores). */
  parallel?: number;
}

export interface SlurmExecutorConfig {
  kind: 'slurm';
  /** sbatch --partition */
  partition?: string;
  /** sbatch --account */
  account?: string;
  /** sbatch --qos */
  qos?: string;
  /** sbatch --time: the limit of each run's job, in Slurm's forms ("90", "4:00:00", "1-12:00:00"). */
  time?: string;
  /** sbatch --cpus-per-task (also the engine's thread count). */
  cpusPerTask?: number;
  /** sbatch --gpus-per-task */
  gpusPerTask?: number;
  /** sbatch --gres, for sites that ask for GPUs this way (e.g. "gpu:a100:1"). */
  gres?: string;
  /** sbatch --mem (per node, e.g. "16G"). */
  mem?: string;
  /** sbatch --constraint */
  constraint?: string;
  /** At most this many of the array's runs at once (sbatch --array=...%K). */
  throttle?: number;
  /** Seconds before the time limit at which the job is asked to checkpoint and stop (sbatch --signal=B:TERM@N). */
  signalSeconds?: number;
  /** sbatch --requeue: let Slurm requeue a preempted or failed-node job by itself (where the site allows it). */
  requeue?: boolean;
  /** More sbatch options, one per item, as on the command line (e.g. "--mail-type=END"). */
  extraArgs?: string[];
  /** Shell lines run before the engine on the compute node (e.g. "module load nodejs/20"). */
  setup?: string[];
  /** The node executable on the compute node (default: node on the job's PATH). */
  node?: string;
  /** The engine's CLI script on the compute node (default: this installation's out/src/cli.js). */
  engine?: string;
  /** Seconds between polls of the scheduler while the sweep is followed (default 10). */
  pollSeconds?: number;
}

export type ExecutorConfig = LocalExecutorConfig | SlurmExecutorConfig;

/** What the scheduler last said about one run's job (kept in sweep.json; the run folder stays the record). */
export interface SchedulerJob {
  /** The array task's id as Slurm shows it, e.g. "4211_7". */
  jobId: string;
  /** Slurm's state name (PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, OUT_OF_MEMORY, PREEMPTED, ...). */
  state: string;
  /** Why it waits or ended, as Slurm says it (e.g. "Priority", "Resources"), when it says one. */
  reason?: string;
}

/** How a run's job reads in the Runs view and the CLI: "Slurm 4211_7 PENDING (Priority)". */
export function schedulerText(job: SchedulerJob): string {
  return `Slurm ${job.jobId} ${job.state}${job.reason ? ` (${job.reason})` : ''}`;
}
