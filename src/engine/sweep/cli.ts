// `selectivity-lens sweep CONFIG` and `selectivity-lens report SWEEP_DIR`, added to the engine CLI's commander
// program. Progress goes to stderr one line per run state change; user errors are one line, never a stack.
import type { Command } from 'commander';
import * as path from 'node:path';
import { schedulerText } from '../../protocol/executor';
import type { SweepProcessEvent, SweepState } from '../../protocol/sweep';
import { toWireJson } from '../../protocol/wire';
import { errorLines } from '../config';
import { isEngineError, toEngineError } from '../errors';
import { writeSweepReport } from '../report/writeReport';
import { startSweep } from './runSweep';
import { cancelSlurmSweep } from './slurm/cancelSweep';

function fail(e: unknown): never {
  const err = toEngineError(e);
  // A bad config lists every problem, one line each, like the editor's diagnostics.
  for (const line of errorLines(err)) process.stderr.write(`selectivity-lens: ${line}\n`);
  if (!isEngineError(e) && process.env.SELECTIVITY_LENS_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  process.exit(isEngineError(e) && e.code !== 'INTERNAL' ? 2 : 1);
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`selectivity-lens: --parallel must be a whole number >= 1 (got "${value}").\n`);
    process.exit(2);
  }
  return n;
}

function progressLine(e: SweepProcessEvent, json: boolean): string | undefined {
  if (json) return toWireJson(e, { arrays: 'omit' });
  const time = new Date().toISOString().slice(11, 19);
  switch (e.type) {
    case 'sweepStarted': {
      const done = e.index.runs.filter((r) => r.status === 'completed').length;
      return `${time} sweep ${e.index.name}: ${e.index.runs.length} runs (${done} already completed), ${e.index.parallel} at once -> ${e.sweepDir}`;
    }
    case 'sweepRunState': {
      const r = e.run;
      const acc = r.finalTestAcc !== undefined ? ` acc ${(100 * r.finalTestAcc).toFixed(2)}%` : '';
      const si = r.finalNetworkSI !== undefined ? ` SI ${r.finalNetworkSI.toFixed(3)}` : '';
      const job = r.scheduler && r.status !== 'completed' ? ` [${schedulerText(r.scheduler)}]` : '';
      return `${time} ${r.status.padEnd(9)} ${r.name}${acc}${si}${job}${r.error ? ` - ${r.error}` : ''}`;
    }
    case 'sweepFinished':
      if (e.detached) {
        const going = e.counts.queued + e.counts.running;
        return `${time} detached: ${going} run${going === 1 ? '' : 's'} go on under Slurm; \`selectivity-lens sweep ${e.sweepDir}\` follows them again, --cancel cancels them`;
      }
      return (
        `${time} sweep ${e.state}: ${e.counts.completed} completed, ${e.counts.failed} failed, ` +
        `${e.counts.queued + e.counts.stopped} left, ${e.seconds.toFixed(0)} s` +
        (e.reportDir ? `\nreport: ${path.join(e.reportDir, 'index.html')}` : '') +
        (e.error ? `\nselectivity-lens: ${e.error}` : '')
      );
    // The runs' own engine events: the sweep lines above say what a person needs.
    case 'hello':
    case 'runStarted':
    case 'progress':
    case 'dataDownload':
    case 'epoch':
    case 'selectivity':
    case 'classResponses':
    case 'checkpoint':
    case 'runFinished':
    case 'log':
    case 'error':
      return undefined;
  }
}

/**
 * Adds `sweep` and `report`. `setExit` receives the exit code (the CLI's main returns it); without one it goes to
 * process.exitCode.
 */
/**
 * 0 only when every run completed. Stopped by our own signal: 130 (Ctrl-C) or 143 (SIGTERM); anything else that
 * leaves runs failed or unfinished (a run whose worker was killed from outside) is 1.
 */
export function sweepExitCode(state: SweepState, failed: number, interrupted?: NodeJS.Signals, outcome: { detached?: boolean; error?: string } = {}): number {
  // Runs that could not be handed over (Slurm refused the array): a user error, like a bad config.
  if (outcome.error && state !== 'completed') return 2;
  if (state === 'completed' || outcome.detached) return 0;
  if (interrupted && failed === 0) return interrupted === 'SIGTERM' ? 143 : 130;
  return 1;
}

export function registerSweepCommands(program: Command, setExit: (code: number) => void = (code) => (process.exitCode = code)): void {
  program
    .command('sweep')
    .description('Train every run of a sweep config (alpha x seed x axes); rerun to resume where it stopped')
    .argument('<config>', 'sweep *.selectivity.json (kind: "sweep") or an existing sweep folder')
    .option('--runs-dir <dir>', 'folder for the sweep folder (default: the config\'s outDir, ./runs next to it)')
    .option('-p, --parallel <n>', 'runs at once (default: config "parallel", else CPU cores)', parsePositiveInt)
    .option('--retry-failed', 'retry runs that failed before (from their checkpoint when they have one)')
    .option('--no-report', 'do not write the report folder at the end')
    .option('--detach', 'Slurm sweeps: submit (or find the job arrays already submitted) and exit; the runs go on under Slurm')
    .option('--cancel', 'Slurm sweeps: cancel the sweep folder\'s job arrays (their runs checkpoint and stop; run the sweep again to resume)')
    .option('--json', 'print sweep and run events as JSON lines on stdout')
    .action(async (config: string, opts: { runsDir?: string; parallel?: number; retryFailed?: boolean; report: boolean; detach?: boolean; cancel?: boolean; json?: boolean }) => {
      if (opts.cancel) {
        try {
          const cancelled = await cancelSlurmSweep(config);
          process.stderr.write(
            cancelled.length
              ? `cancelled Slurm job array${cancelled.length === 1 ? '' : 's'} ${cancelled.join(', ')}: its runs checkpoint and stop; \`selectivity-lens sweep ${config}\` resumes them\n`
              : `the sweep ${config} has no Slurm job arrays to cancel\n`,
          );
          setExit(0);
        } catch (e) {
          fail(e);
        }
        return;
      }
      let handle;
      try {
        handle = startSweep(config, {
          runsDir: opts.runsDir,
          parallel: opts.parallel,
          retryFailed: opts.retryFailed,
          report: opts.report,
          onEvent: (e) => {
            const line = progressLine(e, !!opts.json);
            if (line === undefined) return;
            (opts.json ? process.stdout : process.stderr).write(line + '\n');
          },
        });
      } catch (e) {
        fail(e);
      }
      // Ctrl-C: a local sweep's runs checkpoint and stop (a second one leaves now; runs resume from checkpoints);
      // a Slurm sweep is left to Slurm (detached, never cancelled: --cancel does that). SIGTERM stops local runs.
      let interrupted: NodeJS.Signals | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        if (interrupted) process.exit(signal === 'SIGTERM' ? 143 : 130);
        interrupted = signal;
        if (handle.detach() === 'detached') process.stderr.write('detaching: the runs go on under Slurm (nothing is cancelled)\n');
        else process.stderr.write('stopping: runs checkpoint and stop; run the same command again to resume\n');
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      if (opts.detach) {
        await handle.handedOver();
        if (handle.detach() === 'stopping') process.stderr.write('--detach is for Slurm sweeps (executor.kind "slurm"); this one trains here, so it stops\n');
      }
      const result = await handle.done;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      setExit(sweepExitCode(result.state, result.counts.failed, interrupted, result));
    });

  program
    .command('report')
    .description('Write the report of a sweep folder: HTML, SVG/PNG figures, CSV, TensorBoard logs')
    .argument('<sweepDir>', 'sweep folder (contains sweep.json)')
    .option('-o, --out <dir>', 'report folder (default <sweepDir>/report)')
    .option('--no-png', 'skip PNG screenshots')
    .option('--no-tensorboard', 'skip TensorBoard event files')
    .action(async (sweepDir: string, opts: { out?: string; png: boolean; tensorboard: boolean }) => {
      try {
        const r = await writeSweepReport(sweepDir, { outDir: opts.out, png: opts.png, tensorboard: opts.tensorboard });
        for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(
          `${r.html}\n${r.svgs.length} SVG, ${r.pngs.length} PNG, ${r.csvs.length} CSV, ${r.tensorboard.length} TensorBoard runs in ${r.outDir}\n`,
        );
      } catch (e) {
        fail(e);
      }
    });
}
