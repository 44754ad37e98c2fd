// "Analyze Model": the selectivity analysis of a trained model on a config's held-out data, as a run of its own:
// a finished run's final model (from the Runs tree), or any TensorFlow.js model.json the user picks.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunConfig } from '../../protocol/config';
import { pickConfig, runIdOf, type RunArg } from './commandArgs';
import { loadConfig } from '../config/configDocuments';
import { UserError } from '../node/userMessage';
import type { LivePanelManager } from '../webviews/livePanel';
import type { RunCatalog } from '../runs/runCatalog';
import type { RunController } from '../runs/runController';
import { findRunModel } from '../runs/node/runFolders';
import { runDisplayName } from '../../protocol/runName';

export interface AnalyzeModelDeps {
  runs: RunController;
  catalog: RunCatalog;
  panel: LivePanelManager;
}

export async function analyzeModel(deps: AnalyzeModelDeps, arg: RunArg): Promise<void> {
  const { runs, catalog } = deps;
  const runId = runIdOf(arg);
  if (runId) {
    // Analyze a finished run's final model on its own config's held-out data.
    const dir = catalog.location(runId)?.dir;
    if (!dir) throw new UserError(`Run ${runId} has no folder on disk.`);
    const modelPath = await findRunModel(dir);
    if (!modelPath) throw new UserError(`Run ${runId} has no saved model (no model.json under ${path.join(dir, 'checkpoints')}).`);
    const config = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as RunConfig;
    const configPath = catalog.location(runId)?.configPath;
    const newId = await runs.analyze(modelPath, configPath ? vscode.Uri.file(configPath) : undefined, config, runDisplayName(catalog.store.get(runId) ?? { runId }));
    await deps.panel.show(newId);
    return;
  }
  let modelUri = arg instanceof vscode.Uri ? arg : undefined;
  if (!modelUri) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Analyze',
      title: 'Selectivity Lens: choose a TensorFlow.js model (model.json)',
      filters: { 'TensorFlow.js model': ['json'] },
    });
    modelUri = picked?.[0];
  }
  if (!modelUri) return;
  const configUri = await pickConfig(undefined, 'run');
  if (!configUri) return;
  const loaded = await loadConfig(configUri);
  if (loaded.kind === 'sweep') throw new UserError(`${path.basename(configUri.fsPath)} is a sweep; pick a run config for the data to analyse on.`);
  const config = { ...(loaded.config as RunConfig), model: { name: 'user' as const, path: modelUri.fsPath } };
  const label = path.basename(path.dirname(modelUri.fsPath)) || 'model';
  const newId = await runs.analyze(modelUri.fsPath, configUri, config, label);
  await deps.panel.show(newId);
}
