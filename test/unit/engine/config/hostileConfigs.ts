// Seeded generators of hostile config files for the fuzz test: wrong types, huge, negative and non-finite
// numbers, numbers written as strings, huge strings, deep nesting, prototype keys, unknown keys, alpha schedules
// of every shape, sweeps with hostile axes, broken syntax, valid configs and mixtures. The same seed always gives
// the same files. Accepted run configs stay tiny (embedded MNIST, a few samples, one batch per epoch) so they
// train in seconds.
import { seededRandom } from '../../../../src/engine/data/random';

export type Segments = Array<string | number>;

export const GENERATORS = [
  'wrongTypes',
  'hugeNumbers',
  'numbersAsStrings',
  'hugeStrings',
  'deepNesting',
  'prototypeKeys',
  'unknownKeys',
  'schedules',
  'sweeps',
  'brokenSyntax',
  'valid',
  'mixed',
] as const;
export type GeneratorName = (typeof GENERATORS)[number];

export interface HostileCase {
  id: string;
  generator: GeneratorName;
  kind: 'run' | 'sweep';
  /** The file's text (JSONC). */
  text: string;
}

/** The base file a generated sweep may name as "base" (written next to it by the test). */
export const SWEEP_BASE_FILE = 'base.selectivity.json';

export function tinyRun(): Record<string, unknown> {
  return {
    model: { name: 'small-cnn' },
    data: { format: 'mnist-embedded', trainLimit: 20, testLimit: 20 },
    train: { epochs: 2, batchSize: 10, lr: 0.05, maxBatchesPerEpoch: 1 },
    selectivity: { alpha: -1, histogramBins: 4 },
    backend: 'wasm',
  };
}

class Rand {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  float(): number {
    return this.next();
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Text spliced into the JSON where JSON.stringify cannot write it (1e999, a million brackets). */
class RawText {
  private readonly parts: string[] = [];

  marker(text: string): string {
    this.parts.push(text);
    return `@@RAW${this.parts.length - 1}@@`;
  }

  render(value: unknown, indent: number | undefined): string {
    const text = JSON.stringify(value, null, indent) ?? 'null';
    return text.replace(/"@@RAW(\d+)@@"/g, (_, i: string) => this.parts[Number(i)]);
  }
}

const NUMERIC: Segments[] = [
  ['data', 'testFraction'], ['data', 'trainLimit'], ['data', 'testLimit'], ['data', 'imageSize'], ['data', 'augment', 'crop'],
  ['train', 'epochs'], ['train', 'batchSize'], ['train', 'lr'], ['train', 'momentum'], ['train', 'weightDecay'], ['train', 'seed'],
  ['train', 'gradClipNorm'], ['train', 'maxBatchesPerEpoch'], ['train', 'schedule', 'gamma'], ['train', 'schedule', 'warmupEpochs'],
  ['train', 'schedule', 'milestones', 0], ['selectivity', 'alpha'], ['selectivity', 'alpha', 1], ['selectivity', 'histogramBins'],
  ['selectivity', 'analyzeEvery'], ['data', 'normalize', 'std', 0],
];
const STRINGS: Segments[] = [
  ['$schema'], ['kind'], ['name'], ['model', 'name'], ['model', 'path'], ['data', 'format'], ['data', 'path'], ['data', 'cacheDir'],
  ['data', 'normalize'], ['train', 'schedule', 'type'], ['selectivity', 'alpha'], ['selectivity', 'layers', 0],
  ['selectivity', 'histogramLayers'], ['backend'], ['outDir'],
];
const BOOLEANS: Segments[] = [['data', 'augment', 'flip'], ['selectivity', 'analyzeAtStart']];
const OBJECTS: Segments[] = [[], ['model'], ['data'], ['train'], ['selectivity'], ['train', 'schedule'], ['data', 'augment'], ['data', 'normalize']];
const ANY_FIELD: Segments[] = [...NUMERIC, ...STRINGS, ...BOOLEANS, ...OBJECTS.slice(1)];

const HUGE_NUMBERS = ['1e12', '1e300', '-1e300', '9007199254740993', '-1', '0', '1e999', '-1e999', '1e-320', '-0', '4294967296', '100001', '1.5', '1E400', '-0.0', '123456789012345678901234567890'];
const NUMBER_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e999', '0x10', '1_000', ' 1', '', 'null', '1e308*2', '-0', '1,5'];
const WRONG_VALUES: unknown[] = [true, false, null, {}, [], [1], 'text', { a: 1 }, 0.5, -7, [[]], '1'];
const CHAR_POOL = ['a', 'Z', '0', '9', ' ', '"', '\\', '\n', '\t', '\u0000', '\u2028', 'é', '😀', '\ud800', '{', '[', '*', ',', '-', '.', 'e', '/'];
const RESERVED = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf', '__lookupSetter__'];
const ALPHA_VALUES = ['1', '-0.5', '.5', '+2', '1.', '1e3', '1e308', '1e999', '-1001', 'abc', '--1', '1e', '.', '0x1', '0', '-1'];
const ALPHA_COUNTS = ['', '*1', '*2', '*0', '*99999999999', `*${'9'.repeat(400)}`, ' * 2', '*-1', '*1.5', '*100000000'];
const SEPARATORS = [' ', ',', ', ', '\t', '\n', '   ', ',,', ' , '];

function randomString(r: Rand, length: number): string {
  const mode = length < 3 ? 3 : r.int(0, 3);
  if (mode === 0) return '1'.repeat(length - 1) + 'x';
  if (mode === 1) return '1' + ' '.repeat(length - 2) + 'x';
  let s = '';
  while (s.length < length) s += r.pick(CHAR_POOL);
  return s.slice(0, length);
}

function randomKey(r: Rand): string {
  return r.pick([
    () => r.pick(['epoch', 'lrr', 'Alpha', 'batchsize', 'modle', 'selectivty', 'kinds', 'seeds']),
    () => randomString(r, r.int(1, 12)),
    () => String(r.int(0, 99)),
    () => '',
    () => 'k'.repeat(r.pick([100, 10_000, 20_000])),
    () => `k${r.int(0, 1e6)}`,
  ])();
}

/** Sets a field, creating (or replacing with) objects and lists on the way. */
function setAt(root: Record<string, unknown>, segments: Segments, value: unknown): void {
  let node: Record<string | number, unknown> = root;
  segments.forEach((s, i) => {
    if (i === segments.length - 1) {
      Object.defineProperty(node, s, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    const nextIsIndex = typeof segments[i + 1] === 'number';
    const current = node[s];
    if (current === null || typeof current !== 'object' || Array.isArray(current) !== nextIsIndex) node[s] = nextIsIndex ? [] : {};
    node = node[s] as Record<string | number, unknown>;
  });
}

function objectAt(root: Record<string, unknown>, segments: Segments): Record<string, unknown> {
  if (segments.length === 0) return root;
  let node: unknown = root;
  for (const s of segments) node = (node as Record<string | number, unknown> | undefined)?.[s];
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    setAt(root, segments, {});
    return objectAt(root, segments);
  }
  return node as Record<string, unknown>;
}

function deepText(r: Rand, depth: number): string {
  const shape = r.int(0, 2);
  if (shape === 0) return '['.repeat(depth) + '1' + ']'.repeat(depth);
  if (shape === 1) return '{"k":'.repeat(depth) + '1' + '}'.repeat(depth);
  return '[{"a":'.repeat(Math.ceil(depth / 2)) + '1' + '}]'.repeat(Math.ceil(depth / 2));
}

function scheduleString(r: Rand, epochs: number): string {
  if (r.chance(0.3)) {
    // Counts that add up: a schedule that should be accepted.
    const first = r.int(0, epochs - 1);
    return first === 0 ? `${r.pick(['-1', '0', '0.5'])}*${epochs}` : `0*${first} ${r.pick(['-1', '1000', '-1000'])}*${epochs - first}`;
  }
  const tokens = Array.from({ length: r.int(1, 5) }, () => r.pick(ALPHA_VALUES) + r.pick(ALPHA_COUNTS));
  let s = tokens.join(r.pick(SEPARATORS));
  if (r.chance(0.2)) s = r.pick(SEPARATORS) + s + r.pick(SEPARATORS);
  return s;
}

function alphaValue(r: Rand, raw: RawText, epochs: number): unknown {
  switch (r.int(0, 2)) {
    case 0:
      return r.pick<unknown>([-1, 0, 1, 1000, -1000, 1000.5, 1e308, -1e308, raw.marker('1e999'), 0.1, -0.3]);
    case 1: {
      const length = r.pick([epochs, epochs, epochs + 1, Math.max(0, epochs - 1), 0, 1000, 100_001]);
      return Array.from({ length }, () => (r.chance(0.9) ? r.int(-1000, 1000) / 10 : r.pick<unknown>([1e308, 'x', null, [1], -5000])));
    }
    default:
      return scheduleString(r, epochs);
  }
}

type Mutator = (r: Rand, c: Record<string, unknown>, raw: RawText) => void;

const MUTATORS: Record<Exclude<GeneratorName, 'sweeps' | 'brokenSyntax' | 'valid' | 'mixed'>, Mutator> = {
  wrongTypes: (r, c) => setAt(c, r.pick(ANY_FIELD), structuredClone(r.pick(WRONG_VALUES))),
  hugeNumbers: (r, c, raw) => setAt(c, r.pick(NUMERIC), raw.marker(r.pick(HUGE_NUMBERS))),
  numbersAsStrings: (r, c) => setAt(c, r.pick(NUMERIC), r.pick(NUMBER_STRINGS)),
  hugeStrings: (r, c) => {
    const s = randomString(r, r.pick([4097, 5000, 10_000, 10_001, 100_000, 1_000_000]));
    if (r.chance(0.2)) objectAt(c, r.pick(OBJECTS))[s] = 1;
    else setAt(c, r.pick(STRINGS), s);
  },
  deepNesting: (r, c, raw) => {
    const depth = r.pick([18, 19, 20, 21, 22, 50, 1000, 100_000, 500_000]);
    const at: Segments = r.chance(0.2) ? [r.pick(['extra', 'model', 'train'])] : r.pick(ANY_FIELD);
    setAt(c, at, raw.marker(deepText(r, depth)));
  },
  prototypeKeys: (r, c) => {
    const key = r.pick(RESERVED);
    const value = structuredClone(r.pick<unknown>([{ model: { name: 'small-cnn' } }, { epochs: 2, batchSize: 10, lr: 0.05 }, 1, null, { polluted: true }, [], { alpha: -1 }]));
    const target = objectAt(c, r.pick(OBJECTS));
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    // Smuggling: the field the prototype would have supplied is missing.
    if (r.chance(0.4)) delete c[r.pick(['model', 'train', 'selectivity'])];
  },
  unknownKeys: (r, c) => {
    const target = objectAt(c, r.pick(OBJECTS));
    const n = r.pick([1, 3, 50, 1000]);
    for (let i = 0; i < n; i++) target[n > 3 ? `unknown${i}` : randomKey(r)] = structuredClone(r.pick(WRONG_VALUES));
  },
  schedules: (r, c, raw) => {
    const epochs = r.int(1, 3);
    setAt(c, ['train', 'epochs'], r.chance(0.05) ? raw.marker('1e999') : epochs);
    setAt(c, ['selectivity', 'alpha'], alphaValue(r, raw, epochs));
  },
};

function validRun(r: Rand): Record<string, unknown> {
  const c = tinyRun();
  const epochs = r.int(1, 3);
  const train = c.train as Record<string, unknown>;
  const data = c.data as Record<string, unknown>;
  const sel = c.selectivity as Record<string, unknown>;
  train.epochs = epochs;
  sel.alpha = r.pick<unknown>([r.int(-100, 100) / 10, Array.from({ length: epochs }, () => r.int(-10, 10) / 2), `0*${epochs}`]);
  if (r.chance(0.5)) {
    train.schedule = r.pick<unknown>([
      { type: 'constant' },
      { type: 'cosine', warmupEpochs: epochs > 1 ? 0.5 : 0 },
      { type: 'step', milestones: [1, epochs + 1].slice(0, r.int(1, 2)), gamma: 0.5 },
    ]);
  }
  if (r.chance(0.3)) train.seed = r.int(0, 4294967295);
  if (r.chance(0.3)) train.momentum = r.int(0, 99) / 100;
  if (r.chance(0.3)) train.gradClipNorm = r.int(1, 10);
  if (r.chance(0.3)) data.testFraction = r.int(1, 9) / 10;
  if (r.chance(0.3)) data.normalize = r.pick<unknown>(['auto', 'none', { mean: [0.1], std: [0.3] }]);
  if (r.chance(0.3)) data.augment = { crop: r.int(0, 2), flip: r.chance(0.5) };
  if (r.chance(0.2)) data.path = 'unused';
  if (r.chance(0.3)) sel.layers = r.pick<unknown>(['all', ['conv1'], ['fc1', 'conv2']]);
  if (r.chance(0.3)) sel.histogramLayers = r.pick<unknown>(['auto', 'all', ['conv2']]);
  if (r.chance(0.3)) sel.analyzeAtStart = r.chance(0.5);
  if (r.chance(0.3)) sel.analyzeEvery = r.int(1, 2);
  if (r.chance(0.3)) c.name = `fuzz-${r.int(0, 999)}`;
  if (r.chance(0.3)) c.kind = 'run';
  if (r.chance(0.3)) c.$schema = '../schemas/run.schema.json';
  // wasm only: the plain-JavaScript backend takes many seconds even for one batch.
  c.backend = 'wasm';
  return c;
}

function brokenText(r: Rand): string {
  const valid = JSON.stringify(tinyRun(), null, 2);
  return r.pick([
    () => valid.slice(0, r.int(0, valid.length - 1)),
    () => {
      const i = r.int(0, valid.length - 1);
      return valid.slice(0, i) + valid.slice(i + 1);
    },
    () => {
      const i = r.int(0, valid.length - 1);
      return valid.slice(0, i) + r.pick(['{', '}', '[', ']', ',', ':', '"', '\\', '/*']) + valid.slice(i);
    },
    () => r.pick(['', '   ', '// only a comment', 'null', '[]', '"text"', '1e999', '{} {}', '{"a":1,,}', '{"model": }', '{"a": "unterminated']),
    () => '\uFEFF' + valid,
    () => valid + ' garbage',
    () => `/* ${'*'.repeat(r.int(0, 100))} */ ${valid.replace('"lr": 0.05', '"lr": 0.05, // trailing\n')}`,
  ])();
}

function hostileSweep(r: Rand, raw: RawText): Record<string, unknown> {
  const sweep: Record<string, unknown> = { kind: 'sweep' };
  const base = tinyRun();
  if (r.chance(0.3)) r.pick(Object.values(MUTATORS))(r, base, raw);
  sweep.base = r.chance(0.8) ? base : r.pick([SWEEP_BASE_FILE, 'missing.selectivity.json', 'b'.repeat(5000), '']);
  const number = () => (r.chance(0.85) ? r.int(-10, 10) / 10 : r.pick<unknown>([5000, 1e308, '1', null, raw.marker('1e999')]));
  if (r.chance(0.7)) sweep.alphas = Array.from({ length: r.pick([0, 1, 1, 2, 2, 3, 200, 100_001]) }, number);
  if (r.chance(0.8)) {
    sweep.seeds = r.chance(0.8)
      ? Array.from({ length: r.pick([1, 1, 2, 200]) }, (_, i) => i)
      : r.pick<unknown>([[-1], [1.5], [4294967296], [], 'zero', [raw.marker('1e999')]]);
  }
  if (r.chance(0.6)) {
    const axes: Record<string, unknown> = {};
    for (let i = r.int(1, 3); i > 0; i--) {
      const key = r.pick([
        'train.lr', 'selectivity.alpha', 'model.name', 'data.trainLimit', 'train.batchSize', 'selectivity.layers', 'train.seed',
        'train.__proto__.polluted', 'model.constructor.prototype.polluted', 'foo.bar', 'train..lr', 'train.', 'backend',
        `train.${'k'.repeat(5000)}`, 'data.augment.flip', '__proto__',
      ]);
      const length = r.pick([0, 1, 1, 2, 3000]);
      // A long axis only needs to be long; its values stay plain so the file stays small.
      const value = () =>
        length > 2
          ? r.int(1, 1000) / 1000
          : key === 'selectivity.alpha'
            ? alphaValue(r, raw, 2)
            : r.pick<unknown>([0.1, 0.01, 'small-cnn', 'resnet99', 20, 0, -1, true, null, ['conv1'], 'all', raw.marker('1e999'), raw.marker(deepText(r, 100))]);
      Object.defineProperty(axes, key, { value: Array.from({ length }, value), enumerable: true, writable: true, configurable: true });
    }
    sweep.axes = r.chance(0.9) ? axes : r.pick<unknown>([[], 'axes', null]);
  }
  if (r.chance(0.5)) sweep.name = r.pick(['grid', `g${r.int(0, 99)}`, '..', '.', 'a/b', 'n'.repeat(5000), '']);
  if (r.chance(0.3)) sweep.parallel = r.pick<unknown>([1, 2, 0, raw.marker('1e999'), 2000, 1.5]);
  if (r.chance(0.2)) sweep.outDir = r.pick(['out', '', 'o'.repeat(10_001)]);
  if (r.chance(0.1)) sweep[randomKey(r)] = 1;
  if (r.chance(0.1)) Object.defineProperty(sweep, '__proto__', { value: { alphas: [0] }, enumerable: true });
  return sweep;
}

function generate(r: Rand, generator: GeneratorName): { kind: 'run' | 'sweep'; text: string } {
  const raw = new RawText();
  const indent = r.chance(0.5) ? 2 : undefined;
  const comment = r.chance(0.2) ? '// generated\n' : '';
  switch (generator) {
    case 'sweeps':
      return { kind: 'sweep', text: comment + raw.render(hostileSweep(r, raw), indent) };
    case 'brokenSyntax':
      return { kind: 'run', text: brokenText(r) };
    case 'valid':
      return { kind: 'run', text: comment + raw.render(validRun(r), indent) };
    case 'mixed': {
      const c = r.chance(0.5) ? validRun(r) : tinyRun();
      for (let i = r.int(2, 4); i > 0; i--) r.pick(Object.values(MUTATORS))(r, c, raw);
      return { kind: 'run', text: comment + raw.render(c, indent) };
    }
    case 'wrongTypes':
    case 'hugeNumbers':
    case 'numbersAsStrings':
    case 'hugeStrings':
    case 'deepNesting':
    case 'prototypeKeys':
    case 'unknownKeys':
    case 'schedules': {
      const c = tinyRun();
      MUTATORS[generator](r, c, raw);
      return { kind: 'run', text: comment + raw.render(c, indent) };
    }
  }
}

/** `perGenerator` cases of every generator, interleaved, all from `seed`. */
export function hostileCases(seed: number, perGenerator: number): HostileCase[] {
  const r = new Rand(seed);
  const cases: HostileCase[] = [];
  for (let i = 0; i < perGenerator; i++) {
    for (const generator of GENERATORS) cases.push({ id: `${generator}#${i}`, generator, ...generate(r, generator) });
  }
  return cases;
}

/** `items` in an order drawn from `seed` (for choosing which cases go through the CLI). */
export function seededOrder<T>(seed: number, items: readonly T[]): T[] {
  const r = new Rand(seed);
  return items.map((item) => ({ item, key: r.float() })).sort((a, b) => a.key - b.key).map((x) => x.item);
}
