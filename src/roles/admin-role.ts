/**
 * The admin role of a gateway process: what operators see and do (queue inspection and control, link actions,
 * reload, explain), and the admin port that carries it: the JSON admin API, Kannel's commands and status pages,
 * /metrics, the dashboard and the API documentation. Built in every process; the port listens only in the HTTP role.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LoginGuard } from '../accounts/login-guard.js';
import { adminAccess } from '../admin/admin-access.js';
import { buildAdminServer, type AdminServer } from '../admin/admin-server.js';
import { registerDashboard } from '../admin/dashboard-routes.js';
import { registerKannelCommands } from '../admin/kannel-commands.js';
import { AdminRefusalLog, checkedAccess } from '../admin/refusal-log.js';
import { registerSmppSessions, type SmppSessionsBackend } from '../admin/smpp-sessions.js';
import type { Config } from '../config/config.js';
import { GatewayOperations, type GatewayParts } from '../control/gateway-operations.js';
import type { MessageLookup } from '../http/api-routes.js';
import { scrape, type ProcessMetrics } from '../metrics/metrics.js';
import { smppSessionMetrics } from '../metrics/smpp-session-metrics.js';
import type { RedisKeys } from '../redis/keys.js';
import type { RouteInspector } from '../queue/route-inspector.js';
import type { PasswordVerifier } from '../security/password-verifier.js';
import { httpsServerOptions } from '../tls/server-credentials.js';

export interface AdminRoleDeps extends Omit<GatewayParts, 'inspector'> {
  /** The configuration the port was built with (its passwords, addresses and TLS need a restart to change). */
  readonly built: Config;
  readonly servesHttp: boolean;
  readonly inspector: RouteInspector;
  readonly lookup: MessageLookup;
  /** Where the cluster-wide metrics are read (the store connection). */
  readonly redis: Redis;
  readonly keys: RedisKeys;
  /** The admin port's own: its logins never wait behind the sendsms port's. */
  readonly verifier: PasswordVerifier;
  readonly metrics: ProcessMetrics;
  /** The sendsms port as the dashboard shows it. */
  readonly sendsms: () => { tls: boolean; host: string; port: number };
  /** The SMPP server's client sessions, every process's; absent without an smpp-server section. */
  readonly smpp?: SmppSessionsBackend;
  readonly logger: Logger;
}

export interface AdminRole {
  readonly operations: GatewayOperations;
  readonly admin: AdminServer;
}

export function buildAdminRole(d: AdminRoleDeps): AdminRole {
  const { built: config } = d;
  const operations = new GatewayOperations(d);
  const access = adminAccess({
    adminPassword: config.admin.password,
    statusPassword: config.admin.statusPassword,
    allowIp: config.admin.allowIp,
    denyIp: config.admin.denyIp,
    interfaceHost: config.admin.host,
    verifier: d.verifier,
    allowedOrigins: config.admin.allowedOrigins,
    guard: new LoginGuard({
      interface: 'admin',
      logger: d.logger,
      onFailure: (reason) => d.metrics.loginFailures.inc({ interface: 'admin', reason }),
    }),
  });
  const refusals = new AdminRefusalLog();
  const checked = checkedAccess(access, refusals);
  const admin = buildAdminServer(
    {
      backend: operations,
      authorize: async (req, reply, need) => ((await checked(req, reply, need)) ? { ok: true, who: req.ip } : { ok: false }),
      explain: (account, to, smsc) => operations.explain(account, to, smsc),
      message: (id) => d.lookup.find(id),
    },
    {
      https: d.servesHttp ? httpsServerOptions(config.admin.tls) : null,
      requestTimeoutMs: config.http.requestTimeoutMs,
      logger: d.logger,
      basePath: config.admin.basePath,
    },
    [
      (app) =>
        registerDashboard(app, {
          access,
          refused: (req, refusal) => refusals.note(req.log, req.ip, 'GET /api/v1/access', refusal),
          allowIp: config.admin.allowIp,
          denyIp: config.admin.denyIp,
          basePath: config.admin.basePath,
          version: d.version,
          sendsms: d.sendsms,
          smppServer: d.smpp !== undefined,
        }),
      (app) => registerKannelCommands(app, { backend: operations, access, refusals, smscIdentities: () => d.config().links }),
      (app) => registerSmppSessions(app, { checked, backend: d.smpp }),
      (app) =>
        app.get('/metrics', async (req, reply) => {
          if (!(await checked(req, reply, 'status'))) return reply;
          const page = await scrape(d.redis, d.keys, operations);
          let body = page.body;
          if (d.smpp) {
            const v = await d.smpp.view();
            body += `\n${await smppSessionMetrics(v.sessions, new Map(Object.entries(v.waiting)))}`;
          }
          return reply.header('content-type', page.contentType).send(body);
        }),
    ],
  );
  return { operations, admin };
}
