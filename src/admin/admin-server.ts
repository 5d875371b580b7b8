/**
 * The admin port: one fastify server carrying the JSON admin API, Kannel's commands, /metrics, the dashboard and
 * the API documentation (dashboard-routes.ts). Built here, listened on by the caller (tests use inject()). Slow clients
 * are cut off by the same deadlines as the sendsms port (http/node-server.ts).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { Logger } from 'pino';
import { createNodeServer } from '../http/node-server.js';
import { adminError, registerAdminApi, type AdminApiDeps } from './api-routes.js';
import { stripBasePath } from './path-prefix.js';

/** The built admin server: routes registered, not listening yet. */
export type AdminServer = FastifyInstance;

export interface AdminServerOptions {
  readonly https: HttpsServerOptions | null | undefined;
  readonly requestTimeoutMs: number;
  readonly logger: Logger;
  /** admin.base-path: requests under it are routed as if without it (a proxy that passes its sub-path on). */
  readonly basePath?: string;
}

export function buildAdminServer(
  deps: AdminApiDeps,
  opts: AdminServerOptions,
  more: ReadonlyArray<(app: FastifyInstance) => void> = [],
): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: 'admin-http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request: requests are not logged, and a child per request costs a pino logger (an
    // EventEmitter) on every request of the hot path.
    childLoggerFactory: (logger) => logger,
    bodyLimit: 1_048_576,
    return503OnClosing: true,
    serverFactory: (handler) =>
      createNodeServer(handler, {
        https: opts.https,
        requestTimeoutMs: opts.requestTimeoutMs,
        headersTimeoutMs: opts.requestTimeoutMs,
        keepAliveTimeoutMs: 72_000,
      }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false, useDefaults: true } },
    ...(opts.basePath ? { rewriteUrl: (req: { url?: string }) => stripBasePath(req.url ?? '/', opts.basePath!) } : {}),
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation)
      return adminError(reply, 'invalid_request', err.message, {
        details: err.validation.map((v) => ({ path: v.instancePath || '/', message: v.message })),
      });
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415)
      return adminError(reply, 'unsupported_media_type', 'send the body as application/json');
    if (err.statusCode === 400 || err instanceof SyntaxError) return adminError(reply, 'invalid_request', err.message);
    // Redis unavailable (the request path's circuit or deadline): say so, once per outage in the log, not per request.
    if (err.statusCode === 503) return adminError(reply.header('retry-after', '1'), 'temporarily_unavailable', err.message);
    req.log.error({ err }, 'admin request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
  // JSON API bodies are JSON and nothing else: a text/plain or form body is what another site's page can send
  // without the browser asking first (CORS), so it is refused (415) rather than read. Kannel's commands read only
  // their query and keep their own parsers (kannel-commands.ts).
  app.removeContentTypeParser(['text/plain']);
  app.setNotFoundHandler((req, reply) => adminError(reply, 'not_found', `no such path: ${req.method} ${req.url.split('?')[0]}`));
  registerAdminApi(app, deps);
  for (const register of more) register(app);
  return app;
}
