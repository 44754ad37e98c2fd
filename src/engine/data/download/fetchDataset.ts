// `data.download: true`: make sure the format's official archive is downloaded, checked and unpacked in the
// datasets folder, and return the folder the loader should read. The unpacked folder appears only by one rename
// of a complete unpacking, so a loader never sees half a data set; a run that is interrupted leaves at most a
// ".part" download (resumed next time) and a ".unpack-*" folder (removed next time).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DatasetFormat } from '../../../protocol/config';
import { EngineError } from '../../errors';
import { isDir } from '../files';
import { archiveOf, type DatasetArchive } from './archives';
import { MIRROR_ENV, MIRROR_SUMS_FILE, mirrorBase, resolveArchiveSource } from './archiveSource';
import { md5OfFile } from './checksum';
import { datasetsFolder } from './datasetsFolder';
import { withFolderLock } from './folderLock';
import { HttpGetError } from './httpGet';
import { DownloadError, downloadResumable, type ByteProgress } from './resumableDownload';
import { unpackArchive } from './unpackArchive';

export interface DownloadReport {
  title: string;
  url: string;
  bytes: number;
  total: number;
}

export interface FetchDatasetOptions {
  log: (m: string) => void;
  onProgress?: (p: DownloadReport) => void;
  env?: NodeJS.ProcessEnv;
  /** Attempts per download (each resumes the last); default 5. */
  attempts?: number;
  backoffMs?: number;
}

const FIELD = 'data.download';
/** Progress is reported at most this often (and always at the end). */
const PROGRESS_EVERY_MS = 200;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function downloadFailed(url: string, why: string, file?: string): EngineError {
  return new EngineError(
    'DATA_MISSING',
    `data.download: could not download ${url}: ${why}. Nothing was unpacked; run again to resume, or set ${MIRROR_ENV} to a mirror that has the file.`,
    { field: FIELD, ...(file ? { file } : {}) },
  );
}

/** The folder holding the unpacked data set of `format` (downloading it first when it is not there yet). */
export async function fetchDataset(format: DatasetFormat, options: FetchDatasetOptions): Promise<string> {
  const archive = archiveOf(format);
  if (!archive) throw new EngineError('CONFIG_INVALID', `data.download is not available for data.format "${format}".`, { field: FIELD });
  const env = options.env ?? process.env;
  const home = path.join(datasetsFolder(env), format);
  const target = path.join(home, archive.folder);
  if (await isDir(target)) {
    options.log(`Data: using ${archive.title} downloaded earlier in ${target}`);
    return home;
  }
  try {
    await fs.mkdir(home, { recursive: true });
  } catch (e) {
    throw new EngineError('RUN_DIR_UNWRITABLE', `data.download: cannot create the datasets folder ${home}: ${(e as Error).message}.`, { field: FIELD, file: home });
  }
  await withFolderLock(
    path.join(home, '.download.lock'),
    async (lock) => {
      // Another run may have finished it while we waited.
      if (await isDir(target)) return;
      await removeLeftovers(home);
      await downloadAndUnpack(archive, home, target, options, env, () => lock.refresh());
    },
    () => options.log(`Data: another run is downloading ${archive.title} into ${home}; waiting for it.`),
  );
  return home;
}

async function removeLeftovers(home: string): Promise<void> {
  for (const name of await fs.readdir(home)) {
    if (name.startsWith('.unpack-')) await fs.rm(path.join(home, name), { recursive: true, force: true });
  }
}

async function downloadAndUnpack(
  archive: DatasetArchive,
  home: string,
  target: string,
  options: FetchDatasetOptions,
  env: NodeJS.ProcessEnv,
  alive: () => void,
): Promise<void> {
  let source;
  try {
    source = await resolveArchiveSource(archive, env);
  } catch (e) {
    if (!(e instanceof HttpGetError)) throw e;
    throw downloadFailed(`${mirrorBase(env)}/${MIRROR_SUMS_FILE}`, `the mirror's checksum list could not be read (${e.message})`);
  }
  const { url, md5 } = source;
  const part = path.join(home, `${archive.file}.part`);
  options.log(`Data: downloading ${archive.title} from ${url} into ${home} ...`);
  const t0 = Date.now();
  let lastReport = 0;
  const report = (p: ByteProgress, force = false) => {
    alive();
    const now = Date.now();
    if (!force && now - lastReport < PROGRESS_EVERY_MS) return;
    lastReport = now;
    options.onProgress?.({ title: archive.title, url, bytes: p.bytes, total: p.total ?? archive.bytes });
  };
  let got: ByteProgress;
  try {
    got = await downloadResumable(url, part, report, { attempts: options.attempts, backoffMs: options.backoffMs, log: options.log });
  } catch (e) {
    if (!(e instanceof DownloadError)) throw e;
    if (e.failure === 'disk') throw downloadFailed(url, `${e.message} writing ${part}; free some space`, part);
    throw downloadFailed(url, e.message);
  }
  report(got, true);

  const actual = await md5OfFile(part);
  if (actual !== md5) {
    await fs.rm(part, { force: true });
    throw new EngineError(
      'DATA_CORRUPT',
      `data.download: ${url} does not match its checksum (md5 expected ${md5}, got ${actual}); the download was deleted, run again to fetch it anew.`,
      { field: FIELD },
    );
  }

  const unpackDir = await fs.mkdtemp(path.join(home, '.unpack-'));
  try {
    try {
      await unpackArchive(part, archive.kind, unpackDir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw downloadFailed(url, `the disk holding ${home} is full while unpacking (the download is kept); free some space`);
      }
      await fs.rm(part, { force: true });
      throw new EngineError('DATA_CORRUPT', `data.download: ${url} could not be unpacked (${(e as Error).message}); the download was deleted.`, { field: FIELD });
    }
    const unpacked = path.join(unpackDir, archive.folder);
    if (!(await isDir(unpacked))) {
      await fs.rm(part, { force: true });
      throw new EngineError('DATA_CORRUPT', `data.download: ${url} does not hold the folder ${archive.folder}/ that ${archive.title} unpacks to; the download was deleted.`, {
        field: FIELD,
      });
    }
    await fs.rename(unpacked, target);
  } finally {
    await fs.rm(unpackDir, { recursive: true, force: true });
  }
  await fs.rm(part, { force: true });
  const seconds = (Date.now() - t0) / 1000;
  options.log(`Data: ${archive.title} (${megabytes(got.bytes)}, md5 checked) downloaded and unpacked into ${target} in ${seconds.toFixed(1)} s`);
}
