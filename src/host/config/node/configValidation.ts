// Validates a *.selectivity.json text for the editor: JSONC syntax first, then the engine's own pure
// validator (src/engine/config: schema + semantic checks, no tfjs), so the editor and the engine agree.
// Plain Node: no vscode.
import * as jsonc from 'jsonc-parser';
import { parseConfigDocument, validateConfigText } from '../../../engine/config';
import { loadSweepConfig } from '../../../engine/sweep';
import type { RunConfig, SweepConfig } from '../../../protocol/config';

export interface ConfigProblem {
  message: string;
  /** Dotted path of the field at fault, e.g. "train.batchSize". */
  field?: string;
  /** Character range in the text. */
  offset: number;
  length: number;
  severity: 'error' | 'warning';
}

export interface ConfigCheck {
  kind: 'run' | 'sweep' | 'unknown';
  config?: RunConfig | SweepConfig;
  problems: ConfigProblem[];
}

export interface CheckOptions {
  /** The text is what the file holds on disk (saved): sweeps can then be checked in full (base config, runs). */
  savedOnDisk?: boolean;
}

/** A saved sweep is checked in full by the engine's own loader (schema, base config, paths); it reads the file. */
function checkSweep(text: string, file: string, parsed: unknown, options: CheckOptions): ConfigCheck {
  if (!options.savedOnDisk) return { kind: 'sweep', config: parsed as SweepConfig, problems: [] };
  try {
    loadSweepConfig(file);
    return { kind: 'sweep', config: parsed as SweepConfig, problems: [] };
  } catch (err) {
    const e = err as { message?: string; details?: { field?: string; file?: string } };
    const field = e.details?.field;
    // A problem in the base run config file is reported at the sweep's "base".
    const elsewhere = e.details?.file && e.details.file !== file;
    const { offset, length } = rangeOfField(text, elsewhere ? 'base' : field);
    return {
      kind: 'sweep',
      config: parsed as SweepConfig,
      problems: [{ message: String(e.message ?? err), field: elsewhere ? 'base' : field, offset, length: Math.max(1, length), severity: 'error' }],
    };
  }
}

/**
 * The text parsed for the editor, half-typed text included (jsonc-parser recovers what it can), but only once the
 * engine's flat scan found it within its size and depth limits: past them the recursive parser would overflow the
 * stack, so those limits' own problem is reported instead.
 */
function parseForEditor(text: string, errors: jsonc.ParseError[]): { parsed?: unknown; limit?: ConfigProblem[] } {
  const doc = parseConfigDocument(text);
  if (!doc.root && doc.problems.length > 0 && text.trim() !== '') {
    return { limit: doc.problems.map((p) => ({ message: p.message, field: p.field || undefined, offset: p.offset, length: Math.max(1, p.length), severity: 'error' })) };
  }
  return { parsed: jsonc.parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown };
}

export function checkConfigText(text: string, file: string, options: CheckOptions = {}): ConfigCheck {
  const errors: jsonc.ParseError[] = [];
  const { parsed, limit } = parseForEditor(text, errors);
  if (limit) return { kind: 'unknown', problems: limit };
  const syntax: ConfigProblem[] = errors.map((e) => ({
    message: `JSON syntax: ${jsonc.printParseErrorCode(e.error)}`,
    offset: e.offset,
    length: Math.max(1, e.length),
    severity: 'error',
  }));
  const kind = configKind(parsed);
  if (syntax.length) return { kind, problems: syntax };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind, problems: [{ message: 'A config must be a JSON object.', offset: 0, length: Math.max(1, text.length), severity: 'error' }] };
  }
  if (kind === 'sweep') return checkSweep(text, file, parsed, options);
  const result = validateConfigText(text, file);
  const problems = result.problems.map(
    (p): ConfigProblem => ({ message: p.message, field: p.field, offset: p.offset, length: Math.max(1, p.length), severity: p.severity }),
  );
  return { kind, config: result.config ?? (parsed as RunConfig), problems };
}

/** Run or sweep, from the text alone (cheap: for CodeLenses on every keystroke). */
export function configKindOf(text: string): ConfigCheck['kind'] {
  return configKind(parseForEditor(text, []).parsed);
}

function configKind(parsed: unknown): ConfigCheck['kind'] {
  if (typeof parsed !== 'object' || parsed === null) return 'unknown';
  // Its own "kind" only: a "__proto__" key must not pass one on.
  const kind = Object.prototype.hasOwnProperty.call(parsed, 'kind') ? (parsed as { kind?: unknown }).kind : undefined;
  if (kind === 'sweep') return 'sweep';
  if (kind === undefined || kind === 'run') return 'run';
  return 'unknown';
}

/** The text range of a dotted field path ("train.batchSize", "alphas[2]"); the whole text when not found. */
export function rangeOfField(text: string, field: string | undefined): { offset: number; length: number } {
  const root = jsonc.parseTree(text);
  if (!root || !field) return { offset: 0, length: 1 };
  const segments: jsonc.JSONPath = [];
  for (const part of field.replace(/^\//, '').split(/[./]/)) {
    if (!part) continue;
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      segments.push(part);
      continue;
    }
    if (m[1]) segments.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) segments.push(Number(idx[1]));
  }
  // Walk down as far as the path exists: a field that is missing is reported at its parent's key.
  for (let n = segments.length; n >= 0; n--) {
    const node = jsonc.findNodeAtLocation(root, segments.slice(0, n));
    if (!node) continue;
    const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    if (n === segments.length) return { offset: node.offset, length: node.length };
    if (key) return { offset: key.offset, length: key.length };
    return { offset: node.offset, length: 1 };
  }
  return { offset: 0, length: 1 };
}

/** "file:line field" unless the message already names the field. */
export function withField(where: string, field: string | undefined, message: string): string {
  return field && !message.includes(field) ? `${where} ${field}` : where;
}
