// Class names a config gives (data.classNames): a list, or a text file of one name a line. They replace the names
// the data set's own files give (IDX data has none: "0".."9"), and must name exactly its classes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataConfig } from '../../protocol/config';
import { EngineError } from '../errors';

const FIELD = 'data.classNames';

/** The names to use: the config's when it gives some (checked against the data's class count), else `fromData`. */
export function resolveClassNames(cfg: DataConfig, baseDir: string, fromData: readonly string[]): string[] {
  const given = cfg.classNames;
  if (given === undefined) return [...fromData];
  let names: string[];
  let where = FIELD;
  if (typeof given === 'string') {
    const file = path.resolve(baseDir, given);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new EngineError('CONFIG_INVALID', `${FIELD}: the file ${file} could not be read (one class name a line).`, { field: FIELD });
    }
    names = text.split(/\r?\n/).map((l) => l.trim());
    while (names.length > 0 && names[names.length - 1] === '') names.pop();
    where = `${FIELD} (${file})`;
    const blank = names.indexOf('');
    if (blank >= 0) throw new EngineError('CONFIG_INVALID', `${where}: line ${blank + 1} is empty; give one class name a line.`, { field: FIELD });
  } else {
    names = given.map((n) => String(n).trim());
  }
  if (names.length !== fromData.length) {
    throw new EngineError(
      'CONFIG_INVALID',
      `${where} names ${names.length} class${names.length === 1 ? '' : 'es'} but the data has ${fromData.length} (labels 0 to ${fromData.length - 1}).`,
      { field: FIELD },
    );
  }
  return names;
}
