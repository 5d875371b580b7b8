/**
 * The SMPP server role: built where the HTTP role listens (the process that serves clients) when the configuration
 * has an `smpp-server` section. Its sessions authenticate and submit through the HTTP role's authenticator, limits
 * and accept path; their deliver_sm come from the callback queue's per-account queues.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Authenticator } from '../accounts/authenticator.js';
import type { LimitGate } from '../accounts/limit-gate.js';
import type { SmppServerConfig } from '../config/config.js';
import type { CallbackQueue } from '../dlr/callback-queue.js';
import type { AcceptService } from '../messages/accept-service.js';
import type { RedisKeys } from '../redis/keys.js';
import { AccountDeliveries } from '../smpp-server/account-deliveries.js';
import { BindLedger } from '../accounts/smpp-bind-ledger.js';
import { SmppServer } from '../smpp-server/smpp-server.js';

/** A session's claim on its account's smpp-max-binds lives this long unless renewed (a crashed process's lapse). */
const CLAIM_TTL_MS = 15_000;
const CLAIM_RENEW_MS = 5_000;

export interface SmppServerRoleDeps {
  readonly config: SmppServerConfig;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly nodeId: string;
  readonly callbacks: CallbackQueue;
  readonly accept: AcceptService;
  readonly authenticator: Authenticator;
  readonly limits: LimitGate;
  readonly closed: () => boolean;
  readonly logger: Logger;
}

export interface SmppServerRole {
  readonly server: SmppServer;
  readonly ledger: BindLedger;
}

export function buildSmppServerRole(d: SmppServerRoleDeps): SmppServerRole {
  const log = d.logger.child({ component: 'smpp-server' });
  const ledger = new BindLedger(d.redis, d.keys, { ttlMs: CLAIM_TTL_MS, renewMs: CLAIM_RENEW_MS }, log);
  const deliveries = new AccountDeliveries(d.callbacks, { window: d.config.window, responseTimeoutMs: d.config.responseTimeoutMs }, log);
  const server = new SmppServer({
    config: d.config,
    authenticate: (username, password, ip) => d.authenticator.authenticate(username, password, ip),
    clientLimit: d.limits,
    accept: (sub) => d.accept.accept(sub),
    ledger,
    deliveries,
    closed: d.closed,
    nodeId: d.nodeId,
    logger: d.logger,
  });
  return { server, ledger };
}
