// Options and HTML of every webview: scripts on, resources only from dist/ and media/, the surface's own bundle.
import * as vscode from 'vscode';
import { renderWebviewHtml, surfaceAssets, type WebviewSurface } from './node/webviewHtml';

const TITLES: Record<WebviewSurface, string> = {
  panel: 'Selectivity Lens',
  sidebar: 'Selectivity Lens Live',
  compare: 'Selectivity Lens: Compare Runs',
};

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, surface: WebviewSurface, runId?: string): string {
  const assets = surfaceAssets(surface);
  const uri = (rel: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...rel.split('/'))).toString();
  return renderWebviewHtml({
    cspSource: webview.cspSource,
    scriptUri: uri(assets.script),
    styleUri: uri(assets.style),
    surface,
    runId,
    title: TITLES[surface],
  });
}
