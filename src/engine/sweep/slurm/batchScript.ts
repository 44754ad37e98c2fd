// The batch script of a sweep's job array, written into the sweep folder (slurm/sweep.sbatch) where a user can
// read it. Every task trains one run of sweep.json, the one whose index is its SLURM_ARRAY_TASK_ID, with the
// engine's CLI (`sweep-task`): a fresh start, or a resume from the run's last checkpoint.
import type { SlurmExecutorConfig } from '../../../protocol/executor';

export interface BatchScriptInput {
  sweepName: string;
  sweepDir: string;
  executor: SlurmExecutorConfig;
  /** The node executable on the compute node. */
  node: string;
  /** The engine's CLI script on the compute node. */
  engine: string;
}

/** Seconds before the time limit at which a job is told to checkpoint (sbatch --signal). */
export const DEFAULT_SIGNAL_SECONDS = 300;

/** A word for sh: as is when it is plain, else in single quotes. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The #SBATCH options the config asks for, in the order a person would write them. */
export function sbatchOptions(input: BatchScriptInput): string[] {
  const e = input.executor;
  const logs = `${input.sweepDir}/slurm/logs/%A_%a.log`;
  const options = [
    `--job-name=sl-${input.sweepName}`,
    `--output=${logs}`,
    '--open-mode=append',
    `--signal=B:TERM@${e.signalSeconds ?? DEFAULT_SIGNAL_SECONDS}`,
    ...(e.partition ? [`--partition=${e.partition}`] : []),
    ...(e.account ? [`--account=${e.account}`] : []),
    ...(e.qos ? [`--qos=${e.qos}`] : []),
    ...(e.time ? [`--time=${e.time}`] : []),
    ...(e.cpusPerTask ? [`--cpus-per-task=${e.cpusPerTask}`] : []),
    ...(e.gpusPerTask ? [`--gpus-per-task=${e.gpusPerTask}`] : []),
    ...(e.gres ? [`--gres=${e.gres}`] : []),
    ...(e.mem ? [`--mem=${e.mem}`] : []),
    ...(e.constraint ? [`--constraint=${e.constraint}`] : []),
    ...(e.requeue ? ['--requeue'] : []),
    ...(e.extraArgs ?? []),
  ];
  for (const o of options) {
    if (/[\r\n]/.test(o)) throw new Error(`an sbatch option holds a line break: ${JSON.stringify(o.slice(0, 40))}`);
  }
  return options;
}

export function batchScript(input: BatchScriptInput): string {
  const setup = input.executor.setup ?? [];
  return [
    '#!/bin/bash',
    `# Selectivity Lens sweep "${input.sweepName}", written by \`selectivity-lens sweep\` (it is rewritten on every`,
    '# submission). Each task of the job array trains one run of sweep.json: the run whose index there is the',
    '# task id, started fresh or resumed from its last checkpoint. The run folders are the record of every run.',
    ...sbatchOptions(input).map((o) => `#SBATCH ${quoteOption(o)}`),
    '',
    'set -eo pipefail',
    ...(setup.length ? ['# Setup from the sweep config (executor.setup):', ...setup] : []),
    // The engine's threads follow what the job was given.
    'export SELECTIVITY_LENS_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    // exec: the engine is the batch shell, so the time-limit signal (B:TERM) reaches it and it checkpoints.
    `exec ${shellWord(input.node)} ${shellWord(input.engine)} sweep-task ${shellWord(input.sweepDir)} "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

/** #SBATCH lines are split on spaces unless quoted: quote an option's value when it has any. */
function quoteOption(option: string): string {
  const eq = option.indexOf('=');
  if (eq < 0 || !/\s/.test(option)) return option;
  return `${option.slice(0, eq + 1)}"${option.slice(eq + 1).replace(/"/g, '\\"')}"`;
}
