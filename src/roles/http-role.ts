/**
 * The HTTP role of a gateway process: the sendsms port and the JSON messages API, the accept path behind them
 * (authentication, limits, routing, the queue), and message lookups. Built in every process (the admin port reads
 * through the same lookups); it listens only where the role runs.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { MessageLookup } from '../http/api-routes.js';
import { buildHttpServer, type HttpServer } from '../http/server.js';
import { AcceptService, type RouteHealth } from '../messages/accept-service.js';
import type { AccountStats } from '../accounts/account-stats.js';
import { Authenticator } from '../accounts/authenticator.js';
import { LimitGate } from '../accounts/limit-gate.js';
import { LoginGuard } from '../accounts/login-guard.js';
import { MessageLookup as RecordLookup } from '../messages/message-lookup.js';
import { RecordStore } from '../messages/record-store.js';
import type { ProcessMetrics } from '../metrics/metrics.js';
import type { Producer } from '../queue/producer.js';
import type { RedisKeys } from '../redis/keys.js';
import { QueuedLookup } from '../queue/queued-lookup.js';
import type { RouteDirectory } from '../queue/route-directory.js';
import type { RedisCircuit } from '../redis/redis-circuit.js';
import type { OutboundPolicies } from '../security/outbound-policy.js';
import type { PasswordVerifier } from '../security/password-verifier.js';
import { statusAccess } from '../security/status-access.js';
import { statusGate } from '../security/status-gate.js';
import { httpsServerOptions } from '../tls/server-credentials.js';

export interface HttpRoleDeps {
  readonly config: Config;
  /** Whether this process serves HTTP (it then builds its TLS context). */
  readonly servesHttp: boolean;
  /** The request path's connection (a deadline on every command) and its circuit. */
  readonly redis: Redis;
  readonly circuit: RedisCircuit;
  readonly keys: RedisKeys;
  readonly producer: Producer;
  readonly directory: RouteDirectory;
  readonly health: RouteHealth;
  readonly accountStats: AccountStats;
  readonly outbound: OutboundPolicies;
  readonly verifier: PasswordVerifier;
  readonly metrics: ProcessMetrics;
  /** 503 for every request (shutting down, or suspended by an operator). */
  readonly closed: () => boolean;
  readonly status: () => Record<string, unknown>;
  readonly countReply: (status: number) => void;
  readonly logger: Logger;
}

export interface HttpRole {
  readonly accept: AcceptService;
  /** The limits (client addresses, accounts) the accept path counts against; the SMPP server's binds use them too. */
  readonly limits: LimitGate;
  readonly authenticator: Authenticator;
  readonly lookup: MessageLookup;
  readonly http: HttpServer;
}

export function buildHttpRole(d: HttpRoleDeps): HttpRole {
  const { config, circuit, metrics, logger } = d;
  const limits = new LimitGate(d.redis, d.keys, {
    clientRate: config.http.clientRate,
    onRefused: (reason) => metrics.limitRefusals.inc({ reason: reason.replace(/-/g, '_') }),
    onPaced: (n) => metrics.pacedMessages.inc(n),
    guard: (op) => circuit.run(op),
  });
  const accept = new AcceptService(
    config,
    d.producer,
    d.health,
    logger,
    (account, n) => d.accountStats.count(account, 'refused', n),
    limits,
  );
  const guard = new LoginGuard({
    interface: 'sendsms',
    logger,
    onFailure: (reason) => metrics.loginFailures.inc({ interface: 'sendsms', reason }),
  });
  const authenticator = new Authenticator(config.accounts, d.verifier, logger, Date.now, guard);
  // Lookups read on the request path's connection (a deadline per command), through its circuit: 503 at once
  // while Redis does not answer, as for sending.
  const records = new RecordStore(d.redis, d.keys, { lifetimeMs: config.queue.messageLifetimeMs });
  const lookupNow = new RecordLookup(records, new QueuedLookup(d.producer, d.directory));
  const lookup: MessageLookup = { find: (id) => circuit.run(() => lookupNow.find(id)) };
  const http = buildHttpServer(
    {
      accept,
      auth: authenticator,
      callbackTargets: d.outbound,
      lookup,
      maxRecipients: config.http.maxRecipients,
      immediateReply: config.http.immediateReply,
      clientLimit: limits,
      requestLimit: limits,
      shuttingDown: d.closed,
      status: d.status,
      statusGate: statusGate(statusAccess([config.admin.password, config.admin.statusPassword], config.http.host), d.verifier),
      statusLogins: guard,
    },
    {
      maxBodyBytes: config.http.maxBodyBytes,
      requestTimeoutMs: config.http.requestTimeoutMs,
      headersTimeoutMs: config.http.headersTimeoutMs,
      keepAliveTimeoutMs: config.http.keepAliveTimeoutMs,
      maxConnections: config.http.maxConnections,
      onConnectionDropped: () => metrics.limitRefusals.inc({ reason: 'connections' }),
      logger,
      https: d.servesHttp ? httpsServerOptions(config.http.tls) : null,
      countReply: d.countReply,
    },
  );
  return { accept, authenticator, lookup, http, limits };
}
