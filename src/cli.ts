// `selectivity-lens`: the engine from a terminal. Thin: parses arguments, runs the in-process Engine and prints
// its events (progress bar, one line per epoch, a summary) or, with --json, the events as JSON lines.
// User errors: one line on stderr, exit code 2; engine bugs: exit code 1; interrupted (Ctrl-C): 130, terminated
// (SIGTERM, e.g. a scheduler's time limit): 143, both after a checkpoint at the next batch boundary.
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { BACKENDS, isDownloadable, type BackendName, type DataConfig, type DatasetFormat, type RunConfig } from './protocol/config';
import type { EngineEvent, RunMeta, RunSummary } from './protocol/events';
import { toWireJson } from './protocol/wire';
import { ConfigProblemsError, errorLines, loadRunConfigFile, validateRunConfig } from './engine/config';
import { Engine, engineVersion } from './engine/engine';
import { EngineError, isEngineError, toEngineError } from './engine/errors';
import { createRunDir, readRun, readSweepIndex } from './engine/runStore';
import { planSweep, prepareRunAttempt } from './engine/sweep';
import { WORKER_ENV } from './protocol/workerEnv';
import { registerSweepCommands } from './engine/sweep/cli';
import { registerGpuCommand } from './engine/backend/gpuCli';
import { registerAnalysisCommands } from './engine/analyses/cli';
import { registerLabelCommand } from './engine/runStore/labelCli';
import { summaryLines } from './engine/analyses/summaryLines';
import { readAnalyses } from './engine/runStore';
import { runTitle } from './protocol/runName';

const FORMATS: DatasetFormat[] = ['mnist-embedded', 'idx', 'cifar10', 'cifar100', 'tiny-imagenet', 'image-folder'];

class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function fail(e: unknown): never {
  const err = toEngineError(e);
  // A bad config lists every problem, one line each, like the editor's diagnostics.
  for (const line of errorLines(err)) process.stderr.write(`selectivity-lens: ${line}\n`);
  if (!isEngineError(e) && process.env.SELECTIVITY_LENS_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  throw new CliExit(isEngineError(e) && e.code !== 'INTERNAL' ? 2 : 1);
}

function jsonLine(event: unknown): string {
  return toWireJson(event);
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '-');
const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** Prints engine events for a person: a progress bar on stderr (when it is a terminal), lines on stdout. */
class HumanPrinter {
  private bar: cliProgress.SingleBar | undefined;
  private barEpoch = 0;
  private downloadBar: cliProgress.SingleBar | undefined;
  /** Tenths of a download already printed as a line (no terminal). */
  private downloadTenths = -1;
  /** The run as it started (undefined while it has not: then a failure changed nothing and its error says it all). */
  private meta: RunMeta | undefined;

  handle(e: EngineEvent): void {
    switch (e.type) {
      case 'runStarted': {
        const m = e.meta;
        this.meta = m;
        const resumed = m.resumedFromEpoch !== undefined ? `, resumed after epoch ${m.resumedFromEpoch}` : '';
        this.line(`run ${m.name}: ${m.model} on ${m.dataset} (${m.trainSize} train / ${m.testSize} held-out), ${m.params} params, ` +
          `${m.layers.length} unit layers, backend ${m.backend}${m.backendDevice ? ` on ${m.backendDevice}` : ''}${resumed}`);
        if (m.backendSkipped?.length) this.line(`  backends passed over: ${m.backendSkipped.join('; ')}`);
        this.line(`  folder ${m.runDir}`);
        break;
      }
      case 'progress':
        this.progress(e);
        break;
      case 'dataDownload':
        this.download(e);
        break;
      case 'epoch': {
        const m = e.metrics;
        this.stopBar();
        const si = Number.isFinite(m.networkSI) ? `  network SI ${num(m.networkSI)}` : '';
        this.line(`epoch ${String(m.epoch).padStart(3)}  alpha ${m.alpha}  lr ${num(m.lr, 4)}  train CE ${num(m.trainCE)} acc ${pct(m.trainAcc)} SI ${num(m.trainSI)}  ` +
          `test loss ${num(m.testLoss)} acc ${pct(m.testAcc)}${si}  (${m.seconds.toFixed(1)} s, ${Math.round(m.imgPerSec)} img/s)`);
        break;
      }
      case 'runFinished':
        this.stopBar();
        this.summary(e.summary);
        break;
      case 'log':
        if (e.level === 'warn' || e.level === 'error' || (e.level === 'info' && !this.bar && !this.downloadBar)) this.err(e.message);
        break;
      case 'error':
        this.stopBar();
        break;
      case 'hello':
      case 'selectivity':
      case 'classResponses':
      case 'checkpoint':
        break;
    }
  }

  private progress(e: Extract<EngineEvent, { type: 'progress' }>): void {
    if (!process.stderr.isTTY) return;
    const payload = { epoch: e.epoch, epochs: e.epochs, imgps: Math.round(e.imgPerSec), loss: num(e.loss), etaRun: formatSeconds(e.etaSec) };
    if (!this.bar || this.barEpoch !== e.epoch) {
      this.stopBar();
      this.bar = new cliProgress.SingleBar(
        {
          format: 'epoch {epoch}/{epochs} [{bar}] {value}/{total} batches | {imgps} img/s | loss {loss} | run ETA {etaRun}',
          hideCursor: true,
          clearOnComplete: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(e.batches, e.batch, payload);
      this.barEpoch = e.epoch;
    } else {
      this.bar.update(e.batch, payload);
    }
  }

  /** A progress bar on a terminal; else a line at each tenth, so logs of batch jobs show it moving. */
  private download(e: Extract<EngineEvent, { type: 'dataDownload' }>): void {
    const payload = { dataset: e.dataset, mb: (e.bytes / 1e6).toFixed(1), totalMb: (e.total / 1e6).toFixed(1) };
    const done = e.total > 0 && e.bytes >= e.total;
    if (process.stderr.isTTY) {
      if (!this.downloadBar) {
        this.downloadBar = new cliProgress.SingleBar(
          { format: 'downloading {dataset} [{bar}] {percentage}% | {mb} / {totalMb} MB | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        );
        this.downloadBar.start(e.total, e.bytes, payload);
      } else {
        this.downloadBar.setTotal(e.total);
        this.downloadBar.update(e.bytes, payload);
      }
      if (done) this.stopDownloadBar();
      return;
    }
    const tenths = e.total > 0 ? Math.floor((10 * e.bytes) / e.total) : 0;
    if (tenths === this.downloadTenths) return;
    this.downloadTenths = tenths;
    this.err(`downloading ${e.dataset}: ${payload.mb} / ${payload.totalMb} MB (${tenths * 10}%)`);
    if (done) this.downloadTenths = -1;
  }

  private stopDownloadBar(): void {
    this.downloadBar?.stop();
    this.downloadBar = undefined;
  }

  private summary(s: RunSummary): void {
    // A run that never started (refused, or its set-up failed): nothing happened beyond the error line.
    if (!this.meta && s.state === 'failed') return;
    const epochs = `${s.epochsDone} epoch${s.epochsDone === 1 ? '' : 's'}`;
    const results = `test acc ${pct(s.finalTestAcc)} (best ${pct(s.bestTestAcc)}), network SI ${num(s.finalNetworkSI)}`;
    if (s.state === 'failed') {
      const of = this.meta ? ` of ${this.meta.epochs}` : '';
      this.line(`failed: ${epochs}${of} done and checkpointed in ${formatSeconds(s.seconds)}; ${results}`);
    } else this.line(`${s.state}: ${epochs} in ${formatSeconds(s.seconds)}; ${results}`);
    for (const l of s.layers) this.line(`  ${l.layer.padEnd(24)} ${String(l.units).padStart(5)} units  mean SI ${num(l.meanSI)}`);
    if ((s.state === 'stopped' || s.state === 'failed') && this.meta && s.epochsDone < this.meta.epochs) {
      this.line(`  to continue${s.state === 'failed' ? ' once the cause is fixed' : ''}: selectivity-lens train --resume ${this.meta.runDir}`);
    }
  }

  stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.stopDownloadBar();
  }

  private line(s: string): void {
    process.stdout.write(s + '\n');
  }

  private err(s: string): void {
    process.stderr.write(s + '\n');
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '-';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

interface RunOptions {
  backend?: BackendName;
  json?: boolean;
  threads?: number;
}

/** Run one engine command in-process, printing its events; resolves with the exit code. */
async function runEngine(build: (engine: Engine) => Parameters<Engine['handle']>[0], opts: RunOptions): Promise<number> {
  const printer = opts.json ? undefined : new HumanPrinter();
  let summary: RunSummary | undefined;
  let error: Extract<EngineEvent, { type: 'error' }> | undefined;
  let interrupted: 'SIGINT' | 'SIGTERM' | undefined;
  const engine = new Engine(
    (e) => {
      if (opts.json) process.stdout.write(jsonLine(e) + '\n');
      else printer!.handle(e);
      if (e.type === 'runFinished') summary = e.summary;
      if (e.type === 'error' && !error) error = e;
    },
    { backend: opts.backend, threads: opts.threads ?? os.cpus().length },
  );
  // Ctrl-C and SIGTERM (a scheduler's time limit, `kill`): checkpoint at the next batch boundary, release the
  // run folder, exit 130 / 143. A second signal leaves at once (the run then resumes from its last checkpoint).
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (interrupted) process.exit(signal === 'SIGTERM' ? 143 : 130);
    interrupted = signal;
    printer?.stopBar();
    const again = signal === 'SIGINT' ? 'Ctrl-C again' : 'SIGTERM again';
    process.stderr.write(`${signal === 'SIGTERM' ? 'SIGTERM: s' : 'S'}topping after the current batch and saving a checkpoint (${again} to quit at once)...\n`);
    engine.stopAll();
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    await engine.start();
    const job = engine.handle(build(engine));
    // A signal while the backend started: the run ends before it begins (stopped, nothing written).
    if (interrupted) engine.stopAll();
    await job;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    printer?.stopBar();
  }
  if (error) {
    process.stderr.write(`selectivity-lens: ${error.message}\n`);
    return error.code === 'INTERNAL' ? 1 : 2;
  }
  if (summary?.state === 'stopped') return interrupted === 'SIGTERM' ? 143 : interrupted ? 130 : 0;
  return summary?.state === 'completed' ? 0 : 1;
}

function parseBackend(value: string): BackendName {
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new EngineError('CONFIG_INVALID', `--backend must be one of ${BACKENDS.join(', ')} (got "${value}").`, { field: 'backend' });
  }
  return value as BackendName;
}

function parsePositive(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new EngineError('CONFIG_INVALID', `${flag} must be a whole number >= 1 (got "${value}").`);
    return n;
  };
}

/** Wrap a commander option parser so its EngineError becomes our one-line failure. */
function guarded<T>(parse: (v: string) => T): (v: string) => T {
  return (v) => {
    try {
      return parse(v);
    } catch (e) {
      fail(e);
    }
  };
}

async function trainCommand(configFile: string | undefined, opts: { runsDir?: string; backend?: BackendName; json?: boolean; resume?: string; threads?: number }): Promise<number> {
  if (opts.resume) {
    const runDir = path.resolve(opts.resume);
    const record = readRun(runDir); // throws a clear error when it is no run folder
    if (record.summary?.state === 'completed') {
      throw new EngineError('CONFIG_INVALID', `Run ${opts.resume} is already completed; nothing to resume.`, { file: opts.resume });
    }
    const runId = record.runId;
    return runEngine(() => ({ v: 1, type: 'resumeRun', runId, runDir }), { ...opts, backend: opts.backend ?? record.config?.backend });
  }
  if (!configFile) throw new EngineError('CONFIG_INVALID', 'train needs a CONFIG file (or --resume RUN_DIR).');
  const { config, problems } = loadRunConfigFile(configFile, configFile);
  if (!opts.json) for (const p of problems) process.stderr.write(`${configFile}:${p.line}:${p.column}: warning: ${p.message}\n`);
  const outDir = opts.runsDir ? path.resolve(opts.runsDir) : config.outDir;
  const runDir = createRunDir(outDir, config.name);
  const runId = path.basename(runDir);
  const configPath = path.resolve(configFile);
  return runEngine(() => ({ v: 1, type: 'startRun', runId, runDir, config, configPath }), { ...opts, backend: opts.backend ?? config.backend });
}

/**
 * One run of a sweep, by its index in sweep.json: what each task of a Slurm job array runs on its node. The run is
 * started fresh or resumed from its checkpoint, like a local sweep does it; a SIGTERM (the job's time limit,
 * scancel) checkpoints and exits 143. Threads: the job's cores (SELECTIVITY_LENS_THREADS), else --threads.
 */
async function sweepTaskCommand(sweepDir: string, indexArg: string, opts: { backend?: BackendName; json?: boolean; threads?: number }): Promise<number> {
  const position = Number(indexArg);
  const index = readSweepIndex(path.resolve(sweepDir));
  if (!index) throw new EngineError('CONFIG_UNREADABLE', `${sweepDir} is not a sweep folder (no sweep.json).`, { file: sweepDir });
  const entry = Number.isInteger(position) ? index.runs[position] : undefined;
  if (!entry) throw new EngineError('CONFIG_INVALID', `The sweep ${index.name} has no run ${indexArg} (it has runs 0-${index.runs.length - 1}).`, { file: sweepDir });
  const run = planSweep(sweepDir).runs.find((r) => r.name === entry.name);
  if (!run) throw new EngineError('CONFIG_INVALID', `The sweep config in ${sweepDir} no longer makes run ${entry.name}; submit the sweep again.`, { file: sweepDir });
  const attempt = await prepareRunAttempt(run.runDir);
  if (attempt.kind === 'busy') throw new EngineError('RUN_DIR_UNWRITABLE', `Run ${entry.name}: ${attempt.error}.`, { file: run.runDir });
  const envThreads = Number(process.env[WORKER_ENV.threads]);
  const threads = opts.threads ?? (Number.isInteger(envThreads) && envThreads > 0 ? envThreads : undefined);
  const backend = opts.backend ?? run.config.backend;
  if (attempt.kind === 'resume') return runEngine(() => ({ v: 1, type: 'resumeRun', runId: run.runId, runDir: run.runDir }), { ...opts, threads, backend });
  return runEngine(() => ({ v: 1, type: 'startRun', runId: run.runId, runDir: run.runDir, config: run.config, configPath: index.configPath }), { ...opts, threads, backend });
}

/** --data: a run config file (its data section is used) or FORMAT[:PATH], e.g. mnist-embedded, cifar10:data/cifar. */
function dataFromArg(arg: string): { data: DataConfig; base?: RunConfig; configPath?: string } {
  if (/\.jsonc?$/i.test(arg)) {
    const { config, file } = loadRunConfigFile(arg, arg);
    return { data: config.data, base: config, configPath: file };
  }
  const colon = arg.indexOf(':');
  const format = (colon < 0 ? arg : arg.slice(0, colon)) as DatasetFormat;
  if (!FORMATS.includes(format)) {
    throw new EngineError('CONFIG_INVALID', `--data: unknown format "${format}"; use FORMAT[:PATH] with FORMAT one of ${FORMATS.join(', ')}, or a run config file.`, {
      field: 'data.format',
    });
  }
  const data: DataConfig = { format };
  if (colon >= 0) data.path = path.resolve(arg.slice(colon + 1));
  return { data };
}

async function analyzeCommand(opts: {
  model: string;
  data: string;
  runsDir?: string;
  backend?: BackendName;
  json?: boolean;
  testLimit?: number;
  batchSize?: number;
  bins?: number;
  threads?: number;
  download?: boolean;
}): Promise<number> {
  if (!fs.existsSync(opts.model)) throw new EngineError('MODEL_INVALID', `--model ${opts.model} does not exist.`, { file: opts.model });
  const { data, base, configPath } = dataFromArg(opts.data);
  if (opts.testLimit) data.testLimit = opts.testLimit;
  if (opts.download) data.download = true;
  const name = `analyze-${path.basename(opts.model).replace(/\.json$/i, '').replace(/[^A-Za-z0-9._+=-]+/g, '-') || 'model'}`;
  const config: RunConfig = {
    kind: 'run',
    name: /^[A-Za-z0-9]/.test(name) ? name : 'analyze',
    model: { name: 'user', path: path.resolve(opts.model) },
    data,
    train: { epochs: 1, batchSize: opts.batchSize ?? base?.train.batchSize ?? 128, lr: 0.1 },
    selectivity: {
      alpha: 0,
      histogramBins: opts.bins ?? base?.selectivity.histogramBins,
      layers: base?.selectivity.layers,
      histogramLayers: base?.selectivity.histogramLayers,
    },
  };
  const { problems, omitted } = validateRunConfig(config, '--data');
  // The schema's "data.path is required" in the flags a user of this command types.
  if (!base && !data.path && problems.some((p) => p.severity === 'error' && p.field === 'data.path')) {
    const fetchable = isDownloadable(data.format) ? `, or add --download to fetch the official archive` : '';
    throw new EngineError('CONFIG_INVALID', `--data ${opts.data} names no folder: give ${data.format}:PATH${fetchable}.`, { field: '--data' });
  }
  if (problems.some((p) => p.severity === 'error')) throw new ConfigProblemsError('--data', problems, omitted);
  const runDir = createRunDir(opts.runsDir ? path.resolve(opts.runsDir) : path.resolve('runs'), config.name!);
  const runId = path.basename(runDir);
  return runEngine(() => ({ v: 1, type: 'analyze', runId, runDir, modelPath: path.resolve(opts.model), config: configPath ? { ...config } : config }), opts);
}

function infoCommand(runDir: string, opts: { json?: boolean }): number {
  const r = readRun(runDir);
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  const analyses = readAnalyses(r.dir);
  if (opts.json) {
    process.stdout.write(jsonLine({ ...r, analyses: analyses.files }) + '\n');
    return 0;
  }
  const out = (s: string) => process.stdout.write(s + '\n');
  const m = r.meta;
  out(`run ${runTitle({ runId: r.runId, meta: m, label: r.label })}  [${r.state}]  ${r.dir}`);
  if (r.label?.label && m?.name) out(`  config ${m.name}`);
  if (m) {
    out(`  model ${m.model} (${m.params} params) on ${m.dataset}; backend ${m.backend}; started ${m.startedAt}`);
    out(`  unit layers: ${m.layers.map((l) => `${l.name}(${l.units})`).join(', ')}`);
  }
  if (r.config) out(`  alpha ${JSON.stringify(r.config.selectivity.alpha)}, ${r.config.train.epochs} epochs, batch ${r.config.train.batchSize}, lr ${r.config.train.lr}`);
  if (r.metrics.length) {
    out('  epoch  alpha     train acc  test acc   network SI');
    for (const x of r.metrics) {
      out(`  ${String(x.epoch).padStart(5)}  ${String(x.alpha).padEnd(8)}  ${pct(x.trainAcc).padStart(9)}  ${pct(x.testAcc).padStart(8)}   ${num(x.networkSI)}`);
    }
  }
  if (r.summary) {
    const s = r.summary;
    out(`  ${s.state}: ${s.epochsDone} epochs, test acc ${pct(s.finalTestAcc)} (best ${pct(s.bestTestAcc)}), network SI ${num(s.finalNetworkSI)}${s.error ? `, error: ${s.error}` : ''}`);
    for (const l of s.layers) out(`    ${l.layer.padEnd(24)} ${String(l.units).padStart(5)} units  mean SI ${num(l.meanSI)}`);
  }
  if (r.latestCheckpoint) out(`  latest checkpoint: checkpoints/${r.latestCheckpoint}`);
  const results = [analyses.ablation, analyses.dimensionality, analyses.robustness, analyses.topInputs, ...analyses.similarity];
  if (analyses.files.length) out(`  analyses: ${analyses.files.join(', ')}`);
  for (const a of results) if (a) for (const line of summaryLines(a)) out(`    ${line}`);
  return 0;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('selectivity-lens')
    .description('Train CNNs with the class-selectivity regularizer (Leavitt & Morcos, ICLR 2021) and analyse per-unit selectivity.')
    .version(engineVersion())
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (s, write) => write(s.split('\n')[0] + '\n') })
    .exitOverride();
  const backendOption = () => new Option('--backend <name>', `TensorFlow.js backend: ${BACKENDS.join(', ')}`).argParser(guarded(parseBackend));
  const threadsOption = () => new Option('--threads <n>', 'threads to compute on (default: all cores)').argParser(guarded(parsePositive('--threads')));

  program
    .command('train')
    .description('train a run described by a *.selectivity.json config (or resume a stopped run)')
    .argument('[config]', 'run config file (*.selectivity.json)')
    .option('--runs-dir <dir>', 'folder for the run folder (default: the config\'s outDir, ./runs next to it)')
    .addOption(backendOption())
    .addOption(threadsOption())
    .option('--json', 'print engine events as JSON lines on stdout')
    .option('--resume <runDir>', 'continue a stopped run from its last checkpoint')
    .action(async (config: string | undefined, opts) => setExit(await trainCommand(config, opts)));

  program
    .command('analyze')
    .description('measure per-unit class selectivity of a trained model on a data set\'s held-out split')
    .requiredOption('--model <path>', 'model.json of a tfjs LayersModel, a checkpoint folder or a run folder')
    .requiredOption('--data <spec>', 'FORMAT[:PATH] (e.g. mnist-embedded, cifar10:data/cifar-10-batches-bin) or a run config file')
    .option('--runs-dir <dir>', 'folder for the analysis run folder', 'runs')
    .addOption(new Option('--test-limit <n>', 'analyse at most n held-out samples').argParser(guarded(parsePositive('--test-limit'))))
    .addOption(new Option('--batch-size <n>', 'batch size').argParser(guarded(parsePositive('--batch-size'))))
    .addOption(new Option('--bins <n>', 'histogram bins').argParser(guarded(parsePositive('--bins'))))
    .option('--download', 'fetch the data set\'s official archive when PATH does not hold it (cifar10, cifar100, tiny-imagenet; as data.download)')
    .addOption(backendOption())
    .addOption(threadsOption())
    .option('--json', 'print engine events as JSON lines on stdout')
    .action(async (opts) => setExit(await analyzeCommand(opts)));

  program
    .command('sweep-task')
    .description('train one run of a sweep folder by its index in sweep.json (what each task of a Slurm job array runs)')
    .argument('<sweepDir>', 'sweep folder (contains sweep.json)')
    .argument('<index>', 'the run\'s index in sweep.json (SLURM_ARRAY_TASK_ID)')
    .addOption(backendOption())
    .addOption(threadsOption())
    .option('--json', 'print engine events as JSON lines on stdout')
    .action(async (sweepDir: string, index: string, opts) => setExit(await sweepTaskCommand(sweepDir, index, opts)));

  program
    .command('info')
    .description('show a run folder: state, metrics per epoch, final selectivity')
    .argument('<runDir>', 'run folder')
    .option('--json', 'print as JSON')
    .action((runDir: string, opts) => setExit(infoCommand(runDir, opts)));

  registerSweepCommands(program, setExit);
  registerGpuCommand(program, setExit);
  registerAnalysisCommands(program, setExit);
  registerLabelCommand(program, setExit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CliExit) return e.code;
    const ce = e as { code?: string; exitCode?: number };
    if (typeof ce.code === 'string' && ce.code.startsWith('commander.')) {
      // help and version exit 0; usage errors were already printed as one line
      return ce.exitCode === 0 ? 0 : 2;
    }
    try {
      fail(e);
    } catch (x) {
      if (x instanceof CliExit) return x.code;
    }
    return 1;
  }
  return code;
}

if (require.main === module || process.argv[1]?.endsWith('selectivity-lens')) {
  // A reader that went away (`... | head`) must not take a training run down with it: the output is dropped.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
      // tfjs-wasm keeps no handles open, but make sure nothing lingers once the command is done.
      setTimeout(() => process.exit(code), 50).unref();
    },
    (e) => {
      process.stderr.write(`selectivity-lens: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
