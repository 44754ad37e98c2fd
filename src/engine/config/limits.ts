// How big or deep anything a user writes in a config may be. Every user-sized thing (nesting, strings, lists,
// alpha schedules, sweep grids) is checked against these before it is walked, expanded or matched, so no config
// can exhaust the stack, the heap or the clock. The schema's own maxima (epochs, alpha) are read from the schema
// so the two cannot disagree.
import runSchema from '../../../schemas/run.schema.json';

/** Characters in a config file; a per-epoch alpha list for the most epochs a run may have needs about a million. */
export const MAX_TEXT_LENGTH = 4_000_000;

/** Nesting of objects and lists; a real config needs five or six levels. */
export const MAX_DEPTH = 20;

/** Characters in any one string (paths, names, alpha schedules); PATH_MAX is 4096. */
export const MAX_STRING_LENGTH = 10_000;

/** Items in any one list; a per-epoch alpha list is the longest a real config has (one per epoch). */
export const MAX_LIST_ITEMS = runSchema.definitions.train.properties.epochs.maximum;

/** The most epochs a run may have (train.epochs' maximum). */
export const MAX_EPOCHS = runSchema.definitions.train.properties.epochs.maximum;

/** |alpha| bound for every alpha, however it is written (a number, a list item, a schedule value). */
export const ALPHA_LIMIT = runSchema.definitions.alpha.anyOf[0].maximum as number;

/** Runs one sweep may expand to. */
export const MAX_SWEEP_RUNS = 10_000;

/** Problems reported for one file; the rest are counted, not described. */
export const MAX_PROBLEMS = 50;

/** Unsafe values counted in one file (a list of 100,000 NaNs is counted, not described, up to here). */
export const MAX_COUNTED = 10_000;

/** Keys that would reach Object.prototype (or a constructor) when assigned; never a config field. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
