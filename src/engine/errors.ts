// A user-facing engine error: one clear sentence that names the file and/or field at fault.
// Anything else thrown inside the engine is a bug and is reported as INTERNAL.
import type { EngineErrorCode } from '../protocol/events';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: { file?: string; field?: string } = {},
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}

/** Turn anything thrown into an EngineError, recognising out-of-memory failures. */
export function toEngineError(e: unknown): EngineError {
  if (isEngineError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (/out of memory|OOM|Cannot allocate|allocation failed|Aborted\(OOM\)/i.test(message)) {
    return new EngineError('OUT_OF_MEMORY', `Out of memory: ${message}. Try a smaller batch size or model.`);
  }
  return new EngineError('INTERNAL', `Internal engine error: ${message}`);
}
