// Entry point of the VS Code extension: wires the run controller, views, editor support and commands.
// The extension host never trains: engines run in their own processes (src/engine/worker.ts).
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { CONFIG_SELECTOR, ConfigCodeLensProvider, ConfigDiagnostics } from './configEditor';
import { LivePanelManager } from './livePanel';
import { ComparePanelManager } from './comparePanel';
import { registerCompareCommand } from './compareCommand';
import { LIVE_VIEW_ID, LiveSidebarProvider } from './liveSidebar';
import { RunController } from './runController';
import { RUNS_VIEW_ID, RunsTreeProvider } from './runsTree';
import { affectsSettings } from './settings';
import { RunStatusBar } from './statusBar';
import { SweepController } from './sweepController';

let controller: RunController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Selectivity Lens', { log: true });
  context.subscriptions.push(log);
  const runs = new RunController(context, log);
  controller = runs;
  context.subscriptions.push(runs);
  const sweeps = new SweepController(context, log, runs);
  context.subscriptions.push(sweeps);
  runs.extraSnapshotMessages = () => sweeps.snapshotMessages();
  runs.otherMessageHandler = (m) => sweeps.handleWebviewMessage(m);

  const tree = new RunsTreeProvider(runs);
  const treeView = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(tree, treeView);

  const panel = new LivePanelManager(context.extensionUri, runs);
  context.subscriptions.push(panel);
  runs.openPanelHandler = (runId) => panel.show(runId);
  // Engineer 9: "Compare Runs" panel and command (runs multi-selected in the tree, a sweep group, or picked).
  const compare = new ComparePanelManager(context.extensionUri, runs, log);
  context.subscriptions.push(compare);
  registerCompareCommand({ context, controller: runs, treeView, panel: compare });
  runs.stopHandler = (runId) => (sweeps.ownsRun(runId) ? sweeps.stopRun(runId) : runs.stop(runId));

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(LIVE_VIEW_ID, new LiveSidebarProvider(context.extensionUri, runs)),
    new RunStatusBar(runs),
  );

  const diagnostics = new ConfigDiagnostics();
  const lenses = new ConfigCodeLensProvider();
  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, lenses),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (/\.selectivity\.json$/i.test(e.document.uri.path)) lenses.refresh();
    }),
  );

  registerCommands({ context, log, controller: runs, sweeps, panel, tree, diagnostics });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsSettings(e)) return;
      runs.applySettings();
      if (affectsSettings(e, 'runsFolderSetting')) void refreshAll();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('Workspace trusted: runs can start.')),
  );

  // Runs written by the engine or the CLI show up without a manual refresh.
  const refreshAll = async () => {
    try {
      await sweeps.refreshFromDisk();
      if (await runs.refreshFromDisk()) runs.hub.resnapshotAll();
    } catch (err) {
      log.warn(`Reading run folders failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  let refreshTimer: NodeJS.Timeout | undefined;
  const refreshSoon = () => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      void refreshAll();
    }, 1000);
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/{summary.json,meta.json,sweep.json}');
  context.subscriptions.push(watcher, watcher.onDidCreate(refreshSoon), watcher.onDidChange(refreshSoon), watcher.onDidDelete(refreshSoon), {
    dispose: () => refreshTimer && clearTimeout(refreshTimer),
  });
  void refreshAll();

  log.info(`Selectivity Lens activated (${vscode.workspace.isTrusted ? 'trusted' : 'untrusted: runs cannot start until the workspace is trusted'}).`);
}

export async function deactivate(): Promise<void> {
  // Ask running engines to checkpoint and stop; they are killed if they do not exit in time.
  await controller?.manager.dispose(3000);
  controller = undefined;
}
