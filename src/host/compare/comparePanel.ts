// The "Compare runs" editor panel: one panel, reused; it shows the runs last asked for. The host
// reads their folders (compareRuns.ts) when the page says 'ready' and again when a compared run finishes an
// epoch or an analysis, so a running run's curves grow. Restored after a reload from the page's state (runIds).
import * as vscode from 'vscode';
import { isTerminal } from '../../protocol/runView';
import type { CompareToHost, HostToCompare } from '../../protocol/webviews/compare';
import { hasMessageType } from '../../protocol/webviews/core';
import { saveExportedFile } from '../export/saveExport';
import { COMMANDS, WEBVIEW_PANELS } from '../ids';
import type { RunCatalog } from '../runs/runCatalog';
import type { RunNotices } from '../runs/runNotices';
import { webviewHtml, webviewOptions } from '../webviews/webviewSetup';
import { readCompareRuns, type CompareSource } from './node/compareRuns';

/** Seconds between re-reads while a compared run is still producing epochs. */
const LIVE_REFRESH_MS = 3000;

export class ComparePanelManager implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private runIds: string[] = [];
  private ready = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** metrics/analyses count per compared run at the last read: a re-read only when they grow. */
  private seen = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly catalog: RunCatalog,
    private readonly notices: RunNotices,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(WEBVIEW_PANELS.compare, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const ids = (state as { runIds?: unknown } | undefined)?.runIds;
          this.runIds = Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
          this.adopt(panel);
        },
      }),
    );
    const unsubscribe = catalog.store.onDidChange((runId) => {
      if (this.panel && this.runIds.some((id) => id === runId || this.knownId(id) === runId)) this.refreshSoon();
    });
    this.disposables.push({ dispose: unsubscribe });
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get comparedRunIds(): readonly string[] {
    return this.runIds;
  }

  async show(runIds: string[]): Promise<void> {
    this.runIds = [...new Set(runIds)];
    // Runs only listed in the tree so far are read from disk now (their folders are known).
    await Promise.all(this.runIds.map((id) => this.catalog.ensureLoaded(this.knownId(id)).catch(() => undefined)));
    if (this.panel) {
      this.panel.title = this.title();
      this.panel.reveal(undefined, false);
      this.send();
      return;
    }
    const panel = vscode.window.createWebviewPanel(WEBVIEW_PANELS.compare, this.title(), vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: false,
    });
    this.adopt(panel);
  }

  private title(): string {
    return `Compare ${this.runIds.length} run${this.runIds.length === 1 ? '' : 's'}`;
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    this.ready = false;
    panel.title = this.title();
    panel.webview.options = webviewOptions(this.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'selectivity.svg');
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'compare');
    const sub = panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!hasMessageType(m)) return;
      void this.receive(m as CompareToHost).catch((err) => this.notices.reportError('Compare panel', err));
    });
    panel.onDidChangeViewState((e) => {
      // A hidden panel loses its page; it says 'ready' again when shown.
      if (!e.webviewPanel.visible) this.ready = false;
    });
    panel.onDidDispose(() => {
      sub.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
        if (this.refreshTimer) clearTimeout(this.refreshTimer);
        this.refreshTimer = undefined;
      }
    });
  }

  private async receive(m: CompareToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.send();
        break;
      case 'saveFile':
        await saveExportedFile(m);
        break;
      case 'openPanel':
        if (typeof m.runId === 'string') await vscode.commands.executeCommand(COMMANDS.openPanel, m.runId);
        break;
      case 'log':
        this.log.info(`[webview:compare] ${String(m.message)}`);
        break;
      default: {
        const unknown: never = m;
        this.log.warn(`[webview:compare] ignored a message of unknown type ${JSON.stringify((unknown as { type?: unknown }).type)}`);
      }
    }
  }

  /** Where each compared run lives; runs without a folder become problems. */
  private sources(): { sources: CompareSource[]; missing: string[] } {
    const sources: CompareSource[] = [];
    const missing: string[] = [];
    for (const runId of this.runIds) {
      const dir = this.catalog.location(runId)?.dir ?? this.catalog.location(this.knownId(runId))?.dir;
      if (dir) sources.push({ runId, dir });
      else missing.push(`${runId}: this run has no folder on disk (yet).`);
    }
    return { sources, missing };
  }

  /**
   * The id the host's store uses for a run: the sweep tab speaks the engine's ids ("<sweep>--<run>") while runs
   * read from disk are listed as "<group>/<run folder>"; meta.runId links the two.
   */
  private knownId(runId: string): string {
    if (this.catalog.store.has(runId)) return runId;
    return this.catalog.store.all().find((r) => r.meta?.runId === runId)?.runId ?? runId;
  }

  private fingerprint(runId: string): string {
    const s = this.catalog.store.get(this.knownId(runId));
    return s ? `${s.state}/${s.metrics.length}/${s.selectivity.length}` : '';
  }

  private send(): void {
    if (!this.panel || !this.ready) return;
    const { sources, missing } = this.sources();
    const data = readCompareRuns(sources);
    for (const id of this.runIds) this.seen.set(id, this.fingerprint(id));
    const message: HostToCompare = { type: 'compare', runs: data.runs, problems: [...missing, ...data.problems] };
    void this.panel.webview.postMessage(message);
  }

  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      const changed = this.runIds.some((id) => this.seen.get(id) !== this.fingerprint(id));
      if (changed) this.send();
      // Keep watching while any compared run is still going.
      const live = this.runIds.some((id) => {
        const s = this.catalog.store.get(this.knownId(id));
        return s !== undefined && !isTerminal(s.state);
      });
      if (live && changed) this.refreshSoon();
    }, LIVE_REFRESH_MS);
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
