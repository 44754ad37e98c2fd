// What the user is told about runs: engine events as log lines, one notification when a run completes or
// fails (a sweep's runs are summed up by the sweep instead), engine errors with a way to the config field or
// file at fault, a cancellable progress notification per run, and errors of commands.
import * as path from 'node:path';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import type { EngineEvent, EngineEventOf } from '../../protocol/events';
import { isTerminal } from '../../protocol/runView';
import { openAtField } from '../config/configDocuments';
import { COMMANDS, settingName } from '../ids';
import { AlreadyReported, userMessage } from '../node/userMessage';
import { readSettings } from '../settings';
import type { RunCatalog } from './runCatalog';
import { progressText } from './node/runText';
import { runDisplayName } from '../../protocol/runName';

/** What the progress notification of a run may ask of the run lifecycle. */
export interface RunProgressControls {
  isBusy(runId: string): boolean;
  stop(runId: string): void;
}

export class RunNotices {
  /** Runs whose failure the user was already told about (one notification per failure). */
  private readonly notified = new Set<string>();

  constructor(
    private readonly catalog: RunCatalog,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** A new job of this run starts: its failure is news again. */
  reset(runId: string): void {
    this.notified.delete(runId);
  }

  /** One engine event from any source, as the log and the notifications tell it. */
  onEngineEvent(e: EngineEvent): void {
    switch (e.type) {
      case 'hello':
        this.log.info(`Engine ${e.engineVersion} (pid ${e.pid}) on ${e.backend}, ${e.threads} thread(s)`);
        break;
      case 'log':
        this.log[e.level](e.runId ? `[${e.runId}] ${e.message}` : e.message);
        break;
      case 'runStarted':
        this.log.info(`[${e.runId}] started: ${e.meta.model} on ${e.meta.dataset}, backend ${e.meta.backend}, ${e.meta.epochs} epochs`);
        break;
      case 'checkpoint':
        this.log.debug(`[${e.runId}] checkpoint epoch ${e.epoch}: ${e.path}`);
        break;
      case 'error':
        this.log.error(`${e.runId ? `[${e.runId}] ` : ''}${e.code}: ${e.message}${e.file ? ` (${e.file}${e.field ? ` ${e.field}` : ''})` : ''}`);
        if (e.runId) this.notified.add(e.runId);
        if (!(e.runId && this.catalog.groupOf(e.runId))) void this.showEngineError(e);
        break;
      case 'runFinished':
        this.runFinished(e.runId);
        break;
      case 'progress':
      case 'dataDownload':
      case 'epoch':
      case 'selectivity':
      case 'classResponses':
        break;
    }
  }

  queued(label: string): void {
    void vscode.window.showInformationMessage(
      `Selectivity Lens: "${label}" is queued (${readSettings().maxConcurrentRuns} run(s) at once; see the setting ${settingName('maxConcurrentRuns')}).`,
    );
  }

  stopping(runId: string): void {
    void vscode.window.showInformationMessage(
      `Selectivity Lens: stopping "${runDisplayName(this.catalog.store.get(runId) ?? { runId })}" after the current batch (it saves a checkpoint). Stop again to end it at once.`,
    );
  }

  private runFinished(runId: string): void {
    const s = this.catalog.store.get(runId);
    if (!s) return;
    const name = runDisplayName(s);
    const sum = s.summary;
    this.log.info(`[${runId}] finished: ${s.state}${sum?.error ? ` — ${sum.error}` : ''}`);
    // A sweep's runs are summed up once, when the sweep ends (a 46-run sweep must not raise 46 notifications).
    if (this.catalog.groupOf(runId)) {
      this.notified.delete(runId);
      return;
    }
    if (s.state === 'completed') {
      const acc = sum && Number.isFinite(sum.finalTestAcc) ? ` test accuracy ${(sum.finalTestAcc * 100).toFixed(1)}%` : '';
      const si = sum && Number.isFinite(sum.finalNetworkSI) ? `, network SI ${sum.finalNetworkSI.toFixed(3)}` : '';
      void vscode.window.showInformationMessage(`Selectivity Lens: run "${name}" completed:${acc}${si}.`, 'Open Panel').then((pick) => {
        if (pick) void vscode.commands.executeCommand(COMMANDS.openPanel, runId);
      });
    } else if (s.state === 'failed' && !this.notified.has(runId)) {
      void vscode.window.showErrorMessage(`Selectivity Lens: run "${name}" failed: ${sum?.error ?? 'see the log'}`, 'Show Log').then((pick) => {
        if (pick) this.log.show(true);
      });
    }
    this.notified.delete(runId);
  }

  private async showEngineError(e: EngineEventOf<'error'>): Promise<void> {
    // Where to take the user: the config at the field at fault, or the file named (when it is a file).
    const configPath = e.runId ? this.catalog.location(e.runId)?.configPath : undefined;
    const fileIsConfig = !!e.file && !!configPath && path.resolve(e.file) === path.resolve(configPath);
    const openable = !!e.file && !fileIsConfig && isRegularFile(e.file);
    const actions = [...(configPath && (e.field || fileIsConfig) ? ['Open Config'] : []), ...(openable ? ['Open File'] : []), 'Show Log'];
    const named = e.file && !e.message.includes(path.basename(e.file)) ? ` (${e.file})` : '';
    const pick = await vscode.window.showErrorMessage(`Selectivity Lens: ${e.message}${named}`, ...actions);
    if (pick === 'Show Log') this.log.show(true);
    if (pick === 'Open Config' && configPath) await openAtField(configPath, e.field);
    if (pick === 'Open File' && e.file) await openAtField(e.file, /\.selectivity\.json$/i.test(e.file) ? e.field : undefined);
  }

  /** A cancellable notification following one run's progress until it ends; cancel stops the run. */
  showProgress(runId: string, label: string, controls: RunProgressControls): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Selectivity Lens: ${label}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let reported = 0;
          let lastReport = 0;
          const cancel = token.onCancellationRequested(() => {
            try {
              if (controls.isBusy(runId)) controls.stop(runId);
            } catch (err) {
              this.reportError('Stop', err);
            }
          });
          const update = () => {
            const s = this.catalog.store.get(runId);
            if (!s || isTerminal(s.state) || (!controls.isBusy(runId) && s.state !== 'running')) {
              sub();
              cancel.dispose();
              resolve();
              return;
            }
            const now = Date.now();
            if (now - lastReport < 250) return;
            lastReport = now;
            const p = s.progress;
            const fraction = p && p.epochs > 0 ? Math.min(1, (p.epoch - 1 + (p.batches ? p.batch / p.batches : 0)) / p.epochs) : 0;
            const increment = Math.max(0, fraction * 100 - reported);
            reported += increment;
            progress.report({ message: progressText(s), increment });
          };
          const sub = this.catalog.store.onDidChange((id) => id === runId && update());
          update();
        }),
    );
  }

  /** An error of a command or a webview request: logged with its stack, shown as one sentence. */
  reportError(what: string, err: unknown): void {
    if (err instanceof AlreadyReported) return;
    this.log.error(`${what}: ${err instanceof Error && err.stack ? err.stack : userMessage(err)}`);
    void vscode.window.showErrorMessage(`Selectivity Lens: ${userMessage(err)}`);
  }
}

function isRegularFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
