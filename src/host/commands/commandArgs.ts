// What a command may be called with (a run id, a Runs-tree node, a file, or nothing) and the pickers that ask
// the user when it was called with nothing.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunState } from '../../protocol/events';
import type { RunsNode } from '../runs/node/runsNode';
import { COMMANDS } from '../ids';
import { UserError } from '../node/userMessage';
import type { RunCatalog } from '../runs/runCatalog';
import { runDescription } from '../runs/node/runText';
import { runDisplayName, runTagsText } from '../../protocol/runName';

export type RunArg = string | RunsNode | vscode.Uri | undefined;

export function isGroup(arg: RunArg): arg is { kind: 'group'; name: string } {
  return !!arg && typeof arg === 'object' && 'kind' in arg && arg.kind === 'group';
}

export function runIdOf(arg: RunArg): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'kind' in arg && arg.kind === 'run') return arg.runId;
  return undefined;
}

/** One run in a given state: the only one, or the user's pick among several. */
export async function pickRun(catalog: RunCatalog, filter: (state: RunState) => boolean, placeHolder: string, none: string): Promise<string | undefined> {
  const runs = catalog.store.all().filter((r) => filter(r.state));
  if (runs.length === 0) throw new UserError(none);
  if (runs.length === 1) return runs[0].runId;
  const pick = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: runDisplayName(r), description: [r.state, runDescription(r), runTagsText(r)].filter(Boolean).join(' · '), detail: r.runId, runId: r.runId })),
    { placeHolder },
  );
  return pick?.runId;
}

/** The config to run: the argument, else the active editor's, else a pick among the workspace's configs. */
export async function pickConfig(arg: vscode.Uri | undefined, want: 'run' | 'sweep'): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && /\.selectivity\.json$/i.test(active.path)) return active;
  const files = await vscode.workspace.findFiles('**/*.selectivity.json', '**/{node_modules,.git,runs}/**', 200);
  if (files.length === 0) {
    const pick = await vscode.window.showWarningMessage('Selectivity Lens: no *.selectivity.json file in this workspace.', 'New Run Config');
    if (pick) await vscode.commands.executeCommand(COMMANDS.newRunConfig);
    return undefined;
  }
  if (files.length === 1) return files[0];
  const pick = await vscode.window.showQuickPick(
    files.map((f) => {
      const dir = path.dirname(vscode.workspace.asRelativePath(f));
      return { label: path.basename(f.fsPath), description: dir === '.' ? '' : dir, uri: f };
    }),
    { placeHolder: want === 'sweep' ? 'Which sweep config?' : 'Which run config?' },
  );
  return pick?.uri;
}
