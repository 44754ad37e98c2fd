// Every "Selectivity Lens: ..." command in one table, one handler per contributed id (the Record type makes a
// missing one a compile error), each registered through one wrapper so no error escapes to the extension host:
// user-facing problems arrive as one message naming the file or field.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AnalysisKind } from '../../protocol/analyses';
import { isActive } from '../../protocol/runView';
import type { AnalysisController } from '../analyses/analysisController';
import { compareArgs } from '../compare/node/compareSelection';
import { compareRuns } from '../compare/compareCommand';
import type { ComparePanelManager } from '../compare/comparePanel';
import type { ConfigDiagnostics } from '../config/configEditor';
import { newRunConfig } from '../config/newRunConfig';
import { withField } from '../config/node/configValidation';
import { COMMANDS, type CommandName } from '../ids';
import { installNative } from '../native/installNative';
import { setUpGpu } from '../native/setUpGpu';
import { UserError } from '../node/userMessage';
import { analyzeModel } from './analyzeModel';
import type { RunCatalog } from '../runs/runCatalog';
import type { RunController } from '../runs/runController';
import { renameRun, tagRun } from '../runs/runLabels';
import type { RunNotices } from '../runs/runNotices';
import type { RunsTreeProvider } from '../runs/runsTree';
import type { RunsNode } from '../runs/node/runsNode';
import type { SweepController } from '../sweeps/sweepController';
import type { LivePanelManager } from '../webviews/livePanel';
import { isGroup, pickConfig, pickRun, runIdOf, type RunArg } from './commandArgs';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  catalog: RunCatalog;
  runs: RunController;
  notices: RunNotices;
  sweeps: SweepController;
  panel: LivePanelManager;
  compare: ComparePanelManager;
  tree: RunsTreeProvider;
  treeView: vscode.TreeView<RunsNode>;
  diagnostics: ConfigDiagnostics;
  analyses: AnalysisController;
}

type Handler = (...args: never[]) => unknown;

function commandTable(deps: CommandDeps): Record<CommandName, Handler> {
  const { context, log, catalog, runs, sweeps, panel } = deps;
  return {
    newRunConfig: () => newRunConfig(context.extensionPath),
    startRun: async (arg?: vscode.Uri) => {
      runs.requireTrust('Starting a run');
      const uri = await pickConfig(arg, 'run');
      if (!uri) return;
      const runId = await runs.startRun(uri);
      if (runId) await panel.show(runId);
    },
    stopRun: async (arg?: RunArg) => {
      if (isGroup(arg)) return sweeps.stopGroup(arg.name);
      const runId = runIdOf(arg) ?? (await pickRun(catalog, (s) => isActive(s) || s === 'queued', 'Stop which run?', 'No run is running or queued.'));
      if (runId) runs.stop(runId);
    },
    resumeRun: async (arg?: RunArg) => {
      runs.requireTrust('Resuming a run');
      if (isGroup(arg)) {
        // A sweep resumes as a whole: completed points are kept, stopped ones continue from their checkpoints.
        const dir = sweeps.folderOfGroup(arg.name);
        if (!dir) throw new UserError(`The folder of sweep "${arg.name}" is unknown.`);
        return sweeps.start(dir);
      }
      const runId =
        runIdOf(arg) ?? (await pickRun(catalog, (s) => s === 'stopped' || s === 'failed', 'Resume which run?', 'No run is stopped or failed, so there is nothing to resume.'));
      if (!runId) return;
      await runs.resume(runId);
      await panel.show(runId);
    },
    openPanel: async (arg?: RunArg) => {
      await panel.show(runIdOf(arg) ?? catalog.activeRunId ?? catalog.store.all()[0]?.runId);
    },
    analyzeModel: (arg?: RunArg) => {
      runs.requireTrust('Analyzing a model');
      return analyzeModel({ runs, catalog, panel }, arg);
    },
    showEngineLog: () => log.show(false),
    installNativeBackend: () => installNative(context, log),
    setUpGpu: () => setUpGpu(context, log, () => installNative(context, log, '@tensorflow/tfjs-node-gpu')),
    startSweep: async (arg?: vscode.Uri) => {
      runs.requireTrust('Starting a sweep');
      const uri = await pickConfig(arg, 'sweep');
      if (uri) await sweeps.start(uri);
    },
    validateConfig: async (arg?: vscode.Uri) => {
      const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
      if (!uri) throw new UserError('Open a *.selectivity.json file to validate it.');
      const doc = await vscode.workspace.openTextDocument(uri);
      const result = deps.diagnostics.check(doc);
      if (!result) throw new UserError(`${path.basename(uri.fsPath)} is not a *.selectivity.json config.`);
      const errors = result.problems.filter((p) => p.severity === 'error');
      if (errors.length === 0) {
        void vscode.window.showInformationMessage(`Selectivity Lens: ${path.basename(uri.fsPath)} is a valid ${result.kind} config.`);
      } else {
        const first = errors[0];
        const line = doc.positionAt(first.offset).line + 1;
        void vscode.window.showErrorMessage(
          `Selectivity Lens: ${withField(`${path.basename(uri.fsPath)}:${line}`, first.field, first.message)}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more; see Problems)` : ''}`,
        );
      }
    },
    revealRunFolder: async (arg?: RunArg) => {
      const runId = runIdOf(arg);
      const dir = isGroup(arg) ? sweeps.folderOfGroup(arg.name) : runId ? catalog.location(runId)?.dir : undefined;
      if (!dir || !existsSync(dir)) throw new UserError('That run has no folder on disk (yet).');
      const uri = vscode.Uri.file(dir);
      // Inside the workspace the Explorer works everywhere (also in a browser); outside it only the OS can show it.
      await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS', uri);
    },
    deleteRun: async (arg?: RunArg) => {
      const runId = runIdOf(arg);
      if (runId) await runs.deleteRun(runId);
    },
    renameRun: async (arg?: RunArg) => {
      const runId = runIdOf(arg) ?? (await pickRun(catalog, () => true, 'Rename which run?', 'There is no run to rename yet.'));
      if (runId) await renameRun(catalog, runId);
    },
    tagRun: async (arg?: RunArg) => {
      const runId = runIdOf(arg) ?? (await pickRun(catalog, () => true, 'Tag which run?', 'There is no run to tag yet.'));
      if (runId) await tagRun(catalog, runId);
    },
    refreshRuns: async () => {
      await sweeps.refreshFromDisk();
      await catalog.refreshFromDisk();
      deps.tree.refreshSoon();
    },
    compareRuns: (...args: unknown[]) => compareRuns(deps, args),
    runAblation: (arg?: RunArg) => analyseRun(deps, 'ablation', arg),
    findTopInputs: (arg?: RunArg) => analyseRun(deps, 'topInputs', arg),
    computeDimensionality: (arg?: RunArg) => analyseRun(deps, 'dimensionality', arg),
    testRobustness: (arg?: RunArg) => analyseRun(deps, 'robustness', arg),
    analyzeSweep: async (arg?: RunArg) => {
      runs.requireTrust('Analysing a sweep');
      // From the Runs view's context menu on a sweep (the Sweep tab has its own button).
      const dir = isGroup(arg) ? sweeps.folderOfGroup(arg.name) : undefined;
      if (!dir) throw new UserError('Right-click a sweep in the Runs view to analyse its runs.');
      await deps.analyses.runSweep(dir, () => sweeps.refreshReport(dir));
    },
    compareRepresentations: async (...args: unknown[]) => {
      // Two runs selected in the Runs view (or passed): compared at once; one: the other is asked for.
      const runsOfGroup = (name: string) => catalog.store.all().filter((r) => catalog.groupOf(r.runId) === name).map((r) => r.runId);
      runs.requireTrust('Analysing runs');
      const [first, second] = compareArgs(args, deps.treeView.selection, runsOfGroup);
      const runId = first ?? (await pickFinishedRun(catalog, 'Compare the representations of which run?'));
      if (!runId) return;
      await panel.show(runId);
      await deps.analyses.run(runId, 'similarity', { otherRunId: second });
    },
  };
}

const pickFinishedRun = (catalog: RunCatalog, placeHolder: string) =>
  pickRun(catalog, (s) => s === 'completed' || s === 'stopped', placeHolder, 'No run has finished or stopped yet, so there is nothing to analyse.');

/** An analysis of the run clicked (else picked), shown live in the panel on that run. */
async function analyseRun(deps: CommandDeps, kind: AnalysisKind, arg?: RunArg): Promise<void> {
  deps.runs.requireTrust('Analysing a run');
  const runId = runIdOf(arg) ?? (await pickFinishedRun(deps.catalog, 'Analyse which run?'));
  if (!runId) return;
  await deps.panel.show(runId);
  await deps.analyses.run(runId, kind);
}

export function registerCommands(deps: CommandDeps): void {
  for (const [name, handler] of Object.entries(commandTable(deps)) as Array<[CommandName, Handler]>) {
    const id = COMMANDS[name];
    deps.context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await (handler as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          deps.notices.reportError(id, err);
        }
      }),
    );
  }
}
