// The URL and md5 a download uses: the official ones, or a mirror's (SELECTIVITY_LENS_DATA_MIRROR) where the
// archive has the same file name and the md5 is the published one unless the mirror's MD5SUMS lists another.
import type { DatasetArchive } from './archives';
import { fetchTextIfPresent } from './httpGet';

export const MIRROR_ENV = 'SELECTIVITY_LENS_DATA_MIRROR';
export const MIRROR_SUMS_FILE = 'MD5SUMS';

export interface ArchiveSource {
  url: string;
  md5: string;
}

export function mirrorBase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const mirror = env[MIRROR_ENV]?.trim();
  return mirror ? mirror.replace(/\/+$/, '') : undefined;
}

/** md5 of `file` in md5sum's format ("<32 hex>  name" or "<32 hex> *name"), undefined when not listed. */
export function md5From(sums: string, file: string): string | undefined {
  for (const line of sums.split(/\r?\n/)) {
    const m = /^([0-9a-fA-F]{32})\s+\*?(.+?)\s*$/.exec(line.trim());
    if (m && m[2] === file) return m[1].toLowerCase();
  }
  return undefined;
}

/** Throws HttpGetError when the mirror's MD5SUMS cannot be read (a 404 just means: none). */
export async function resolveArchiveSource(archive: DatasetArchive, env: NodeJS.ProcessEnv = process.env): Promise<ArchiveSource> {
  const base = mirrorBase(env);
  if (!base) return { url: archive.url, md5: archive.md5 };
  const sums = await fetchTextIfPresent(`${base}/${MIRROR_SUMS_FILE}`);
  return { url: `${base}/${archive.file}`, md5: (sums && md5From(sums, archive.file)) || archive.md5 };
}
