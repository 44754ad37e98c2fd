// One HTTP(S) GET that follows redirects and hands back the response stream; the caller reads the status.
import * as http from 'node:http';
import * as https from 'node:https';

const MAX_REDIRECTS = 8;
/** A server that sends nothing for this long is taken to be gone (the next attempt resumes). */
export const IDLE_TIMEOUT_MS = 60_000;

export class HttpGetError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function httpGet(url: string, headers: Record<string, string> = {}, redirects = 0): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new HttpGetError(`"${url}" is not a URL`));
      return;
    }
    const client = parsed.protocol === 'https:' ? https : parsed.protocol === 'http:' ? http : undefined;
    if (!client) {
      reject(new HttpGetError(`only http and https URLs can be fetched, not ${parsed.protocol}`));
      return;
    }
    const req = client.get(parsed, { headers: { 'user-agent': 'selectivity-lens', ...headers } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new HttpGetError(`more than ${MAX_REDIRECTS} redirects`));
          return;
        }
        httpGet(new URL(res.headers.location, parsed).toString(), headers, redirects + 1).then(resolve, reject);
        return;
      }
      resolve(res);
    });
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new HttpGetError(`no answer for ${IDLE_TIMEOUT_MS / 1000} s`, 'ETIMEDOUT')));
    req.on('error', (e: NodeJS.ErrnoException) => reject(new HttpGetError(e.message, e.code)));
  });
}

/** The body as text for a 200 answer, undefined for 404; other answers are errors. */
export async function fetchTextIfPresent(url: string): Promise<string | undefined> {
  const res = await httpGet(url);
  if (res.statusCode === 404) {
    res.resume();
    return undefined;
  }
  if (res.statusCode !== 200) {
    res.resume();
    throw new HttpGetError(`HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim());
  }
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
