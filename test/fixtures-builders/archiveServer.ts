// A local HTTP server standing in for a data set's host (SELECTIVITY_LENS_DATA_MIRROR): serves fixed files with
// HTTP Range support, records every request, and can drop the connection part-way through a body.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  path: string;
  range?: string;
}

export interface ArchiveServer {
  /** Base URL, e.g. "http://127.0.0.1:40123". */
  url: string;
  requests: SeenRequest[];
  /** Files by path ("/cifar-10-binary.tar.gz"); change at will between requests. */
  files: Map<string, Buffer>;
  /** The next this-many archive bodies are cut off after half their bytes. */
  dropNext: number;
  close(): Promise<void>;
}

export async function startArchiveServer(files: Record<string, Buffer> = {}): Promise<ArchiveServer> {
  const server: ArchiveServer = {
    url: '',
    requests: [],
    files: new Map(Object.entries(files)),
    dropNext: 0,
    close: () =>
      new Promise((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
  const httpServer = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    server.requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) });
    const body = server.files.get(path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, 'content-length': body.length - start, 'accept-ranges': 'bytes' });
    } else {
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
    }
    const rest = body.subarray(start);
    if (server.dropNext > 0 && !path.endsWith('MD5SUMS')) {
      server.dropNext--;
      // Half the body, then the socket goes away as a broken connection would.
      res.write(rest.subarray(0, Math.floor(rest.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(rest);
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve()));
  server.url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  return server;
}
