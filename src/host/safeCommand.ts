// Every command and message handler runs through here: an exception becomes one readable error message
// and a line in the log, never an extension host crash or an unhandled rejection.
import * as vscode from 'vscode';
import { userMessage } from './userMessage';

export type Logger = Pick<vscode.LogOutputChannel, 'error' | 'warn' | 'info'>;

export function safely<A extends unknown[]>(
  log: Logger,
  what: string,
  handler: (...args: A) => unknown,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await handler(...args);
    } catch (err) {
      const message = userMessage(err);
      log.error(`${what}: ${err instanceof Error && err.stack ? err.stack : message}`);
      void vscode.window.showErrorMessage(`Selectivity Lens: ${message}`);
    }
  };
}

export function registerSafeCommand(
  context: vscode.ExtensionContext,
  log: Logger,
  id: string,
  handler: (...args: never[]) => unknown,
): void {
  context.subscriptions.push(vscode.commands.registerCommand(id, safely(log, id, handler as (...args: unknown[]) => unknown)));
}
