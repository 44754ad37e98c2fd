// Run config: parse (JSONC), validate against schemas/run.schema.json, defaults, alpha schedules.
// Free of tfjs so the extension host can import it.
export {
  validateConfigText,
  validateRunConfig,
  resolveConfigText,
  problemsToMessage,
  problemLines,
  type ConfigProblem,
  type ConfigValidation,
} from './validate';
export { ConfigProblemsError, errorLines } from './configError';
export { parseConfigDocument, type ConfigDocument } from './jsonText';
export { findUnsafeValues } from './unsafeValues';
export { describeSchemaError, usefulErrors } from './schemaMessages';
export { Locator, pointerSegments, toPointer, type Segments } from './problem';
export { fieldName, quoteString, quoteValue, shorten } from './quote';
export { MAX_TEXT_LENGTH, MAX_DEPTH, MAX_STRING_LENGTH, MAX_LIST_ITEMS, MAX_EPOCHS, ALPHA_LIMIT, MAX_SWEEP_RUNS, MAX_PROBLEMS, MAX_COUNTED, RESERVED_KEYS } from './limits';
export { applyDefaults, nameFromFile, DEFAULTS, type ResolvedRunConfig } from './defaults';
export { expandAlpha, parseAlphaString, parseAlphaSegments, scheduleEpochs, AlphaScheduleError, type AlphaSpec, type AlphaSegment } from './alphaSchedule';
export { loadRunConfigFile, type LoadedRunConfig } from './load';
export { RUN_SCHEMA } from './schemaValidator';
