// "Compare Runs": takes the runs selected in the Runs tree (multi-select; a sweep group stands for all its runs),
// run ids from a webview (the Sweep tab), or asks with a multi-pick, and opens the compare panel on them.
import * as vscode from 'vscode';
import { UserError } from '../node/userMessage';
import type { RunCatalog } from '../runs/runCatalog';
import type { RunsNode } from '../runs/node/runsNode';
import { runDescription } from '../runs/node/runText';
import type { ComparePanelManager } from './comparePanel';
import { compareArgs } from './node/compareSelection';
import { runDisplayName, runTagsText } from '../../protocol/runName';

export interface CompareCommandDeps {
  catalog: RunCatalog;
  treeView: vscode.TreeView<RunsNode>;
  compare: ComparePanelManager;
}

export async function compareRuns(deps: CompareCommandDeps, args: unknown[]): Promise<void> {
  const { catalog } = deps;
  const runsOfGroup = (name: string) => catalog.store.all().filter((r) => catalog.groupOf(r.runId) === name).map((r) => r.runId);
  let runIds = compareArgs(args, deps.treeView.selection, runsOfGroup);
  if (runIds.length < 2) runIds = await pickRuns(catalog, runIds);
  if (runIds.length === 0) return;
  if (runIds.length < 2) throw new UserError('Pick at least two runs to compare.');
  await deps.compare.show(runIds);
}

async function pickRuns(catalog: RunCatalog, preselected: string[]): Promise<string[]> {
  const runs = catalog.store.all();
  if (runs.length < 2) throw new UserError('Comparing needs at least two runs; start or open another run first.');
  const items = runs.map((r) => ({
    label: runDisplayName(r),
    description: [r.state, runDescription(r), runTagsText(r)].filter(Boolean).join(' · '),
    detail: catalog.groupOf(r.runId) ? `sweep ${catalog.groupOf(r.runId)} · ${r.runId}` : r.runId,
    picked: preselected.includes(r.runId),
    runId: r.runId,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    placeHolder: 'Compare which runs? (pick two or more)',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.map((p) => p.runId) ?? [];
}
