// Installs the native TensorFlow.js build (@tensorflow/tfjs-node or -gpu) with npm into a folder the engine
// is told about (SELECTIVITY_LENS_NATIVE_DIR; the engine resolves <dir>/node_modules). Plain Node: no vscode.
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';

export type NativePackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

/** Must match the tfjs-core version the engine uses. */
export const TFJS_VERSION = '4.22.0';

export function nativeDir(globalStorage: string): string {
  return path.join(globalStorage, 'native');
}

export interface InstallOptions {
  dir: string;
  pkg: NativePackage;
  version?: string;
  /** npm executable (default: npm on PATH; npm.cmd on Windows). */
  npm?: string;
  onLine?: (line: string) => void;
  /** Abort the install. */
  signal?: AbortSignal;
}

/** npm arguments that install `pkg` into `dir` without touching any other project. */
export function npmInstallArgs(dir: string, spec: string): string[] {
  return ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', '--loglevel', 'http', spec];
}

export async function installNativePackage(options: InstallOptions): Promise<void> {
  const { dir, pkg } = options;
  await fs.mkdir(dir, { recursive: true });
  // A package.json makes npm treat the folder as its own project (never a parent's).
  const pkgJson = path.join(dir, 'package.json');
  if (!existsSync(pkgJson)) {
    await fs.writeFile(pkgJson, JSON.stringify({ name: 'selectivity-lens-native', private: true, description: 'Native TensorFlow.js for Selectivity Lens' }, null, 2));
  }
  const spec = pkg.startsWith('file:') || pkg.endsWith('.tgz') ? pkg : `${pkg}@${options.version ?? TFJS_VERSION}`;
  const npm = options.npm ?? (process.platform === 'win32' ? 'npm.cmd' : 'npm');
  options.onLine?.(`> ${npm} ${npmInstallArgs(dir, spec).join(' ')}`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(npm, npmInstallArgs(dir, spec), {
      cwd: dir,
      env: { ...process.env, npm_config_update_notifier: 'false' },
      shell: process.platform === 'win32',
      signal: options.signal,
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split(/\r?\n/)) if (line.trim()) options.onLine?.(line);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', (err) => reject(new Error(`Could not run npm (${err.message}). Is Node.js with npm on the PATH?`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`npm install ${spec} failed (${signal ? `signal ${signal}` : `exit code ${code}`}); see the Selectivity Lens log.`));
    });
  });
}

/** Whether a native package is present in the folder. */
export function nativeInstalled(dir: string, pkg: NativePackage): boolean {
  return existsSync(path.join(dir, 'node_modules', ...pkg.split('/'), 'package.json'));
}
