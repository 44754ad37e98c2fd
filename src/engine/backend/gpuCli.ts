// `selectivity-lens gpu`: what this machine offers for training (the WebGPU adapter, native CUDA's readiness,
// what "auto" uses and a self-test on it), as text or, with --json, as one GpuReport line.
import type { Command } from 'commander';
import { gpuReportText } from '../../protocol/gpu';
import { gpuReport } from './gpuReport';

export function registerGpuCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('gpu')
    .description('show the GPUs this machine offers (WebGPU adapter, native CUDA readiness) and what backend "auto" uses')
    .option('--json', 'print the report as one JSON line')
    .action(async (opts: { json?: boolean }) => {
      const report = await gpuReport({ threads: 1 });
      process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : gpuReportText(report));
      setExit(report.selfTest.ok ? 0 : 1);
    });
}
