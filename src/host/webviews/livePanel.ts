// The full editor panel (one, reused): shows one run at a time, restored after a reload by its serializer.
import * as vscode from 'vscode';
import { WEBVIEW_PANELS } from '../ids';
import type { RunCatalog } from '../runs/runCatalog';
import type { LiveConnection, LiveHub } from './node/liveHub';
import { webviewHtml, webviewOptions } from './webviewSetup';
import { runDisplayName } from '../../protocol/runName';

export class LivePanelManager implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private connection: LiveConnection<'panel'> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly catalog: RunCatalog,
    private readonly hub: LiveHub,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(WEBVIEW_PANELS.run, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const runId = restoredRunId(state) ?? catalog.activeRunId;
          if (runId) await catalog.ensureLoaded(runId).catch(() => undefined);
          this.adopt(panel, runId);
        },
      }),
      catalog.onDidChangeActiveRun((runId) => {
        if (runId && this.panel) this.panel.title = this.titleFor(runId);
      }),
    );
    // The run's name arrives with runStarted, after the panel opened on its id.
    const off = catalog.store.onDidChange((runId) => {
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
      await this.catalog.ensureLoaded(runId);
      this.catalog.setActiveRun(runId);
    }
    if (this.panel) {
      this.panel.reveal(undefined, false);
      if (this.connection && runId) {
        this.connection.runId = runId;
        this.hub.sendSnapshot(this.connection);
      }
      return;
    }
    const panel = vscode.window.createWebviewPanel(WEBVIEW_PANELS.run, this.titleFor(runId), vscode.ViewColumn.Active, {
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
    const connection = this.hub.attach(panel.webview, 'panel', runId);
    this.connection = connection;
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'panel', runId);
    panel.onDidChangeViewState((e) => {
      // A hidden panel loses its page; it says 'ready' again when shown.
      if (e.webviewPanel.visible) this.hub.markVisible(connection);
      else this.hub.markNotReady(connection);
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
    const run = runId ? (this.catalog.store.get(runId) ?? { runId }) : undefined;
    const name = run ? runDisplayName(run) : undefined;
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
