/**
 * The Redis clients of one gateway process, by role, with what watches them: one error log for all of them (an
 * outage is a line when it starts and one when it ends), and the request path's circuit (redis-circuit.ts).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisAvailability } from './availability.js';
import { createRedis, RECONNECT_MAX_MS, sentinelTls, type RedisTarget } from './connect.js';
import { RedisCircuit } from './redis-circuit.js';
import { RedisErrorLog } from './redis-error-log.js';
import { SentinelWatch } from './sentinel-watch.js';

export interface ProcessClients {
  /** The request path (sendsms, the JSON API, lookups): fails fast, every command with a deadline. */
  readonly http: Redis;
  /** bullmq workers and background work: waits through outages. */
  readonly work: Redis;
  /** Pub/sub. */
  readonly events: Redis;
  /** Message records and our own commands, auto-pipelined; waits through outages. */
  readonly store: Redis;
  /** Bind leases: fails fast, never sends a command late (connect.ts, role 'leases'). */
  readonly leases: Redis;
  /** Guards the request path's operations on `http`. */
  readonly circuit: RedisCircuit;
  /** With Sentinel: reconnects every client above the moment a replica is promoted (sentinel-watch.ts). */
  readonly sentinelWatch: SentinelWatch | undefined;
  /** Failovers seen and time without a primary, for /metrics. */
  readonly availability: RedisAvailability;
  readonly all: readonly Redis[];
}

export function createProcessClients(
  target: RedisTarget,
  logger: Logger,
  opts: {
    readonly commandTimeoutMs: number;
    /** Deadline of a lease renewal (cluster.lease-ttl: a renewal later than that is of no use). */
    readonly leaseTimeoutMs: number;
  },
): ProcessClients {
  const availability = new RedisAvailability();
  const errors = new RedisErrorLog(logger, RECONNECT_MAX_MS, Date.now, availability);
  const sentinelWatch = 'sentinel' in target ? new SentinelWatch(target.sentinel, logger, sentinelTls(target.sentinel)) : undefined;
  const natMap = sentinelWatch?.natMap;
  const http = createRedis(target, 'commands', 'http', errors, { commandTimeoutMs: opts.commandTimeoutMs, natMap });
  const work = createRedis(target, 'worker', 'work', errors, { natMap });
  const events = createRedis(target, 'subscriber', 'events', errors, { natMap });
  // The message store on a connection of its own: on a connection bullmq uses, ioredis copies every one of
  // bullmq's scripts into each pipeline or transaction (measured: about 35 µs of CPU per message).
  // Our own commands (records, receipts, report order) share it, with ioredis's auto-pipelining: the commands of
  // one tick leave in one write. Kept apart from bullmq's connections, where every pipeline copies bullmq's scripts.
  const store = createRedis(target, 'worker', 'store', errors, { autoPipelining: true, natMap });
  const leases = createRedis(target, 'leases', 'leases', errors, { commandTimeoutMs: opts.leaseTimeoutMs, natMap });
  const circuit = new RedisCircuit({
    probe: () => http.ping(),
    probeIntervalMs: 100,
    logger,
    activity: 'sendsms and the JSON API',
    availability,
  });
  const all = [http, work, events, store, leases];
  sentinelWatch?.follow(all);
  return { http, work, events, store, leases, circuit, availability, sentinelWatch, all };
}
