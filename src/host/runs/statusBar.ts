// Status bar: the active live run's epoch, images per second and ETA; hidden when nothing runs.
import * as vscode from 'vscode';
import { isActive } from '../../protocol/runView';
import { COMMANDS, STATUS_ITEM_ID } from '../ids';
import type { RunCatalog } from './runCatalog';
import { statusText } from './node/runText';

export class RunStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly activeSub: vscode.Disposable;

  constructor(private readonly catalog: RunCatalog) {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Selectivity Lens Run';
    this.unsubscribe = catalog.store.onDidChange(() => this.updateSoon());
    this.activeSub = catalog.onDidChangeActiveRun(() => this.updateSoon());
    this.update();
  }

  private updateSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.update();
    }, 250);
  }

  private update(): void {
    const runs = this.catalog.store.all().filter((r) => isActive(r.state) || r.state === 'queued');
    const active = this.catalog.activeRunId;
    const shown = runs.find((r) => r.runId === active) ?? runs.find((r) => isActive(r.state)) ?? runs[0];
    if (!shown) {
      this.item.hide();
      return;
    }
    const others = runs.length - 1;
    this.item.text = `$(pulse) ${statusText(shown)}${others > 0 ? ` (+${others})` : ''}`;
    this.item.tooltip = `Selectivity Lens: ${shown.state}. Click to open the panel.`;
    this.item.command = { command: COMMANDS.openPanel, title: 'Open Panel', arguments: [shown.runId] };
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
    this.activeSub.dispose();
    this.item.dispose();
  }
}
