// The "Live" view in the Selectivity sidebar: the same stream as the panel, drawn compactly.
import * as vscode from 'vscode';
import type { RunController } from './runController';
import { webviewHtml, webviewOptions } from './webviewSetup';

export const LIVE_VIEW_ID = 'selectivityLens.live';

export class LiveSidebarProvider implements vscode.WebviewViewProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: RunController,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    const connection = this.controller.hub.attach(view.webview, 'sidebar', this.controller.activeRunId);
    view.webview.html = webviewHtml(view.webview, this.extensionUri, 'sidebar', this.controller.activeRunId);
    view.onDidChangeVisibility(() => {
      if (!view.visible) this.controller.hub.markNotReady(connection);
    });
    view.onDidDispose(() => connection.dispose());
  }
}
