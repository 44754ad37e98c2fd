// Finds and loads the optional native TensorFlow.js packages (@tensorflow/tfjs-node, -gpu). They are not
// dependencies: the user installs them, or the extension installs them into its global storage.
import * as path from 'node:path';
import { createRequire } from 'node:module';

/** Environment variable naming one more folder whose node_modules may hold the native packages. */
export const NATIVE_DIR_ENV = 'SELECTIVITY_LENS_NATIVE_DIR';

/** Folders to resolve native packages from, besides normal node resolution (order: given, then env). */
export function nativeSearchDirs(extra: string[] = []): string[] {
  const dirs = [...extra];
  const fromEnv = process.env[NATIVE_DIR_ENV];
  if (fromEnv) dirs.push(...fromEnv.split(path.delimiter).filter((d) => d.length > 0));
  return dirs;
}

/** Where `pkg` resolves: by normal node resolution, then from each `<dir>/node_modules`; nothing is loaded. */
export function resolveNative(pkg: string, dirs: string[]): { resolved?: string; req?: NodeJS.Require; reasons: string[] } {
  const candidates: Array<{ from: string; req: NodeJS.Require }> = [{ from: 'node resolution', req: require }];
  for (const dir of dirs) {
    // createRequire needs a file path (it need not exist); resolution then starts at <dir>/node_modules.
    candidates.push({ from: dir, req: createRequire(path.join(path.resolve(dir), '.anchor.js')) });
  }
  const reasons: string[] = [];
  for (const { from, req } of candidates) {
    try {
      return { resolved: req.resolve(pkg), req, reasons };
    } catch {
      reasons.push(`not found via ${from}`);
    }
  }
  return { reasons };
}

/**
 * Resolves `pkg` (see resolveNative) and requires it (which registers the 'tensorflow' backend). Returns the
 * file it loaded; throws one readable reason otherwise.
 */
export function loadNativeBinding(pkg: string, dirs: string[]): string {
  const { resolved, req, reasons } = resolveNative(pkg, dirs);
  if (!resolved || !req) throw new Error(`${pkg} is not installed (${reasons.join(', ')})`);
  try {
    req(resolved);
    return resolved;
  } catch (e) {
    // Found but failed to load (missing libtensorflow, ABI mismatch): that reason is the useful one.
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new Error(`${pkg} at ${resolved} failed to load: ${msg}`, { cause: e });
  }
}
