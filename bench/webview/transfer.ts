// Moves host messages into the benchmark's page quickly and counts their size. A message is split into JSON (its
// skeleton) and one binary blob (its typed arrays), which the page fetches and puts back together. The same split
// measures "host-to-webview bytes": typed arrays count their bytes, everything else its JSON text, about what
// VS Code's postMessage carries.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type TypedArray = Float32Array | Int32Array | Uint32Array | Float64Array | Uint8Array;

export interface Pack {
  json: string;
  bin: Buffer;
}

export function pack(value: unknown): Pack {
  const chunks: Buffer[] = [];
  let offset = 0;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number' && Number.isNaN(v)) return { $num: 'NaN' };
    if (ArrayBuffer.isView(v)) {
      const t = v as TypedArray;
      const bytes = Buffer.from(t.buffer, t.byteOffset, t.byteLength);
      // Keep every array aligned to 8 bytes so the page can view it in place.
      const pad = (8 - (bytes.length % 8)) % 8;
      chunks.push(bytes, Buffer.alloc(pad));
      const ref = { $blob: t.constructor.name, offset, length: t.length };
      offset += bytes.length + pad;
      return ref;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  const json = JSON.stringify(walk(value));
  return { json, bin: Buffer.concat(chunks) };
}

/** Bytes of a message as posted: its typed arrays' bytes plus the JSON of the rest. */
export function messageBytes(message: unknown): number {
  let bytes = 0;
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      bytes += v.byteLength;
      return 0;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const text = JSON.stringify(walk(message));
  return bytes + text.length;
}

/** Serves the latest pack at /pack.json and /pack.bin (with CORS: the page is on another port). */
export async function startPackServer(): Promise<{ server: Server; url: string; put(p: Pack): void }> {
  let current: Pack = { json: 'null', bin: Buffer.alloc(0) };
  const server = createServer((req, res) => {
    const headers = { 'access-control-allow-origin': '*' };
    if (req.url === '/pack.json') res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(current.json);
    else if (req.url === '/pack.bin') res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream' }).end(current.bin);
    else res.writeHead(404, headers).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, put: (p) => (current = p) };
}

/**
 * Installed in the page before the app loads: `__bench.stage(url)` fetches the current pack into `__staged`
 * (messages, typed arrays rebuilt); `__bench.dispatch()` posts them to the app as the host would.
 */
export const PAGE_INIT = `(() => {
  const ctors = { Float32Array, Int32Array, Uint32Array, Float64Array, Uint8Array };
  window.__bench = {
    async stage(url) {
      const [json, bin] = await Promise.all([fetch(url + '/pack.json').then((r) => r.json()), fetch(url + '/pack.bin').then((r) => r.arrayBuffer())]);
      const revive = (v) => {
        if (Array.isArray(v)) return v.map(revive);
        if (v && typeof v === 'object') {
          if (v.$num === 'NaN') return NaN;
          if (typeof v.$blob === 'string') return new ctors[v.$blob](bin.slice(v.offset, v.offset + v.length * ctors[v.$blob].BYTES_PER_ELEMENT));
          const out = {};
          for (const k of Object.keys(v)) out[k] = revive(v[k]);
          return out;
        }
        return v;
      };
      window.__staged = revive(json);
      return window.__staged.length;
    },
    dispatch() {
      for (const m of window.__staged) window.dispatchEvent(new MessageEvent('message', { data: m }));
      window.__staged = [];
    },
  };
})();`;
