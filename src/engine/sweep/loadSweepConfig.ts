// Reads a sweep *.selectivity.json (JSONC), validates it against schemas/sweep.schema.json, loads its base run
// config and resolves every path, so the rest of the sweep code deals with absolute paths only. The text is
// parsed and checked by the run config's own safe reader (depth, reserved keys, finite numbers, sizes) first;
// every problem found is reported, each naming its field.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { RunConfig, SweepConfig } from '../../protocol/config';
import {
  applyDefaults,
  ConfigProblemsError,
  describeSchemaError,
  fieldName,
  findUnsafeValues,
  Locator,
  loadRunConfigFile,
  MAX_COUNTED,
  MAX_PROBLEMS,
  parseConfigDocument,
  pointerSegments,
  quoteValue,
  RUN_SCHEMA,
  usefulErrors,
  validateRunConfig,
  type ConfigProblem,
  type Segments,
} from '../config';
import { EngineError } from '../errors';
import type { SweepSpec } from './expand';
import { packageRoot } from '../packageRoot';

export interface ResolvedSweep {
  /** Absolute path of the sweep file. */
  file: string;
  config: SweepConfig;
  spec: SweepSpec;
  /** Absolute folder of the sweep: <outDir>/<name>. */
  sweepDir: string;
  parallel?: number;
}

export interface SweepLoadOptions {
  /** Folder that holds the sweep folder, instead of the config's outDir (the CLI's --runs-dir). */
  runsDir?: string;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new EngineError('CONFIG_UNREADABLE', `Cannot read the ${what} ${file}.`, { file });
  }
}

export function loadSweepConfig(file: string, options: SweepLoadOptions = {}): ResolvedSweep {
  const abs = path.resolve(file);
  const text = readText(abs, 'sweep config');
  const doc = parseConfigDocument(text, 'a sweep config');
  if (doc.value === undefined) throw new ConfigProblemsError(abs, doc.problems);
  const raw = doc.value;
  if (raw && typeof raw === 'object' && (raw as { kind?: unknown }).kind !== 'sweep') {
    throw new EngineError(
      'CONFIG_INVALID',
      `${abs} is a run config, not a sweep (a sweep has "kind": "sweep"); use \`selectivity-lens train\` for it.`,
      { file: abs, field: 'kind' },
    );
  }
  const unsafe = findUnsafeValues(raw, (segments) => doc.locator.literal(segments, text), MAX_COUNTED);
  if (unsafe.length > 0) {
    const problems = unsafe.slice(0, MAX_PROBLEMS).map((u) => doc.locator.problem(u.message, u.segments, { key: u.key }));
    throw new ConfigProblemsError(abs, problems, unsafe.length - problems.length);
  }
  checkSchema(sweepValidator(), raw, abs, doc.locator);
  return resolveSweepConfig(raw as SweepConfig, abs, options, doc.locator);
}

/** Resolves an already parsed and validated sweep config; `file` anchors relative paths. */
export function resolveSweepConfig(config: SweepConfig, file: string, options: SweepLoadOptions = {}, locator = new Locator()): ResolvedSweep {
  const dir = path.dirname(file);
  let base: RunConfig;
  if (typeof config.base === 'string') {
    const baseFile = path.resolve(dir, config.base);
    let baseText: string;
    try {
      baseText = readFileSync(baseFile, 'utf8');
    } catch {
      throw new EngineError('CONFIG_UNREADABLE', `The sweep's base config ${baseFile} does not exist or cannot be read.`, {
        file,
        field: 'base',
      });
    }
    const loaded = parseConfigDocument(baseText).value as { kind?: unknown } | undefined;
    if (loaded && typeof loaded === 'object' && loaded.kind === 'sweep') {
      throw new EngineError('CONFIG_INVALID', `The sweep's base ${baseFile} is itself a sweep; it must be a run config.`, {
        file,
        field: 'base',
      });
    }
    // Paths inside the base are relative to the file they were written in.
    base = loadRunConfigFile(baseFile).config;
  } else {
    checkRunConfig(config.base, file, 'base', 'base', locator);
    base = applyDefaults(config.base, dir, file);
  }
  delete (base as { $schema?: string }).$schema;
  delete base.outDir;
  delete base.name;

  const name = config.name ?? path.basename(file).replace(/\.selectivity\.jsonc?$|\.jsonc?$/i, '');
  const outDir = options.runsDir !== undefined ? path.resolve(options.runsDir) : path.resolve(dir, config.outDir ?? 'runs');
  return {
    file,
    config: options.runsDir !== undefined ? { ...config, outDir } : config,
    spec: { name, base, alphas: config.alphas, seeds: config.seeds, axes: config.axes, file },
    sweepDir: path.join(outDir, name),
    parallel: config.parallel,
  };
}

let sweepValidate: ValidateFunction | undefined;

function sweepValidator(): ValidateFunction {
  if (!sweepValidate) {
    const schema = JSON.parse(readFileSync(path.join(packageRoot(), 'schemas', 'sweep.schema.json'), 'utf8'));
    // The base is checked on its own against the run schema (clearer messages than an anyOf).
    schema.properties.base = { type: ['string', 'object'], minLength: 1, maxLength: 4096 };
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    // Alpha schedules on the selectivity.alpha axis are the run schema's own definition.
    ajv.addSchema(RUN_SCHEMA);
    sweepValidate = ajv.compile(schema);
  }
  return sweepValidate;
}

/**
 * Validates a run config (inline base or an expanded run) with the run schema; `what` prefixes each message,
 * `fieldPrefix` each field. Throws every problem found.
 */
export function checkRunConfig(config: unknown, file: string, what: string, fieldPrefix = '', locator = new Locator()): void {
  const { problems, omitted } = validateRunConfig(config, file);
  if (!problems.some((p) => p.severity === 'error')) return;
  const prefix: Segments = fieldPrefix === '' ? [] : [fieldPrefix];
  const errors = problems
    .filter((p) => p.severity === 'error')
    .map((p) => locator.problem(`${what}: ${p.message}`, [...prefix, ...pointerSegments(p.path)]));
  throw new ConfigProblemsError(file, errors, omitted);
}

function checkSchema(validate: ValidateFunction, value: unknown, file: string, locator: Locator): void {
  if (validate(value)) return;
  const errors = usefulErrors(validate.errors ?? []);
  const problems: ConfigProblem[] = errors.slice(0, MAX_PROBLEMS).map((e) => {
    const { segments, key } = fieldOf(e);
    return locator.problem(`${describe(e, segments)}.`, segments, { key });
  });
  throw new ConfigProblemsError(file, problems, Math.max(0, errors.length - MAX_PROBLEMS));
}

function fieldOf(e: ErrorObject): { segments: Segments; key: boolean } {
  const segments = pointerSegments(e.instancePath);
  const p = e.params as { additionalProperty?: string; missingProperty?: string; propertyName?: string };
  if (e.keyword === 'additionalProperties') return { segments: [...segments, String(p.additionalProperty)], key: true };
  if (e.keyword === 'required') return { segments: [...segments, String(p.missingProperty)], key: false };
  if (p.propertyName !== undefined) return { segments: [...segments, p.propertyName], key: true };
  return { segments, key: false };
}

/** What a Slurm executor field looks like, for a value in another form. */
const EXECUTOR_FORMATS: Record<string, string> = {
  time: 'must be a Slurm time: minutes ("90"), "H:MM:SS" ("4:00:00") or "D-HH:MM:SS" ("1-12:00:00")',
  mem: 'must be a size such as "16G" or "4000M"',
  extraArgs: 'must be one sbatch option starting with "-", such as "--mail-type=END"',
  setup: 'must be one shell line (no line breaks)',
  node: 'must be a path on one line',
  engine: 'must be a path on one line',
  partition: 'must be one word',
  account: 'must be one word',
  qos: 'must be one word',
  gres: 'must be one word, such as "gpu:a100:1"',
  constraint: 'must be one word, such as "a100"',
};

function describe(e: ErrorObject, segments: Segments): string {
  const name = fieldName(segments) || 'the config';
  switch (e.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {}).filter((k) => k !== '$schema');
      return `${name} is not a known field (known: ${known.join(', ')})`;
    }
    case 'propertyNames':
    case 'pattern':
      if (segments[0] === 'executor' && e.keyword === 'pattern') return `${name} ${EXECUTOR_FORMATS[String(segments[1])] ?? 'is not in the form sbatch takes'} (got ${quoteValue(e.data)})`;
      if (segments[0] === 'axes' && segments.length === 2) {
        return `${name} is not a sweep axis: an axis is a run config field path such as "train.lr" or "model.name"`;
      }
      return describeSchemaError(e, segments);
    case 'false schema':
      return `${name} cannot be a sweep axis here`;
    default:
      return describeSchemaError(e, segments);
  }
}
