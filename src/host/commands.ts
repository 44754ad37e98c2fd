// Every "Selectivity Lens: ..." command. Each handler is wrapped (safeCommand) so no error escapes to the
// extension host; user-facing problems arrive as one message naming the file or field.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunConfig } from '../protocol/config';
import type { RunState } from '../protocol/events';
import { isActive } from '../protocol/runView';
import type { ConfigDiagnostics } from './configEditor';
import { freeConfigPath, listTemplates, retargetTemplate } from './configTemplates';
import type { LivePanelManager } from './livePanel';
import { installNativePackage, nativeDir, type NativePackage } from './nativeInstall';
import { withField, type RunController } from './runController';
import type { RunsNode, RunsTreeProvider } from './runsTree';
import { findRunModel } from './runFolders';
import { runDescription } from './runText';
import type { SweepController } from './sweepController';
import { UserError, userMessage } from './userMessage';

export const COMMANDS = {
  newRunConfig: 'selectivityLens.newRunConfig',
  startRun: 'selectivityLens.startRun',
  stopRun: 'selectivityLens.stopRun',
  resumeRun: 'selectivityLens.resumeRun',
  openPanel: 'selectivityLens.openPanel',
  analyseModel: 'selectivityLens.analyseModel',
  showEngineLog: 'selectivityLens.showEngineLog',
  installNativeBackend: 'selectivityLens.installNativeBackend',
  startSweep: 'selectivityLens.startSweep',
  validateConfig: 'selectivityLens.validateConfig',
  revealRunFolder: 'selectivityLens.revealRunFolder',
  deleteRun: 'selectivityLens.deleteRun',
  refreshRuns: 'selectivityLens.refreshRuns',
} as const;

export interface CommandDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  controller: RunController;
  sweeps: SweepController;
  panel: LivePanelManager;
  tree: RunsTreeProvider;
  diagnostics: ConfigDiagnostics;
}

/** What a command may be called with: a run id, a tree node, a file, or nothing. */
type RunArg = string | RunsNode | vscode.Uri | undefined;

export function registerCommands(deps: CommandDeps): void {
  const { context, log, controller } = deps;
  const register = (id: string, handler: (...args: never[]) => unknown) => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await (handler as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          controller.reportError(id, err);
        }
      }),
    );
  };

  register(COMMANDS.newRunConfig, () => newRunConfig(deps));
  register(COMMANDS.startRun, async (arg?: vscode.Uri) => {
    controller.requireTrust('Starting a run');
    const uri = await pickConfig(arg, 'run');
    if (!uri) return;
    const runId = await controller.startRun(uri);
    if (runId) await deps.panel.show(runId);
  });
  register(COMMANDS.stopRun, async (arg?: RunArg) => {
    if (isGroup(arg)) return deps.sweeps.stopGroup(arg.name);
    const runId = runIdOf(arg) ?? (await pickRun(deps, (s) => isActive(s) || s === 'queued', 'Stop which run?', 'No run is running or queued.'));
    if (!runId) return;
    if (deps.sweeps.ownsRun(runId)) deps.sweeps.stopRun(runId);
    else controller.stop(runId);
  });
  register(COMMANDS.resumeRun, async (arg?: RunArg) => {
    controller.requireTrust('Resuming a run');
    if (isGroup(arg)) {
      // A sweep resumes as a whole: completed points are kept, stopped ones continue from their checkpoints.
      const dir = deps.sweeps.folderOfGroup(arg.name);
      if (!dir) throw new UserError(`The folder of sweep "${arg.name}" is unknown.`);
      return deps.sweeps.start(dir);
    }
    const runId = runIdOf(arg) ?? (await pickRun(deps, (s) => s === 'stopped' || s === 'failed', 'Resume which run?', 'No run is stopped or failed, so there is nothing to resume.'));
    if (!runId) return;
    await controller.resume(runId);
    await deps.panel.show(runId);
  });
  register(COMMANDS.openPanel, async (arg?: RunArg) => {
    await deps.panel.show(runIdOf(arg) ?? controller.activeRunId ?? controller.store.all()[0]?.runId);
  });
  register(COMMANDS.analyseModel, (arg?: RunArg) => {
    controller.requireTrust('Analysing a model');
    return analyseModel(deps, arg);
  });
  register(COMMANDS.showEngineLog, () => log.show(false));
  register(COMMANDS.installNativeBackend, () => installNative(deps));
  register(COMMANDS.startSweep, async (arg?: vscode.Uri) => {
    controller.requireTrust('Starting a sweep');
    const uri = await pickConfig(arg, 'sweep');
    if (uri) await deps.sweeps.start(uri);
  });
  register(COMMANDS.validateConfig, async (arg?: vscode.Uri) => {
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
  });
  register(COMMANDS.revealRunFolder, async (arg?: RunArg) => {
    const dir = folderOf(deps, arg);
    if (!dir || !existsSync(dir)) throw new UserError('That run has no folder on disk (yet).');
    const uri = vscode.Uri.file(dir);
    // Inside the workspace the Explorer works everywhere (also in a browser); outside it only the OS can show it.
    if (vscode.workspace.getWorkspaceFolder(uri)) {
      await vscode.commands.executeCommand('revealInExplorer', uri);
    } else {
      await vscode.commands.executeCommand('revealFileInOS', uri);
    }
  });
  register(COMMANDS.deleteRun, async (arg?: RunArg) => {
    const runId = runIdOf(arg);
    if (!runId) return;
    await controller.deleteRun(runId);
  });
  register(COMMANDS.refreshRuns, async () => {
    await deps.sweeps.refreshFromDisk();
    if (await controller.refreshFromDisk()) controller.hub.resnapshotAll();
    deps.tree.refreshSoon();
  });
}

function isGroup(arg: RunArg): arg is { kind: 'group'; name: string } {
  return !!arg && typeof arg === 'object' && 'kind' in arg && arg.kind === 'group';
}

function runIdOf(arg: RunArg): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'kind' in arg && arg.kind === 'run') return arg.runId;
  return undefined;
}

function folderOf(deps: CommandDeps, arg: RunArg): string | undefined {
  if (arg && typeof arg === 'object' && 'kind' in arg && arg.kind === 'group') return deps.sweeps.folderOfGroup(arg.name);
  const runId = runIdOf(arg);
  return runId ? deps.controller.location(runId)?.dir : undefined;
}

async function pickRun(deps: CommandDeps, filter: (state: RunState) => boolean, placeHolder: string, none: string): Promise<string | undefined> {
  const runs = deps.controller.store.all().filter((r) => filter(r.state));
  if (runs.length === 0) throw new UserError(none);
  if (runs.length === 1) return runs[0].runId;
  const pick = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: r.meta?.name ?? r.runId, description: `${r.state} · ${runDescription(r)}`, detail: r.runId, runId: r.runId })),
    { placeHolder },
  );
  return pick?.runId;
}

/** The config to run: the argument, else the active editor's, else a pick among the workspace's configs. */
async function pickConfig(arg: vscode.Uri | undefined, want: 'run' | 'sweep'): Promise<vscode.Uri | undefined> {
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

async function newRunConfig(deps: CommandDeps): Promise<void> {
  const examples = path.join(deps.context.extensionPath, 'examples');
  const templates = await listTemplates(examples);
  if (templates.length === 0) throw new UserError(`No templates found in ${examples}.`);
  const pick = await vscode.window.showQuickPick(
    templates.map((t) => ({ label: t.label, description: t.description, detail: path.basename(t.file), t })),
    { placeHolder: 'Start from which template?', matchOnDescription: true },
  );
  if (!pick) return;
  const ws = vscode.workspace.workspaceFolders?.[0];
  let target: string;
  if (ws && ws.uri.scheme === 'file') {
    target = freeConfigPath(ws.uri.fsPath, pick.t.id);
  } else {
    const uri = await vscode.window.showSaveDialog({ filters: { 'Selectivity config': ['json'] }, saveLabel: 'Create Config' });
    if (!uri) return;
    target = uri.fsPath.endsWith('.selectivity.json') ? uri.fsPath : uri.fsPath.replace(/(\.json)?$/, '.selectivity.json');
  }
  const { text, companions } = retargetTemplate(await fs.readFile(pick.t.file, 'utf8'), pick.t.file);
  // "wx": never overwrite what the user wrote.
  await fs.writeFile(target, text, { flag: 'wx' });
  for (const c of companions) {
    const dest = path.join(path.dirname(target), path.basename(c));
    if (!existsSync(dest) && existsSync(c)) await fs.copyFile(c, dest);
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(target));
  await vscode.window.showTextDocument(doc);
}

async function analyseModel(deps: CommandDeps, arg: RunArg): Promise<void> {
  const { controller } = deps;
  const runId = runIdOf(arg);
  if (runId) {
    // Analyse a finished run's final model on its own config's held-out data.
    const dir = controller.location(runId)?.dir;
    if (!dir) throw new UserError(`Run ${runId} has no folder on disk.`);
    const modelPath = await findRunModel(dir);
    if (!modelPath) throw new UserError(`Run ${runId} has no saved model (no model.json under ${path.join(dir, 'checkpoints')}).`);
    const config = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as RunConfig;
    const configPath = controller.location(runId)?.configPath;
    const newId = await controller.analyse(modelPath, configPath ? vscode.Uri.file(configPath) : undefined, config, controller.store.get(runId)?.meta?.name ?? runId);
    await deps.panel.show(newId);
    return;
  }
  let modelUri = arg instanceof vscode.Uri ? arg : undefined;
  if (!modelUri) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Analyse',
      title: 'Selectivity Lens: choose a TensorFlow.js model (model.json)',
      filters: { 'TensorFlow.js model': ['json'] },
    });
    modelUri = picked?.[0];
  }
  if (!modelUri) return;
  const configUri = await pickConfig(undefined, 'run');
  if (!configUri) return;
  const loaded = await controller.loadConfig(configUri);
  if (loaded.kind === 'sweep') throw new UserError(`${path.basename(configUri.fsPath)} is a sweep; pick a run config for the data to analyse on.`);
  const config = { ...(loaded.config as RunConfig), model: { name: 'user' as const, path: modelUri.fsPath } };
  const label = path.basename(path.dirname(modelUri.fsPath)) || 'model';
  const newId = await controller.analyse(modelUri.fsPath, configUri, config, label);
  await deps.panel.show(newId);
}

async function installNative(deps: CommandDeps): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    [
      {
        label: 'GPU (CUDA)',
        description: '@tensorflow/tfjs-node-gpu',
        detail: 'NVIDIA GPU on Linux; needs CUDA 11.2 and cuDNN 8.1 installed on this machine.',
        pkg: '@tensorflow/tfjs-node-gpu' as NativePackage,
      },
      {
        label: 'CPU (native)',
        description: '@tensorflow/tfjs-node',
        detail: 'Native TensorFlow on the CPU; much faster than WebAssembly.',
        pkg: '@tensorflow/tfjs-node' as NativePackage,
      },
    ],
    { placeHolder: 'Which native TensorFlow build?' },
  );
  if (!pick) return;
  if (pick.pkg === '@tensorflow/tfjs-node-gpu') {
    const ok = await vscode.window.showWarningMessage(
      'The GPU build needs CUDA 11.2 and cuDNN 8.1 (exactly these versions) and an NVIDIA driver on this machine. Install it?',
      { modal: true },
      'Install',
    );
    if (ok !== 'Install') return;
  }
  const dir = nativeDir(deps.context.globalStorageUri.fsPath);
  deps.log.show(true);
  deps.log.info(`Installing ${pick.pkg} into ${dir}`);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Selectivity Lens: installing ${pick.pkg}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      try {
        await installNativePackage({
          dir,
          pkg: pick.pkg,
          signal: abort.signal,
          onLine: (line) => {
            deps.log.info(`[npm] ${line}`);
            progress.report({ message: line.slice(0, 80) });
          },
        });
      } catch (err) {
        if (token.isCancellationRequested) throw new UserError('Installation cancelled.');
        throw new UserError(`${userMessage(err)}`);
      }
    },
  );
  deps.log.info(`Installed ${pick.pkg}; new runs get SELECTIVITY_LENS_NATIVE_DIR=${dir}`);
  const backend = pick.pkg === '@tensorflow/tfjs-node-gpu' ? 'tfjs-node-gpu' : 'tfjs-node';
  const choice = await vscode.window.showInformationMessage(
    `Selectivity Lens: ${pick.pkg} is installed. New runs with backend "auto" or "${backend}" use it.`,
    `Make "${backend}" the default`,
  );
  if (choice) {
    await vscode.workspace.getConfiguration('selectivityLens').update('preferredBackend', backend, vscode.ConfigurationTarget.Global);
  }
}

