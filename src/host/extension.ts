// Entry point of the VS Code extension: builds each feature once, hands it what it needs, and registers what
// VS Code calls. The extension host never trains: engines run in their own processes (src/engine/worker.ts).
import * as vscode from 'vscode';
import { AnalysisController } from './analyses/analysisController';
import { registerCommands } from './commands/commandTable';
import { ComparePanelManager } from './compare/comparePanel';
import { CONFIG_SELECTOR, ConfigCodeLensProvider, ConfigDiagnostics, isConfigDocument } from './config/configEditor';
import { VIEWS } from './ids';
import { RunCatalog } from './runs/runCatalog';
import { RunController } from './runs/runController';
import { RunNotices } from './runs/runNotices';
import { RunsTreeProvider } from './runs/runsTree';
import { RunStatusBar } from './runs/statusBar';
import { affectsSettings } from './settings';
import { SweepController } from './sweeps/sweepController';
import { LivePanelManager } from './webviews/livePanel';
import { LiveSidebarProvider } from './webviews/liveSidebar';
import { WebviewRouter } from './webviews/webviewRouter';

let runController: RunController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Selectivity Lens', { log: true });
  const catalog = new RunCatalog(context);
  const notices = new RunNotices(catalog, log);
  const runs = new RunController(context, catalog, notices, log);
  runController = runs;
  const sweeps = new SweepController(log, catalog, runs);
  const analyses = new AnalysisController(catalog, notices, log, () => runs.engineEnv());
  const router = new WebviewRouter(catalog, runs, sweeps, notices, log, analyses);
  const panel = new LivePanelManager(context.extensionUri, catalog, router.hub);
  const compare = new ComparePanelManager(context.extensionUri, catalog, notices, log);
  const tree = new RunsTreeProvider(catalog);
  const treeView = vscode.window.createTreeView(VIEWS.runs, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const diagnostics = new ConfigDiagnostics();
  const lenses = new ConfigCodeLensProvider();
  context.subscriptions.push(
    log,
    catalog,
    runs,
    sweeps,
    analyses,
    router,
    panel,
    compare,
    tree,
    treeView,
    diagnostics,
    vscode.window.registerWebviewViewProvider(VIEWS.live, new LiveSidebarProvider(context.extensionUri, catalog, router.hub)),
    new RunStatusBar(catalog),
    vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, lenses),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isConfigDocument(e.document)) lenses.refresh();
    }),
  );

  registerCommands({ context, log, catalog, runs, notices, sweeps, panel, compare, tree, treeView, diagnostics, analyses });

  // Runs written by the engine or the CLI show up without a manual refresh.
  const refreshAll = async () => {
    try {
      await sweeps.refreshFromDisk();
      await catalog.refreshFromDisk();
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
  // Results of analyses run from the command line show in the panel too.
  const analysisWatcher = vscode.workspace.createFileSystemWatcher('**/analyses/*.json');
  const analysisChanged = (uri: vscode.Uri) => analyses.resultFileChanged(uri.fsPath);
  context.subscriptions.push(analysisWatcher, analysisWatcher.onDidCreate(analysisChanged), analysisWatcher.onDidChange(analysisChanged));
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate(refreshSoon),
    watcher.onDidChange(refreshSoon),
    watcher.onDidDelete(refreshSoon),
    { dispose: () => refreshTimer && clearTimeout(refreshTimer) },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsSettings(e)) return;
      runs.applySettings();
      router.applySettings();
      if (affectsSettings(e, 'runsFolderSetting')) void refreshAll();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('Workspace trusted: runs can start.')),
  );
  void refreshAll();

  log.info(`Selectivity Lens activated (${vscode.workspace.isTrusted ? 'trusted' : 'untrusted: runs cannot start until the workspace is trusted'}).`);
}

export async function deactivate(): Promise<void> {
  // Ask running engines to checkpoint and stop; they are killed if they do not exit in time.
  await runController?.manager.dispose(3000);
  runController = undefined;
}
