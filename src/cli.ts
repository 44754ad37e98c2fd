// `selectivity-lens`: the engine from a terminal. Thin: parses arguments, runs the in-process Engine and prints
// its events (progress bar, one line per epoch, a summary) or, with --json, the events as JSON lines.
// User errors: one line on stderr, exit code 2; engine bugs: exit code 1; interrupted (Ctrl-C): 130.
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import type { BackendName, DataConfig, DatasetFormat, RunConfig } from './protocol/config';
import type { EngineEvent, RunSummary } from './protocol/events';
import { loadRunConfigFile, problemsToMessage, validateRunConfig } from './engine/config';
import { Engine, engineVersion } from './engine/engine';
import { EngineError, isEngineError, toEngineError } from './engine/errors';
import { createRunDir, readRun } from './engine/runStore';

const BACKENDS: BackendName[] = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];
const FORMATS: DatasetFormat[] = ['mnist-embedded', 'idx', 'cifar10', 'cifar100', 'tiny-imagenet', 'image-folder'];

class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function fail(e: unknown): never {
  const err = toEngineError(e);
  process.stderr.write(`selectivity-lens: ${err.message}\n`);
  if (!isEngineError(e) && process.env.SELECTIVITY_LENS_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  throw new CliExit(isEngineError(e) && e.code !== 'INTERNAL' ? 2 : 1);
}

function jsonLine(event: unknown): string {
  return JSON.stringify(event, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : '-');
const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** Prints engine events for a person: a progress bar on stderr (when it is a terminal), lines on stdout. */
class HumanPrinter {
  private bar: cliProgress.SingleBar | undefined;
  private barEpoch = 0;

  handle(e: EngineEvent): void {
    switch (e.type) {
      case 'runStarted': {
        const m = e.meta;
        const resumed = m.resumedFromEpoch !== undefined ? `, resumed after epoch ${m.resumedFromEpoch}` : '';
        this.line(`run ${m.name}: ${m.model} on ${m.dataset} (${m.trainSize} train / ${m.testSize} held-out), ${m.params} params, ` +
          `${m.layers.length} unit layers, backend ${m.backend}${resumed}`);
        this.line(`  folder ${m.runDir}`);
        break;
      }
      case 'progress':
        this.progress(e);
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
        if (e.level === 'warn' || e.level === 'error' || (e.level === 'info' && !this.bar)) this.err(e.message);
        break;
      case 'error':
        this.stopBar();
        break;
      default:
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

  private summary(s: RunSummary): void {
    this.line(`${s.state}: ${s.epochsDone} epoch${s.epochsDone === 1 ? '' : 's'} in ${formatSeconds(s.seconds)}; ` +
      `test acc ${pct(s.finalTestAcc)} (best ${pct(s.bestTestAcc)}), network SI ${num(s.finalNetworkSI)}`);
    for (const l of s.layers) this.line(`  ${l.layer.padEnd(24)} ${String(l.units).padStart(5)} units  mean SI ${num(l.meanSI)}`);
  }

  stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
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
  let interrupted = false;
  const engine = new Engine(
    (e) => {
      if (opts.json) process.stdout.write(jsonLine(e) + '\n');
      else printer!.handle(e);
      if (e.type === 'runFinished') summary = e.summary;
      if (e.type === 'error' && !error) error = e;
    },
    { backend: opts.backend, threads: opts.threads ?? os.cpus().length },
  );
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    printer?.stopBar();
    process.stderr.write('Stopping after the current batch and saving a checkpoint (Ctrl-C again to quit at once)...\n');
    engine.stopAll();
  };
  process.on('SIGINT', onSigint);
  try {
    await engine.start();
    await engine.handle(build(engine));
  } finally {
    process.off('SIGINT', onSigint);
    printer?.stopBar();
  }
  if (error) {
    process.stderr.write(`selectivity-lens: ${error.message}\n`);
    return error.code === 'INTERNAL' ? 1 : 2;
  }
  if (summary?.state === 'stopped') return interrupted ? 130 : 0;
  return summary?.state === 'completed' ? 0 : 1;
}

function parseBackend(value: string): BackendName {
  if (!(BACKENDS as string[]).includes(value)) {
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
}): Promise<number> {
  if (!fs.existsSync(opts.model)) throw new EngineError('MODEL_INVALID', `--model ${opts.model} does not exist.`, { file: opts.model });
  const { data, base, configPath } = dataFromArg(opts.data);
  if (opts.testLimit) data.testLimit = opts.testLimit;
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
  const { problems } = validateRunConfig(config, '--data');
  if (problems.some((p) => p.severity === 'error')) throw new EngineError('CONFIG_INVALID', problemsToMessage('--data', problems));
  const runDir = createRunDir(opts.runsDir ? path.resolve(opts.runsDir) : path.resolve('runs'), config.name!);
  const runId = path.basename(runDir);
  return runEngine(() => ({ v: 1, type: 'analyze', runId, runDir, modelPath: path.resolve(opts.model), config: configPath ? { ...config } : config }), opts);
}

function infoCommand(runDir: string, opts: { json?: boolean }): number {
  const r = readRun(runDir);
  if (opts.json) {
    process.stdout.write(jsonLine(r) + '\n');
    return 0;
  }
  const out = (s: string) => process.stdout.write(s + '\n');
  const m = r.meta;
  out(`run ${m?.name ?? r.runId}  [${r.state}]  ${r.dir}`);
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
  return 0;
}

function registerOptionalSweepCommands(program: Command): void {
  // Engineer 8's sweep/report commands, when that part is built.
  const file = path.join(__dirname, 'engine', 'sweep', 'cli.js');
  if (!fs.existsSync(file)) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { registerSweepCommands?: (p: Command) => void };
  mod.registerSweepCommands?.(program);
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
    .addOption(backendOption())
    .addOption(threadsOption())
    .option('--json', 'print engine events as JSON lines on stdout')
    .action(async (opts) => setExit(await analyzeCommand(opts)));

  program
    .command('info')
    .description('show a run folder: state, metrics per epoch, final selectivity')
    .argument('<runDir>', 'run folder')
    .option('--json', 'print as JSON')
    .action((runDir: string, opts) => setExit(infoCommand(runDir, opts)));

  registerOptionalSweepCommands(program);
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
