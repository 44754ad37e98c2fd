// The Runs tree: sweep groups, then runs with a status icon and "α · epoch · accuracy · SI" description.
import * as vscode from 'vscode';
import { schedulerText, type SchedulerJob } from '../../protocol/executor';
import { runDisplayName, runTagsText } from '../../protocol/runName';
import { isActive } from '../../protocol/runView';
import type { RunViewState } from '../../protocol/runView';
import { COMMANDS } from '../ids';
import type { RunCatalog } from './runCatalog';
import type { RunsNode } from './node/runsNode';
import { runDescription, sameNameSuffix } from './node/runText';
import { runFacts } from './node/runViewStore';


export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly catalog: RunCatalog) {
    // Engines report many times a second; the tree redraws at most a few times a second.
    const offStore = catalog.store.onDidChange(() => this.refreshSoon());
    const scheduler = catalog.onDidChangeScheduler(() => this.refreshSoon());
    this.unsubscribe = () => {
      offStore();
      scheduler.dispose();
    };
  }

  refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, 300);
  }

  getChildren(node?: RunsNode): RunsNode[] {
    const runs = this.catalog.store.all();
    if (!node) {
      const groups = new Set<string>();
      const loose: RunViewState[] = [];
      for (const r of runs) {
        const g = this.catalog.groupOf(r.runId);
        if (g) groups.add(g);
        else loose.push(r);
      }
      return [
        ...[...groups].sort().map((name): RunsNode => ({ kind: 'group', name })),
        ...sortRuns(loose).map((r): RunsNode => ({ kind: 'run', runId: r.runId })),
      ];
    }
    if (node.kind === 'group') {
      return sortRuns(runs.filter((r) => this.catalog.groupOf(r.runId) === node.name)).map((r) => ({ kind: 'run', runId: r.runId }));
    }
    return [];
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    if (node.kind === 'group') {
      const members = this.catalog.store.all().filter((r) => this.catalog.groupOf(r.runId) === node.name);
      const live = members.filter((r) => isActive(r.state) || r.state === 'queued').length;
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `group:${node.name}`;
      item.iconPath = new vscode.ThemeIcon(live ? 'sync~spin' : 'layers');
      item.description = `${members.length} run${members.length === 1 ? '' : 's'}${live ? ` · ${live} active` : ''}`;
      item.contextValue = live ? 'sweep.group.running' : 'sweep.group';
      return item;
    }
    const s = this.catalog.store.get(node.runId);
    const label = s ? runDisplayName(s) : (node.runId.split('/').pop() ?? node.runId);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${node.runId}`;
    if (!s) return item;
    const apart = sameNameSuffix(s, this.catalog.store.all());
    item.description = [runDescription(s, this.catalog.schedulerOf(node.runId)), apart, runTagsText(s)].filter(Boolean).join(' · ');
    item.iconPath = stateIcon(s);
    item.contextValue = `run.${s.state}`;
    item.tooltip = tooltip(s, this.catalog.location(node.runId)?.dir, this.catalog.schedulerOf(node.runId));
    item.command = { command: COMMANDS.openPanel, title: 'Open Panel', arguments: [node.runId] };
    item.accessibilityInformation = { label: `${label}, ${s.state}, ${item.description}` };
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
    this.changed.dispose();
  }
}

function sortRuns(runs: RunViewState[]): RunViewState[] {
  const rank = (r: RunViewState) => (isActive(r.state) ? 0 : r.state === 'queued' ? 1 : 2);
  const started = (r: RunViewState) => r.meta?.startedAt ?? r.runId;
  return [...runs].sort((a, b) => rank(a) - rank(b) || started(b).localeCompare(started(a)));
}

function stateIcon(s: RunViewState): vscode.ThemeIcon {
  switch (s.state) {
    case 'queued':
      return new vscode.ThemeIcon('clock');
    case 'starting':
      return new vscode.ThemeIcon('loading~spin');
    case 'running':
      return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue'));
    case 'stopping':
      return new vscode.ThemeIcon('debug-stop', new vscode.ThemeColor('charts.yellow'));
    case 'completed':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'stopped':
      return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  }
}

function tooltip(s: RunViewState, dir: string | undefined, job: SchedulerJob | undefined): vscode.MarkdownString {
  const f = runFacts(s);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMd(f.name)}** — ${s.state}\n\n`);
  if (s.label?.label && s.meta?.name) md.appendMarkdown(`config ${escapeMd(s.meta.name)}\n\n`);
  if (s.label?.tags.length) md.appendMarkdown(`tags ${escapeMd(runTagsText(s))}\n\n`);
  if (s.meta) md.appendMarkdown(`${escapeMd(s.meta.model)} on ${escapeMd(s.meta.dataset)} · backend ${escapeMd(s.meta.backend)}\n\n`);
  if (f.alpha !== undefined) md.appendMarkdown(`α = ${f.alpha}\n\n`);
  if (f.epoch !== undefined) md.appendMarkdown(`epoch ${f.epoch}${f.epochs ? ` of ${f.epochs}` : ''}\n\n`);
  if (f.testAcc !== undefined && Number.isFinite(f.testAcc)) md.appendMarkdown(`test accuracy ${(f.testAcc * 100).toFixed(2)}%\n\n`);
  if (f.networkSI !== undefined && Number.isFinite(f.networkSI)) md.appendMarkdown(`network SI ${f.networkSI.toFixed(4)}\n\n`);
  if (job) md.appendMarkdown(`${escapeMd(schedulerText(job))}\n\n`);
  if (f.error) md.appendMarkdown(`$(error) ${escapeMd(f.error)}\n\n`);
  for (const w of s.warnings ?? []) md.appendMarkdown(`$(warning) ${escapeMd(w)}\n\n`);
  if (dir) md.appendMarkdown(`\`${dir}\``);
  return md;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
