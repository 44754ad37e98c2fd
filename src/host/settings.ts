// The extension's settings, read fresh each time (they can change while runs go on).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendName } from '../protocol/config';

const SECTION = 'selectivityLens';

export interface HostSettings {
  runsFolderSetting: string;
  preferredBackend: BackendName;
  maxConcurrentRuns: number;
  panelUpdateRate: number;
}

export function readSettings(): HostSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    runsFolderSetting: c.get<string>('runsFolder', 'runs') || 'runs',
    preferredBackend: c.get<BackendName>('preferredBackend', 'auto'),
    maxConcurrentRuns: Math.max(1, Math.floor(c.get<number>('maxConcurrentRuns', 1))),
    panelUpdateRate: Math.max(16, c.get<number>('panelUpdateRate', 250)),
  };
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent, key?: keyof HostSettings): boolean {
  const names: Record<keyof HostSettings, string> = {
    runsFolderSetting: 'runsFolder',
    preferredBackend: 'preferredBackend',
    maxConcurrentRuns: 'maxConcurrentRuns',
    panelUpdateRate: 'panelUpdateRate',
  };
  return e.affectsConfiguration(key ? `${SECTION}.${names[key]}` : SECTION);
}

/** The runs folder: the setting, relative to the first workspace folder; global storage with no workspace. */
export function resolveRunsFolder(context: vscode.ExtensionContext): string {
  const setting = readSettings().runsFolderSetting;
  if (path.isAbsolute(setting)) return setting;
  const ws = vscode.workspace.workspaceFolders?.[0];
  if (ws && ws.uri.scheme === 'file') return path.join(ws.uri.fsPath, setting);
  return path.join(context.globalStorageUri.fsPath, setting);
}
