// The JSON form of protocol values, written and read in one place. Engine events and run files hold typed arrays
// and NaN; JSON has neither, so typed arrays are written as number arrays and NaN / ±Infinity as null. Readers
// turn them back. (Node IPC with `serialization: 'advanced'` and VS Code's postMessage keep both intact; files,
// `--json` output and some transports do not.)

type TypedArrayCtor = Float32ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor;

/** JSON.stringify replacer: typed arrays -> number arrays, non-finite numbers -> null. */
export function wireReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** JSON.stringify replacer for one-line summaries: typed arrays are left out, non-finite numbers -> null. */
export function wireReplacerWithoutArrays(key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return undefined;
  return wireReplacer(key, value);
}

/** One value as JSON in wire form (`indent` for files people read). */
export function toWireJson(value: unknown, options: { indent?: number; arrays?: 'keep' | 'omit' } = {}): string {
  return JSON.stringify(value, options.arrays === 'omit' ? wireReplacerWithoutArrays : wireReplacer, options.indent);
}

/** A number read from the wire: null (written for NaN) and anything else that is not a number become NaN. */
export function numberFromWire(x: unknown): number {
  return typeof x === 'number' ? x : NaN;
}

/**
 * A typed array read from the wire: typed arrays pass (converted to `ctor` when another kind), number arrays and
 * {"0": x, "1": y} objects (what some transports make of a typed array) are copied, null entries become NaN.
 * Anything else gives `length` NaNs (zeros for integer arrays), so a missing array stays a gap, not a crash.
 */
export function typedFromWire<C extends TypedArrayCtor>(value: unknown, ctor: C, length: number): InstanceType<C> {
  if (value instanceof ctor) return value as InstanceType<C>;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return ctor.from(value as unknown as ArrayLike<number>) as InstanceType<C>;
  if (Array.isArray(value)) return ctor.from(value.map((x: unknown) => (x === null ? NaN : Number(x)))) as InstanceType<C>;
  const out = new ctor(Math.max(0, length)).fill(NaN) as InstanceType<C>;
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const i = Number(k);
      if (Number.isInteger(i) && i >= 0 && i < out.length) out[i] = v === null ? NaN : Number(v);
    }
  }
  return out;
}
