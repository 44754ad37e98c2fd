// Sweeps from the editor: forks the engine's sweep process (it runs each sweep point as a normal run with its
// own workers), relays its runs' engine events into the same pipeline as single runs (tree, panel, status
// bar), and keeps each sweep as a group in the Runs tree.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sweepProcessPath, WorkerProcess } from '../../engine/client';
import { collectSweepReport } from '../../engine/report';
import { isSweepDriven } from '../../engine/runStore';
import { SWEEP_FILES, type SweepCommand, type SweepEvent, type SweepIndex, type SweepProcessEvent, type SweepRunEntry } from '../../protocol/sweep';
import type { HostToSweepTab, SweepTabToHost } from '../../protocol/webviews/panel';
import { loadConfig } from '../config/configDocuments';
import { settingName } from '../ids';
import { UserError } from '../node/userMessage';
import type { RunCatalog } from '../runs/runCatalog';
import type { RunController, RunOwner } from '../runs/runController';
import { readSettings } from '../settings';
import { readSweepFolders } from './node/sweepFolders';

interface LiveSweep {
  sweepId: string;
  /** Reports sweep progress to its notification; resolves it when the sweep ends. */
  progress?: { report(done: number, total: number, running: number): void; end(): void };
  /** The engine already told the user what went wrong (no second message on exit). */
  reported: boolean;
  name: string;
  dir?: string;
  proc: WorkerProcess<SweepCommand, SweepProcessEvent>;
  stopRequests: number;
  runIds: Set<string>;
}

export class SweepController implements vscode.Disposable, RunOwner {
  private readonly live = new Map<string, LiveSweep>();
  /** Sweep name -> folder, for live and past sweeps. */
  private readonly folders = new Map<string, string>();
  private readonly indexes = new Map<string, SweepIndex>();
  /** Slurm sweeps this session started following by itself (once each). */
  private readonly attached = new Set<string>();
  private readonly tabMessages = new vscode.EventEmitter<HostToSweepTab>();
  /** What the panels' Sweep tabs are to be told (sweep events, new report data). */
  readonly onTabMessage = this.tabMessages.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly catalog: RunCatalog,
    private readonly runs: RunController,
  ) {
    runs.addOwner(this);
  }

  folderOfGroup(name: string): string | undefined {
    return this.folders.get(name);
  }

  ownsRun(runId: string): boolean {
    for (const s of this.live.values()) if (s.runIds.has(runId)) return true;
    return false;
  }

  /** What a fresh Sweep tab needs: every sweep, then the active one's report. */
  tabSnapshot(): HostToSweepTab[] {
    const sweeps = [...this.indexes.entries()].map(([name, index]) => ({ sweepDir: this.folders.get(name) ?? '', index }));
    const live = [...this.live.values()].find((s) => s.dir)?.dir;
    const activeSweepDir = live ?? sweeps.at(-1)?.sweepDir;
    const out: HostToSweepTab[] = [{ type: 'sweepSnapshot', sweeps, activeSweepDir }];
    const report = activeSweepDir ? this.reportMessage(activeSweepDir) : undefined;
    if (report) out.push(report);
    return out;
  }

  /** { type: 'sweepReport', data } for a sweep folder, or undefined when it cannot be read yet. */
  private reportMessage(sweepDir: string): HostToSweepTab | undefined {
    try {
      return { type: 'sweepReport', data: collectSweepReport(sweepDir) };
    } catch (err) {
      this.log.debug(`No sweep report for ${sweepDir} yet: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /** Sends the Sweep tabs the sweep's report read afresh (after analyses were written into its runs). */
  refreshReport(sweepDir: string): void {
    const report = this.reportMessage(sweepDir);
    if (report) this.tabMessages.fire(report);
  }

  /** What the Sweep tab asks (its analyses: the analysis controller). */
  async handleTabMessage(message: Exclude<SweepTabToHost, { type: 'analyzeSweep' }>): Promise<void> {
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

  /** Start a sweep from its config file, or resume one from its folder; `attachOnly` follows what Slurm already has. */
  async start(source: vscode.Uri | string, retryFailed = false, attachOnly = false): Promise<void> {
    if (!vscode.workspace.isTrusted) throw new UserError('Starting a sweep needs a trusted workspace (it runs the training engine on files named in this workspace).');
    const uri = typeof source === 'string' ? vscode.Uri.file(source) : source;
    if (typeof source !== 'string') {
      const loaded = await loadConfig(uri);
      if (loaded.kind !== 'sweep') throw new UserError(`${path.basename(uri.fsPath)} is a run config, not a sweep (a sweep has "kind": "sweep"); use Start Run.`);
    }
    for (const s of this.live.values()) {
      if (s.dir && path.resolve(s.dir) === path.resolve(uri.fsPath)) throw new UserError(`The sweep "${s.name}" is already running.`);
    }
    if (!existsSync(sweepProcessPath())) throw new UserError(`The sweep engine is not built: ${sweepProcessPath()} is missing. Run "npm run build".`);
    const sweepId = `sweep-${Date.now()}`;
    const proc = new WorkerProcess<SweepCommand, SweepProcessEvent>({
      script: sweepProcessPath(),
      env: this.runs.dataEnv(),
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
    proc.send({ v: 1, type: 'startSweep', configPath: uri.fsPath, parallel, retryFailed, attachOnly });
    if (attachOnly) return;
    this.log.info(`Sweep ${uri.fsPath} started (${parallel} run(s) at once)`);
    void vscode.window.showInformationMessage(`Selectivity Lens: sweep "${name}" started, ${parallel} run(s) at once (setting ${settingName('maxConcurrentRuns')}).`);
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
      this.tabMessages.fire({ type: 'sweepEvent', event: e });
      return;
    }
    if ('runId' in e && e.runId) s.runIds.add(e.runId);
    if (e.type === 'error' && !e.runId) s.reported = true;
    if (e.type === 'hello') return; // the sweep process's own greeting
    this.runs.ingest(e);
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
        for (const r of e.index.runs) this.showRun(r, e.sweepDir, e.index.name);
        break;
      case 'sweepRunState': {
        s.runIds.add(e.run.runId);
        this.showRun(e.run, e.sweepDir, s.name);
        const index = this.indexes.get(s.name);
        if (index) {
          index.runs = index.runs.map((r) => (r.name === e.run.name ? e.run : r));
          const done = index.runs.filter((r) => r.status === 'completed' || r.status === 'failed').length;
          s.progress?.report(done, index.runs.length, index.runs.filter((r) => r.status === 'running').length);
        }
        // The sweep figures grow a point per finished run.
        if (e.run.status === 'completed' || e.run.status === 'failed') {
          const report = this.reportMessage(e.sweepDir);
          if (report) this.tabMessages.fire(report);
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
        if (report) this.tabMessages.fire(report);
        break;
      }
    }
  }

  /**
   * Where a sweep's run lives and, for a cluster run not finished, its job as the scheduler last saw it; a run
   * that waits in Slurm's queue has no folder yet, so it is listed from sweep.json.
   */
  private showRun(r: SweepRunEntry, sweepDir: string, group: string): void {
    this.catalog.place(r.runId, { dir: path.join(sweepDir, r.dir), group });
    const unfinished = r.status !== 'completed';
    this.catalog.setScheduler(r.runId, unfinished ? r.scheduler : undefined);
    if (r.scheduler && unfinished && !this.catalog.store.has(r.runId)) this.catalog.store.setState(r.runId, r.status);
  }

  /**
   * Sweep folders (with sweep.json) under the runs folders: group names and folders for the tree. A Slurm sweep
   * left under way by a terminal (`--detach`, Ctrl-C) and driven by nobody is followed from here (attach only:
   * this never submits a job).
   */
  async refreshFromDisk(): Promise<void> {
    for (const folder of this.catalog.runsFolders()) {
      for (const { dir, index } of await readSweepFolders(folder)) {
        this.folders.set(index.name, dir);
        this.indexes.set(index.name, index);
        for (const r of index.runs) this.showRun(r, dir, index.name);
        if (index.executor === 'slurm' && index.state === 'running' && !this.attached.has(dir) && !this.isLive(dir) && !isSweepDriven(dir) && vscode.workspace.isTrusted) {
          this.attached.add(dir);
          this.log.info(`Following the Slurm sweep ${index.name} (${dir}), left under way by another process.`);
          await this.start(dir, false, true).catch((err) => this.log.warn(`Could not follow ${dir}: ${err instanceof Error ? err.message : String(err)}`));
        }
      }
    }
  }

  private isLive(dir: string): boolean {
    return [...this.live.values()].some((s) => s.dir && path.resolve(s.dir) === path.resolve(dir));
  }

  dispose(): void {
    this.tabMessages.dispose();
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

