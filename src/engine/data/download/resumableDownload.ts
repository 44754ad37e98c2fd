// Download into a ".part" file that grows across attempts: each attempt asks only for the bytes after what the
// file already holds (HTTP Range), so a dropped connection or a killed run costs only what was in flight.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { httpGet } from './httpGet';

export interface ByteProgress {
  bytes: number;
  /** Whole size when the server says it. */
  total?: number;
}

export type DownloadFailure = 'network' | 'http' | 'disk';

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly failure: DownloadFailure,
    /** Worth another attempt: the connection dropped or the server had a passing fault. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
const PAUSE_ABOVE_BYTES = 8 * 1024 * 1024;

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

function contentRange(header: string | undefined): { start: number; total?: number } | undefined {
  const m = /^bytes\s+(\d+)-\d+\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), total: m[2] === '*' ? undefined : Number(m[2]) };
}

/** One attempt: fetch the rest of `url` onto `part`. Resolves once the server sent all it announced. */
export async function downloadRest(url: string, part: string, onProgress: (p: ByteProgress) => void): Promise<ByteProgress> {
  const have = await sizeOf(part);
  let res;
  try {
    res = await httpGet(url, have > 0 ? { range: `bytes=${have}-` } : {});
  } catch (e) {
    // No route, no host, nobody listening: fail at once; a reset or a silent server may pass.
    const code = (e as { code?: string }).code;
    throw new DownloadError(`could not reach it (${e instanceof Error ? e.message : String(e)})`, 'network', code === 'ECONNRESET' || code === 'ETIMEDOUT');
  }
  const status = res.statusCode ?? 0;
  // Nothing after the bytes we hold: the part is already whole (the checksum decides).
  if (status === 416 && have > 0) {
    res.resume();
    return { bytes: have, total: have };
  }
  let start: number;
  let total: number | undefined;
  if (status === 206) {
    const range = contentRange(res.headers['content-range']);
    if (!range || range.start !== have) {
      res.resume();
      // A range we did not ask for: start over rather than splice bytes from the wrong place.
      await fs.rm(part, { force: true });
      throw new DownloadError(`answered a resume with bytes from ${range?.start ?? 'an unknown offset'} instead of ${have}`, 'network', true);
    }
    start = have;
    total = range.total;
  } else if (status === 200) {
    // The server ignores Range: the whole file comes again.
    start = 0;
    const length = Number(res.headers['content-length']);
    total = Number.isFinite(length) && length > 0 ? length : undefined;
  } else {
    res.resume();
    throw new DownloadError(`answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, 'http', status >= 500 || status === 429);
  }
  let bytes = start;
  onProgress({ bytes, total });
  // Listen before anything is awaited: a connection that breaks while the file is being opened ends the response
  // at once, and an aborted response tells only the listeners it has then (the download would wait forever).
  let file: FileHandle | undefined;
  try {
    // Chunks are taken as they arrive (a broken connection discards what a stream still buffers) and written in
    // order after the file is open; the socket is paused while much is waiting for the disk.
    await new Promise<void>((resolve, reject) => {
      let failure: DownloadError | undefined;
      const cannotWrite = (e: unknown) => {
        const code = (e as NodeJS.ErrnoException).code;
        failure = code && DISK_FULL.has(code)
          ? new DownloadError(`the disk is full (${code}) after ${bytes} bytes`, 'disk', false)
          : new DownloadError(`cannot write ${part} (${(e as Error).message})`, 'disk', false);
        res.destroy();
      };
      let writes: Promise<void> = fs.open(part, start === 0 ? 'w' : 'a').then((opened) => {
        file = opened;
      }, cannotWrite);
      let waiting = 0;
      const settle = (why?: Error) =>
        void writes.then(() => {
          if (failure) reject(failure);
          else if (why) reject(new DownloadError(`the connection broke after ${bytes}${total ? ` of ${total}` : ''} bytes (${why.message})`, 'network', true));
          else resolve();
        });
      res.on('data', (chunk: Buffer) => {
        waiting += chunk.length;
        if (waiting > PAUSE_ABOVE_BYTES) res.pause();
        writes = writes.then(async () => {
          if (failure || !file) return;
          try {
            await file.write(chunk);
          } catch (e) {
            cannotWrite(e);
            return;
          }
          bytes += chunk.length;
          waiting -= chunk.length;
          onProgress({ bytes, total });
          if (res.isPaused() && waiting < PAUSE_ABOVE_BYTES / 2) res.resume();
        });
      });
      res.on('end', () => settle());
      res.on('error', (e) => settle(e));
      res.on('close', () => {
        if (!res.complete) settle(new Error('closed early'));
      });
    });
  } finally {
    await file?.close();
  }
  if (total !== undefined && bytes < total) {
    throw new DownloadError(`the connection closed after ${bytes} of ${total} bytes`, 'network', true);
  }
  return { bytes, total: total ?? bytes };
}

export interface RetryOptions {
  attempts?: number;
  /** Wait before attempt n+1 is n times this. */
  backoffMs?: number;
  log?: (m: string) => void;
}

/** `downloadRest` until the file is whole, resuming after each retryable failure. */
export async function downloadResumable(url: string, part: string, onProgress: (p: ByteProgress) => void, options: RetryOptions = {}): Promise<ByteProgress> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await downloadRest(url, part, onProgress);
    } catch (e) {
      if (!(e instanceof DownloadError) || !e.retryable || attempt >= attempts) throw e;
      options.log?.(`Data: ${url}: ${e.message}; resuming (attempt ${attempt + 1} of ${attempts}).`);
      await new Promise((resolve) => setTimeout(resolve, attempt * (options.backoffMs ?? 1000)));
    }
  }
}
