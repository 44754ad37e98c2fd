// Unpack a .tar.gz (node-tar) or .zip (yauzl) into a folder. Entries that would land outside it are refused.
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import * as yauzl from 'yauzl';

export async function unpackArchive(file: string, kind: 'tar.gz' | 'zip', into: string): Promise<void> {
  await fs.mkdir(into, { recursive: true });
  if (kind === 'tar.gz') {
    // strict: a damaged archive is an error, not a warning; node-tar drops absolute and ".." paths itself.
    await tar.x({ file, cwd: into, strict: true, preservePaths: false });
    return;
  }
  await unzip(file, into);
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true }, (err, zip) => (err ? reject(err) : resolve(zip))),
  );
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))));
}

async function unzip(file: string, into: string): Promise<void> {
  const zip = await openZip(file);
  const root = path.resolve(into);
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      zip.close();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const target = path.resolve(root, entry.fileName);
      if (target !== root && !target.startsWith(root + path.sep)) {
        fail(new Error(`entry "${entry.fileName}" would be written outside the folder`));
        return;
      }
      const write = entry.fileName.endsWith('/')
        ? fs.mkdir(target, { recursive: true })
        : fs.mkdir(path.dirname(target), { recursive: true }).then(async () => pipeline(await entryStream(zip, entry), createWriteStream(target)));
      write.then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
}
