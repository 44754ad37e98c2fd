// `selectivity-lens ablate | similarity | dimensionality | robustness | top-inputs RUN_DIR` and
// `sweep-analyze SWEEP_DIR`, added to the engine CLI's commander program. Each loads the run's newest
// checkpoint, runs the analysis on its held-out set with a progress bar on stderr (a terminal) and writes the
// result into the run folder's analyses/. --json: progress and the result as JSON lines on stdout.
// User errors: one line on stderr naming the field or file, exit 2.
import * as os from 'node:os';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { BACKENDS, type BackendName } from '../../protocol/config';
import { CORRUPTIONS, type AblationMode, type AnalysisJsonLine, type AnalysisResult, type CorruptionName } from '../../protocol/analyses';
import { initBackend } from '../backend';
import { errorLines } from '../config';
import { EngineError, isEngineError, toEngineError } from '../errors';
import { writeAnalysis } from '../runStore';
import { runAblation } from './ablation';
import { runDimensionality } from './dimensionality';
import { runRobustness } from './robustness';
import { runSimilarity } from './similarity';
import { chooseLayers, openRun, type AnalysisTarget } from './target';
import { defaultTopInputsLayers, runTopInputs, TOP_INPUTS_SLOTS } from './topInputs';
import { analyzeSweep, SWEEP_ANALYSES, type SweepAnalysisName } from './sweepAnalyses';
import { summaryLines } from './summaryLines';

function report(e: unknown): number {
  const err = toEngineError(e);
  for (const line of errorLines(err)) process.stderr.write(`selectivity-lens: ${line}\n`);
  if (!isEngineError(e) && process.env.SELECTIVITY_LENS_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  return isEngineError(e) && e.code !== 'INTERNAL' ? 2 : 1;
}

/** A commander parser whose errors are one clear line (exit 2) rather than commander's usage text. */
function parsed<T>(flag: string, parse: (v: string) => T | undefined, what: string): (v: string) => T {
  return (v) => {
    const out = parse(v);
    // main() prints an EngineError from a parser as one line and exits 2.
    if (out === undefined) throw new EngineError('CONFIG_INVALID', `${flag} must be ${what} (got "${v}").`, { field: flag.replace(/^--/, '') });
    return out;
  };
}

const positiveInt = (flag: string) => parsed(flag, (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 ? Number(v) : undefined), 'a whole number >= 1');
const nonNegativeInt = (flag: string) => parsed(flag, (v) => (Number.isInteger(Number(v)) && Number(v) >= 0 ? Number(v) : undefined), 'a whole number >= 0');
const numberList = (flag: string, lo: number, hi: number) =>
  parsed(
    flag,
    (v) => {
      const xs = v.split(',').map((s) => Number(s.trim()));
      return xs.length && xs.every((x) => Number.isFinite(x) && x >= lo && x <= hi) ? xs : undefined;
    },
    `a comma-separated list of numbers in [${lo}, ${hi}]`,
  );
const nameList = <T extends string>(flag: string, allowed: readonly T[]) =>
  parsed(flag, (v) => {
    const xs = v.split(',').map((s) => s.trim());
    return xs.length && xs.every((x) => (allowed as readonly string[]).includes(x)) ? (xs as T[]) : undefined;
  }, `a comma-separated list of ${allowed.join(', ')}`);
const layerList = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

interface CommonOptions {
  layers?: string[];
  samples?: number;
  batchSize?: number;
  backend?: BackendName;
  threads?: number;
  json?: boolean;
}

/** Progress as a bar on a terminal's stderr, as JSON lines with --json, else nothing. */
class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private label = '';
  constructor(private readonly json: boolean) {}

  update(label: string, done: number): void {
    if (this.json) {
      writeJsonLine({ type: 'progress', what: label, done: Math.round(done * 1000) / 1000 });
      return;
    }
    if (!process.stderr.isTTY) return;
    if (!this.bar || label !== this.label) {
      this.stop();
      this.label = label;
      this.bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {percentage}%`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(100, 0);
    }
    this.bar.update(Math.round(100 * done));
  }

  /** A result so far (--json only: a terminal shows the bar). */
  partial(result: AnalysisResult): void {
    if (this.json) writeJsonLine({ type: 'partial', result });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

function writeJsonLine(line: AnalysisJsonLine): void {
  process.stdout.write(JSON.stringify(line) + '\n');
}

async function withBackend(opts: CommonOptions): Promise<void> {
  await initBackend(opts.backend ?? 'auto', { threads: opts.threads ?? os.cpus().length });
}

async function finish(result: AnalysisResult, runDir: string, opts: CommonOptions, progress: Progress): Promise<void> {
  progress.stop();
  const file = await writeAnalysis(runDir, result);
  if (opts.json) {
    writeJsonLine({ type: 'result', file, result });
    return;
  }
  for (const line of summaryLines(result)) process.stdout.write(line + '\n');
  process.stdout.write(`wrote ${file}\n`);
}

async function withTarget<T>(runDir: string, opts: CommonOptions, fn: (t: AnalysisTarget) => Promise<T>): Promise<T> {
  const target = await openRun(runDir, { samples: opts.samples, batchSize: opts.batchSize });
  try {
    return await fn(target);
  } finally {
    target.dispose();
  }
}

function common(cmd: Command, layers = true): Command {
  if (layers) cmd.addOption(new Option('--layers <names>', 'comma-separated unit layers (default: all)').argParser(layerList));
  return cmd
    .addOption(new Option('--samples <n>', 'use the first n held-out samples (default: all)').argParser(positiveInt('--samples')))
    .addOption(new Option('--batch-size <n>', 'batch size (default: the run\'s)').argParser(positiveInt('--batch-size')))
    .addOption(new Option('--backend <name>', `TensorFlow.js backend: ${BACKENDS.join(', ')}`).choices([...BACKENDS]))
    .addOption(new Option('--threads <n>', 'threads to compute on (default: all cores)').argParser(positiveInt('--threads')))
    .option('--json', 'print progress and the result as JSON lines on stdout');
}

export function registerAnalysisCommands(program: Command, setExit: (code: number) => void): void {
  /** Runs a command body: its user errors become one line and exit 2. */
  const action =
    <A extends unknown[]>(body: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      try {
        await body(...args);
        setExit(0);
      } catch (e) {
        setExit(report(e));
      }
    };

  common(
    program
      .command('ablate')
      .description('ablation curves: held-out accuracy as units are silenced by descending / ascending SI or at random')
      .argument('<runDir>', 'run folder'),
  )
    .addOption(new Option('--fractions <list>', 'fractions of units to silence (default 0,0.1,...,1)').argParser(numberList('--fractions', 0, 1)))
    .addOption(new Option('--modes <list>', 'zero and/or mean (default both)').argParser(nameList<AblationMode>('--modes', ['zero', 'mean'])))
    .addOption(new Option('--permutations <n>', 'random orders (default 5)').argParser(positiveInt('--permutations')))
    .addOption(new Option('--seed <n>', 'seed of the first random order (default 0)').argParser(nonNegativeInt('--seed')))
    .action(
      action(async (runDir: string, opts: CommonOptions & { fractions?: number[]; modes?: AblationMode[]; permutations?: number; seed?: number }) => {
        await withBackend(opts);
        const progress = new Progress(!!opts.json);
        const result = await withTarget(runDir, opts, (t) =>
          runAblation(t, { ...opts, layers: chooseLayers(t, opts.layers), onProgress: (m, d) => progress.update(m, d), onPartial: (r) => progress.partial(r) }),
        );
        await finish(result, runDir, opts, progress);
      }),
    );

  common(
    program
      .command('similarity')
      .description('representational similarity of two runs on the same held-out samples: CKA (plain, debiased), SVCCA, PWCCA')
      .argument('<runA>', 'run folder (the result is written into its analyses/)')
      .argument('<runB>', 'run folder to compare with'),
  )
    .option('--all-pairs', 'every layer of A against every layer of B (default: layers of the same name)')
    .option('--per-position', 'conv layers: every spatial position is a sample of the channels (default: a channel\'s spatial mean)')
    .action(
      action(async (runA: string, runB: string, opts: CommonOptions & { allPairs?: boolean; perPosition?: boolean }) => {
        await withBackend(opts);
        const progress = new Progress(!!opts.json);
        const result = await withTarget(runA, opts, (a) =>
          withTarget(runB, opts, (b) =>
            runSimilarity(a, b, {
              layersA: chooseLayers(a, opts.layers),
              layersB: chooseLayers(b, opts.layers),
              pairing: opts.allPairs ? 'all' : 'matching',
              units: opts.perPosition ? 'position' : 'channel',
              onProgress: (d, n) => progress.update('similarity', d / n),
              onScoring: (d, n) => progress.update(`similarity: scoring ${n} layer pair${n === 1 ? '' : 's'} (CCA)`, d / n),
            }),
          ),
        );
        await finish(result, runA, opts, progress);
      }),
    );

  common(
    program
      .command('dimensionality')
      .description('PCA dimensionality of each layer\'s unit responses: participation ratio, components for 90% / 95% variance')
      .argument('<runDir>', 'run folder'),
  ).action(
    action(async (runDir: string, opts: CommonOptions) => {
      await withBackend(opts);
      const progress = new Progress(!!opts.json);
      const result = await withTarget(runDir, opts, (t) => {
        const layers = chooseLayers(t, opts.layers);
        return runDimensionality(
          t,
          layers,
          (d, n) => progress.update('dimensionality', d / n),
          (soFar, done) => {
            progress.update('dimensionality: eigenvalues per layer', done / layers.length);
            progress.partial(soFar);
          },
        );
      });
      await finish(result, runDir, opts, progress);
    }),
  );

  common(
    program
      .command('robustness')
      .description('held-out accuracy under seeded corruptions (5 kinds x 5 severities) and FGSM / PGD attacks')
      .argument('<runDir>', 'run folder'),
    false,
  )
    .addOption(new Option('--eps <list>', 'attack epsilons on the [0, 1] pixel scale (default 0.01,0.02,0.05,0.1)').argParser(numberList('--eps', 0, 1)))
    .addOption(new Option('--pgd-steps <n>', 'PGD steps (default 5)').argParser(positiveInt('--pgd-steps')))
    .addOption(new Option('--corruptions <list>', `some of ${CORRUPTIONS.join(', ')} (default all)`).argParser(nameList<CorruptionName>('--corruptions', CORRUPTIONS)))
    .addOption(new Option('--seed <n>', 'noise seed (default 0)').argParser(nonNegativeInt('--seed')))
    .action(
      action(async (runDir: string, opts: CommonOptions & { eps?: number[]; pgdSteps?: number; corruptions?: CorruptionName[]; seed?: number }) => {
        await withBackend(opts);
        const progress = new Progress(!!opts.json);
        const result = await withTarget(runDir, opts, (t) =>
          runRobustness(t, {
            seed: opts.seed,
            epsilons: opts.eps,
            pgdSteps: opts.pgdSteps,
            corruptions: opts.corruptions,
            onProgress: (d, n) => progress.update('robustness', d / n),
            onPartial: (r) => progress.partial(r),
          }),
        );
        await finish(result, runDir, opts, progress);
      }),
    );

  common(
    program
      .command('top-inputs')
      .description('the held-out images that drive each unit most (top k overall and per class), with thumbnails')
      .argument('<runDir>', 'run folder'),
  )
    .addOption(new Option('--k <n>', 'top samples per unit (default 9)').argParser(positiveInt('--k')))
    .addOption(new Option('--per-class <n>', 'top samples per unit and class (default 3)').argParser(positiveInt('--per-class')))
    .action(
      action(async (runDir: string, opts: CommonOptions & { k?: number; perClass?: number }) => {
        await withBackend(opts);
        const progress = new Progress(!!opts.json);
        const result = await withTarget(runDir, opts, (t) => {
          const layers = opts.layers ? chooseLayers(t, opts.layers) : defaultTopInputsLayers(t.built.unitLayers, t.ds.classNames.length, opts.k, opts.perClass);
          const all = t.built.unitLayers.length;
          if (layers.length < all) {
            process.stderr.write(`top inputs of the deepest ${layers.length} of ${all} unit layers (${layers.join(', ')}): all of them would keep more than ${TOP_INPUTS_SLOTS.toLocaleString('en-US')} sample indices; --layers names others\n`);
          }
          return runTopInputs(t, { layers, k: opts.k, perClassK: opts.perClass, onProgress: (d, n) => progress.update('top inputs', d / n) });
        });
        await finish(result, runDir, opts, progress);
      }),
    );

  common(
    program
      .command('sweep-analyze')
      .description('run analyses over every completed run of a sweep (similarity: to the alpha = 0 run of the same seed); the report shows them vs alpha')
      .argument('<sweepDir>', 'sweep folder (contains sweep.json)'),
  )
    .addOption(new Option('--analyses <list>', `some of ${SWEEP_ANALYSES.join(', ')} (default all)`).argParser(nameList<SweepAnalysisName>('--analyses', SWEEP_ANALYSES)))
    .option('--redo', 'recompute analyses a run already has')
    .action(
      action(async (sweepDir: string, opts: CommonOptions & { analyses?: SweepAnalysisName[]; redo?: boolean }) => {
        await withBackend(opts);
        const progress = new Progress(!!opts.json);
        const done = await analyzeSweep(path.resolve(sweepDir), {
          analyses: opts.analyses ?? [...SWEEP_ANALYSES],
          samples: opts.samples,
          batchSize: opts.batchSize,
          layers: opts.layers,
          redo: !!opts.redo,
          onProgress: (m, d) => progress.update(m, d),
          onResult: (run, file) => {
            if (opts.json) writeJsonLine({ type: 'runResult', run, file });
          },
        });
        progress.stop();
        if (!opts.json) {
          process.stdout.write(`${done.written} analysis file${done.written === 1 ? '' : 's'} written over ${done.runs} completed run${done.runs === 1 ? '' : 's'}` + `${done.skipped ? `, ${done.skipped} kept (--redo recomputes them)` : ''}\n`);
          process.stdout.write(`the sweep report shows them: selectivity-lens report ${sweepDir}\n`);
        }
      }),
    );
}
