// User values and field names as they appear in messages: short, on one line, whatever the user wrote (a value
// of 10,000 characters or a key with a newline in it still gives a message of one short line).

const SHORT = 40;
const PLAIN_KEY = /^[A-Za-z0-9_$.-]{1,40}$/;
/** Segments shown of a long field path: the first few and the last few. */
const HEAD = 4;
const TAIL = 3;

/** `s` cut to `max` characters, with an ellipsis when cut. */
export function shorten(s: string, max = SHORT): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** A string in double quotes, cut, escaped so it stays on one line (JSON leaves U+2028, U+2029 and C1 controls as they are). */
export function quoteString(s: string, max = SHORT): string {
  return JSON.stringify(shorten(s, max)).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value for "(got ...)": strings quoted and cut, lists and objects named, numbers as written. */
export function quoteValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return quoteString(v);
  return shorten(String(v));
}

/** A key as written in a field path: plain keys as they are, anything else quoted and cut. */
export function quoteKey(key: string): string {
  return PLAIN_KEY.test(key) ? key : quoteString(key, 24);
}

/** "train.schedule.milestones[2]" from path segments; a long path keeps its first and last segments. */
export function fieldName(segments: ReadonlyArray<string | number>): string {
  const long = segments.length > HEAD + TAIL + 1;
  const parts = long ? [...segments.slice(0, HEAD), undefined, ...segments.slice(-TAIL)] : segments;
  let out = '';
  for (const s of parts) {
    if (s === undefined) out += '…';
    else if (typeof s === 'number') out += `[${s}]`;
    else out += (out === '' ? '' : '.') + quoteKey(s);
  }
  return out;
}
