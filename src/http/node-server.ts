/**
 * The Node server under fastify (its serverFactory), built here for the timeouts fastify does not expose. Slow
 * clients are cut off by Node's own checks, which run on one timer for all connections: a request must be whole
 * within `requestTimeoutMs` and its headers within `headersTimeoutMs`, checked every `checkEveryMs`. No per-socket
 * inactivity timer (fastify's connectionTimeout): re-armed on every read and write, it cost about 8 µs of CPU per
 * request, measured, a tenth of a request's whole cost. Idle keep-alive connections close after keepAliveTimeoutMs.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';

export interface NodeServerOptions {
  readonly https: HttpsServerOptions | null | undefined;
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

export function createNodeServer(handler: (req: IncomingMessage, res: ServerResponse) => void, o: NodeServerOptions): Server {
  const common = {
    requestTimeout: o.requestTimeoutMs,
    headersTimeout: Math.min(o.headersTimeoutMs, o.requestTimeoutMs),
    keepAliveTimeout: o.keepAliveTimeoutMs,
    // How often the request and header deadlines are checked: often enough that a deadline is kept within a
    // quarter of itself, and never more than four times a second.
    connectionsCheckingInterval: Math.max(250, Math.min(1000, o.requestTimeoutMs / 4)),
  };
  const server = o.https ? createHttpsServer({ ...o.https, ...common }, handler) : createHttpServer(common, handler);
  closeKeepAliveOnClose(server);
  return server;
}

/**
 * Node's close() closes the keep-alive connections idle at that moment, but one whose request is still being
 * answered stays open after its reply until keepAliveTimeout (72 s here, measured: close() then waited the whole
 * timeout), which held a shutdown that long. Until the server has closed, connections are closed as soon as they
 * are idle.
 */
function closeKeepAliveOnClose(server: Server): void {
  const close = server.close.bind(server);
  server.close = (callback?: (err?: Error) => void): Server => {
    const sweep = setInterval(() => server.closeIdleConnections(), CLOSE_SWEEP_MS);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
    return close(callback);
  };
}

const CLOSE_SWEEP_MS = 50;
