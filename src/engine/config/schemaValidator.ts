// Compiles schemas/run.schema.json's run definition once with ajv. Editor-only keywords are declared so ajv's
// strict mode accepts them; x-errorMessage carries the one-line message for anyOf alternatives.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import runSchema from '../../../schemas/run.schema.json';

let compiled: ValidateFunction | undefined;

export const RUN_SCHEMA: Record<string, unknown> = runSchema as Record<string, unknown>;

export function runConfigValidator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
  addFormats(ajv);
  for (const keyword of ['x-errorMessage', 'enumDescriptions', 'markdownDescription', 'defaultSnippets', 'deprecationMessage']) {
    ajv.addKeyword({ keyword });
  }
  // The root dispatches to the sweep schema for kind "sweep"; runs are checked against the run definition.
  const rest = { ...RUN_SCHEMA };
  delete rest.if;
  delete rest.then;
  delete rest.else;
  compiled = ajv.compile({ ...rest, $ref: '#/definitions/runConfig' });
  return compiled;
}

export type SchemaError = ErrorObject;
