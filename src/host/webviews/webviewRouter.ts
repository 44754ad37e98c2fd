// The live webviews' side of the host: it feeds the panel and the side bar (a snapshot when a page is ready,
// then batched engine events and the Sweep tab's messages) and carries out what they ask, each message type
// handled in one place.
import * as vscode from 'vscode';
import { readLayerSelectivity, readUnitHistograms } from '../../engine/runStore';
import type { LiveToHost } from '../../protocol/webviews';
import type { HostToPanel } from '../../protocol/webviews/panel';
import type { HostToSidebar } from '../../protocol/webviews/sidebar';
import type { LiveSurface, RunStreamToWebview } from '../../protocol/webviews/core';
import type { AnalysisController } from '../analyses/analysisController';
import { saveExportedFile } from '../export/saveExport';
import { COMMANDS } from '../ids';
import type { RunCatalog } from '../runs/runCatalog';
import type { RunController } from '../runs/runController';
import type { RunNotices } from '../runs/runNotices';
import { readSettings } from '../settings';
import type { SweepController } from '../sweeps/sweepController';
import { EventCoalescer } from './node/eventCoalescer';
import { LiveHub, type AnyLiveConnection } from './node/liveHub';
import { answerLayerRequest, runForWebview } from './node/webviewFeed';

export class WebviewRouter implements vscode.Disposable {
  readonly hub: LiveHub;
  private readonly coalescer: EventCoalescer;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly catalog: RunCatalog,
    private readonly runs: RunController,
    private readonly sweeps: SweepController,
    private readonly notices: RunNotices,
    private readonly log: vscode.LogOutputChannel,
    private readonly analyses: AnalysisController,
  ) {
    this.hub = new LiveHub({
      snapshot: {
        panel: (runId): HostToPanel[] => [this.runSnapshot('panel', runId), ...this.sweeps.tabSnapshot()],
        sidebar: (runId): HostToSidebar[] => [this.runSnapshot('sidebar', runId)],
      },
      handle: (message, from) => this.handle(message, from),
      onError: (err) => this.notices.reportError('Webview message', err),
    });
    this.coalescer = new EventCoalescer(readSettings().panelUpdateRate, (events) => this.hub.broadcastEvents(events));
    this.disposables.push(
      runs.onEvent((e) => {
        this.coalescer.push(e);
        if (e.type === 'runFinished') this.coalescer.flush();
      }),
      sweeps.onTabMessage((m) => this.hub.broadcastToPanels(m)),
      analyses.onPanelMessage((m) => this.hub.broadcastToPanels(m)),
      catalog.onDidChangeActiveRun((runId) => runId && this.hub.setActiveRun(runId)),
      catalog.onDidChangeRunList(() => this.hub.resnapshotAll()),
    );
  }

  applySettings(): void {
    this.coalescer.setInterval(readSettings().panelUpdateRate);
  }

  private runSnapshot(surface: LiveSurface, runId: string | undefined): RunStreamToWebview {
    return { type: 'snapshot', surface, runs: this.catalog.store.all().map((r) => runForWebview(r)), activeRunId: runId ?? this.catalog.activeRunId };
  }

  private async handle(message: LiveToHost, from: AnyLiveConnection): Promise<void> {
    switch (message.type) {
      case 'ready':
        // The hub answers 'ready' with the snapshot itself.
        break;
      case 'openPanel':
        await vscode.commands.executeCommand(COMMANDS.openPanel, message.runId ?? from.runId ?? this.catalog.activeRunId);
        break;
      case 'selectRun':
        // Arrays just read from disk reach the webview with a fresh snapshot.
        if (await this.catalog.ensureLoaded(message.runId)) this.hub.sendSnapshot(from);
        break;
      case 'stopRun':
        this.runs.stop(message.runId);
        break;
      case 'showLayer':
        // The hub keeps it with the connection.
        break;
      case 'requestLayer':
      case 'requestUnitHistograms': {
        const dir = this.catalog.location(message.runId)?.dir;
        const stored = dir
          ? {
              layer: (epoch: number, layer: string) => readLayerSelectivity(dir, epoch, layer),
              unitHistograms: (epoch: number, layer: string, unit: number) => readUnitHistograms(dir, epoch, layer, unit),
            }
          : undefined;
        from.post(answerLayerRequest(this.catalog.store.get(message.runId), message, stored));
        break;
      }
      case 'log':
        this.log.info(`[webview:${from.surface}] ${message.message}`);
        break;
      case 'saveFile':
        await saveExportedFile(message);
        break;
      case 'compareRuns':
        await vscode.commands.executeCommand(COMMANDS.compareRuns, message.runIds);
        break;
      case 'stopSweep':
      case 'resumeSweep':
      case 'openSweepReport':
        await this.sweeps.handleTabMessage(message);
        break;
      case 'analyzeSweep':
        this.runs.requireTrust('Analysing a sweep');
        void this.analyses.runSweep(message.sweepDir, () => this.sweeps.refreshReport(message.sweepDir)).catch((err) => this.notices.reportError('Sweep analyses', err));
        break;
      case 'requestAnalyses':
        from.post(this.analyses.results(message.runId));
        break;
      case 'runAnalysis':
        this.runs.requireTrust('Analysing a run');
        // It runs for minutes under its own progress notice: the page is not kept waiting for it.
        void this.analyses.run(message.runId, message.kind, { layers: message.layers }).catch((err) => this.notices.reportError('Analysis', err));
        break;
      case 'cancelAnalysis':
        this.analyses.cancel(message.runId, message.kind);
        break;
      default: {
        const unknown: never = message;
        this.log.warn(`[webview:${from.surface}] ignored a message of unknown type ${JSON.stringify((unknown as { type?: unknown }).type)}`);
      }
    }
  }

  dispose(): void {
    this.coalescer.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
