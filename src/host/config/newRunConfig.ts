// "New Run Config from a Template": copies one of the bundled examples into the workspace (never over a file
// the user wrote), with the files it refers to, and opens it.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../node/userMessage';
import { freeConfigPath, listTemplates, retargetTemplate } from './node/configTemplates';

export async function newRunConfig(extensionPath: string): Promise<void> {
  const examples = path.join(extensionPath, 'examples');
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
