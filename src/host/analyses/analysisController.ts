// Runs a run's analyses for the extension (from the Runs view's context menu, the command palette and the
// panel): each in its own engine process (AnalysisJob) under a cancellable progress notification, one at a time
// per run and kind, its progress and partial results streamed to the panels, its result read back from the run
// folder. A failure is one message naming the field or file; the extension host never sees it throw.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AnalysisJob } from '../../engine/client';
import { readAnalyses } from '../../engine/runStore';
import { ANALYSIS_LABELS, type AnalysisKind } from '../../protocol/analyses';
import { isActive } from '../../protocol/runView';
import type { HostToAnalyses } from '../../protocol/webviews/panel';
import { UserError } from '../node/userMessage';
import type { RunCatalog } from '../runs/runCatalog';
import type { RunNotices } from '../runs/runNotices';
import { runDescription } from '../runs/node/runText';
import { readSettings } from '../settings';
import { AnalysisFeed, resultsMessage } from './node/analysisMessages';
import { runDisplayName, runTagsText } from '../../protocol/runName';

export class AnalysisController implements vscode.Disposable {
  private readonly jobs = new Map<string, AnalysisJob>();
  private readonly messages = new vscode.EventEmitter<HostToAnalyses>();
  /** What the panels are to be told. */
  readonly onPanelMessage = this.messages.event;

  constructor(
    private readonly catalog: RunCatalog,
    private readonly notices: RunNotices,
    private readonly log: vscode.LogOutputChannel,
    /** The environment of the host's engine processes (the installed native backend). */
    private readonly engineEnv: () => NodeJS.ProcessEnv,
  ) {}

  /** The results in a run's folder (none for a run without a folder yet). */
  results(runId: string): HostToAnalyses {
    const dir = this.catalog.location(runId)?.dir;
    return dir ? resultsMessage(runId, readAnalyses(dir)) : { type: 'analysisResults', runId, results: [] };
  }

  /**
   * Computes `kind` for a run; similarity compares it with `otherRunId` (asked for when absent); `layers` names
   * unit layers instead of the analysis's default. Resolves when the analysis has ended. Throws a UserError for
   * what the user must change before it can start.
   */
  async run(runId: string, kind: AnalysisKind, choice: { otherRunId?: string; layers?: string[] } = {}): Promise<void> {
    const runDir = this.analysableDir(runId);
    let otherRunDir: string | undefined;
    if (kind === 'similarity') {
      const other = choice.otherRunId ?? (await this.pickOtherRun(runId));
      if (!other) return;
      otherRunDir = this.analysableDir(other);
    }
    const key = `${runId}\n${kind}`;
    if (this.jobs.has(key)) throw new UserError(`${ANALYSIS_LABELS[kind]} of ${this.nameOf(runId)} is already computing.`);
    const backend = readSettings().preferredBackend;
    const feed = new AnalysisFeed(runId, kind);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Selectivity Lens: ${ANALYSIS_LABELS[kind]} of ${this.nameOf(runId)}`, cancellable: true },
      async (progress, token) => {
        let reported = 0;
        const job = new AnalysisJob(
          // A heatmap needs every layer against every layer.
          { kind, runDir, otherRunDir, allPairs: kind === 'similarity', layers: choice.layers },
          {
            env: this.engineEnv(),
            extraArgs: backend === 'auto' ? [] : ['--backend', backend],
            onLine: (line) => {
              const message = feed.onLine(line);
              if (!message) return;
              this.messages.fire(message);
              progress.report({ message: feed.message, increment: 100 * (feed.fraction - reported) });
              reported = feed.fraction;
            },
          },
        );
        this.jobs.set(key, job);
        token.onCancellationRequested(() => job.cancel());
        this.messages.fire({ type: 'analysisProgress', runId, kind, what: 'starting', done: 0 });
        try {
          const outcome = await job.done;
          this.messages.fire(this.results(runId));
          this.messages.fire({ type: 'analysisFinished', runId, kind, outcome: outcome.state, error: outcome.state === 'failed' ? outcome.error : undefined });
          if (outcome.state === 'completed') this.log.info(`${ANALYSIS_LABELS[kind]} of ${runId} written to ${outcome.file}`);
          if (outcome.state === 'failed') this.notices.reportError(`${ANALYSIS_LABELS[kind]} of ${runId}`, new UserError(outcome.error));
        } finally {
          this.jobs.delete(key);
        }
      },
    );
  }

  /**
   * The analyses of every completed run of a sweep (sweep-analyze; runs that have one keep it), under one
   * cancellable notice; `onWritten` after each file, so the Sweep tab's figures fill in as they come.
   */
  async runSweep(sweepDir: string, onWritten: () => void): Promise<void> {
    const key = `sweep\n${path.resolve(sweepDir)}`;
    if (this.jobs.has(key)) throw new UserError(`The analyses of sweep ${path.basename(sweepDir)} are already computing.`);
    const backend = readSettings().preferredBackend;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Selectivity Lens: analyses of sweep ${path.basename(sweepDir)}`, cancellable: true },
      async (progress, token) => {
        let reported = 0;
        const job = new AnalysisJob(
          { kind: 'sweep', sweepDir },
          {
            env: this.engineEnv(),
            extraArgs: backend === 'auto' ? [] : ['--backend', backend],
            onLine: (line) => {
              if (line.type === 'runResult') return onWritten();
              if (line.type !== 'progress') return;
              progress.report({ message: line.what, increment: Math.max(0, 100 * (line.done - reported)) });
              reported = Math.max(reported, line.done);
            },
          },
        );
        this.jobs.set(key, job);
        token.onCancellationRequested(() => job.cancel());
        try {
          const outcome = await job.done;
          onWritten();
          if (outcome.state === 'failed') this.notices.reportError(`Analyses of sweep ${sweepDir}`, new UserError(outcome.error));
        } finally {
          this.jobs.delete(key);
        }
      },
    );
  }

  /** A result file changed on disk (written by the CLI, say): the panels get that run's results again. */
  resultFileChanged(file: string): void {
    const runDir = path.resolve(path.dirname(path.dirname(file)));
    const run = this.catalog.store.all().find((r) => {
      const dir = this.catalog.location(r.runId)?.dir;
      return dir !== undefined && path.resolve(dir) === runDir;
    });
    if (run) this.messages.fire(this.results(run.runId));
  }

  cancel(runId: string, kind: AnalysisKind): void {
    this.jobs.get(`${runId}\n${kind}`)?.cancel();
  }

  private analysableDir(runId: string): string {
    const run = this.catalog.store.get(runId);
    const dir = this.catalog.location(runId)?.dir;
    if (!run || !dir) throw new UserError(`Run ${runId} is not known here; refresh the Runs view.`);
    if (isActive(run.state) || run.state === 'queued') throw new UserError(`${this.nameOf(runId)} is still ${run.state}: analyse it once it has finished or stopped.`);
    return dir;
  }

  private nameOf(runId: string): string {
    return runDisplayName(this.catalog.store.get(runId) ?? { runId });
  }

  private async pickOtherRun(runId: string): Promise<string | undefined> {
    const others = this.catalog.store.all().filter((r) => r.runId !== runId && !isActive(r.state) && r.state !== 'queued');
    if (others.length === 0) throw new UserError('Similarity compares two runs: start or open another finished run first.');
    const pick = await vscode.window.showQuickPick(
      others.map((r) => ({
        label: runDisplayName(r),
        description: [r.state, runDescription(r), runTagsText(r)].filter(Boolean).join(' · '),
        detail: path.basename(this.catalog.location(r.runId)?.dir ?? r.runId),
        runId: r.runId,
      })),
      { placeHolder: `Compare the representations of ${this.nameOf(runId)} with which run?`, matchOnDescription: true, matchOnDetail: true },
    );
    return pick?.runId;
  }

  dispose(): void {
    for (const job of this.jobs.values()) job.cancel();
    this.messages.dispose();
  }
}
