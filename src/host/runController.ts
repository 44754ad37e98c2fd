// The host's one place where runs live: it starts, stops, resumes, analyses and deletes runs, keeps their
// state (live from engines, past from disk), feeds the webviews and tells the user what went wrong.
import { existsSync, promises as fs, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunConfig } from '../protocol/config';
import type { EngineEvent } from '../protocol/events';
import { isActive, isTerminal } from '../protocol/runView';
import type { HostToWebview, RunViewState, WebviewToHost } from '../protocol/webview';
import { checkConfigText, rangeOfField } from './configValidation';
import { EventCoalescer } from './eventCoalescer';
import { LiveHub, type LiveConnection, type Surface } from './liveHub';
import { nativeDir } from './nativeInstall';
import { listRunFolders, readRunFolder } from './runFolders';
import { RunManager, type RunJob } from './runManager';
import { createRunDir } from '../engine/runStore';
import { runNameFor } from './runNaming';
import { RunViewStore } from './runViewStore';
import { progressText } from './runText';
import { readSettings, resolveRunsFolder } from './settings';
import { UserError, userMessage } from './userMessage';
import { COMPARE_COMMAND } from '../protocol/compare';
import { saveExportedFile } from './saveExport';
import { LIVE_VIEW_ID } from './liveSidebar';

const EXTRA_FOLDERS_KEY = 'selectivityLens.extraRunFolders';

/** Where a run lives on disk and how it is grouped in the tree. */
export interface RunLocation {
  dir: string;
  group?: string;
  /** The *.selectivity.json it came from, when known. */
  configPath?: string;
}

export class RunController implements vscode.Disposable {
  readonly store = new RunViewStore();
  readonly manager: RunManager;
  readonly hub: LiveHub;
  private readonly coalescer: EventCoalescer;
  private readonly locations = new Map<string, RunLocation>();
  /** Runs whose failure the user was already told about (one notification per failure). */
  private readonly notified = new Set<string>();
  /** Runs whose engine events are arriving in this session (from our engines or a sweep process). */
  private readonly streaming = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly activeEmitter = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeActiveRun = this.activeEmitter.event;
  private activeRun: string | undefined;
  /** Callbacks the commands layer installs (open the panel on a run, etc.). */
  openPanelHandler: (runId?: string) => unknown = () => undefined;
  stopHandler: (runId: string) => unknown = (runId) => this.stop(runId);
  /** Messages sent to a webview after each snapshot (the sweep tab's state). */
  extraSnapshotMessages: () => unknown[] = () => [];
  /** Webview messages the run controller does not know (the sweep tab's). */
  otherMessageHandler: (message: { type: string }) => unknown = () => undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const settings = readSettings();
    this.manager = new RunManager({
      workerPath: this.workerPath,
      maxConcurrent: settings.maxConcurrentRuns,
      env: () => this.engineEnv(),
      onOutput: (runId, line, stream) => (stream === 'stderr' ? this.log.warn(`[${runId}] ${line}`) : this.log.info(`[${runId}] ${line}`)),
    });
    this.hub = new LiveHub({
      snapshot: (surface, runId) => this.snapshot(surface, runId),
      handle: (message, from) => this.handleWebviewMessage(message, from),
      onError: (err) => this.reportError('Webview message', err),
      extraAfterSnapshot: () => this.extraSnapshotMessages(),
    });
    this.coalescer = new EventCoalescer(settings.panelUpdateRate, (events) => this.hub.broadcastEvents(events));
    this.manager.onEvent((e) => this.ingest(e));
    this.manager.onDidChange(() => this.syncQueuedStates());
  }

  get workerPath(): string {
    return path.join(this.context.extensionPath, 'out', 'src', 'engine', 'worker.js');
  }

  get activeRunId(): string | undefined {
    return this.activeRun;
  }

  setActiveRun(runId: string | undefined): void {
    if (runId === this.activeRun) return;
    this.activeRun = runId;
    if (runId) this.hub.setActiveRun(runId);
    this.activeEmitter.fire(runId);
  }

  location(runId: string): RunLocation | undefined {
    const known = this.locations.get(runId);
    if (known) return known;
    const dir = this.store.get(runId)?.meta?.runDir;
    return dir ? { dir } : undefined;
  }

  groupOf(runId: string): string | undefined {
    return this.locations.get(runId)?.group;
  }

  applySettings(): void {
    const s = readSettings();
    this.manager.setMaxConcurrent(s.maxConcurrentRuns);
    this.coalescer.setInterval(s.panelUpdateRate);
  }

  // ---- engine events ----

  /** Record where a run lives and which sweep it belongs to (runs started by a sweep process). */
  placeRun(runId: string, dir: string, group?: string): void {
    this.locations.set(runId, { ...this.locations.get(runId), dir, group });
  }

  /** One engine event from any source (this host's engines, a sweep process). */
  ingest(e: EngineEvent): void {
    if ('runId' in e && e.runId) {
      if (e.type === 'runFinished') this.streaming.delete(e.runId);
      else this.streaming.add(e.runId);
    }
    this.store.apply(e);
    this.coalescer.push(e);
    switch (e.type) {
      case 'hello':
        this.log.info(`Engine ${e.engineVersion} (pid ${e.pid}) on ${e.backend}, ${e.threads} thread(s)`);
        break;
      case 'log': {
        const line = e.runId ? `[${e.runId}] ${e.message}` : e.message;
        this.log[e.level](line);
        break;
      }
      case 'runStarted':
        this.log.info(`[${e.runId}] started: ${e.meta.model} on ${e.meta.dataset}, backend ${e.meta.backend}, ${e.meta.epochs} epochs`);
        this.locations.set(e.runId, { ...this.locations.get(e.runId), dir: e.meta.runDir || this.locations.get(e.runId)?.dir || '' });
        if (!this.activeRun || !isActive(this.store.get(this.activeRun)?.state ?? 'completed')) this.setActiveRun(e.runId);
        break;
      case 'checkpoint':
        this.log.debug(`[${e.runId}] checkpoint epoch ${e.epoch}: ${e.path}`);
        break;
      case 'error':
        this.log.error(`${e.runId ? `[${e.runId}] ` : ''}${e.code}: ${e.message}${e.file ? ` (${e.file}${e.field ? ` ${e.field}` : ''})` : ''}`);
        if (e.runId) this.notified.add(e.runId);
        if (!(e.runId && this.locations.get(e.runId)?.group)) void this.showEngineError(e);
        break;
      case 'runFinished':
        this.coalescer.flush();
        this.onRunFinished(e.runId);
        break;
      default:
        break;
    }
  }

  private onRunFinished(runId: string): void {
    const s = this.store.get(runId);
    if (!s) return;
    const name = s.meta?.name ?? runId;
    const sum = s.summary;
    this.log.info(`[${runId}] finished: ${s.state}${sum?.error ? ` — ${sum.error}` : ''}`);
    // A sweep's runs are summed up once, when the sweep ends (a 46-run sweep must not raise 46 notifications).
    if (this.locations.get(runId)?.group) {
      this.notified.delete(runId);
      return;
    }
    if (s.state === 'completed') {
      const acc = sum && Number.isFinite(sum.finalTestAcc) ? ` test accuracy ${(sum.finalTestAcc * 100).toFixed(1)}%` : '';
      const si = sum && Number.isFinite(sum.finalNetworkSI) ? `, network SI ${sum.finalNetworkSI.toFixed(3)}` : '';
      void vscode.window.showInformationMessage(`Selectivity Lens: run "${name}" completed:${acc}${si}.`, 'Open Panel').then((pick) => {
        if (pick) this.openPanelHandler(runId);
      });
    } else if (s.state === 'failed' && !this.notified.has(runId)) {
      void vscode.window.showErrorMessage(`Selectivity Lens: run "${name}" failed: ${sum?.error ?? 'see the log'}`, 'Show Log').then((pick) => {
        if (pick) this.log.show(true);
      });
    }
    this.notified.delete(runId);
  }

  private async showEngineError(e: Extract<EngineEvent, { type: 'error' }>): Promise<void> {
    // Where to take the user: the config at the field at fault, or the file named (when it is a file).
    const configPath = e.runId ? this.locations.get(e.runId)?.configPath : undefined;
    const fileIsConfig = !!e.file && !!configPath && path.resolve(e.file) === path.resolve(configPath);
    const openable = !!e.file && !fileIsConfig && isRegularFile(e.file);
    const actions = [...(configPath && (e.field || fileIsConfig) ? ['Open Config'] : []), ...(openable ? ['Open File'] : []), 'Show Log'];
    const named = e.file && !e.message.includes(path.basename(e.file)) ? ` (${e.file})` : '';
    const pick = await vscode.window.showErrorMessage(`Selectivity Lens: ${e.message}${named}`, ...actions);
    if (pick === 'Show Log') this.log.show(true);
    if (pick === 'Open Config' && configPath) await openAtField(configPath, e.field);
    if (pick === 'Open File' && e.file) await openAtField(e.file, /\.selectivity\.json$/i.test(e.file) ? e.field : undefined);
  }

  /** Mirror host-side states (queued) into the store so the tree and snapshots show them. */
  private syncQueuedStates(): void {
    for (const r of this.manager.activeRuns()) {
      const current = this.store.get(r.job.runId)?.state;
      if (r.state === 'queued' && current !== 'queued') this.store.setState(r.job.runId, 'queued');
      else if (r.state === 'starting' && (current === 'queued' || current === undefined || isTerminal(current))) this.store.setState(r.job.runId, 'starting');
      else if (r.state === 'stopping' && current !== 'stopping' && current !== undefined && !isTerminal(current)) this.store.setState(r.job.runId, 'stopping');
    }
  }

  private engineEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    const native = nativeDir(this.context.globalStorageUri.fsPath);
    if (existsSync(native)) env.SELECTIVITY_LENS_NATIVE_DIR = native;
    const threads = Math.max(1, Math.floor(os.cpus().length / Math.max(1, readSettings().maxConcurrentRuns)));
    env.SELECTIVITY_LENS_THREADS = String(threads);
    return env;
  }

  // ---- starting and stopping ----

  requireTrust(what: string): void {
    if (!vscode.workspace.isTrusted) {
      void vscode.window
        .showWarningMessage(`Selectivity Lens: ${what} needs a trusted workspace (it runs the training engine on files named in this workspace).`, 'Manage Workspace Trust')
        .then((pick) => pick && vscode.commands.executeCommand('workbench.trust.manage'));
      throw new TrustRequired();
    }
  }

  private requireEngine(): void {
    if (!existsSync(this.workerPath)) {
      throw new UserError(`The engine is not built: ${this.workerPath} is missing. Run "npm run build" in the extension folder.`);
    }
  }

  /** Reads and validates a config file; shows one clear message naming the file and field when it is wrong. */
  async loadConfig(uri: vscode.Uri): Promise<{ kind: 'run' | 'sweep' | 'unknown'; config: unknown; text: string }> {
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty) await doc.save();
    const text = doc.getText();
    const check = checkConfigText(text, uri.fsPath, { savedOnDisk: uri.scheme === 'file' });
    const errors = check.problems.filter((p) => p.severity === 'error');
    if (errors.length) {
      const first = errors[0];
      const pos = doc.positionAt(first.offset);
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
      const where = withField(`${path.basename(uri.fsPath)}:${pos.line + 1}`, first.field, first.message);
      void vscode.window.showErrorMessage(`Selectivity Lens: ${where}: ${first.message}${more}`, 'Go to Problem').then(async (pick) => {
        if (!pick) return;
        const editor = await vscode.window.showTextDocument(doc);
        const range = new vscode.Range(pos, doc.positionAt(first.offset + first.length));
        editor.selection = new vscode.Selection(range.start, range.end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      });
      throw new AlreadyReported();
    }
    return { kind: check.kind, config: check.config, text };
  }

  /** Where a config's runs go: its outDir (relative to the file) or the runs folder setting. */
  runsFolderFor(configPath: string | undefined, outDir: string | undefined): string {
    if (outDir && configPath) return path.resolve(path.dirname(configPath), outDir);
    if (outDir) return path.resolve(outDir);
    return resolveRunsFolder(this.context);
  }

  async startRun(uri: vscode.Uri): Promise<string | undefined> {
    this.requireTrust('Starting a run');
    this.requireEngine();
    const loaded = await this.loadConfig(uri);
    if (loaded.kind === 'sweep') {
      await vscode.commands.executeCommand('selectivityLens.startSweep', uri);
      return undefined;
    }
    const config = { ...(loaded.config as RunConfig) };
    if (!config.backend) config.backend = readSettings().preferredBackend;
    const runsFolder = this.runsFolderFor(uri.fsPath, config.outDir);
    await this.rememberRunsFolder(runsFolder);
    const name = runNameFor(uri.fsPath, config.name);
    // The folder is made here (exclusively, never reused) so its name is the run id the host tracks.
    const runDir = createRunDir(runsFolder, name);
    const runId = path.basename(runDir);
    const submitted = this.submit({ kind: 'start', runId, runDir, config, configPath: uri.fsPath, label: name }, { dir: runDir, configPath: uri.fsPath });
    void revealLiveView().catch((e) => this.log.warn(`could not reveal the Live view: ${String(e)}`));
    return submitted;
  }

  /** Queue a prepared job (used by runs, resumes, analyses and sweeps). */
  submit(job: RunJob, location: RunLocation): string {
    this.locations.set(job.runId, location);
    this.notified.delete(job.runId);
    const outcome = this.manager.submit(job);
    this.store.setState(job.runId, outcome === 'queued' ? 'queued' : 'starting');
    this.log.info(`[${job.runId}] ${job.kind} ${outcome} (${job.runDir})`);
    if (outcome === 'queued') {
      void vscode.window.showInformationMessage(
        `Selectivity Lens: "${job.label ?? job.runId}" is queued (${readSettings().maxConcurrentRuns} run(s) at once; see the setting selectivityLens.maxConcurrentRuns).`,
      );
    }
    this.setActiveRun(job.runId);
    this.showProgress(job.runId, job.label ?? job.runId);
    return job.runId;
  }

  stop(runId: string): void {
    const what = this.manager.stop(runId);
    if (what === undefined) throw new UserError(`Run ${runId} is not running.`);
    this.log.info(`[${runId}] stop: ${what}`);
    if (what === 'dequeued') {
      this.store.delete(runId);
      this.locations.delete(runId);
      this.hub.resnapshotAll();
    } else if (what === 'stopping') {
      this.store.setState(runId, 'stopping');
      void vscode.window.showInformationMessage(
        `Selectivity Lens: stopping "${this.store.get(runId)?.meta?.name ?? runId}" after the current batch (it saves a checkpoint). Stop again to end it at once.`,
      );
    }
  }

  async resume(runId: string): Promise<void> {
    this.requireTrust('Resuming a run');
    this.requireEngine();
    if (this.manager.isBusy(runId)) throw new UserError(`Run ${runId} is already ${this.manager.get(runId)?.state}.`);
    const loc = this.location(runId);
    if (!loc?.dir || !existsSync(loc.dir)) throw new UserError(`The folder of run ${runId} is gone, so it cannot be resumed.`);
    const checkpoints = path.join(loc.dir, 'checkpoints');
    if (!existsSync(checkpoints) || (await fs.readdir(checkpoints)).length === 0) {
      throw new UserError(`Run ${runId} has no checkpoint yet (${checkpoints}), so it cannot be resumed; start it again instead.`);
    }
    this.submit({ kind: 'resume', runId, runDir: loc.dir, label: this.store.get(runId)?.meta?.name ?? runId }, loc);
  }

  async analyse(modelPath: string, configUri: vscode.Uri | undefined, config: RunConfig, label: string): Promise<string> {
    this.requireTrust('Analysing a model');
    this.requireEngine();
    const runsFolder = this.runsFolderFor(configUri?.fsPath, config.outDir);
    await this.rememberRunsFolder(runsFolder);
    const runDir = createRunDir(runsFolder, runNameFor(undefined, `${label}-analysis`));
    const runId = path.basename(runDir);
    const cfg = { ...config, backend: config.backend ?? readSettings().preferredBackend };
    return this.submit({ kind: 'analyze', runId, runDir, modelPath, config: cfg, label: `${label} (analysis)` }, { dir: runDir, configPath: configUri?.fsPath });
  }

  async deleteRun(runId: string): Promise<boolean> {
    if (this.manager.isBusy(runId)) throw new UserError(`Run ${runId} is still active; stop it first.`);
    const loc = this.location(runId);
    const name = this.store.get(runId)?.meta?.name ?? runId;
    const pick = await vscode.window.showWarningMessage(
      `Delete run "${name}" and its folder${loc ? ` ${loc.dir}` : ''}? This cannot be undone.`,
      { modal: true },
      'Delete',
    );
    if (pick !== 'Delete') return false;
    if (loc?.dir) await fs.rm(loc.dir, { recursive: true, force: true });
    this.store.delete(runId);
    this.locations.delete(runId);
    if (this.activeRun === runId) this.setActiveRun(undefined);
    this.hub.resnapshotAll();
    return true;
  }

  private showProgress(runId: string, label: string): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Selectivity Lens: ${label}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let reported = 0;
          let lastReport = 0;
          const cancel = token.onCancellationRequested(() => {
            try {
              if (this.manager.isBusy(runId)) this.stop(runId);
            } catch (err) {
              this.reportError('Stop', err);
            }
          });
          const update = () => {
            const s = this.store.get(runId);
            if (!s || isTerminal(s.state) || (!this.manager.isBusy(runId) && s.state !== 'running')) {
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
          const sub = this.store.onDidChange((id) => id === runId && update());
          update();
        }),
    );
  }

  // ---- disk ----

  private async rememberRunsFolder(folder: string): Promise<void> {
    if (path.resolve(folder) === path.resolve(resolveRunsFolder(this.context))) return;
    const extra = this.context.workspaceState.get<string[]>(EXTRA_FOLDERS_KEY, []);
    if (!extra.includes(folder)) await this.context.workspaceState.update(EXTRA_FOLDERS_KEY, [...extra, folder].slice(-20));
  }

  runsFolders(): string[] {
    const main = resolveRunsFolder(this.context);
    const extra = this.context.workspaceState.get<string[]>(EXTRA_FOLDERS_KEY, []);
    return [main, ...extra.filter((f) => f !== main)];
  }

  /**
   * Reads every run folder; live runs keep their live state. Returns whether anything the views show changed
   * (a run appeared, went, or moved on on disk), so webviews are re-sent a snapshot only then.
   */
  async refreshFromDisk(): Promise<boolean> {
    const seen = new Set<string>();
    let changed = false;
    const signature = (r: RunViewState | undefined) => (r ? `${r.state}:${r.metrics.length}:${r.selectivity.length}:${r.meta?.name ?? ''}` : '');
    for (const folder of this.runsFolders()) {
      for (const entry of await listRunFolders(folder)) {
        const runs = entry.kind === 'run' ? [{ runId: entry.runId, dir: entry.dir }] : entry.runs;
        for (const r of runs) {
          // Runs the host or a sweep started keep the id they were given; others get the engine's (meta.runId or folder name).
          const s = await readRunFolder(r.dir, this.runIdForDir(r.dir));
          if (!s) continue;
          seen.add(s.runId);
          if (this.manager.isBusy(s.runId) || this.streaming.has(s.runId)) continue;
          const existing = this.store.get(s.runId);
          // Runs this session watched finish are already complete in memory (with arrays): keep them.
          if (existing && isTerminal(existing.state) && existing.selectivity.some((x) => x.layers.length > 0)) continue;
          this.locations.set(s.runId, { ...this.locations.get(s.runId), dir: r.dir, group: entry.kind === 'group' ? entry.name : undefined });
          if (signature(existing) === signature(s)) continue;
          changed = true;
          // A run whose arrays were loaded keeps them loaded.
          const hadArrays = existing?.selectivity.some((x) => x.layers.length > 0);
          this.store.putFromDisk(s, false);
          if (hadArrays) await this.ensureLoaded(s.runId);
        }
      }
    }
    // The views open on the newest run, with its per-unit arrays loaded.
    if (!this.activeRun || !this.store.has(this.activeRun)) {
      const newest = this.store.all().sort((a, b) => (b.meta?.startedAt ?? '').localeCompare(a.meta?.startedAt ?? ''))[0];
      if (newest) {
        await this.ensureLoaded(newest.runId);
        this.setActiveRun(newest.runId);
        changed = true;
      }
    }
    // Runs whose folders were deleted outside VS Code disappear, unless they are live.
    for (const s of this.store.all()) {
      if (!seen.has(s.runId) && !this.manager.isBusy(s.runId) && !this.streaming.has(s.runId) && isTerminal(s.state)) {
        const dir = this.location(s.runId)?.dir;
        if (!dir || !existsSync(dir)) {
          this.store.delete(s.runId);
          this.locations.delete(s.runId);
          changed = true;
        }
      }
    }
    return changed;
  }

  private runIdForDir(dir: string): string | undefined {
    for (const [id, loc] of this.locations) if (path.resolve(loc.dir) === path.resolve(dir)) return id;
    return undefined;
  }

  /** Make sure a past run's per-unit arrays are loaded (the panel draws them). */
  async ensureLoaded(runId: string): Promise<void> {
    const s = this.store.get(runId);
    if (!s || this.manager.isBusy(runId)) return;
    if (s.selectivity.length > 0 && s.selectivity.every((x) => x.layers.length > 0)) return;
    const dir = this.location(runId)?.dir;
    if (!dir) return;
    const full = await readRunFolder(dir, runId, { withSelectivity: true });
    if (full) this.store.putFromDisk(full, false);
  }

  // ---- webviews ----

  private snapshot(surface: Surface, runId: string | undefined): HostToWebview {
    return { type: 'snapshot', surface, runs: this.store.all(), activeRunId: runId ?? this.activeRun };
  }

  private async handleWebviewMessage(message: WebviewToHost, from: LiveConnection): Promise<void> {
    switch (message.type) {
      case 'openPanel':
        await this.openPanelHandler(message.runId ?? from.runId ?? this.activeRun);
        break;
      case 'selectRun': {
        const before = this.store.get(message.runId);
        await this.ensureLoaded(message.runId);
        // Arrays just read from disk reach the webview with a fresh snapshot.
        if (this.store.get(message.runId) !== before) this.hub.sendSnapshot(from);
        break;
      }
      case 'stopRun':
        await this.stopHandler(message.runId);
        break;
      case 'log':
        this.log.info(`[webview:${from.surface}] ${message.message}`);
        break;
      // Engineer 9: chart export (save dialog) and "compare these runs" from the sweep tab.
      case 'saveFile':
        await saveExportedFile(message);
        break;
      case 'compareRuns':
        await vscode.commands.executeCommand(COMPARE_COMMAND, message.runIds);
        break;
      default:
        await this.otherMessageHandler(message as { type: string });
        break;
    }
  }

  reportError(what: string, err: unknown): void {
    if (err instanceof AlreadyReported || err instanceof TrustRequired) return;
    this.log.error(`${what}: ${err instanceof Error && err.stack ? err.stack : userMessage(err)}`);
    void vscode.window.showErrorMessage(`Selectivity Lens: ${userMessage(err)}`);
  }

  dispose(): void {
    this.coalescer.dispose();
    for (const d of this.disposables) d.dispose();
    this.activeEmitter.dispose();
    void this.manager.dispose();
  }
}

/** Thrown after the user was already shown the problem: callers stay silent. */
export class AlreadyReported extends Error {
  constructor() {
    super('already reported');
  }
}

export class TrustRequired extends AlreadyReported {}

/** "file:line field" unless the message already names the field. */
export function withField(where: string, field: string | undefined, message: string): string {
  return field && !message.includes(field) ? `${where} ${field}` : where;
}

function isRegularFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Open a config file with the cursor on a field (dotted path), or at the top. */
export async function openAtField(file: string, field: string | undefined): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const editor = await vscode.window.showTextDocument(doc);
  if (!field) return;
  const { offset, length } = rangeOfField(doc.getText(), field);
  const range = new vscode.Range(doc.positionAt(offset), doc.positionAt(offset + length));
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** A newly started run shows its live charts in the sidebar at once; the editor keeps the keyboard. */
async function revealLiveView(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  await vscode.commands.executeCommand(`${LIVE_VIEW_ID}.focus`);
  if (editor) await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
}
