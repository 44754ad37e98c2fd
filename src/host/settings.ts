// The extension's settings, read fresh each time (they can change while runs go on).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendName } from '../protocol/config';
import { SETTING_KEYS, SETTINGS_SECTION } from './ids';

export interface HostSettings {
  runsFolderSetting: string;
  preferredBackend: BackendName;
  maxConcurrentRuns: number;
  panelUpdateRate: number;
  /** Where data.download puts data sets ('' : the engine's default). */
  datasetsFolderSetting: string;
}

export function readSettings(): HostSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return {
    runsFolderSetting: c.get<string>(SETTING_KEYS.runsFolder, 'runs') || 'runs',
    preferredBackend: c.get<BackendName>(SETTING_KEYS.preferredBackend, 'auto'),
    maxConcurrentRuns: Math.max(1, Math.floor(c.get<number>(SETTING_KEYS.maxConcurrentRuns, 1))),
    panelUpdateRate: Math.max(16, c.get<number>(SETTING_KEYS.panelUpdateRate, 250)),
    datasetsFolderSetting: c.get<string>(SETTING_KEYS.datasetsFolder, '').trim(),
  };
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent, key?: keyof HostSettings): boolean {
  const names: Record<keyof HostSettings, keyof typeof SETTING_KEYS> = {
    runsFolderSetting: 'runsFolder',
    preferredBackend: 'preferredBackend',
    maxConcurrentRuns: 'maxConcurrentRuns',
    panelUpdateRate: 'panelUpdateRate',
    datasetsFolderSetting: 'datasetsFolder',
  };
  return e.affectsConfiguration(key ? `${SETTINGS_SECTION}.${SETTING_KEYS[names[key]]}` : SETTINGS_SECTION);
}

/** The runs folder: the setting, relative to the first workspace folder; global storage with no workspace. */
export function resolveRunsFolder(context: vscode.ExtensionContext): string {
  return resolveFolderSetting(context, readSettings().runsFolderSetting);
}

/** The datasets folder setting as an absolute path (relative like the runs folder), undefined when not set. */
export function resolveDatasetsFolder(context: vscode.ExtensionContext): string | undefined {
  const setting = readSettings().datasetsFolderSetting;
  return setting ? resolveFolderSetting(context, setting) : undefined;
}

function resolveFolderSetting(context: vscode.ExtensionContext, setting: string): string {
  if (path.isAbsolute(setting)) return setting;
  const ws = vscode.workspace.workspaceFolders?.[0];
  if (ws && ws.uri.scheme === 'file') return path.join(ws.uri.fsPath, setting);
  return path.join(context.globalStorageUri.fsPath, setting);
}
