// Validates the text of a run config: JSONC parse errors with line:column, then what no config may hold (too
// deep, reserved keys, non-finite numbers, oversized strings and lists), then schema errors, then the checks a
// schema cannot express (alpha schedule vs. epochs). Every problem names its field and carries the offset and
// length of the text at fault, so an editor can underline exactly that field.
import * as path from 'node:path';
import { DOWNLOADABLE_FORMATS, isDownloadable, type RunConfig } from '../../protocol/config';
import { toWireJson } from '../../protocol/wire';
import { AlphaScheduleError, expandAlpha } from './alphaSchedule';
import { applyDefaults, type ResolvedRunConfig } from './defaults';
import { parseConfigDocument } from './jsonText';
import { MAX_COUNTED, MAX_PROBLEMS } from './limits';
import { Locator, pointerSegments, type ConfigProblem, type Segments } from './problem';
import { describeSchemaError, usefulErrors } from './schemaMessages';
import { runConfigValidator } from './schemaValidator';
import { findUnsafeValues } from './unsafeValues';

export type { ConfigProblem } from './problem';

export interface ConfigValidation {
  /** The parsed config, present when there is no error (warnings allowed). Not yet defaulted. */
  config?: RunConfig;
  problems: ConfigProblem[];
  /** Problems found beyond the MAX_PROBLEMS listed (counted, not described). */
  omitted?: number;
}

/** Parse and validate config text. `file` is only used for sweeps' message and never read. */
export function validateConfigText(text: string, file?: string): ConfigValidation {
  const doc = parseConfigDocument(text, 'a run config');
  if (doc.value === undefined) return { problems: doc.problems };
  return validateValue(doc.value, doc.locator, file, (segments) => doc.locator.literal(segments, text));
}

/** Validate a config object (e.g. an expanded sweep run). Offsets are 0 since there is no text. */
export function validateRunConfig(value: unknown, file?: string): ConfigValidation {
  return validateValue(value, new Locator(), file);
}

function validateValue(
  value: unknown,
  locator: Locator,
  file: string | undefined,
  literal?: (segments: Segments) => string | undefined,
): ConfigValidation {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problems: [locator.at('a run config must be a JSON object { "model": ..., "data": ..., "train": ..., "selectivity": ... }', '', 0, 1)] };
  }
  // Nothing else looks at a value that could exhaust the stack, the clock or a later resume.
  const unsafe = findUnsafeValues(value, literal, MAX_COUNTED);
  if (unsafe.length > 0) {
    return capped(unsafe.slice(0, MAX_PROBLEMS).map((u) => locator.problem(u.message, u.segments, { key: u.key })), unsafe.length);
  }

  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'sweep') {
    const name = file ? path.basename(file) : 'FILE';
    return { problems: [locator.problem(`this is a sweep config (kind: "sweep"); run it with \`selectivity-lens sweep ${name}\``, ['kind'])] };
  }

  const validate = runConfigValidator();
  if (!validate(value)) {
    const errors = usefulErrors(validate.errors ?? []);
    const problems = errors.slice(0, MAX_PROBLEMS + 1).map((e) => {
      const segments = pointerSegments(e.instancePath);
      let field = segments;
      let key = false;
      if (e.keyword === 'additionalProperties') {
        field = [...segments, String((e.params as { additionalProperty: string }).additionalProperty)];
        key = true;
      } else if (e.keyword === 'required') {
        field = [...segments, String((e.params as { missingProperty: string }).missingProperty)];
      }
      return locator.problem(describeSchemaError(e, field), field, { key });
    });
    return capped(problems, errors.length);
  }

  const config = value as RunConfig;
  const problems: ConfigProblem[] = [];
  try {
    expandAlpha(config.selectivity.alpha, config.train.epochs);
  } catch (e) {
    if (!(e instanceof AlphaScheduleError)) throw e;
    problems.push(locator.problem(`selectivity.alpha ${e.message}`, ['selectivity', 'alpha']));
  }
  const schedule = config.train.schedule;
  if (schedule?.warmupEpochs !== undefined && schedule.warmupEpochs >= config.train.epochs) {
    problems.push(
      locator.problem(`train.schedule.warmupEpochs (${schedule.warmupEpochs}) must be less than train.epochs (${config.train.epochs})`, [
        'train',
        'schedule',
        'warmupEpochs',
      ]),
    );
  }
  schedule?.milestones?.slice(0, MAX_PROBLEMS).forEach((m, i) => {
    if (m > config.train.epochs) {
      problems.push(
        locator.problem(`train.schedule.milestones[${i}] (${m}) is after the last epoch (${config.train.epochs}) and has no effect`,
          ['train', 'schedule', 'milestones', i], { severity: 'warning' }),
      );
    }
  });
  if (config.data.format === 'mnist-embedded' && config.data.path !== undefined) {
    problems.push(locator.problem('data.path is not used for data.format "mnist-embedded"', ['data', 'path'], { severity: 'warning' }));
  }
  if (config.data.download === true && !isDownloadable(config.data.format)) {
    problems.push(
      locator.problem(
        `data.download works for data.format ${DOWNLOADABLE_FORMATS.map((f) => `"${f}"`).join(', ')}, not "${config.data.format}": put the data in the folder data.path names instead`,
        ['data', 'download'],
      ),
    );
  }
  if (!problems.some((p) => p.severity === 'error')) return { config, problems };
  return { problems };
}

/** At most MAX_PROBLEMS problems; `total` counts those found (beyond MAX_PROBLEMS they were not described). */
function capped(problems: ConfigProblem[], total = problems.length): ConfigValidation {
  if (total <= MAX_PROBLEMS) return { problems };
  return { problems: problems.slice(0, MAX_PROBLEMS), omitted: total - MAX_PROBLEMS };
}

/**
 * Validate and fill in defaults, or throw nothing and return the problems. The resolved config is what a run
 * folder's config.json will hold, and a resume validates that file again: so it is checked here, after the same
 * JSON round trip, and a config whose resolved form would not validate (a path too long once made absolute) is
 * refused now rather than at the resume.
 */
export function resolveConfigText(
  text: string,
  file: string,
): { config?: ResolvedRunConfig; problems: ConfigProblem[]; omitted?: number } {
  const result = validateConfigText(text, file);
  if (!result.config) return { problems: result.problems, omitted: result.omitted };
  const config = applyDefaults(result.config, path.dirname(path.resolve(file)), file);
  const stored = validateRunConfig(JSON.parse(toWireJson(config)), file);
  if (!stored.config) {
    const problems = stored.problems.map((p) => ({ ...p, message: `${p.message} (once resolved for the run folder's config.json)` }));
    return { problems, omitted: stored.omitted };
  }
  return { config, problems: result.problems };
}

/** The one line shown to a user: the first error, prefixed with the file (and line:column for syntax errors). */
export function problemsToMessage(file: string, problems: ConfigProblem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0] ?? problems[0];
  if (!first) return `${file}: no problems`;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `${problemLine(file, first)}${more}`;
}

/** Every problem on its own line ("FILE: train.lr must be > 0 (got -1)"), errors first; what the CLI prints. */
export function problemLines(file: string, problems: ConfigProblem[], omitted = 0): string[] {
  const ordered = [...problems.filter((p) => p.severity === 'error'), ...problems.filter((p) => p.severity !== 'error')];
  const lines = ordered.map((p) => (p.severity === 'error' ? problemLine(file, p) : `${problemLine(file, p)} (warning)`));
  if (omitted > 0) lines.push(`${file}: and ${omitted} more problem${omitted === 1 ? '' : 's'} (fix these first)`);
  return lines;
}

function problemLine(file: string, p: ConfigProblem): string {
  const where = p.field === '' && p.path === '' && p.offset > 0 ? `${file}:${p.line}:${p.column}` : file;
  return `${where}: ${p.message}`;
}
