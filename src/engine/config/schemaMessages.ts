// ajv's errors as one sentence each that names the field: bookkeeping errors dropped, an anyOf reported by the
// alternative the value was clearly meant for (a list of alphas gets "selectivity.alpha[3] must be <= 1000"), and
// every user value quoted short.
import type { SchemaError } from './schemaValidator';
import { isDownloadable } from '../../protocol/config';
import type { Segments } from './problem';
import { fieldName, quoteValue } from './quote';

/** Keywords of a chosen anyOf alternative that say more than the anyOf's own message, even at its own path. */
const TELLING = new Set(['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'required', 'additionalProperties']);

/** Drops ajv's bookkeeping: "if" failures, duplicates, the per-alternative errors of a failed anyOf and a failed propertyNames' inner errors. */
export function usefulErrors(errors: SchemaError[]): SchemaError[] {
  const groups = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const replaced = new Set<SchemaError>();
  const promoted = new Set<SchemaError>();
  for (const group of groups) {
    const chosen = chosenAlternative(group);
    if (chosen === undefined) continue;
    const prefix = `${group.schemaPath}/${chosen}/`;
    const within = (e: SchemaError) => e.instancePath === group.instancePath || e.instancePath.startsWith(`${group.instancePath}/`);
    const telling = errors.filter(
      (e) => e.schemaPath.startsWith(prefix) && within(e) && e.keyword !== 'if' && (e.instancePath !== group.instancePath || TELLING.has(e.keyword)),
    );
    if (telling.length === 0) continue;
    replaced.add(group);
    for (const e of telling) promoted.add(e);
  }
  // A failed propertyNames also reports its inner keyword (e.g. pattern) without the name; the group says it all.
  const groupPaths = [...groups, ...errors.filter((e) => e.keyword === 'propertyNames')].map((e) => e.schemaPath + '/');
  const kept = errors.filter(
    (e) => e.keyword !== 'if' && !replaced.has(e) && (promoted.has(e) || !groupPaths.some((p) => e.schemaPath.startsWith(p))),
  );
  // ajv may report the same problem twice (e.g. via $ref); keep one per path + message.
  const seen = new Set<string>();
  return kept.filter((e) => {
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The one alternative of an anyOf whose type is the value's type, if exactly one is. */
function chosenAlternative(group: SchemaError): number | undefined {
  const alternatives = Array.isArray(group.schema) ? (group.schema as Array<{ type?: unknown }>) : [];
  const type = jsonType(group.data);
  const matching = alternatives
    .map((alt, i) => ({ i, types: Array.isArray(alt?.type) ? (alt.type as unknown[]) : [alt?.type] }))
    .filter(({ types }) => types.includes(type) || (type === 'integer' && types.includes('number')));
  return matching.length === 1 ? matching[0].i : undefined;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

export function describeSchemaError(e: SchemaError, field: Segments): string {
  const name = fieldName(field) || 'the config';
  const p = e.params as Record<string, unknown>;
  const custom = (e.parentSchema as Record<string, unknown> | undefined)?.['x-errorMessage'];
  switch (e.keyword) {
    case 'required':
      return `${name} is required${e.schemaPath.endsWith('/then/required') ? conditionalReason(field, e.data) : ''}`;
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const guess = closest(String(p.additionalProperty), known);
      const parent = fieldName(field.slice(0, -1));
      return `${name} is not a known field${guess ? ` (did you mean "${guess}"?)` : parent ? ` of ${parent} (known: ${known.join(', ')})` : ` (known: ${known.join(', ')})`}`;
    }
    case 'type':
      return `${name} must be ${article(String(p.type))} (got ${quoteValue(e.data)})`;
    case 'enum':
      return `${name} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${quoteValue(e.data)})`;
    case 'const':
      return `${name} must be ${JSON.stringify(p.allowedValue)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${name} must be ${String(p.comparison)} ${String(p.limit)} (got ${quoteValue(e.data)})`;
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
function conditionalReason(field: Segments, parent: unknown): string {
  const o = (parent ?? {}) as Record<string, unknown>;
  const dotted = field.join('.');
  if (dotted === 'model.path') return ' when model.name is "user" (the model.json of your tfjs LayersModel)';
  if (dotted === 'data.path') {
    const fetchable = isDownloadable(o.format) ? ', or set data.download to true to fetch it' : '';
    return ` for data.format ${quoteValue(o.format)} (the folder holding the data set${fetchable})`;
  }
  if (dotted === 'train.schedule.milestones') return ' for a "step" schedule (the epochs at which lr is multiplied by gamma)';
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

/** A known name within edit distance 2 of a typo, if any (long words are no typo of a short name). */
function closest(word: string, candidates: string[]): string | undefined {
  if (word.length > 40) return undefined;
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
