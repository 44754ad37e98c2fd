// The "Live" view in the Selectivity sidebar: the same stream as the panel, drawn compactly.
import type * as vscode from 'vscode';
import type { RunCatalog } from '../runs/runCatalog';
import type { LiveHub } from './node/liveHub';
import { webviewHtml, webviewOptions } from './webviewSetup';

export class LiveSidebarProvider implements vscode.WebviewViewProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly catalog: RunCatalog,
    private readonly hub: LiveHub,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    const connection = this.hub.attach(view.webview, 'sidebar', this.catalog.activeRunId);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'sidebar', this.catalog.activeRunId);
    view.onDidChangeVisibility(() => {
      if (view.visible) this.hub.markVisible(connection);
      else this.hub.markNotReady(connection);
    });
    view.onDidDispose(() => connection.dispose());
  }
}
