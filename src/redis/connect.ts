/**
 * Redis clients for each role. The HTTP side ('commands') fails fast when Redis is down or does not answer (a
 * client must hear "try again", not wait); workers and subscribers wait and reconnect. Whoever creates a client
 * closes it.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import type { SentinelSettings } from '../config/config.js';
import { redactUrl } from '../observability/redact-url.js';
import type { RedisErrorLog } from './redis-error-log.js';

/** One Redis by URL or unix socket, or the primary Redis Sentinel names (followed through failovers). */
export type RedisTarget = { readonly url: string } | { readonly path: string } | { readonly sentinel: SentinelSettings };

/**
 * 'commands' fails fast (the HTTP side); 'worker' waits through outages; 'subscriber' for pub/sub; 'leases' fails
 * fast and never sends a command later than asked (no offline queue, nothing re-sent after a reconnect): a bind lease
 * is taken now or not at all, never by a command that waited out a failover and lands on the new primary after
 * the lease's holder could renew it there.
 */
export type RedisRole = 'commands' | 'worker' | 'subscriber' | 'leases';

/**
 * Longest wait between two reconnect attempts: a Redis that comes back is in use again within this time. An
 * attempt is one connect (a SYN, or a unix socket connect), cheap enough to make twice a second through an outage.
 */
export const RECONNECT_MAX_MS = 500;

/** redis://… and rediss://… URLs as they are; a unix socket as `unix:///path` or a bare absolute path. */
export function parseRedisUrl(url: string): RedisTarget {
  if (url.startsWith('unix://')) return { path: url.slice('unix://'.length) };
  if (url.startsWith('/')) return { path: url };
  return { url };
}

/** For logs and errors: a URL without its credentials and query (`redis://:pw@h:6379/0?password=…`). */
export function describeTarget(t: RedisTarget): string {
  if ('path' in t) return `unix:${t.path}`;
  if ('url' in t) return redactUrl(t.url);
  const s = t.sentinel;
  return `sentinel:${s.name}@${s.sentinels.map((a) => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`)).join(',')}`;
}

/** TLS options for the Sentinels and the primary (redis.tls-ca-file, or Node's bundled CAs). */
export function sentinelTls(s: SentinelSettings): ConnectionOptions {
  return s.caFile === undefined ? {} : { ca: readFileSync(s.caFile) };
}

/**
 * ioredis's Sentinel options: it asks the Sentinels where the primary is at each connect, and checks that the node
 * it reached is a primary (a demoted one is left for the next address the Sentinels give). Following a primary that
 * froze rather than died (it closes no connection) is sentinel-watch.ts's work, not ioredis's failoverDetector:
 * that one disconnects its connector when +switch-master arrives, and when that happens while the client is still
 * connecting (after a kill -9 it is, trying the dead address), ioredis ends the client for good (status 'end',
 * "Connection is closed" on every command after; seen in bench/failover.ts).
 */
function sentinelOptions(s: SentinelSettings, natMap: NatMapFunction | undefined): RedisOptions {
  const tls = sentinelTls(s);
  return {
    sentinels: s.sentinels.map((a) => ({ host: a.host, port: a.port })),
    name: s.name,
    role: 'master',
    ...(s.username !== undefined ? { username: s.username } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(s.sentinelPassword !== undefined ? { sentinelPassword: s.sentinelPassword } : {}),
    ...(s.tls ? { tls } : {}),
    ...(s.sentinelTls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
    ...(natMap ? { natMap } : {}),
    // Every Sentinel unreachable: asked again as often as a lost Redis is (RECONNECT_MAX_MS), never given up.
    sentinelRetryStrategy: (times: number) => Math.min(times * 100, RECONNECT_MAX_MS),
  };
}

export interface CreateRedisOptions {
  readonly autoPipelining?: boolean;
  /**
   * 'commands' only: a command Redis has not answered within this time fails with "Command timed out". ioredis
   * keeps a timer per command, and the request path sends about two commands per group commit, not per message:
   * measured with the circuit, no difference beyond noise (about 6 µs of CPU per message either way with 50
   * concurrent clients; at one message per commit, medians of 115 and 120 µs, within the run-to-run spread).
   * The connection-level alternative (socketTimeout) closes the connection, and ioredis then sends the unanswered
   * commands again on the next one, so a commit could be written twice.
   */
  readonly commandTimeoutMs?: number;
  /** With Sentinel: rewrites the primary's address the Sentinels give (sentinel-watch.ts redirects a demoted one). */
  readonly natMap?: NatMapFunction;
}

/** ioredis's natMap as a function: an address `host:port` the Sentinels gave → the one to connect to, or null. */
export type NatMapFunction = (key: string) => { host: string; port: number } | null;

export function createRedis(
  target: RedisTarget,
  role: RedisRole,
  name: string,
  errors: RedisErrorLog,
  opts: CreateRedisOptions = {},
): Redis {
  const common: RedisOptions = {
    connectionName: `switchboard-${name}`,
    enableAutoPipelining: opts.autoPipelining ?? false,
    retryStrategy: (times) => Math.min(times * 100, RECONNECT_MAX_MS),
    ...(role === 'commands' || role === 'leases'
      ? {
          maxRetriesPerRequest: role === 'leases' ? 0 : 1,
          enableOfflineQueue: false,
          ...(role === 'leases' ? { autoResendUnfulfilledCommands: false } : {}),
          ...(opts.commandTimeoutMs !== undefined ? { commandTimeout: opts.commandTimeoutMs } : {}),
        }
      : { maxRetriesPerRequest: null }),
  };
  const client =
    'path' in target
      ? new Redis({ ...common, path: target.path })
      : 'url' in target
        ? new Redis(target.url, common)
        : new Redis({ ...common, ...sentinelOptions(target.sentinel, opts.natMap) });
  errors.watch(client, name, describeTarget(target));
  return client;
}

/** Resolves once the client is connected, or rejects after the timeout with the target in the message. */
export async function waitReady(client: Redis, target: RedisTarget, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`cannot reach Redis at ${describeTarget(target)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
