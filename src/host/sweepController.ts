// Sweeps from the editor: forks the engine's sweep process (it runs each sweep point as a normal run with its
// own workers), relays its runs' engine events into the same pipeline as single runs (tree, panel, status
// bar), and keeps each sweep as a group in the Runs tree.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EngineEvent } from '../protocol/events';
import { collectSweepReport } from '../engine/report/collect';
import { SWEEP_FILES, type SweepCommand, type SweepEvent, type SweepIndex, type SweepProcessEvent } from '../protocol/sweep';
import { EngineProcess } from './engineProcess';
import type { RunController } from './runController';
import { readSettings } from './settings';
import { UserError } from './userMessage';
import { readSweepFolders } from './sweepFolders';

interface LiveSweep {
  sweepId: string;
  /** Reports sweep progress to its notification; resolves it when the sweep ends. */
  progress?: { report(done: number, total: number, running: number): void; end(): void };
  /** The engine already told the user what went wrong (no second message on exit). */
  reported: boolean;
  name: string;
  dir?: string;
  proc: EngineProcess<SweepCommand, SweepProcessEvent>;
  stopRequests: number;
  runIds: Set<string>;
}

export class SweepController implements vscode.Disposable {
  private readonly live = new Map<string, LiveSweep>();
  /** Sweep name -> folder, for live and past sweeps. */
  private readonly folders = new Map<string, string>();
  private readonly indexes = new Map<string, SweepIndex>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly controller: RunController,
  ) {}

  get processPath(): string {
    return path.join(this.context.extensionPath, 'out', 'src', 'engine', 'sweep', 'sweepProcess.js');
  }

  folderOfGroup(name: string): string | undefined {
    return this.folders.get(name);
  }

  ownsRun(runId: string): boolean {
    for (const s of this.live.values()) if (s.runIds.has(runId)) return true;
    return false;
  }

  /** Messages the sweep tab of the webview needs after a snapshot: every sweep, then the active one's report. */
  snapshotMessages(): unknown[] {
    const sweeps = [...this.indexes.entries()].map(([name, index]) => ({ sweepDir: this.folders.get(name) ?? '', index }));
    const live = [...this.live.values()].find((s) => s.dir)?.dir;
    const activeSweepDir = live ?? sweeps.at(-1)?.sweepDir;
    const out: unknown[] = [{ type: 'sweepSnapshot', sweeps, activeSweepDir }];
    const report = activeSweepDir ? this.reportMessage(activeSweepDir) : undefined;
    if (report) out.push(report);
    return out;
  }

  /** { type: 'sweepReport', data } for a sweep folder, or undefined when it cannot be read yet. */
  private reportMessage(sweepDir: string): unknown {
    try {
      return { type: 'sweepReport', data: collectSweepReport(sweepDir) };
    } catch (err) {
      this.log.debug(`No sweep report for ${sweepDir} yet: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /** Messages from the webview's sweep tab. */
  async handleWebviewMessage(message: { type: string; sweepDir?: string; retryFailed?: boolean }): Promise<void> {
    const dir = message.sweepDir;
    if (!dir) return;
    switch (message.type) {
      case 'stopSweep': {
        const s = [...this.live.values()].find((x) => x.dir && path.resolve(x.dir) === path.resolve(dir));
        if (!s) throw new UserError(`The sweep in ${dir} is not running.`);
        this.stopSweep(s);
        break;
      }
      case 'resumeSweep':
        await this.start(dir, message.retryFailed === true);
        break;
      case 'openSweepReport': {
        const index = path.join(dir, SWEEP_FILES.reportDir, 'index.html');
        if (!existsSync(index)) throw new UserError(`The sweep has no report yet (${index}).`);
        if (!(await vscode.env.openExternal(vscode.Uri.file(index)))) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(index));
        break;
      }
    }
  }

  /** Start a sweep from its config file, or resume one from its folder. */
  async start(source: vscode.Uri | string, retryFailed = false): Promise<void> {
    if (!vscode.workspace.isTrusted) throw new UserError('Starting a sweep needs a trusted workspace (it runs the training engine on files named in this workspace).');
    const uri = typeof source === 'string' ? vscode.Uri.file(source) : source;
    if (typeof source !== 'string') {
      const loaded = await this.controller.loadConfig(uri);
      if (loaded.kind !== 'sweep') throw new UserError(`${path.basename(uri.fsPath)} is a run config, not a sweep (a sweep has "kind": "sweep"); use Start Run.`);
    }
    for (const s of this.live.values()) {
      if (s.dir && path.resolve(s.dir) === path.resolve(uri.fsPath)) throw new UserError(`The sweep "${s.name}" is already running.`);
    }
    if (!existsSync(this.processPath)) throw new UserError(`The sweep engine is not built: ${this.processPath} is missing. Run "npm run build".`);
    const sweepId = `sweep-${Date.now()}`;
    const proc = new EngineProcess<SweepCommand, SweepProcessEvent>({
      workerPath: this.processPath,
      onOutput: (line, stream) => (stream === 'stderr' ? this.log.warn(`[sweep] ${line}`) : this.log.info(`[sweep] ${line}`)),
    });
    const name = path.basename(uri.fsPath).replace(/\.selectivity\.json$/i, '');
    const sweep: LiveSweep = { sweepId, name, proc, stopRequests: 0, runIds: new Set(), reported: false, dir: typeof source === 'string' ? source : undefined };
    this.live.set(sweepId, sweep);
    proc.onEvent((e) => this.onEvent(sweep, e));
    proc.onExit((exit) => {
      this.live.delete(sweepId);
      sweep.progress?.end();
      if (!exit.killed && exit.code !== 0 && !sweep.reported) {
        const last = exit.stderrTail.filter((l) => l.trim()).slice(-1)[0];
        void vscode.window.showErrorMessage(`Selectivity Lens: the sweep "${sweep.name}" stopped unexpectedly (exit code ${exit.code})${last ? `: ${last}` : '.'}`);
      }
      void this.refreshFromDisk();
    });
    const parallel = readSettings().maxConcurrentRuns;
    proc.send({ v: 1, type: 'startSweep', configPath: uri.fsPath, parallel, retryFailed });
    this.log.info(`Sweep ${uri.fsPath} started (${parallel} run(s) at once)`);
    void vscode.window.showInformationMessage(`Selectivity Lens: sweep "${name}" started, ${parallel} run(s) at once (setting selectivityLens.maxConcurrentRuns).`);
  }

  private showProgress(s: LiveSweep): NonNullable<LiveSweep['progress']> {
    let report: (done: number, total: number, running: number) => void = () => undefined;
    let end: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (end = resolve));
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Selectivity Lens: sweep ${s.name}`, cancellable: true },
      (progress, token) => {
        let reported = 0;
        token.onCancellationRequested(() => this.stopSweep(s));
        report = (done, total, running) => {
          const pct = total ? (100 * done) / total : 0;
          progress.report({ message: `${done}/${total} runs done${running ? `, ${running} running` : ''}`, increment: Math.max(0, pct - reported) });
          reported = Math.max(reported, pct);
        };
        return ended;
      },
    );
    return { report: (d, t, r) => report(d, t, r), end: () => end() };
  }

  /** Stop the live sweep shown as this tree group. */
  stopGroup(name: string): void {
    const s = [...this.live.values()].find((x) => x.name === name);
    if (!s) throw new UserError(`The sweep "${name}" is not running.`);
    this.stopSweep(s);
  }

  stopRun(runId: string): void {
    for (const s of this.live.values()) if (s.runIds.has(runId)) this.stopSweep(s);
  }

  private stopSweep(s: LiveSweep): void {
    s.stopRequests++;
    if (s.stopRequests === 1 && s.proc.send({ v: 1, type: 'stopSweep' })) {
      void vscode.window.showInformationMessage(`Selectivity Lens: stopping sweep "${s.name}" (running points checkpoint; Start Sweep again resumes). Stop again to end it at once.`);
    } else {
      s.proc.kill();
    }
  }

  private onEvent(s: LiveSweep, e: SweepProcessEvent): void {
    if (isSweepEvent(e)) {
      this.onSweepEvent(s, e);
      this.controller.hub.broadcast({ type: 'sweepEvent', event: e });
      return;
    }
    const ev = e as EngineEvent;
    if ('runId' in ev && ev.runId) s.runIds.add(ev.runId);
    if (ev.type === 'error' && !ev.runId) s.reported = true;
    if (ev.type === 'hello') return; // the sweep process's own greeting
    this.controller.ingest(ev);
  }

  private onSweepEvent(s: LiveSweep, e: SweepEvent): void {
    s.dir = e.sweepDir;
    switch (e.type) {
      case 'sweepStarted':
        s.name = e.index.name;
        if (!s.progress) s.progress = this.showProgress(s);
        s.progress.report(e.index.runs.filter((r) => r.status === 'completed' || r.status === 'failed').length, e.index.runs.length, 0);
        this.folders.set(e.index.name, e.sweepDir);
        this.indexes.set(e.index.name, e.index);
        for (const r of e.index.runs) this.controller.placeRun(r.runId, path.join(e.sweepDir, r.dir), e.index.name);
        break;
      case 'sweepRunState': {
        s.runIds.add(e.run.runId);
        this.controller.placeRun(e.run.runId, e.runDir, s.name);
        const index = this.indexes.get(s.name);
        if (index) {
          index.runs = index.runs.map((r) => (r.name === e.run.name ? e.run : r));
          const done = index.runs.filter((r) => r.status === 'completed' || r.status === 'failed').length;
          s.progress?.report(done, index.runs.length, index.runs.filter((r) => r.status === 'running').length);
        }
        // The sweep figures grow a point per finished run.
        if (e.run.status === 'completed' || e.run.status === 'failed') {
          const report = this.reportMessage(e.sweepDir);
          if (report) this.controller.hub.broadcast(report, ['panel']);
        }
        if (e.run.status === 'failed') this.log.warn(`[${e.run.runId}] failed in sweep ${s.name}: ${e.run.error ?? ''}`);
        break;
      }
      case 'sweepFinished': {
        s.progress?.end();
        this.log.info(`Sweep ${s.name} ${e.state}: ${JSON.stringify(e.counts)} in ${Math.round(e.seconds)} s${e.error ? ` — ${e.error}` : ''}`);
        const msg = `Selectivity Lens: sweep "${s.name}" ${e.state}: ${e.counts.completed} completed, ${e.counts.failed} failed, ${e.counts.stopped} stopped.`;
        if (e.state === 'failed') void vscode.window.showErrorMessage(`${msg}${e.error ? ` ${e.error}` : ''}`);
        else void vscode.window.showInformationMessage(msg);
        const report = this.reportMessage(e.sweepDir);
        if (report) this.controller.hub.broadcast(report, ['panel']);
        break;
      }
    }
  }

  /** Sweep folders (with sweep.json) under the runs folders: group names and folders for the tree. */
  async refreshFromDisk(): Promise<void> {
    for (const folder of this.controller.runsFolders()) {
      for (const { dir, index } of await readSweepFolders(folder)) {
        this.folders.set(index.name, dir);
        this.indexes.set(index.name, index);
      }
    }
  }

  dispose(): void {
    for (const s of this.live.values()) {
      s.proc.send({ v: 1, type: 'stopSweep' });
      const timer = setTimeout(() => s.proc.kill(), 3000);
      s.proc.onExit(() => clearTimeout(timer));
    }
  }
}

function isSweepEvent(e: SweepProcessEvent): e is SweepEvent {
  return e.type === 'sweepStarted' || e.type === 'sweepRunState' || e.type === 'sweepFinished';
}

