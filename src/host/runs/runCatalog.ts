// Every run the extension knows: where each lives on disk and which sweep it belongs to, its view state (live
// from engine events, past from run folders), which run the views follow, and the runs folders to look in.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SchedulerJob } from '../../protocol/executor';
import type { RunLabel } from '../../protocol/runStore';
import { isTerminal, type RunViewState } from '../../protocol/runView';
import { STATE_KEYS } from '../ids';
import { resolveRunsFolder } from '../settings';
import { listRunFolders, readRunFolder } from './node/runFolders';
import { RunViewStore } from './node/runViewStore';

/** Where a run lives on disk and how it is grouped in the tree. */
export interface RunLocation {
  dir: string;
  group?: string;
  /** The *.selectivity.json it came from, when known. */
  configPath?: string;
}

export class RunCatalog implements vscode.Disposable {
  readonly store = new RunViewStore();
  private readonly locations = new Map<string, RunLocation>();
  /** Runs that are live in this session: started by this host, or streaming events from a sweep process. */
  private readonly live = new Set<string>();
  /** What a cluster scheduler last said about runs of Slurm sweeps that are not finished. */
  private readonly scheduler = new Map<string, SchedulerJob>();
  private activeRun: string | undefined;
  private readonly activeEmitter = new vscode.EventEmitter<string | undefined>();
  /** The run the views follow changed. */
  readonly onDidChangeActiveRun = this.activeEmitter.event;
  private readonly listEmitter = new vscode.EventEmitter<void>();
  /** Runs appeared, went, or were (re)loaded from disk: the views need a fresh snapshot. */
  readonly onDidChangeRunList = this.listEmitter.event;
  private readonly schedulerEmitter = new vscode.EventEmitter<string>();
  /** A run's scheduler state changed (the Runs tree shows it). */
  readonly onDidChangeScheduler = this.schedulerEmitter.event;

  constructor(private readonly context: vscode.ExtensionContext) {}

  get activeRunId(): string | undefined {
    return this.activeRun;
  }

  setActiveRun(runId: string | undefined): void {
    if (runId === this.activeRun) return;
    this.activeRun = runId;
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

  /** Record where a run lives (merged with what is known: a sweep run keeps its group). */
  place(runId: string, location: Partial<RunLocation> & { dir: string }): void {
    this.locations.set(runId, { ...this.locations.get(runId), ...location });
  }

  /** A new job for this run: where it lives, replacing what was known. */
  placeNew(runId: string, location: RunLocation): void {
    this.locations.set(runId, location);
  }

  /** The scheduler's word on a run's job (undefined: none, or the run is finished). */
  setScheduler(runId: string, job: SchedulerJob | undefined): void {
    const before = this.scheduler.get(runId);
    if (job) this.scheduler.set(runId, job);
    else this.scheduler.delete(runId);
    if (before?.jobId !== job?.jobId || before?.state !== job?.state || before?.reason !== job?.reason) this.schedulerEmitter.fire(runId);
  }

  schedulerOf(runId: string): SchedulerJob | undefined {
    return this.scheduler.get(runId);
  }

  /** The run is live in this session (true) or finished (false); live runs are not re-read from disk. */
  setLive(runId: string, live: boolean): void {
    if (live) this.live.add(runId);
    else this.live.delete(runId);
  }

  isLive(runId: string): boolean {
    return this.live.has(runId);
  }

  /** The run was renamed or tagged (its label.json is written): every view shows the new name. */
  setLabel(runId: string, label: RunLabel): void {
    this.store.setLabel(runId, label);
    this.listEmitter.fire();
  }

  /** Forget a run (its folder was deleted or it never started). */
  forget(runId: string): void {
    this.store.delete(runId);
    this.locations.delete(runId);
    this.live.delete(runId);
    if (this.activeRun === runId) this.setActiveRun(undefined);
    this.listEmitter.fire();
  }

  // ---- runs folders ----

  async rememberRunsFolder(folder: string): Promise<void> {
    if (path.resolve(folder) === path.resolve(resolveRunsFolder(this.context))) return;
    const extra = this.context.workspaceState.get<string[]>(STATE_KEYS.extraRunFolders, []);
    if (!extra.includes(folder)) await this.context.workspaceState.update(STATE_KEYS.extraRunFolders, [...extra, folder].slice(-20));
  }

  runsFolders(): string[] {
    const main = resolveRunsFolder(this.context);
    const extra = this.context.workspaceState.get<string[]>(STATE_KEYS.extraRunFolders, []);
    return [main, ...extra.filter((f) => f !== main)];
  }

  /**
   * Reads every run folder; live runs keep their live state. When anything the views show changed (a run
   * appeared, went, or moved on on disk), the views are sent a fresh snapshot.
   */
  async refreshFromDisk(): Promise<void> {
    const seen = new Set<string>();
    let changed = false;
    const signature = (r: RunViewState | undefined) => (r ? `${r.state}:${r.metrics.length}:${r.selectivity.length}:${r.meta?.name ?? ''}:${JSON.stringify(r.label ?? null)}` : '');
    for (const folder of this.runsFolders()) {
      for (const entry of await listRunFolders(folder)) {
        const runs = entry.kind === 'run' ? [{ runId: entry.runId, dir: entry.dir }] : entry.runs;
        for (const r of runs) {
          // Runs the host or a sweep started keep the id they were given; others get the engine's (meta.runId or folder name).
          const s = await readRunFolder(r.dir, this.runIdForDir(r.dir));
          if (!s) continue;
          seen.add(s.runId);
          if (this.live.has(s.runId)) continue;
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
      if (!seen.has(s.runId) && !this.live.has(s.runId) && isTerminal(s.state)) {
        const dir = this.location(s.runId)?.dir;
        if (!dir || !existsSync(dir)) {
          this.store.delete(s.runId);
          this.locations.delete(s.runId);
          changed = true;
        }
      }
    }
    if (changed) this.listEmitter.fire();
  }

  private runIdForDir(dir: string): string | undefined {
    for (const [id, loc] of this.locations) if (path.resolve(loc.dir) === path.resolve(dir)) return id;
    return undefined;
  }

  /** Make sure a past run's per-unit arrays are loaded (the panel draws them). Returns whether it read them now. */
  async ensureLoaded(runId: string): Promise<boolean> {
    const s = this.store.get(runId);
    if (!s || this.live.has(runId)) return false;
    if (s.selectivity.length > 0 && s.selectivity.every((x) => x.layers.length > 0)) return false;
    const dir = this.location(runId)?.dir;
    if (!dir) return false;
    const full = await readRunFolder(dir, runId, { withSelectivity: true });
    if (!full) return false;
    this.store.putFromDisk(full, false);
    return true;
  }

  dispose(): void {
    this.activeEmitter.dispose();
    this.listEmitter.dispose();
    this.schedulerEmitter.dispose();
  }
}
