/**
 * Redis clients for each role. The HTTP side ('commands') fails fast when Redis is down or does not answer (a
 * client must hear "try again", not wait); workers and subscribers wait and reconnect. Whoever creates a client
 * closes it.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { redactUrl } from '../observability/redact-url.js';
import type { RedisErrorLog } from './redis-error-log.js';

export type RedisTarget = { readonly url: string } | { readonly path: string };

/** 'commands' fails fast (the HTTP side); 'worker' waits through outages; 'subscriber' for pub/sub. */
export type RedisRole = 'commands' | 'worker' | 'subscriber';

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
  return 'path' in t ? `unix:${t.path}` : redactUrl(t.url);
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
}

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
    ...(role === 'commands'
      ? {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          ...(opts.commandTimeoutMs !== undefined ? { commandTimeout: opts.commandTimeoutMs } : {}),
        }
      : { maxRetriesPerRequest: null }),
  };
  const client = 'path' in target ? new Redis({ ...common, path: target.path }) : new Redis(target.url, common);
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
