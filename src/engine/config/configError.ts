// A config that cannot be used, with every problem found in it: the message is one line (the first problem and
// how many more) for notifications and logs, `lines()` lists them all, one per line, for a terminal.
import { EngineError } from '../errors';
import type { ConfigProblem } from './problem';
import { problemLines, problemsToMessage } from './validate';

export class ConfigProblemsError extends EngineError {
  constructor(
    /** How the file is named in messages (e.g. the path the user typed). */
    readonly displayFile: string,
    readonly problems: ConfigProblem[],
    /** Problems found beyond those listed. */
    readonly omitted = 0,
    file = displayFile,
  ) {
    const first = problems.find((p) => p.severity === 'error') ?? problems[0];
    super('CONFIG_INVALID', problemsToMessage(displayFile, problems), { file, field: first?.field || undefined });
    this.name = 'ConfigProblemsError';
  }

  lines(): string[] {
    return problemLines(this.displayFile, this.problems, this.omitted);
  }
}

/** The lines a terminal shows for an error: every problem of a config, else its one message. */
export function errorLines(e: EngineError): string[] {
  return e instanceof ConfigProblemsError ? e.lines() : [e.message];
}
