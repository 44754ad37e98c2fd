// "Selectivity Lens: Compare Runs" (engineer 9). Takes the runs selected in the Runs tree (multi-select; a sweep
// group stands for all its runs), run ids from a webview (sweep tab), or asks with a multi-pick.
import * as vscode from 'vscode';
import { COMPARE_COMMAND } from '../protocol/compare';
import type { ComparePanelManager } from './comparePanel';
import type { RunController } from './runController';
import type { RunsNode } from './runsTree';
import { compareArgs } from './compareSelection';
import { runDescription } from './runText';
import { UserError } from './userMessage';

export interface CompareCommandDeps {
  context: vscode.ExtensionContext;
  controller: RunController;
  treeView: vscode.TreeView<RunsNode>;
  panel: ComparePanelManager;
}

export function registerCompareCommand(deps: CompareCommandDeps): void {
  const { controller } = deps;
  const runsOfGroup = (name: string) => controller.store.all().filter((r) => controller.groupOf(r.runId) === name).map((r) => r.runId);
  deps.context.subscriptions.push(
    vscode.commands.registerCommand(COMPARE_COMMAND, async (...args: unknown[]) => {
      try {
        let runIds = compareArgs(args, deps.treeView.selection, runsOfGroup);
        if (runIds.length < 2) runIds = await pickRuns(controller, runIds);
        if (runIds.length === 0) return;
        if (runIds.length < 2) throw new UserError('Pick at least two runs to compare.');
        await deps.panel.show(runIds);
      } catch (err) {
        controller.reportError('Compare Runs', err);
      }
    }),
  );
}

async function pickRuns(controller: RunController, preselected: string[]): Promise<string[]> {
  const runs = controller.store.all();
  if (runs.length < 2) throw new UserError('Comparing needs at least two runs; start or open another run first.');
  const items = runs.map((r) => ({
    label: r.meta?.name ?? r.runId,
    description: `${r.state} · ${runDescription(r)}`,
    detail: controller.groupOf(r.runId) ? `sweep ${controller.groupOf(r.runId)} · ${r.runId}` : r.runId,
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
