// One sentence for the user from anything thrown (the message without a stack trace), and the errors that say
// the user was already told.
// Plain Node: no vscode.

/** An error whose message is already meant for the user (names the file or field). */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export function userMessage(err: unknown): string {
  if (err instanceof Error) return firstLine(err.message) || err.name;
  if (typeof err === 'string') return firstLine(err);
  return 'Something went wrong (see the Selectivity Lens log).';
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/** Thrown after the user was already shown the problem: callers stay silent. */
export class AlreadyReported extends Error {
  constructor() {
    super('already reported');
  }
}

/** The workspace is not trusted; the user was already asked to trust it. */
export class TrustRequired extends AlreadyReported {}
