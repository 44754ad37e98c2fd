// Editor support for *.selectivity.json: "Run" / "Validate" / "Start Sweep" CodeLenses on the first line and
// diagnostics at the exact field (the engine's own validator), refreshed on open, change and save.
import * as vscode from 'vscode';
import { COMMANDS } from '../ids';
import { checkConfigText, configKindOf, type ConfigCheck } from './node/configValidation';

export const CONFIG_SELECTOR: vscode.DocumentSelector = [
  { pattern: '**/*.selectivity.json' },
];

export function isConfigDocument(doc: vscode.TextDocument): boolean {
  return /\.selectivity\.json$/i.test(doc.uri.path);
}

export class ConfigCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isConfigDocument(doc)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const kind = configKindOf(doc.getText());
    const lenses: vscode.CodeLens[] = [];
    if (kind === 'sweep') {
      lenses.push(new vscode.CodeLens(top, { title: '$(run-all) Start Sweep', command: COMMANDS.startSweep, arguments: [doc.uri], tooltip: 'Train one run per sweep point' }));
    } else {
      lenses.push(new vscode.CodeLens(top, { title: '$(play) Run', command: COMMANDS.startRun, arguments: [doc.uri], tooltip: 'Train this config' }));
    }
    lenses.push(new vscode.CodeLens(top, { title: '$(check) Validate', command: COMMANDS.validateConfig, arguments: [doc.uri], tooltip: 'Check this config against the schema and the engine' }));
    return lenses;
  }
}

export class ConfigDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('selectivity-lens');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.checkSoon(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
    );
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  /** Validates now; returns the result (undefined when the document is no config). */
  check(doc: vscode.TextDocument): ConfigCheck | undefined {
    if (!isConfigDocument(doc)) return undefined;
    let result: ConfigCheck;
    try {
      result = checkConfigText(doc.getText(), doc.uri.fsPath, { savedOnDisk: !doc.isDirty && doc.uri.scheme === 'file' });
    } catch (err) {
      // A validator bug must not take the editor down with it.
      result = { kind: 'unknown', problems: [{ message: `Validator failed: ${err instanceof Error ? err.message : String(err)}`, offset: 0, length: 1, severity: 'warning' }] };
    }
    this.collection.set(
      doc.uri,
      result.problems.map((p) => {
        const range = new vscode.Range(doc.positionAt(p.offset), doc.positionAt(p.offset + p.length));
        const d = new vscode.Diagnostic(range, p.message, p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
        d.source = 'selectivity-lens';
        if (p.field) d.code = p.field;
        return d;
      }),
    );
    return result;
  }

  private checkSoon(doc: vscode.TextDocument): void {
    if (!isConfigDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.check(doc);
      }, 300),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
    this.collection.dispose();
  }
}
