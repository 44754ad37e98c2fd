// Expands a sweep (base run config x alphas x seeds x other axes) into named run configs, in a fixed order:
// other axes outermost (in the order written), then seeds, then alphas, so the first runs finished already
// cover the whole alpha range of one seed.
import { createHash } from 'node:crypto';
import type { RunConfig } from '../../protocol/config';
import { PAPER_ALPHAS } from '../../protocol/config';
import type { SweepAxis, SweepAxisValue } from '../../protocol/sweep';
import { MAX_SWEEP_RUNS, quoteString, quoteValue, RESERVED_KEYS } from '../config';
import { EngineError } from '../errors';

export const ALPHA_PATH = 'selectivity.alpha';
export const SEED_PATH = 'train.seed';
export const DEFAULT_SEEDS: readonly number[] = [0, 1, 2];

/** What expansion needs: the base run config already loaded, and the sweep's axes. */
export interface SweepSpec {
  name: string;
  base: RunConfig;
  alphas?: number[];
  seeds?: number[];
  axes?: Record<string, unknown[]>;
  /** File named in error messages. */
  file?: string;
}

export interface ExpandedRun {
  name: string;
  overrides: Record<string, SweepAxisValue>;
  alpha: number;
  seed: number;
  config: RunConfig;
  configHash: string;
}

export interface SweepPlan {
  name: string;
  axes: SweepAxis[];
  runs: ExpandedRun[];
}

export function expandSweep(spec: SweepSpec): SweepPlan {
  const otherPaths = Object.keys(spec.axes ?? {}).filter((p) => p !== ALPHA_PATH);
  if (spec.axes?.[SEED_PATH] !== undefined) {
    throw new EngineError('CONFIG_INVALID', `Sweep axis "train.seed" is not allowed: list seeds in "seeds".`, {
      file: spec.file,
      field: 'axes.train.seed',
    });
  }
  const alphaAxisValues = spec.axes?.[ALPHA_PATH];
  if (alphaAxisValues !== undefined && spec.alphas !== undefined) {
    throw new EngineError(
      'CONFIG_INVALID',
      `Sweep sets both "alphas" and the axis "selectivity.alpha"; keep one of them.`,
      { file: spec.file, field: 'axes.selectivity.alpha' },
    );
  }
  const alphaValues = (alphaAxisValues ?? spec.alphas ?? [...PAPER_ALPHAS]) as SweepAxisValue[];
  const seeds = spec.seeds ?? [...DEFAULT_SEEDS];
  for (const p of [...otherPaths, ...(alphaAxisValues ? [ALPHA_PATH] : [])]) {
    const values = spec.axes?.[p];
    if (!Array.isArray(values) || values.length === 0) {
      throw new EngineError('CONFIG_INVALID', `Sweep axis ${axisName(p)} must be a non-empty list of values.`, {
        file: spec.file,
        field: `axes.${p}`,
      });
    }
    checkPath(spec.base, p, spec.file);
  }
  checkRunCount(spec, otherPaths, alphaValues, seeds, alphaAxisValues !== undefined);
  const keys = shortKeys(otherPaths);
  const axes: SweepAxis[] = [
    ...otherPaths.map((p) => ({ path: p, key: keys.get(p)!, values: spec.axes![p] as SweepAxisValue[] })),
    { path: SEED_PATH, key: 'seed', values: seeds },
    { path: ALPHA_PATH, key: 'alpha', values: alphaValues },
  ];
  alphaValues.forEach((a, i) => plotAlpha(a, spec.file, `axes.selectivity.alpha[${i}]`));

  const runs: ExpandedRun[] = [];
  const used = new Set<string>();
  for (const combo of cartesian(axes.map((a) => a.values))) {
    const overrides: Record<string, SweepAxisValue> = {};
    axes.forEach((axis, i) => (overrides[axis.path] = combo[i]));
    const config = structuredClone(spec.base);
    delete config.name;
    for (const [p, v] of Object.entries(overrides)) setPath(config, p, structuredClone(v));
    // Name order puts alpha and seed first: "alpha=-1_seed=0_lr=0.1".
    const parts = [`alpha=${formatValue(overrides[ALPHA_PATH])}`, `seed=${formatValue(overrides[SEED_PATH])}`];
    for (const p of otherPaths) parts.push(`${keys.get(p)}=${formatValue(overrides[p])}`);
    let name = parts.join('_');
    for (let k = 2; used.has(name.toLowerCase()); k++) name = `${parts.join('_')}_${k}`;
    used.add(name.toLowerCase());
    // Run names follow the run schema's name pattern; the sweep folder already groups them.
    config.name = `${spec.name}--${name}`.slice(0, 100);
    runs.push({
      name,
      overrides,
      alpha: plotAlpha(overrides[ALPHA_PATH], spec.file, 'alphas'),
      seed: overrides[SEED_PATH] as number,
      config,
      configHash: hashConfig(config),
    });
  }
  return { name: spec.name, axes, runs };
}

/** Alpha used on plots: the number, or what a per-epoch list / schedule string ends at. */
export function plotAlpha(value: unknown, file?: string, field = 'alphas'): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && value.length > 0 && typeof value[value.length - 1] === 'number') {
    return value[value.length - 1] as number;
  }
  if (typeof value === 'string') {
    const last = value.trim().split(/\s+/).pop() ?? '';
    const n = Number(last.split('*')[0]);
    if (last !== '' && Number.isFinite(n)) return n;
  }
  throw new EngineError(
    'CONFIG_INVALID',
    `Sweep alpha ${quoteValue(value)} is not a number, a list of numbers or a schedule like "0*5 -1*15".`,
    { file, field },
  );
}

/** The grid's size from its axes' lengths, checked before a single run config is made. */
function checkRunCount(spec: SweepSpec, otherPaths: string[], alphas: unknown[], seeds: unknown[], alphaAxis: boolean): void {
  const sizes: Array<{ field: string; what: string; n: number }> = [
    ...otherPaths.map((p) => ({ field: `axes.${p}`, what: `${axisName(p)} values`, n: (spec.axes![p] as unknown[]).length })),
    { field: 'seeds', what: 'seeds', n: seeds.length },
    { field: alphaAxis ? `axes.${ALPHA_PATH}` : 'alphas', what: 'alphas', n: alphas.length },
  ];
  const runs = sizes.reduce((product, s) => product * s.n, 1);
  if (runs <= MAX_SWEEP_RUNS) return;
  const largest = sizes.reduce((a, b) => (b.n > a.n ? b : a));
  const factors = sizes.filter((s) => s.n > 1);
  const shape = factors.slice(0, 4).map((s) => `${s.n} ${s.what}`).join(' x ') + (factors.length > 4 ? ' x …' : '');
  throw new EngineError(
    'CONFIG_INVALID',
    `Sweep would make ${runs.toLocaleString('en-US')} runs (${shape}); one sweep makes at most ${MAX_SWEEP_RUNS.toLocaleString('en-US')}: use fewer values or split it.`,
    { file: spec.file, field: largest.field },
  );
}

/** An axis path as shown in messages: quoted and short. */
function axisName(p: string): string {
  return quoteString(p);
}

/** Short, file-system safe rendering of an axis value for run names. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return sanitize(v.trim().replace(/\s*\*\s*/g, 'x').replace(/\s+/g, '+'));
  if (typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) {
    return sanitize(v.map((x) => String(x)).join('+'));
  }
  return createHash('sha1').update(stableStringify(v)).digest('hex').slice(0, 8);
}

function sanitize(s: string): string {
  const out = s.replace(/[^A-Za-z0-9.+=-]+/g, '-').slice(0, 60);
  return out === '' ? 'empty' : out;
}

/** Key of an axis in run names: its last path segment, or the whole path when two axes share one. */
function shortKeys(paths: string[]): Map<string, string> {
  const last = (p: string) => p.split('.').pop()!;
  const keys = new Map<string, string>();
  for (const p of paths) {
    const clash = ['alpha', 'seed'].includes(last(p)) || paths.some((q) => q !== p && last(q) === last(p));
    keys.set(p, clash ? p : last(p));
  }
  return keys;
}

function cartesian(lists: SweepAxisValue[][]): SweepAxisValue[][] {
  return lists.reduce<SweepAxisValue[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [
    [],
  ]);
}

const TOP_LEVEL = new Set(['model', 'data', 'train', 'selectivity', 'backend']);
/** What one segment of an axis path may be (the sweep schema's axis pattern). */
const FIELD_NAME = /^[A-Za-z0-9_]+$/;

/** A dotted path must start at a known section and go through objects (missing leaves are created). */
function checkPath(base: RunConfig, path: string, file?: string): void {
  const segs = path.split('.');
  if (!TOP_LEVEL.has(segs[0]) || segs.some((s) => !FIELD_NAME.test(s))) {
    throw new EngineError(
      'CONFIG_INVALID',
      `Sweep axis ${axisName(path)} is not a run config field path (it must start with model., data., train., selectivity. or be "backend").`,
      { file, field: `axes.${path}` },
    );
  }
  const reserved = segs.find((s) => RESERVED_KEYS.has(s));
  if (reserved !== undefined) {
    throw new EngineError('CONFIG_INVALID', `Sweep axis ${axisName(path)} names "${reserved}", which is never a config field.`, {
      file,
      field: `axes.${path}`,
    });
  }
  let node: unknown = base;
  for (const s of segs.slice(0, -1)) {
    node = ownField(node, s);
    if (node !== undefined && (typeof node !== 'object' || node === null || Array.isArray(node))) {
      throw new EngineError('CONFIG_INVALID', `Sweep axis ${axisName(path)}: "${s}" in the base config is not an object.`, {
        file,
        field: `axes.${path}`,
      });
    }
  }
}

/** A field of a config object, never one inherited from its prototype. */
function ownField(node: unknown, key: string): unknown {
  return node !== null && typeof node === 'object' && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
}

/** Sets a dotted field, creating missing objects; refuses paths through a prototype ("__proto__", "constructor"). */
export function setPath(target: object, path: string, value: unknown): void {
  const segs = path.split('.');
  if (segs.some((s) => RESERVED_KEYS.has(s))) throw new Error(`setPath: ${axisName(path)} goes through a prototype`);
  let node = target as Record<string, unknown>;
  for (const s of segs.slice(0, -1)) {
    const next = ownField(node, s);
    if (typeof next !== 'object' || next === null) node[s] = {};
    node = node[s] as Record<string, unknown>;
  }
  node[segs[segs.length - 1]] = value;
}

export function hashConfig(config: RunConfig): string {
  // The name and where the folder lives do not change what is trained.
  const rest: Partial<RunConfig> = { ...config };
  delete rest.name;
  delete rest.outDir;
  delete rest.$schema;
  return createHash('sha1').update(stableStringify(rest)).digest('hex').slice(0, 16);
}

export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(v);
}
