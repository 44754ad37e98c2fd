// "Install Native TensorFlow Backend": installs @tensorflow/tfjs-node(-gpu) with npm into the extension's global
// storage (outside the VSIX), where new engine processes find it, and offers to make it the default backend.
// The GPU build is checked first (driver, CUDA 11 and cuDNN 8 libraries) and tried after (a self-test decides
// whether "auto" can use it), so nobody installs 400 MB that cannot load.
import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../ids';
import { UserError, userMessage } from '../node/userMessage';
import { installNativePackage, nativeDir, type NativePackage } from './node/nativeInstall';
import { inspectGpu } from './setUpGpu';

export async function installNative(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, preset?: NativePackage): Promise<void> {
  const pick = preset ? { pkg: preset } : await vscode.window.showQuickPick(
    [
      {
        label: 'GPU (CUDA)',
        description: '@tensorflow/tfjs-node-gpu',
        detail: 'NVIDIA GPU on Linux or Windows x64; needs the CUDA 11 runtime and cuDNN 8 (checked before installing).',
        pkg: '@tensorflow/tfjs-node-gpu' as NativePackage,
      },
      {
        label: 'CPU (native)',
        description: '@tensorflow/tfjs-node',
        detail: 'Native TensorFlow on the CPU; much faster than WebAssembly.',
        pkg: '@tensorflow/tfjs-node' as NativePackage,
      },
    ],
    { placeHolder: 'Which native TensorFlow build?' },
  );
  if (!pick) return;
  if (pick.pkg === '@tensorflow/tfjs-node-gpu') {
    const { cuda } = await inspectGpu(context, log);
    const gpus = cuda.driver?.gpus.map((g) => g.name).join(', ');
    const ok = cuda.ready
      ? await vscode.window.showInformationMessage(
          `This machine has what the GPU build needs (NVIDIA driver ${cuda.driver?.version ?? '?'}${gpus ? `, ${gpus}` : ''}, CUDA 11 and cuDNN 8).`,
          { modal: true, detail: cuda.warnings.join('\n\n') || undefined },
          'Install',
        )
      : await vscode.window.showWarningMessage(
          'The GPU build would not load on this machine yet.',
          { modal: true, detail: [...cuda.problems, ...cuda.warnings].join('\n\n') },
          'Install Anyway',
        );
    if (!ok) return;
  }
  const dir = nativeDir(context.globalStorageUri.fsPath);
  log.show(true);
  log.info(`Installing ${pick.pkg} into ${dir}`);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Selectivity Lens: installing ${pick.pkg}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      try {
        await installNativePackage({
          dir,
          pkg: pick.pkg,
          signal: abort.signal,
          onLine: (line) => {
            log.info(`[npm] ${line}`);
            progress.report({ message: line.slice(0, 80) });
          },
        });
      } catch (err) {
        if (token.isCancellationRequested) throw new UserError('Installation cancelled.');
        throw new UserError(`${userMessage(err)}`);
      }
    },
  );
  log.info(`Installed ${pick.pkg}; new runs get SELECTIVITY_LENS_NATIVE_DIR=${dir}`);
  const backend = pick.pkg === '@tensorflow/tfjs-node-gpu' ? 'tfjs-node-gpu' : 'tfjs-node';
  // The self-test: 'auto' starts the new package (unless a rung above it won) and computes on it.
  const after = await inspectGpu(context, log);
  const refused = after.auto.passedOver.find((t) => t.startsWith(`${backend}:`));
  const failed = after.auto.backend === backend && !after.selfTest.ok ? after.selfTest.error : undefined;
  if (refused ?? failed) {
    throw new UserError(`${pick.pkg} is installed but does not work here: ${refused ?? failed}. Runs keep using ${after.auto.backend}; "Selectivity Lens: Set Up GPU" shows what is missing.`);
  }
  const choice = await vscode.window.showInformationMessage(
    `Selectivity Lens: ${pick.pkg} is installed. New runs with backend "auto" or "${backend}" use it.`,
    `Make "${backend}" the default`,
  );
  if (choice) {
    await vscode.workspace.getConfiguration(SETTINGS_SECTION).update('preferredBackend', backend, vscode.ConfigurationTarget.Global);
  }
}
