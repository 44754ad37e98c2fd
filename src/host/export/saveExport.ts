// Saves a chart a webview exported (SVG or PNG): asks where with the save dialog, remembers the folder for the
// next export of this session, writes through vscode.workspace.fs (works for remote workspaces too).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SaveFileRequest } from '../../protocol/webviews/core';
import { exportFile } from './node/exportFile';
import { UserError } from '../node/userMessage';

let lastFolder: vscode.Uri | undefined;

function defaultFolder(): vscode.Uri | undefined {
  return lastFolder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

/** Returns the saved file, or undefined when the user cancelled. Problems throw a UserError (one sentence). */
export async function saveExportedFile(req: SaveFileRequest): Promise<vscode.Uri | undefined> {
  let file;
  try {
    file = exportFile(req);
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
  const folder = defaultFolder();
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, file.name) : undefined,
    filters: file.filters,
    saveLabel: 'Export chart',
    title: `Export ${file.name}`,
  });
  if (!target) return undefined;
  try {
    await vscode.workspace.fs.writeFile(target, file.bytes);
  } catch (err) {
    throw new UserError(`Could not write ${target.fsPath || target.toString()}: ${err instanceof Error ? err.message : String(err)}`);
  }
  lastFolder = vscode.Uri.file(path.dirname(target.fsPath));
  if (target.scheme !== 'file') lastFolder = target.with({ path: path.posix.dirname(target.path) });
  void vscode.window.showInformationMessage(`Selectivity Lens: saved ${path.basename(target.path)}.`, 'Open').then((pick) => {
    if (pick === 'Open') void vscode.commands.executeCommand('vscode.open', target);
  });
  return target;
}
