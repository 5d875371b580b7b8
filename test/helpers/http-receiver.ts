import { createServer, type Server } from 'node:http';

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly at: number;
}

/** A local HTTP server recording every request; `up` false makes it answer 503 (a client whose service is down). */
export interface HttpReceiver {
  readonly port: number;
  readonly requests: Received[];
  up: boolean;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<HttpReceiver> {
  const requests: Received[] = [];
  const state = { up: true };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (!state.up) {
        res.writeHead(503).end('down');
        return;
      }
      const url = req.url ?? '/';
      requests.push({
        method: req.method ?? '',
        url,
        query: new URL(url, 'http://x').searchParams,
        headers: req.headers,
        body,
        at: Date.now(),
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const actual = (server.address() as { port: number }).port;
  return {
    port: actual,
    requests,
    get up() {
      return state.up;
    },
    set up(v: boolean) {
      state.up = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A receiver closed with the test's cleanups. */
export async function startReceiverFor(cleanups: Array<() => Promise<void> | void>): Promise<HttpReceiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}
