// The full editor panel (one, reused): shows one run at a time, restored after a reload by its serializer.
import * as vscode from 'vscode';
import type { LiveConnection } from './liveHub';
import type { RunController } from './runController';
import { webviewHtml, webviewOptions } from './webviewSetup';

export const PANEL_VIEW_TYPE = 'selectivityLens.panel';

export class LivePanelManager implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private connection: LiveConnection | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: RunController,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const runId = restoredRunId(state) ?? controller.activeRunId;
          if (runId) await controller.ensureLoaded(runId).catch(() => undefined);
          this.adopt(panel, runId);
        },
      }),
      controller.onDidChangeActiveRun((runId) => {
        if (runId && this.panel) this.panel.title = this.titleFor(runId);
      }),
    );
    // The run's name arrives with runStarted, after the panel opened on its id.
    const off = controller.store.onDidChange((runId) => {
      if (this.panel && runId === this.connection?.runId) {
        const title = this.titleFor(runId);
        if (this.panel.title !== title) this.panel.title = title;
      }
    });
    this.disposables.push({ dispose: off });
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  async show(runId: string | undefined): Promise<void> {
    if (runId) {
      await this.controller.ensureLoaded(runId);
      this.controller.setActiveRun(runId);
    }
    if (this.panel) {
      this.panel.reveal(undefined, false);
      if (this.connection && runId) {
        this.connection.runId = runId;
        this.controller.hub.sendSnapshot(this.connection);
      }
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, this.titleFor(runId), vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: false,
    });
    this.adopt(panel, runId);
  }

  private adopt(panel: vscode.WebviewPanel, runId: string | undefined): void {
    this.panel?.dispose();
    this.panel = panel;
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'selectivity.svg');
    panel.title = this.titleFor(runId);
    const connection = this.controller.hub.attach(panel.webview, 'panel', runId);
    this.connection = connection;
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'panel', runId);
    panel.onDidChangeViewState((e) => {
      // A hidden panel loses its page; it says 'ready' again when shown.
      if (!e.webviewPanel.visible) this.controller.hub.markNotReady(connection);
    });
    panel.onDidDispose(() => {
      connection.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.connection = undefined;
      }
    });
  }

  private titleFor(runId: string | undefined): string {
    const name = runId ? (this.controller.store.get(runId)?.meta?.name ?? runId) : undefined;
    return name ? `Selectivity Lens: ${name}` : 'Selectivity Lens';
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function restoredRunId(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as { runId?: unknown; activeRunId?: unknown };
  if (typeof s.activeRunId === 'string') return s.activeRunId;
  if (typeof s.runId === 'string') return s.runId;
  return undefined;
}
