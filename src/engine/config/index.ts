// Run config: parse (JSONC), validate against schemas/run.schema.json, defaults, alpha schedules.
// Free of tfjs so the extension host can import it.
export { validateConfigText, validateRunConfig, resolveConfigText, problemsToMessage, type ConfigProblem, type ConfigValidation } from './validate';
export { applyDefaults, nameFromFile, DEFAULTS, type ResolvedRunConfig } from './defaults';
export { expandAlpha, parseAlphaString, AlphaScheduleError, type AlphaSpec } from './alphaSchedule';
export { loadRunConfigFile, type LoadedRunConfig } from './load';
export { RUN_SCHEMA } from './schemaValidator';
