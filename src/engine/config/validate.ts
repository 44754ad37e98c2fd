// Validates the text of a run config: JSONC parse errors with line:column, then schema errors, then the checks
// a schema cannot express (alpha schedule vs. epochs). Every problem names its field and carries the offset
// and length of the text at fault, so an editor can underline exactly that field.
import * as path from 'node:path';
import { findNodeAtLocation, type Node, parseTree, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { RunConfig } from '../../protocol/config';
import { AlphaScheduleError, expandAlpha } from './alphaSchedule';
import { applyDefaults, type ResolvedRunConfig } from './defaults';
import { runConfigValidator, type SchemaError } from './schemaValidator';

export interface ConfigProblem {
  /** One sentence naming the field, e.g. "train.batchSize must be >= 1" (no file name). */
  message: string;
  /** JSON pointer of the field at fault ('' for the whole document). */
  path: string;
  /** Dotted field name, e.g. "train.batchSize" ('' for the whole document). */
  field: string;
  offset: number;
  length: number;
  /** 1-based line and column of `offset`. */
  line: number;
  column: number;
  severity: 'error' | 'warning';
}

export interface ConfigValidation {
  /** The parsed config, present when there is no error (warnings allowed). Not yet defaulted. */
  config?: RunConfig;
  problems: ConfigProblem[];
}

/** Parse and validate config text. `file` is only used for sweeps' message and never read. */
export function validateConfigText(text: string, file?: string): ConfigValidation {
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  const lines = lineStarts(text);
  const at = (offset: number) => lineColumn(lines, offset);
  if (parseErrors.length > 0 || !root) {
    const problems = parseErrors.map((e) => problem(describeParseError(e.error), '', e.offset, Math.max(1, e.length), at));
    if (problems.length === 0) problems.push(problem('the file is empty; a run config is a JSON object', '', 0, 0, at));
    return { problems };
  }
  const value = nodeValue(root);
  return validateValue(value, root, at, file);
}

/** Validate a config object (e.g. an expanded sweep run). Offsets are 0 since there is no text. */
export function validateRunConfig(value: unknown, file?: string): ConfigValidation {
  return validateValue(value, undefined, () => ({ line: 1, column: 1 }), file);
}

function validateValue(
  value: unknown,
  root: Node | undefined,
  at: (offset: number) => { line: number; column: number },
  file: string | undefined,
): ConfigValidation {
  const locate = (segments: Array<string | number>, key = false): { offset: number; length: number } => {
    if (!root) return { offset: 0, length: 0 };
    // Walk down as far as the path exists: a missing field is reported on its parent.
    for (let n = segments.length; n >= 0; n--) {
      const node = findNodeAtLocation(root, segments.slice(0, n));
      if (!node) continue;
      const keyNode = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      if ((key || n < segments.length) && keyNode) return { offset: keyNode.offset, length: keyNode.length };
      if (n < segments.length && node === root) return { offset: root.offset, length: 1 };
      return { offset: node.offset, length: node.length };
    }
    return { offset: 0, length: 1 };
  };

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [problem('a run config must be a JSON object { "model": ..., "data": ..., "train": ..., "selectivity": ... }', '', 0, 1, at)] };
  }
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'sweep') {
    const loc = locate(['kind']);
    const name = file ? path.basename(file) : 'FILE';
    return {
      problems: [problem(`this is a sweep config (kind: "sweep"); run it with \`selectivity-lens sweep ${name}\``, '/kind', loc.offset, loc.length, at)],
    };
  }

  const validate = runConfigValidator();
  const problems: ConfigProblem[] = [];
  if (!validate(value)) {
    for (const e of usefulErrors(validate.errors ?? [])) {
      const segments = pointerSegments(e.instancePath);
      let field = segments;
      let key = false;
      if (e.keyword === 'additionalProperties') {
        field = [...segments, String((e.params as { additionalProperty: string }).additionalProperty)];
        key = true;
      } else if (e.keyword === 'required') {
        field = [...segments, String((e.params as { missingProperty: string }).missingProperty)];
      }
      const loc = locate(field, key);
      problems.push(problem(describeSchemaError(e, field), toPointer(field), loc.offset, loc.length, at));
    }
  } else {
    const config = value as RunConfig;
    try {
      expandAlpha(config.selectivity.alpha, config.train.epochs);
    } catch (e) {
      if (!(e instanceof AlphaScheduleError)) throw e;
      const loc = locate(['selectivity', 'alpha']);
      problems.push(problem(`selectivity.alpha ${e.message}`, '/selectivity/alpha', loc.offset, loc.length, at));
    }
    const schedule = config.train.schedule;
    if (schedule?.warmupEpochs !== undefined && schedule.warmupEpochs >= config.train.epochs) {
      const loc = locate(['train', 'schedule', 'warmupEpochs']);
      problems.push(
        problem(`train.schedule.warmupEpochs (${schedule.warmupEpochs}) must be less than train.epochs (${config.train.epochs})`,
          '/train/schedule/warmupEpochs', loc.offset, loc.length, at),
      );
    }
    schedule?.milestones?.forEach((m, i) => {
      if (m > config.train.epochs) {
        const loc = locate(['train', 'schedule', 'milestones', i]);
        problems.push(
          problem(`train.schedule.milestones[${i}] (${m}) is after the last epoch (${config.train.epochs}) and has no effect`,
            `/train/schedule/milestones/${i}`, loc.offset, loc.length, at, 'warning'),
        );
      }
    });
    if (config.data.format === 'mnist-embedded' && config.data.path !== undefined) {
      const loc = locate(['data', 'path']);
      problems.push(problem('data.path is not used for data.format "mnist-embedded"', '/data/path', loc.offset, loc.length, at, 'warning'));
    }
    if (!problems.some((p) => p.severity === 'error')) return { config, problems };
  }
  return { problems };
}

/** Validate and fill in defaults, or throw nothing and return the problems. */
export function resolveConfigText(
  text: string,
  file: string,
): { config?: ResolvedRunConfig; problems: ConfigProblem[] } {
  const result = validateConfigText(text, file);
  if (!result.config) return { problems: result.problems };
  return { config: applyDefaults(result.config, path.dirname(path.resolve(file)), file), problems: result.problems };
}

/** The one line shown to a user: the first error, prefixed with the file (and line:column for syntax errors). */
export function problemsToMessage(file: string, problems: ConfigProblem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0] ?? problems[0];
  if (!first) return `${file}: no problems`;
  const where = first.field === '' && first.path === '' && first.offset > 0 ? `${file}:${first.line}:${first.column}` : file;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `${where}: ${first.message}${more}`;
}

// ---------------------------------------------------------------------------------------------------------

function problem(
  message: string,
  pointer: string,
  offset: number,
  length: number,
  at: (offset: number) => { line: number; column: number },
  severity: 'error' | 'warning' = 'error',
): ConfigProblem {
  const { line, column } = at(offset);
  return { message, path: pointer, field: dotted(pointerSegments(pointer)), offset, length, line, column, severity };
}

/** Drops ajv's bookkeeping errors: "if" failures and the per-alternative errors under a failed anyOf. */
function usefulErrors(errors: SchemaError[]): SchemaError[] {
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath + '/');
  const kept = errors.filter((e) => e.keyword !== 'if' && !anyOfPaths.some((p) => e.schemaPath.startsWith(p)));
  // ajv may report the same problem twice (e.g. via $ref); keep one per path + message.
  const seen = new Set<string>();
  return kept.filter((e) => {
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function describeSchemaError(e: SchemaError, field: Array<string | number>): string {
  const name = dotted(field) || 'the config';
  const p = e.params as Record<string, unknown>;
  const custom = (e.parentSchema as Record<string, unknown> | undefined)?.['x-errorMessage'];
  switch (e.keyword) {
    case 'required':
      return `${name} is required${e.schemaPath.endsWith('/then/required') ? conditionalReason(dotted(field), e.data) : ''}`;
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const guess = closest(String(p.additionalProperty), known);
      const parent = dotted(field.slice(0, -1));
      return `${name} is not a known field${guess ? ` (did you mean "${guess}"?)` : parent ? ` of ${parent} (known: ${known.join(', ')})` : ` (known: ${known.join(', ')})`}`;
    }
    case 'type':
      return `${name} must be ${article(String(p.type))} (got ${describeValue(e.data)})`;
    case 'enum':
      return `${name} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${describeValue(e.data)})`;
    case 'const':
      return `${name} must be ${JSON.stringify(p.allowedValue)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${name} must be ${String(p.comparison)} ${String(p.limit)} (got ${describeValue(e.data)})`;
    case 'minItems':
      return `${name} must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `${name} must have at most ${String(p.limit)} items`;
    case 'minLength':
      return p.limit === 1 ? `${name} must not be empty` : `${name} must have at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `${name} must have at most ${String(p.limit)} characters`;
    case 'uniqueItems':
      return `${name} must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)`;
    case 'pattern':
      if (typeof custom === 'string') return `${name} ${custom}`;
      if (field[field.length - 1] === 'name') return `${name} must start with a letter or digit and contain only letters, digits and . _ + = -`;
      return `${name} has an invalid format`;
    case 'anyOf':
    case 'oneOf':
      return `${name} ${typeof custom === 'string' ? custom : 'has an invalid value'}`;
    default:
      return `${name} ${e.message ?? 'is invalid'}`;
  }
}

/** Why an if/then-required field is needed, from its parent object's value. */
function conditionalReason(field: string, parent: unknown): string {
  const o = (parent ?? {}) as Record<string, unknown>;
  if (field === 'model.path') return ' when model.name is "user" (the model.json of your tfjs LayersModel)';
  if (field === 'data.path') return ` for data.format ${JSON.stringify(o.format)} (the folder holding the data set)`;
  if (field === 'train.schedule.milestones') return ' for a "step" schedule (the epochs at which lr is multiplied by gamma)';
  return '';
}

function article(type: string): string {
  const words: Record<string, string> = {
    integer: 'a whole number',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    object: 'an object { ... }',
    array: 'a list [ ... ]',
    null: 'null',
  };
  return type.split(',').map((t) => words[t] ?? t).join(' or ');
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  return String(v);
}

/** A known name within edit distance 2 of a typo, if any. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function describeParseError(code: ParseError['error']): string {
  const words = printParseErrorCode(code).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `invalid JSON: ${words}`;
}

function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function toPointer(segments: Array<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function dotted(segments: Array<string | number>): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) o[String(k.value)] = nodeValue(v);
      }
      return o;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineColumn(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}
