// The name a run gets, safe as a folder name (the same rule as the CLI: src/engine/config nameFromFile).
// Plain Node: no vscode.
import { nameFromFile } from '../../../engine/config';

/** "My Run (α=-1)" -> "My-Run-=-1-": letters, digits and . _ + = - only. */
export function safeRunName(s: string): string {
  return s.replace(/[^A-Za-z0-9._+=-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 80) || 'run';
}

/** The config's name, else the config file name without `.selectivity.json`. */
export function runNameFor(configPath: string | undefined, configName: string | undefined): string {
  if (configName && configName.trim()) return safeRunName(configName.trim());
  return nameFromFile(configPath);
}
