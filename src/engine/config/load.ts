// Reads a run config file from disk: one EngineError naming the file (and field) when it is unusable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineError } from '../errors';
import type { ResolvedRunConfig } from './defaults';
import { ConfigProblemsError } from './configError';
import { resolveConfigText, type ConfigProblem } from './validate';

export interface LoadedRunConfig {
  config: ResolvedRunConfig;
  /** Warnings (errors throw). */
  problems: ConfigProblem[];
  file: string;
}

/** `displayFile` is how the file is named in messages (e.g. the path the user typed). */
export function loadRunConfigFile(file: string, displayFile = file): LoadedRunConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a config file' : `cannot be read (${code ?? String(e)})`;
    throw new EngineError('CONFIG_UNREADABLE', `Config file ${displayFile} ${why}.`, { file: displayFile });
  }
  const { config, problems, omitted } = resolveConfigText(text, path.resolve(file));
  if (!config) throw new ConfigProblemsError(displayFile, problems, omitted);
  return { config, problems, file: path.resolve(file) };
}
