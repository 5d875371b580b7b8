/**
 * The sendsms port: Kannel's /cgi-bin/sendsms and the JSON API. Built here, listened on by the caller (tests use
 * inject()). Bodies are read as raw bytes for sendsms (charsets matter), as JSON for the API; oversize bodies and
 * slow clients are cut off with a clear reply.
 */
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { createNodeServer } from './node-server.js';
import { registerClientRateLimit, type ClientLimit } from './client-rate-limit.js';
import { applyConnectionLimits } from './connection-limits.js';
import { lingerAfterReply } from './lingering-close.js';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { LoginGuard } from '../accounts/login-guard.js';
import type { StatusGate } from '../security/status-gate.js';
import { retryAfterSeconds } from './limit-replies.js';
import { API_ERRORS, apiError } from './api-errors.js';
import { basicAuth } from './basic-auth.js';
import { registerApi, type ApiDeps } from './api-routes.js';
import { KannelReplies } from './kannel-replies.js';
import { registerSendsms, RETRY_AFTER_SECONDS, sendKannel, type SendsmsDeps } from './sendsms-route.js';

/** The built server: routes registered, not listening yet. */
export type HttpServer = FastifyInstance;

export interface HttpServerOptions {
  readonly maxBodyBytes: number;
  readonly requestTimeoutMs: number;
  /** Request headers must be whole within this (default: requestTimeoutMs). */
  readonly headersTimeoutMs?: number;
  readonly keepAliveTimeoutMs?: number;
  /** Connections held at once; 0 or absent: no cap. */
  readonly maxConnections?: number;
  /** Hears each connection closed on arrival because maxConnections were open. */
  readonly onConnectionDropped?: () => void;
  readonly logger: Logger;
  /** Hears the status of every reply (metrics: HTTP requests by reply). */
  readonly countReply?: (status: number) => void;
  /** Serve HTTPS with these options (src/tls/server-credentials.ts httpsServerOptions); null or absent: HTTP. */
  readonly https?: HttpsServerOptions | null;
}

const isApi = (url: string): boolean => url.startsWith('/api/');

export interface StatusDeps {
  /** Link, bind and route states across the cluster. */
  readonly status: () => Record<string, unknown>;
  /** Who may read /api/v1/status (security/status-access.ts): HTTP Basic with any user name and the password. */
  readonly statusGate: StatusGate;
  /** Failed status logins limited per client address and counted, as the accounts' (accounts/login-guard.ts). */
  readonly statusLogins?: LoginGuard;
}

export interface ClientLimitDeps {
  /** http.ip-rate-limit (accounts/limit-gate.ts); absent: client addresses are not limited. */
  readonly clientLimit?: ClientLimit & { readonly limitsClients: boolean };
}

export function buildHttpServer(deps: SendsmsDeps & ApiDeps & StatusDeps & ClientLimitDeps, opts: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request: requests are not logged, and a child per request costs a pino logger (an
    // EventEmitter) on every request of the hot path.
    childLoggerFactory: (logger) => logger,
    bodyLimit: opts.maxBodyBytes,
    return503OnClosing: true,
    serverFactory: (handler) => {
      const server = createNodeServer(handler, {
        https: opts.https,
        requestTimeoutMs: opts.requestTimeoutMs,
        headersTimeoutMs: opts.headersTimeoutMs ?? opts.requestTimeoutMs,
        keepAliveTimeoutMs: opts.keepAliveTimeoutMs ?? 72_000,
      });
      applyConnectionLimits(server, opts.maxConnections ?? 0, opts.logger, opts.onConnectionDropped);
      return server;
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    // No route reads req.query: sendsms parses the raw query itself (bytes, not strings; see raw-query.ts), so
    // fastify's own parse of every query string would be work thrown away.
    routerOptions: { querystringParser: () => ({}) },
  });

  // sendsms bodies are bytes in whatever charset the client says; JSON stays JSON for the API.
  app.removeContentTypeParser(['text/plain']);
  app.addContentTypeParser(
    ['text/plain', 'text/html', 'text/xml', 'application/octet-stream', 'application/x-www-form-urlencoded'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const tooLarge = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413;
    // The rest of an oversize body is still coming: read and drop it before closing, so the client reads the 413.
    if (tooLarge) lingerAfterReply(req.raw, opts.requestTimeoutMs);
    // Redis did not answer or refused (redis/redis-fault.ts): try again later, logged once per outage where it is seen.
    const unavailable = err.statusCode === 503;
    if (!isApi(req.url)) {
      if (tooLarge) return sendKannel(reply, KannelReplies.bodyTooLarge);
      if (unavailable) return sendKannel(reply, KannelReplies.temporaryFailure);
      req.log.error({ err }, 'sendsms request failed');
      return sendKannel(reply, KannelReplies.sendingFailed);
    }
    if (tooLarge) return reply.code(413).send(apiError('body_too_large', `the body is larger than ${opts.maxBodyBytes} bytes`).body);
    if (unavailable)
      return reply.code(503).header('retry-after', RETRY_AFTER_SECONDS).send(apiError('temporarily_unavailable', err.message).body);
    if (err.validation) {
      const e = apiError('invalid_request', err.message, {
        details: err.validation.map((v) => ({ path: v.instancePath || '/', message: v.message })),
      });
      return reply.code(e.status).send(e.body);
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415)
      return reply.code(415).send(apiError('unsupported_media_type', 'send the body as application/json').body);
    if (err.statusCode === 400 || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError) {
      return reply.code(400).send(apiError('invalid_request', `the body is not valid JSON: ${err.message}`).body);
    }
    req.log.error({ err }, 'API request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error; nothing about this request was changed' } });
  });

  app.setNotFoundHandler((req, reply) => {
    if (isApi(req.url)) return reply.code(404).send(apiError('not_found', `no such path: ${req.method} ${req.url.split('?')[0]}`).body);
    return sendKannel(reply, KannelReplies.unknownRequest);
  });

  const countReply = opts.countReply;
  if (countReply) {
    app.addHook('onResponse', (_req, reply, done) => {
      countReply(reply.statusCode);
      done();
    });
  }
  if (deps.clientLimit?.limitsClients) registerClientRateLimit(app, deps.clientLimit, opts.requestTimeoutMs);
  registerSendsms(app, deps);
  registerApi(app, deps);
  app.get('/health', async (_req, reply) => {
    const st = deps.status();
    return reply.code(st.status === 'ok' ? 200 : 503).send({ status: st.status });
  });
  app.get('/api/v1/status', async (req, reply) => {
    const given = basicAuth(req.headers.authorization)?.password;
    const guard = given === undefined ? undefined : deps.statusLogins;
    const allowed = guard?.admit(req.ip);
    if (guard && allowed && !allowed.ok) {
      const after = retryAfterSeconds(allowed.retryAfterMs);
      await guard.hold(undefined);
      return reply
        .code(429)
        .header('retry-after', String(after))
        .send(apiError('rate_limited', `too many failed logins from this address; retry after ${after} s`).body);
    }
    const check = await deps.statusGate(given);
    if (check === 'ok') {
      guard?.succeeded(req.ip);
      return deps.status();
    }
    if (check === 'wrong') guard?.failed(req.ip, 'bad_password');
    // 'closed': no password can open it; nothing was checked
    if (check === 'closed') guard?.succeeded(req.ip);
    if (check === 'busy') {
      if (guard) {
        guard.failed(req.ip, 'busy');
        await guard.hold(undefined);
      }
      return reply
        .code(503)
        .header('retry-after', RETRY_AFTER_SECONDS)
        .send(apiError('temporarily_unavailable', 'too many password checks in progress; retry later').body);
    }
    const message =
      check === 'closed'
        ? 'set status-password or admin-password to read the status over a non-loopback interface (HTTP Basic, any user name)'
        : 'give the status-password or admin-password (HTTP Basic, any user name)';
    return reply.code(401).header('www-authenticate', 'Basic realm="switchboard status"').send(apiError('unauthorized', message).body);
  });
  app.get('/api/v1/errors', async () => API_ERRORS);
  return app;
}
