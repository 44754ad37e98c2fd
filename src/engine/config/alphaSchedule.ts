// Per-epoch regularization strengths from the three ways a config may give them. A schedule string is read as
// (value, count) segments and checked (every value within ±ALPHA_LIMIT, the counts against the epochs) before
// any per-epoch list is made, so "1*99999999999" is refused in microseconds instead of filling the heap.
import { ALPHA_LIMIT, MAX_EPOCHS } from './limits';
import { quoteString, quoteValue, shorten } from './quote';

export type AlphaSpec = number | number[] | string;

/** Why an alpha spec cannot be expanded; `message` completes "selectivity.alpha ...". */
export class AlphaScheduleError extends Error {}

export interface AlphaSegment {
  value: number;
  /** Epochs this value applies to (>= 1). */
  count: number;
}

const SEPARATORS = /[\s,]*/y;
// Unambiguous (no two ways to match the same digits), so a failing match costs time linear in the text.
const VALUE = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const COUNT = /\s*\*\s*(\d+)/y;
const CHUNK = /[^\s,]+/y;
const EXAMPLE = 'e.g. "0*5 -1*15"';

function sticky(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/** "0*5 -1*15" -> [{0, 5}, {-1, 15}]: space- or comma-separated values, each optionally `*count`. */
export function parseAlphaSegments(spec: string): AlphaSegment[] {
  const segments: AlphaSegment[] = [];
  let at = sticky(SEPARATORS, spec, 0)![0].length;
  while (at < spec.length) {
    const value = sticky(VALUE, spec, at);
    const count = value && sticky(COUNT, spec, at + value[0].length);
    const end = value ? at + value[0].length + (count ? count[0].length : 0) : at;
    const next = sticky(SEPARATORS, spec, end)![0].length;
    if (!value || (next === 0 && end < spec.length)) {
      const token = quoteString(sticky(CHUNK, spec, at)?.[0] ?? spec.slice(at), 24);
      throw new AlphaScheduleError(`has ${token}, which is not VALUE or VALUE*EPOCHS (${EXAMPLE})`);
    }
    const v = Number(value[0]);
    const written = shorten(value[0], 24);
    if (!Number.isFinite(v) || Math.abs(v) > ALPHA_LIMIT) {
      throw new AlphaScheduleError(`has the value ${written}; every alpha must be between ${-ALPHA_LIMIT} and ${ALPHA_LIMIT}`);
    }
    const n = count ? Number(count[1]) : 1;
    if (n < 1) throw new AlphaScheduleError(`has "${written}*${shorten(count![1], 24)}": the epoch count after * must be >= 1`);
    segments.push({ value: v, count: n });
    at = end + next;
  }
  if (segments.length === 0) throw new AlphaScheduleError(`is an empty schedule; write e.g. "-1" or "0*5 -1*15"`);
  return segments;
}

/** The epochs a schedule string covers (may exceed MAX_EPOCHS; nothing is expanded). */
export function scheduleEpochs(segments: AlphaSegment[]): number {
  return segments.reduce((sum, s) => sum + s.count, 0);
}

/** "0*2 -1*3" -> [0, 0, -1, -1, -1]; refuses schedules longer than any run (MAX_EPOCHS) before expanding. */
export function parseAlphaString(spec: string): number[] {
  const segments = parseAlphaSegments(spec);
  const epochs = scheduleEpochs(segments);
  if (epochs > MAX_EPOCHS) {
    throw new AlphaScheduleError(`${quoteValue(spec)} covers ${epochCount(epochs)} epochs; a run has at most ${MAX_EPOCHS}`);
  }
  return expandSegments(segments);
}

/**
 * One alpha per epoch. A number applies to every epoch; a list or schedule string must cover exactly `epochs`
 * epochs (a shorter one is an error rather than a silent repeat, so typos show).
 */
export function expandAlpha(spec: AlphaSpec, epochs: number): number[] {
  if (!Number.isSafeInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS) {
    throw new AlphaScheduleError(`cannot be expanded: train.epochs must be a whole number from 1 to ${MAX_EPOCHS}`);
  }
  const inRange = (a: unknown) => typeof a === 'number' && Number.isFinite(a) && Math.abs(a) <= ALPHA_LIMIT;
  if (typeof spec === 'number') {
    if (!inRange(spec)) throw new AlphaScheduleError(`must be a finite number between ${-ALPHA_LIMIT} and ${ALPHA_LIMIT}`);
    return new Array<number>(epochs).fill(spec);
  }
  if (typeof spec === 'string') {
    const segments = parseAlphaSegments(spec);
    const covered = scheduleEpochs(segments);
    if (covered !== epochs) throw new AlphaScheduleError(mismatch(`${quoteValue(spec)} covers`, covered, epochs));
    return expandSegments(segments);
  }
  if (!Array.isArray(spec) || !spec.every(inRange)) {
    throw new AlphaScheduleError(`must contain only finite numbers between ${-ALPHA_LIMIT} and ${ALPHA_LIMIT}`);
  }
  if (spec.length !== epochs) throw new AlphaScheduleError(mismatch('lists', spec.length, epochs));
  return [...spec];
}

/** A count of epochs as shown: exact up to MAX_EPOCHS (beyond it, sums of huge counts are not exact). */
function epochCount(n: number): string {
  return n > MAX_EPOCHS ? `more than ${MAX_EPOCHS}` : String(n);
}

function mismatch(what: string, covered: number, epochs: number): string {
  return `${what} ${epochCount(covered)} epoch${covered === 1 ? '' : 's'} but train.epochs is ${epochs}; give one alpha per epoch or a single number`;
}

function expandSegments(segments: AlphaSegment[]): number[] {
  const out: number[] = [];
  for (const s of segments) for (let i = 0; i < s.count; i++) out.push(s.value);
  return out;
}
