// File-system helpers that turn missing or damaged data files into clear DATA_MISSING / DATA_CORRUPT errors.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { EngineError } from '../errors';

const gunzip = promisify(zlib.gunzip);

export function dataMissing(expected: string, what: string): EngineError {
  return new EngineError('DATA_MISSING', `${what} not found: expected ${expected} (check data.path in the config).`, {
    file: expected,
    field: 'data.path',
  });
}

export function dataCorrupt(file: string, why: string): EngineError {
  return new EngineError('DATA_CORRUPT', `Data file ${file} is damaged or not in the expected format: ${why}.`, {
    file,
    field: 'data.path',
  });
}

export async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** The folder at `p`, or DATA_MISSING naming it. */
export async function requireDir(p: string, what = 'Data folder'): Promise<string> {
  if (await isDir(p)) return p;
  if (await isFile(p)) {
    throw new EngineError('DATA_MISSING', `${what} expected at ${p}, but that is a file: data.path must name the folder holding the data set.`, {
      file: p,
      field: 'data.path',
    });
  }
  throw dataMissing(p, what);
}

/** The first existing file among `candidates` (absolute), or DATA_MISSING naming the first (and the others). */
export async function findFile(candidates: string[], what: string): Promise<string> {
  for (const c of candidates) if (await isFile(c)) return c;
  const others = candidates.slice(1).map((c) => path.basename(c));
  const alt = others.length ? ` (or ${others.join(', ')} in the same folder)` : '';
  throw new EngineError('DATA_MISSING', `${what} not found: expected ${candidates[0]}${alt} (check data.path in the config).`, {
    file: candidates[0],
    field: 'data.path',
  });
}

/** Of `root` and the given sub-folders of it, the first that satisfies `test` (accepts an extracted folder or its parent). */
export async function locateRoot(root: string, subfolders: string[], test: (dir: string) => Promise<boolean>): Promise<string | undefined> {
  for (const dir of [root, ...subfolders.map((s) => path.join(root, s))]) if (await test(dir)) return dir;
  return undefined;
}

/** File contents, gunzipped when the bytes are gzip (whatever the name says). */
export async function readMaybeGzip(file: string): Promise<Buffer> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(file);
  } catch (e) {
    throw new EngineError('DATA_MISSING', `Could not read ${file}: ${e instanceof Error ? e.message : String(e)}.`, { file, field: 'data.path' });
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return await gunzip(buf);
    } catch (e) {
      throw dataCorrupt(file, `gzip data does not decompress (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return buf;
}

/** Non-empty trimmed lines of a text file. */
export async function readLines(file: string): Promise<string[]> {
  const text = await fs.readFile(file, 'utf8');
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

export interface FileStamp {
  file: string;
  size: number;
  mtimeMs: number;
}

/** Size and modification time of each file, for cache keys (a changed file means a new key). */
export async function stampFiles(files: string[]): Promise<FileStamp[]> {
  const out: FileStamp[] = new Array(files.length);
  const CHUNK = 256;
  for (let i = 0; i < files.length; i += CHUNK) {
    await Promise.all(
      files.slice(i, i + CHUNK).map(async (file, j) => {
        const s = await fs.stat(file);
        out[i + j] = { file, size: s.size, mtimeMs: s.mtimeMs };
      }),
    );
  }
  return out;
}

/** Let other work (event streaming, cancellation) run during long decodes. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
