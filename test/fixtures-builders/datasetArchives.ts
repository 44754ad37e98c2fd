// The official archives' layouts in miniature: a folder packed as .tar.gz (node-tar) or .zip (yazl), with the
// top folder inside as the real archives have it.
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import * as yazl from 'yazl';

/** `parent`/`folder` (and everything in it) as a gzipped tar whose entries start with `folder`/. */
export async function tarGzOf(parent: string, folder: string): Promise<Buffer> {
  const file = path.join(parent, `${folder}.tar.gz`);
  await tar.c({ gzip: true, cwd: parent, file, portable: true }, [folder]);
  return fs.readFile(file);
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out.sort();
}

/** `parent`/`folder` as a zip with folder entries ("tiny-imagenet-200/") and file entries under them. */
export async function zipOf(parent: string, folder: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const root = path.join(parent, folder);
  zip.addEmptyDirectory(folder);
  for (const file of await filesUnder(root)) zip.addFile(file, path.relative(parent, file).split(path.sep).join('/'));
  zip.end();
  const out = path.join(parent, `${folder}.zip`);
  await pipeline(zip.outputStream, createWriteStream(out));
  return fs.readFile(out);
}
