// Options and HTML shared by the panel and the sidebar view: scripts on, resources only from dist/ and media/.
import * as vscode from 'vscode';
import { renderWebviewHtml, type Surface } from './webviewHtml';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, surface: Surface, runId?: string): string {
  return renderWebviewHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css')).toString(),
    surface,
    runId,
    title: surface === 'panel' ? 'Selectivity Lens' : 'Selectivity Lens Live',
  });
}
