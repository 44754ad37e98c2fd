// One analysis of a run (ablation, dimensionality, robustness, top inputs, similarity) in its own engine process:
// the CLI command with --json, whose lines (progress, partial results, the result) are passed on as they come.
// Cancelling kills the process; the result file is written atomically at the end, so nothing half-written stays.
// A failure settles `done` with the CLI's own one-line message (it names the field or file).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AnalysisJsonLine, AnalysisKind, AnalysisResult, SweepAnalysisName } from '../../protocol/analyses';
import { cliPath } from './workerPaths';
import { workerExecArgv } from './workerProcess';

export type AnalysisRequest = RunAnalysisRequest | SweepAnalysisRequest;

export interface RunAnalysisRequest {
  kind: AnalysisKind;
  runDir: string;
  /** The run compared with (similarity only). */
  otherRunDir?: string;
  /** Similarity: every layer of one run against every layer of the other (the heatmap), not only same names. */
  allPairs?: boolean;
  /** Unit layers to cover instead of the analysis's default. */
  layers?: string[];
}

/** sweep-analyze: the analyses of every completed run of a sweep (what its figures vs alpha need). */
export interface SweepAnalysisRequest {
  kind: 'sweep';
  sweepDir: string;
  analyses?: SweepAnalysisName[];
}

export interface AnalysisJobOptions {
  /** The compiled CLI (default: cliPath()). */
  cliPath?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra CLI flags (e.g. --backend wasm, --samples 200). */
  extraArgs?: string[];
  onLine?: (line: AnalysisJsonLine) => void;
}

export type AnalysisOutcome =
  /** A sweep's analyses have no one result: their files are named by 'runResult' lines. */
  | { state: 'completed'; file?: string; result?: AnalysisResult }
  | { state: 'cancelled' }
  | { state: 'failed'; error: string };

const COMMAND_OF: Record<AnalysisKind, string> = {
  ablation: 'ablate',
  similarity: 'similarity',
  dimensionality: 'dimensionality',
  topInputs: 'top-inputs',
  robustness: 'robustness',
};

/** The CLI arguments of an analysis (after the CLI script). */
export function analysisArgs(request: AnalysisRequest, extraArgs: string[] = []): string[] {
  if (request.kind === 'sweep') {
    return ['sweep-analyze', request.sweepDir, ...(request.analyses ? ['--analyses', request.analyses.join(',')] : []), ...extraArgs, '--json'];
  }
  const args = [COMMAND_OF[request.kind], request.runDir];
  if (request.kind === 'similarity') {
    if (!request.otherRunDir) throw new Error('A similarity analysis needs a second run.');
    args.push(request.otherRunDir);
    if (request.allPairs) args.push('--all-pairs');
  }
  if (request.layers?.length) args.push('--layers', request.layers.join(','));
  return [...args, ...extraArgs, '--json'];
}

/** A line of the CLI's --json output, or undefined when it is not one (stray output of a library). */
export function parseAnalysisLine(text: string): AnalysisJsonLine | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const line = JSON.parse(text) as AnalysisJsonLine;
    return line.type === 'progress' || line.type === 'partial' || line.type === 'result' || line.type === 'runResult' ? line : undefined;
  } catch {
    return undefined;
  }
}

/** The CLI's own error lines ("selectivity-lens: ..."), joined; else the last line of stderr. */
export function failureMessage(stderr: string, exit: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.filter((l) => l.startsWith('selectivity-lens: ')).map((l) => l.slice('selectivity-lens: '.length));
  if (own.length) return own.join(' ');
  const last = lines.filter((l) => !l.startsWith('Warning: ')).pop();
  return `The analysis stopped unexpectedly (${exit})${last ? `: ${last}` : '.'}`;
}

export class AnalysisJob {
  readonly done: Promise<AnalysisOutcome>;
  private readonly child: ChildProcess | undefined;
  private cancelled = false;

  constructor(
    readonly request: AnalysisRequest,
    options: AnalysisJobOptions = {},
  ) {
    const script = options.cliPath ?? cliPath();
    if (!existsSync(script)) {
      this.done = Promise.resolve({ state: 'failed', error: `The engine's command line ${script} does not exist; build the engine first (npm run build).` });
      return;
    }
    const child = spawn(process.execPath, [...workerExecArgv(process.execArgv), script, ...analysisArgs(request, options.extraArgs)], {
      env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let stdout = '';
    let stderr = '';
    let result: Extract<AnalysisJsonLine, { type: 'result' }> | undefined;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      let nl: number;
      while ((nl = stdout.indexOf('\n')) >= 0) {
        const line = parseAnalysisLine(stdout.slice(0, nl).trim());
        stdout = stdout.slice(nl + 1);
        if (!line) continue;
        if (line.type === 'result') result = line;
        try {
          options.onLine?.(line);
        } catch {
          // A broken listener must not stop the analysis.
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      // Keep the tail only: an error is in the last lines.
      stderr = (stderr + chunk).slice(-16_000);
    });
    this.done = new Promise((resolve) => {
      child.on('error', (err) => resolve({ state: 'failed', error: `Could not start the analysis: ${err.message}` }));
      child.on('close', (code, signal) => {
        if (this.cancelled) resolve({ state: 'cancelled' });
        else if (code === 0 && (result || request.kind === 'sweep')) resolve({ state: 'completed', file: result?.file, result: result?.result });
        else resolve({ state: 'failed', error: failureMessage(stderr, signal ? `signal ${signal}` : `exit code ${code}`) });
      });
    });
  }

  cancel(): void {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.cancelled = true;
    this.child.kill();
  }
}
