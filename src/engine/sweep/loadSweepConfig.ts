// Reads a sweep *.selectivity.json (JSONC), validates it against schemas/sweep.schema.json, loads its base run
// config and resolves every path, so the rest of the sweep code deals with absolute paths only.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { RunConfig, SweepConfig } from '../../protocol/config';
import { applyDefaults, loadRunConfigFile, validateRunConfig } from '../config';
import { EngineError } from '../errors';
import type { SweepSpec } from './expand';
import { packageRoot } from './packageRoot';

export interface ResolvedSweep {
  /** Absolute path of the sweep file. */
  file: string;
  config: SweepConfig;
  spec: SweepSpec;
  /** Absolute folder of the sweep: <outDir>/<name>. */
  sweepDir: string;
  parallel?: number;
}

export function readJsonc(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EngineError('CONFIG_UNREADABLE', `Cannot read the ${what} ${file}.`, { file });
  }
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const e = errors[0];
    const line = text.slice(0, e.offset).split('\n').length;
    throw new EngineError('CONFIG_INVALID', `${file}:${line}: syntax error (${printParseErrorCode(e.error)}) in the ${what}.`, {
      file,
    });
  }
  return value;
}

export function loadSweepConfig(file: string): ResolvedSweep {
  const abs = path.resolve(file);
  const raw = readJsonc(abs, 'sweep config');
  if (raw && typeof raw === 'object' && (raw as { kind?: unknown }).kind !== 'sweep') {
    throw new EngineError(
      'CONFIG_INVALID',
      `${abs} is a run config, not a sweep (a sweep has "kind": "sweep"); use \`selectivity-lens run\` for it.`,
      { file: abs, field: 'kind' },
    );
  }
  checkSchema(sweepValidator(), raw, abs);
  return resolveSweepConfig(raw as SweepConfig, abs);
}

/** Resolves an already parsed and validated sweep config; `file` anchors relative paths. */
export function resolveSweepConfig(config: SweepConfig, file: string): ResolvedSweep {
  const dir = path.dirname(file);
  let base: RunConfig;
  if (typeof config.base === 'string') {
    const baseFile = path.resolve(dir, config.base);
    if (!existsSync(baseFile)) {
      throw new EngineError('CONFIG_UNREADABLE', `The sweep's base config ${baseFile} does not exist.`, {
        file,
        field: 'base',
      });
    }
    const loaded = readJsonc(baseFile, 'base run config') as { kind?: unknown } | null;
    if (loaded?.kind === 'sweep') {
      throw new EngineError('CONFIG_INVALID', `The sweep's base ${baseFile} is itself a sweep; it must be a run config.`, {
        file,
        field: 'base',
      });
    }
    // Paths inside the base are relative to the file they were written in.
    base = loadRunConfigFile(baseFile).config;
  } else {
    checkRunConfig(config.base, file, 'base', 'base');
    base = applyDefaults(config.base, dir, file);
  }
  delete (base as { $schema?: string }).$schema;
  delete base.outDir;
  delete base.name;

  const name = config.name ?? path.basename(file).replace(/\.selectivity\.jsonc?$|\.jsonc?$/i, '');
  const outDir = path.resolve(dir, config.outDir ?? 'runs');
  return {
    file,
    config,
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
    schema.properties.base = { type: ['string', 'object'] };
    delete schema.$id;
    sweepValidate = new Ajv({ allErrors: false, strict: false, verbose: true }).compile(schema);
  }
  return sweepValidate;
}

/** Validates a run config (inline base or an expanded run) with the run schema; `what` prefixes the message. */
export function checkRunConfig(config: unknown, file: string, what: string, fieldPrefix = ''): void {
  const { problems } = validateRunConfig(config, file);
  const first = problems.find((p) => p.severity === 'error');
  if (!first) return;
  const field = [fieldPrefix, first.field].filter((s) => s !== '').join('.');
  throw new EngineError('CONFIG_INVALID', `${file}: ${what}: ${first.message}`, { file, field: field || undefined });
}

function checkSchema(validate: ValidateFunction, value: unknown, file: string, fieldPrefix = ''): void {
  if (validate(value)) return;
  const e = validate.errors![0];
  const field = [fieldPrefix, ...fieldOf(e)].filter((s) => s !== '').join('.');
  throw new EngineError('CONFIG_INVALID', `${file}: ${field || 'the config'} ${describe(e)}.`, {
    file,
    field: field || undefined,
  });
}

function fieldOf(e: ErrorObject): string[] {
  const segs = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') segs.push((e.params as { additionalProperty: string }).additionalProperty);
  if (e.keyword === 'required') segs.push((e.params as { missingProperty: string }).missingProperty);
  return segs;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `is not a known field (known: ${Object.keys((e.parentSchema as { properties?: object })?.properties ?? {}).filter((k) => k !== '$schema').join(', ')})`;
    case 'required':
      return 'is missing';
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'false schema':
      return 'cannot be a sweep axis here';
    default:
      return e.message ?? 'is invalid';
  }
}
