// Config files in the editor: read and validate one before anything starts from it (one clear message naming
// the file, line and field when it is wrong), and open one at a field.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AlreadyReported } from '../node/userMessage';
import { checkConfigText, rangeOfField, withField, type ConfigCheck } from './node/configValidation';

export interface LoadedConfig {
  kind: ConfigCheck['kind'];
  config: unknown;
  text: string;
}

/** Reads and validates a config file; shows one clear message naming the file and field when it is wrong. */
export async function loadConfig(uri: vscode.Uri): Promise<LoadedConfig> {
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.isDirty) await doc.save();
  const text = doc.getText();
  const check = checkConfigText(text, uri.fsPath, { savedOnDisk: uri.scheme === 'file' });
  const errors = check.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    const first = errors[0];
    const pos = doc.positionAt(first.offset);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    const where = withField(`${path.basename(uri.fsPath)}:${pos.line + 1}`, first.field, first.message);
    void vscode.window.showErrorMessage(`Selectivity Lens: ${where}: ${first.message}${more}`, 'Go to Problem').then(async (pick) => {
      if (!pick) return;
      const editor = await vscode.window.showTextDocument(doc);
      const range = new vscode.Range(pos, doc.positionAt(first.offset + first.length));
      editor.selection = new vscode.Selection(range.start, range.end);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    });
    throw new AlreadyReported();
  }
  return { kind: check.kind, config: check.config, text };
}

/** Open a config file with the cursor on a field (dotted path), or at the top. */
export async function openAtField(file: string, field: string | undefined): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const editor = await vscode.window.showTextDocument(doc);
  if (!field) return;
  const { offset, length } = rangeOfField(doc.getText(), field);
  const range = new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length));
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
