// "Set Up GPU": shows what this machine offers for training (the WebGPU adapter Dawn sees, whether native CUDA
// can work, what the next run with "auto" uses) from an engine child process, and offers the next step: use
// WebGPU for new runs, or install the native CUDA build where the machine has what it needs.
import * as vscode from 'vscode';
import { queryGpu } from '../../engine/client';
import { gpuReportText, type GpuReport } from '../../protocol/gpu';
import { SETTINGS_SECTION, SETTING_KEYS } from '../ids';
import { UserError, userMessage } from '../node/userMessage';
import { nativeDir } from './node/nativeInstall';

/** Runs the engine's GPU query with a progress notification; the full report goes to the log. */
export async function inspectGpu(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<GpuReport> {
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Selectivity Lens: looking at this machine\'s GPUs', cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      try {
        return await queryGpu({ nativeDirs: [nativeDir(context.globalStorageUri.fsPath)], signal: abort.signal });
      } catch (e) {
        throw new UserError(token.isCancellationRequested ? 'GPU check cancelled.' : userMessage(e));
      }
    },
  );
  for (const line of gpuReportText(report).trimEnd().split('\n')) log.info(`[gpu] ${line}`);
  return report;
}

type Action = 'useWebGpu' | 'installCuda' | 'showLog';

export async function setUpGpu(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, installCuda: () => Promise<void>): Promise<void> {
  const r = await inspectGpu(context, log);
  const adapter = r.webgpu.adapter;
  const items: Array<vscode.QuickPickItem & { action?: Action }> = [
    { label: 'This machine', kind: vscode.QuickPickItemKind.Separator },
    {
      label: `$(circuit-board) WebGPU: ${adapter ? r.webgpu.label : 'no adapter'}`,
      detail: adapter ? (adapter.software ? 'A software adapter (CPU): "auto" does not use it; slower than WebAssembly.' : 'A hardware GPU: "auto" trains on it unless native CUDA works.') : r.webgpu.reason,
    },
    {
      label: `$(server-environment) Native CUDA: ${r.native['tfjs-node-gpu'].installed ? 'installed' : 'not installed'}, ${r.cuda.ready ? 'the machine has what it needs' : 'the machine lacks what it needs'}`,
      detail: [...r.cuda.problems, ...r.cuda.warnings].join(' ') || undefined,
    },
    {
      label: `$(play) Next run with "auto": ${r.auto.backend}${r.auto.device ? ` on ${r.auto.device}` : ''}`,
      detail: r.selfTest.ok ? `Self-test passed in ${r.selfTest.ms.toFixed(0)} ms. Passed over: ${r.auto.passedOver.join('; ') || 'nothing'}` : `Self-test failed: ${r.selfTest.error ?? 'unknown'}`,
    },
    { label: 'Next step', kind: vscode.QuickPickItemKind.Separator },
  ];
  if (adapter && !adapter.software) items.push({ label: '$(check) Use WebGPU for new runs', description: 'sets selectivityLens.preferredBackend to "webgpu"', action: 'useWebGpu' });
  if (r.cuda.platformSupported && !r.native['tfjs-node-gpu'].installed) {
    items.push({ label: '$(cloud-download) Install the native CUDA build…', description: r.cuda.ready ? '@tensorflow/tfjs-node-gpu' : 'the machine lacks CUDA 11 pieces (see above)', action: 'installCuda' });
  }
  items.push({ label: '$(output) Show the full report', action: 'showLog' });
  const pick = await vscode.window.showQuickPick(items, { title: 'Selectivity Lens: Set Up GPU', placeHolder: 'What this machine offers for training, and what to do next' });
  switch (pick?.action) {
    case undefined:
      return;
    case 'useWebGpu':
      await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(SETTING_KEYS.preferredBackend, 'webgpu', vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage(`Selectivity Lens: new runs whose config does not name a backend use WebGPU on ${r.webgpu.label}.`);
      return;
    case 'installCuda':
      return installCuda();
    case 'showLog':
      log.show(true);
      return;
  }
}
