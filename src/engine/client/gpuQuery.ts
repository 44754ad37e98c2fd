// Asks an engine process what this machine offers for training (`selectivity-lens gpu --json`): the host never
// loads tfjs or Dawn itself, so a driver that crashes on probing takes down only that child.
import { execFile } from 'node:child_process';
import type { GpuReport } from '../../protocol/gpu';
import { NATIVE_DIR_ENV } from '../backend/native';
import { cliPath } from './workerPaths';
import { workerExecArgv } from './workerProcess';

export function queryGpu(options: { nativeDirs?: string[]; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<GpuReport> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...(options.nativeDirs?.length ? { [NATIVE_DIR_ENV]: options.nativeDirs.join(process.platform === 'win32' ? ';' : ':') } : {}) };
    execFile(
      process.execPath,
      [...workerExecArgv(process.execArgv), cliPath(), 'gpu', '--json'],
      { env, signal: options.signal, timeout: options.timeoutMs ?? 120_000, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').pop() ?? '';
        // Exit 1 with a report: the self-test failed, which the report says; anything else is a failed query.
        try {
          if (last.startsWith('{')) return resolve(JSON.parse(last) as GpuReport);
        } catch {
          // not a report: fall through
        }
        const tail = stderr.trim().split('\n').filter((l) => !l.startsWith('Warning: ')).slice(-3).join(' ');
        reject(new Error(`The GPU query failed${error ? ` (${error.message.split('\n')[0]})` : ''}${tail ? `: ${tail}` : ''}`));
      },
    );
  });
}
