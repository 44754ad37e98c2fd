// The run lifecycle: starts, stops, resumes, analyzes and deletes runs through the engine processes of the run
// manager, and takes in every engine event (this host's engines and the runs of other owners, such as a
// sweep process) so that the catalog, the notices and the views see one stream.
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunConfig } from '../../protocol/config';
import type { EngineEvent } from '../../protocol/events';
import { isActive, isTerminal } from '../../protocol/runView';
import { WORKER_ENV } from '../../protocol/workerEnv';
import { engineWorkerPath } from '../../engine/client';
import { createRunDir, readRunLabel } from '../../engine/runStore';
import { loadConfig } from '../config/configDocuments';
import { COMMANDS, VIEWS } from '../ids';
import { nativeDir } from '../native/node/nativeInstall';
import { TrustRequired, UserError } from '../node/userMessage';
import { readSettings, resolveDatasetsFolder, resolveRunsFolder } from '../settings';
import type { RunCatalog, RunLocation } from './runCatalog';
import type { RunNotices } from './runNotices';
import { RunManager, type RunJob } from './node/runManager';
import { runNameFor } from './node/runNaming';
import { runDisplayName } from '../../protocol/runName';

/** Something other than this host's run manager that runs runs (a sweep process) and can stop them. */
export interface RunOwner {
  ownsRun(runId: string): boolean;
  stopRun(runId: string): void;
}

export class RunController implements vscode.Disposable {
  readonly manager: RunManager;
  private readonly owners: RunOwner[] = [];
  private readonly events = new vscode.EventEmitter<EngineEvent>();
  /** Every engine event, after the catalog took it in (the views' stream). */
  readonly onEvent = this.events.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly catalog: RunCatalog,
    private readonly notices: RunNotices,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const settings = readSettings();
    this.manager = new RunManager({
      maxConcurrent: settings.maxConcurrentRuns,
      env: () => this.engineEnv(),
      onOutput: (runId, line, stream) => (stream === 'stderr' ? this.log.warn(`[${runId}] ${line}`) : this.log.info(`[${runId}] ${line}`)),
    });
    this.manager.onEvent((e) => this.ingest(e));
    this.manager.onDidChange(() => this.syncQueuedStates());
  }

  /** Runs of this owner are stopped through it (a sweep stops its own runs). */
  addOwner(owner: RunOwner): void {
    this.owners.push(owner);
  }

  applySettings(): void {
    this.manager.setMaxConcurrent(readSettings().maxConcurrentRuns);
  }

  // ---- engine events ----

  /** One engine event from any source (this host's engines, a sweep process). */
  ingest(e: EngineEvent): void {
    if ('runId' in e && e.runId) this.catalog.setLive(e.runId, e.type !== 'runFinished' || this.manager.isBusy(e.runId));
    this.catalog.store.apply(e);
    if (e.type === 'runStarted') {
      this.catalog.place(e.runId, { dir: e.meta.runDir || this.catalog.location(e.runId)?.dir || '' });
      // A run resumed by a sweep process before the tree read its folder: its label.json names it.
      const dir = this.catalog.location(e.runId)?.dir;
      const label = dir && !this.catalog.store.get(e.runId)?.label ? readRunLabel(dir, (w) => this.log.warn(w)) : undefined;
      if (label) this.catalog.setLabel(e.runId, label);
      const active = this.catalog.activeRunId;
      if (!active || !isActive(this.catalog.store.get(active)?.state ?? 'completed')) this.catalog.setActiveRun(e.runId);
    }
    this.events.fire(e);
    this.notices.onEngineEvent(e);
  }

  /** Mirror host-side states (queued) into the store so the tree and snapshots show them. */
  private syncQueuedStates(): void {
    const store = this.catalog.store;
    for (const r of this.manager.activeRuns()) {
      const current = store.get(r.job.runId)?.state;
      if (r.state === 'queued' && current !== 'queued') store.setState(r.job.runId, 'queued');
      else if (r.state === 'starting' && (current === 'queued' || current === undefined || isTerminal(current))) store.setState(r.job.runId, 'starting');
      else if (r.state === 'stopping' && current !== 'stopping' && current !== undefined && !isTerminal(current)) store.setState(r.job.runId, 'stopping');
    }
  }

  /** What every engine process of the host gets (the native TensorFlow build once installed, its threads). */
  engineEnv(): NodeJS.ProcessEnv {
    const env = this.dataEnv();
    const native = nativeDir(this.context.globalStorageUri.fsPath);
    if (existsSync(native)) env[WORKER_ENV.nativeDir] = native;
    const threads = Math.max(1, Math.floor(os.cpus().length / Math.max(1, readSettings().maxConcurrentRuns)));
    env[WORKER_ENV.threads] = String(threads);
    return env;
  }

  /** Where downloaded data sets go (the datasets folder setting); a sweep passes it on to every run. */
  dataEnv(): NodeJS.ProcessEnv {
    const datasets = resolveDatasetsFolder(this.context);
    return datasets ? { [WORKER_ENV.datasets]: datasets } : {};
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
    const worker = engineWorkerPath();
    if (!existsSync(worker)) {
      throw new UserError(`The engine is not built: ${worker} is missing. Run "npm run build" in the extension folder.`);
    }
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
    const loaded = await loadConfig(uri);
    if (loaded.kind === 'sweep') {
      await vscode.commands.executeCommand(COMMANDS.startSweep, uri);
      return undefined;
    }
    const config = { ...(loaded.config as RunConfig) };
    if (!config.backend) config.backend = readSettings().preferredBackend;
    const runsFolder = this.runsFolderFor(uri.fsPath, config.outDir);
    await this.catalog.rememberRunsFolder(runsFolder);
    const name = runNameFor(uri.fsPath, config.name);
    // The folder is made here (exclusively, never reused) so its name is the run id the host tracks.
    const runDir = createRunDir(runsFolder, name);
    const runId = path.basename(runDir);
    const submitted = this.submit({ kind: 'start', runId, runDir, config, configPath: uri.fsPath, label: name }, { dir: runDir, configPath: uri.fsPath });
    void revealLiveView().catch((e) => this.log.warn(`could not reveal the Live view: ${String(e)}`));
    return submitted;
  }

  /** Queue a prepared job (used by runs, resumes and analyses). */
  private submit(job: RunJob, location: RunLocation): string {
    this.catalog.placeNew(job.runId, location);
    this.catalog.setLive(job.runId, true);
    this.notices.reset(job.runId);
    const outcome = this.manager.submit(job);
    this.catalog.store.setState(job.runId, outcome === 'queued' ? 'queued' : 'starting');
    this.log.info(`[${job.runId}] ${job.kind} ${outcome} (${job.runDir})`);
    if (outcome === 'queued') this.notices.queued(job.label ?? job.runId);
    this.catalog.setActiveRun(job.runId);
    this.notices.showProgress(job.runId, job.label ?? job.runId, { isBusy: (id) => this.manager.isBusy(id), stop: (id) => this.stop(id) });
    return job.runId;
  }

  /** Stops a run wherever it runs: a run an owner (a sweep) runs is stopped by that owner. */
  stop(runId: string): void {
    if (!this.manager.isBusy(runId)) {
      const owner = this.owners.find((o) => o.ownsRun(runId));
      if (owner) return owner.stopRun(runId);
    }
    const what = this.manager.stop(runId);
    if (what === undefined) throw new UserError(`Run ${runId} is not running.`);
    this.log.info(`[${runId}] stop: ${what}`);
    if (what === 'dequeued') {
      this.catalog.forget(runId);
    } else if (what === 'stopping') {
      this.catalog.store.setState(runId, 'stopping');
      this.notices.stopping(runId);
    }
  }

  async resume(runId: string): Promise<void> {
    this.requireTrust('Resuming a run');
    this.requireEngine();
    if (this.manager.isBusy(runId)) throw new UserError(`Run ${runId} is already ${this.manager.get(runId)?.state}.`);
    const loc = this.catalog.location(runId);
    if (!loc?.dir || !existsSync(loc.dir)) throw new UserError(`The folder of run ${runId} is gone, so it cannot be resumed.`);
    const checkpoints = path.join(loc.dir, 'checkpoints');
    if (!existsSync(checkpoints) || (await fs.readdir(checkpoints)).length === 0) {
      throw new UserError(`Run ${runId} has no checkpoint yet (${checkpoints}), so it cannot be resumed; start it again instead.`);
    }
    this.submit({ kind: 'resume', runId, runDir: loc.dir, label: runDisplayName(this.catalog.store.get(runId) ?? { runId }) }, loc);
  }

  async analyze(modelPath: string, configUri: vscode.Uri | undefined, config: RunConfig, label: string): Promise<string> {
    this.requireTrust('Analyzing a model');
    this.requireEngine();
    const runsFolder = this.runsFolderFor(configUri?.fsPath, config.outDir);
    await this.catalog.rememberRunsFolder(runsFolder);
    const runDir = createRunDir(runsFolder, runNameFor(undefined, `${label}-analysis`));
    const runId = path.basename(runDir);
    const cfg = { ...config, backend: config.backend ?? readSettings().preferredBackend };
    return this.submit({ kind: 'analyze', runId, runDir, modelPath, config: cfg, label: `${label} (analysis)` }, { dir: runDir, configPath: configUri?.fsPath });
  }

  async deleteRun(runId: string): Promise<boolean> {
    if (this.manager.isBusy(runId)) throw new UserError(`Run ${runId} is still active; stop it first.`);
    const loc = this.catalog.location(runId);
    const name = runDisplayName(this.catalog.store.get(runId) ?? { runId });
    const pick = await vscode.window.showWarningMessage(
      `Delete run "${name}" and its folder${loc ? ` ${loc.dir}` : ''}? This cannot be undone.`,
      { modal: true },
      'Delete',
    );
    if (pick !== 'Delete') return false;
    if (loc?.dir) await fs.rm(loc.dir, { recursive: true, force: true });
    this.catalog.forget(runId);
    return true;
  }

  dispose(): void {
    this.events.dispose();
    void this.manager.dispose();
  }
}

/** A newly started run shows its live charts in the sidebar at once; the editor keeps the keyboard. */
async function revealLiveView(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  await vscode.commands.executeCommand(`${VIEWS.live}.focus`);
  if (editor) await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
}
