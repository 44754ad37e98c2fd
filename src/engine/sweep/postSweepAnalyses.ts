// The sweep config's "analyses": run `selectivity-lens sweep-analyze` over the sweep folder in a child process
// once its runs are done (the sweep driver never loads TensorFlow.js itself). Resolves with an error sentence
// when the analyses failed; the sweep's own state does not change.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { SweepConfig } from '../../protocol/config';
import { packageRoot } from '../packageRoot';

export function runPostSweepAnalyses(sweepDir: string, analyses: NonNullable<SweepConfig['analyses']>, log: (line: string) => void): Promise<string | undefined> {
  const args = [path.join(packageRoot(), 'bin', 'selectivity-lens'), 'sweep-analyze', sweepDir, '--analyses', analyses.run.join(',')];
  if (analyses.samples) args.push('--samples', String(analyses.samples));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    child.stdout.on('data', (c: Buffer) => String(c).split('\n').filter(Boolean).forEach(log));
    child.stderr.on('data', (c: Buffer) => (tail = (tail + String(c)).slice(-2000)));
    child.on('error', (e) => resolve(`The sweep's analyses could not start: ${e.message}`));
    child.on('close', (code) => resolve(code === 0 ? undefined : `The sweep's analyses failed: ${tail.trim().split('\n').pop() ?? `exit ${code}`}`));
  });
}
