// Validates a *.selectivity.json text for the editor: JSONC syntax first, then the engine's own pure
// validator (src/engine/config: schema + semantic checks, no tfjs), so the editor and the engine agree.
// Plain Node: no vscode.
import * as jsonc from 'jsonc-parser';
import type { RunConfig, SweepConfig } from '../protocol/config';

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

type EngineValidator = (text: string, file: string) => unknown;

let engineValidator: EngineValidator | null | undefined;

/** The engine's validator, when its module is built (it is loaded lazily so the host starts without it). */
function loadEngineValidator(): EngineValidator | null {
  if (engineValidator !== undefined) return engineValidator;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../engine/config') as { validateConfigText?: EngineValidator };
    engineValidator = typeof mod.validateConfigText === 'function' ? mod.validateConfigText : null;
  } catch {
    engineValidator = null;
  }
  return engineValidator;
}

export interface CheckOptions {
  /** The text is what the file holds on disk (saved): sweeps can then be checked in full (base config, runs). */
  savedOnDisk?: boolean;
}

type SweepLoader = (file: string) => unknown;
let sweepLoader: SweepLoader | null | undefined;

/** The sweep engine's loader (schema, base config, paths); it reads the file itself. */
function loadSweepLoader(): SweepLoader | null {
  if (sweepLoader !== undefined) return sweepLoader;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../engine/sweep/loadSweepConfig') as { loadSweepConfig?: SweepLoader };
    sweepLoader = typeof mod.loadSweepConfig === 'function' ? mod.loadSweepConfig : null;
  } catch {
    sweepLoader = null;
  }
  return sweepLoader;
}

function checkSweep(text: string, file: string, parsed: unknown, options: CheckOptions): ConfigCheck {
  const loader = options.savedOnDisk ? loadSweepLoader() : null;
  if (!loader) return { kind: 'sweep', config: parsed as SweepConfig, problems: [] };
  try {
    loader(file);
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

export function checkConfigText(text: string, file: string, options: CheckOptions = {}): ConfigCheck {
  const errors: jsonc.ParseError[] = [];
  const parsed = jsonc.parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as unknown;
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
  const validator = loadEngineValidator();
  if (!validator) return { kind, config: parsed as RunConfig, problems: [] };
  const result = normalizeResult(validator(text, file), text);
  return { kind, config: (result.config ?? parsed) as RunConfig | SweepConfig, problems: result.problems };
}

/** Run or sweep, from the text alone (cheap: for CodeLenses on every keystroke). */
export function configKindOf(text: string): ConfigCheck['kind'] {
  return configKind(jsonc.parse(text, [], { allowTrailingComma: true }) as unknown);
}

function configKind(parsed: unknown): ConfigCheck['kind'] {
  if (typeof parsed !== 'object' || parsed === null) return 'unknown';
  const kind = (parsed as { kind?: unknown }).kind;
  if (kind === 'sweep') return 'sweep';
  if (kind === undefined || kind === 'run') return 'run';
  return 'unknown';
}

/** Accepts `{ config?, problems }` or a bare problem list; fills in ranges from the field path when missing. */
function normalizeResult(raw: unknown, text: string): { config?: unknown; problems: ConfigProblem[] } {
  const obj = (Array.isArray(raw) ? { problems: raw } : (raw ?? {})) as { config?: unknown; value?: unknown; problems?: unknown; errors?: unknown };
  const list = (Array.isArray(obj.problems) ? obj.problems : Array.isArray(obj.errors) ? obj.errors : []) as Array<Record<string, unknown>>;
  const problems = list.map((p): ConfigProblem => {
    const field = typeof p.field === 'string' ? p.field : typeof p.path === 'string' ? p.path : undefined;
    let offset = typeof p.offset === 'number' ? p.offset : -1;
    let length = typeof p.length === 'number' ? p.length : 0;
    if (offset < 0) ({ offset, length } = rangeOfField(text, field));
    return {
      message: String(p.message ?? 'Invalid value'),
      field,
      offset,
      length: Math.max(1, length),
      severity: p.severity === 'warning' ? 'warning' : 'error',
    };
  });
  return { config: obj.config ?? obj.value, problems };
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
