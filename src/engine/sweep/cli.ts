// `selectivity-lens sweep CONFIG` and `selectivity-lens report SWEEP_DIR`, added to the engine CLI's commander
// program. Progress goes to stderr one line per run state change; user errors are one line, never a stack.
import type { Command } from 'commander';
import * as path from 'node:path';
import type { SweepProcessEvent } from '../../protocol/sweep';
import { isEngineError, toEngineError } from '../errors';
import { writeSweepReport } from '../report/writeReport';
import { startSweep } from './runSweep';

function fail(e: unknown): never {
  const err = toEngineError(e);
  process.stderr.write(`selectivity-lens: ${err.message}\n`);
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
  if (json) return JSON.stringify(e, (_k, v) => (ArrayBuffer.isView(v) ? undefined : v));
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
      return `${time} ${r.status.padEnd(9)} ${r.name}${acc}${si}${r.error ? ` - ${r.error}` : ''}`;
    }
    case 'sweepFinished':
      return (
        `${time} sweep ${e.state}: ${e.counts.completed} completed, ${e.counts.failed} failed, ` +
        `${e.counts.queued + e.counts.stopped} left, ${e.seconds.toFixed(0)} s` +
        (e.reportDir ? `\nreport: ${path.join(e.reportDir, 'index.html')}` : '') +
        (e.error ? `\n${e.error}` : '')
      );
    default:
      return undefined;
  }
}

export function registerSweepCommands(program: Command): void {
  program
    .command('sweep')
    .description('Train every run of a sweep config (alpha x seed x axes); rerun to resume where it stopped')
    .argument('<config>', 'sweep *.selectivity.json (kind: "sweep") or an existing sweep folder')
    .option('-p, --parallel <n>', 'runs at once (default: config "parallel", else CPU cores)', parsePositiveInt)
    .option('--retry-failed', 'retry runs that failed before (from their checkpoint when they have one)')
    .option('--no-report', 'do not write the report folder at the end')
    .option('--json', 'print sweep and run events as JSON lines on stdout')
    .action(async (config: string, opts: { parallel?: number; retryFailed?: boolean; report: boolean; json?: boolean }) => {
      let handle;
      try {
        handle = startSweep(config, {
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
      // First Ctrl-C: runs checkpoint and stop (resume later); second: leave now (runs resume from checkpoints).
      let interrupts = 0;
      const onSignal = () => {
        interrupts++;
        if (interrupts === 1) {
          process.stderr.write('stopping: runs checkpoint and stop; run the same command again to resume\n');
          handle.stop();
        } else process.exit(130);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const result = await handle.done;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.exitCode = result.state === 'completed' ? 0 : result.state === 'stopped' ? 130 : 1;
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
