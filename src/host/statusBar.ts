// Status bar: the active live run's epoch, images per second and ETA; hidden when nothing runs.
import * as vscode from 'vscode';
import { isActive } from '../protocol/runView';
import type { RunController } from './runController';
import { statusText } from './runText';

export class RunStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly activeSub: vscode.Disposable;

  constructor(private readonly controller: RunController) {
    this.item = vscode.window.createStatusBarItem('selectivityLens.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Selectivity Lens Run';
    this.unsubscribe = controller.store.onDidChange(() => this.updateSoon());
    this.activeSub = controller.onDidChangeActiveRun(() => this.updateSoon());
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
    const runs = this.controller.store.all().filter((r) => isActive(r.state) || r.state === 'queued');
    const active = this.controller.activeRunId;
    const shown = runs.find((r) => r.runId === active) ?? runs.find((r) => isActive(r.state)) ?? runs[0];
    if (!shown) {
      this.item.hide();
      return;
    }
    const others = runs.length - 1;
    this.item.text = `$(pulse) ${statusText(shown)}${others > 0 ? ` (+${others})` : ''}`;
    this.item.tooltip = `Selectivity Lens: ${shown.state}. Click to open the panel.`;
    this.item.command = { command: 'selectivityLens.openPanel', title: 'Open Panel', arguments: [shown.runId] };
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
    this.activeSub.dispose();
    this.item.dispose();
  }
}
