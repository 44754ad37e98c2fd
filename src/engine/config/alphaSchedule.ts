// Per-epoch regularization strengths from the three ways a config may give them.

export type AlphaSpec = number | number[] | string;

/** Why an alpha spec cannot be expanded; `message` completes "selectivity.alpha ...". */
export class AlphaScheduleError extends Error {}

const TOKEN = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?:\s*\*\s*(\d+))?$/;

/** "0*5 -1*15" -> [0,0,0,0,0,-1,...]: space- or comma-separated values, each optionally `*count`. */
export function parseAlphaString(spec: string): number[] {
  // Glue "0 * 5" back into one token before splitting on separators.
  const tokens = spec.trim().replace(/\s*\*\s*/g, '*').split(/[\s,]+/).filter((t) => t.length > 0);
  if (tokens.length === 0) throw new AlphaScheduleError('is an empty schedule; write e.g. "-1" or "0*5 -1*15"');
  const out: number[] = [];
  for (const token of tokens) {
    const m = TOKEN.exec(token);
    if (!m) throw new AlphaScheduleError(`has "${token}", which is not VALUE or VALUE*EPOCHS (e.g. "0*5 -1*15")`);
    const value = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (count < 1) throw new AlphaScheduleError(`has "${token}": the epoch count after * must be >= 1`);
    for (let i = 0; i < count; i++) out.push(value);
  }
  return out;
}

/**
 * One alpha per epoch. A number applies to every epoch; a list or schedule string must cover exactly `epochs`
 * epochs (a shorter one is an error rather than a silent repeat, so typos show).
 */
export function expandAlpha(spec: AlphaSpec, epochs: number): number[] {
  if (typeof spec === 'number') {
    if (!Number.isFinite(spec)) throw new AlphaScheduleError('must be a finite number');
    return new Array<number>(epochs).fill(spec);
  }
  const list = typeof spec === 'string' ? parseAlphaString(spec) : spec;
  if (list.some((a) => typeof a !== 'number' || !Number.isFinite(a))) throw new AlphaScheduleError('must contain only finite numbers');
  if (list.length !== epochs) {
    const what = typeof spec === 'string' ? `"${spec}" covers` : 'lists';
    throw new AlphaScheduleError(
      `${what} ${list.length} epoch${list.length === 1 ? '' : 's'} but train.epochs is ${epochs}; give one alpha per epoch or a single number`,
    );
  }
  return list;
}
