// Finds what no config may hold, before the schema validator or anything else walks it: nesting deeper than a
// config needs, keys that reach a prototype, numbers JSON cannot store (1e999 reads as Infinity and is written
// back as null, so the run could never resume), strings and lists too long to check quickly.
import { MAX_DEPTH, MAX_LIST_ITEMS, MAX_PROBLEMS, MAX_STRING_LENGTH, RESERVED_KEYS } from './limits';
import type { Segments } from './problem';
import { fieldName, quoteValue, shorten } from './quote';

export interface UnsafeValue {
  segments: Segments;
  /** One sentence starting with the field's name. */
  message: string;
  /** The problem is the key itself (placed on the key in the text). */
  key?: boolean;
}

const count = (n: number) => n.toLocaleString('en-US');

/** At most `limit` findings, in document order; `literal` gives the text of a value when there is text. */
export function findUnsafeValues(value: unknown, literal?: (segments: Segments) => string | undefined, limit = MAX_PROBLEMS): UnsafeValue[] {
  const found: UnsafeValue[] = [];
  const name = (segments: Segments) => fieldName(segments) || 'the config';
  const visit = (v: unknown, segments: Segments): void => {
    if (found.length >= limit) return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        const written = shorten(literal?.(segments) ?? String(v));
        found.push({ segments, message: `${name(segments)} must be a finite number (got ${written}, which JSON cannot store)` });
      }
      return;
    }
    if (typeof v === 'string') {
      if (v.length > MAX_STRING_LENGTH) {
        found.push({
          segments,
          message: `${name(segments)} is ${count(v.length)} characters long; at most ${count(MAX_STRING_LENGTH)} are allowed (got ${quoteValue(v)})`,
        });
      }
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (segments.length >= MAX_DEPTH) {
      found.push({ segments, message: `${name(segments)} is nested more than ${MAX_DEPTH} levels deep; a config needs only a few levels of { } and [ ]` });
      return;
    }
    if (Array.isArray(v)) {
      if (v.length > MAX_LIST_ITEMS) {
        found.push({ segments, message: `${name(segments)} has ${count(v.length)} items; at most ${count(MAX_LIST_ITEMS)} are allowed` });
        return;
      }
      v.forEach((item, i) => visit(item, [...segments, i]));
      return;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      found.push({ segments, message: `${name(segments)} must be a plain JSON object` });
      return;
    }
    for (const k of Object.keys(v)) {
      if (RESERVED_KEYS.has(k)) {
        const at = [...segments, k];
        found.push({ segments: at, key: true, message: `${name(at)} is not allowed: "__proto__", "constructor" and "prototype" are never config fields` });
        if (found.length >= limit) return;
        continue;
      }
      visit((v as Record<string, unknown>)[k], [...segments, k]);
    }
  };
  visit(value, []);
  return found;
}
