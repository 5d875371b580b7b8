/**
 * Redis clients for each role. The HTTP side ('commands') fails fast when Redis is down (a client must hear "try again", not
 * wait); workers and subscribers wait and reconnect. Whoever creates a client closes it.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { redactUrl } from '../observability/redact-url.js';

export type RedisTarget = { readonly url: string } | { readonly path: string };

/** 'commands' fails fast (the HTTP side); 'worker' waits through outages; 'subscriber' for pub/sub. */
export type RedisRole = 'commands' | 'worker' | 'subscriber';

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

export function createRedis(target: RedisTarget, role: RedisRole, name: string, logger?: Logger, opts: { autoPipelining?: boolean } = {}): Redis {
  const common: RedisOptions = {
    connectionName: `switchboard-${name}`,
    enableAutoPipelining: opts.autoPipelining ?? false,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...(role === 'commands' ? { maxRetriesPerRequest: 1, enableOfflineQueue: false } : { maxRetriesPerRequest: null }),
  };
  const client = 'path' in target ? new Redis({ ...common, path: target.path }) : new Redis(target.url, common);
  // One line when Redis goes away and one when it is back, not one per reconnect attempt.
  let down = false;
  client.on('error', (e: Error) => {
    if (down) return;
    down = true;
    logger?.error({ redis: describeTarget(target), client: name, err: e.message }, 'Redis connection lost; reconnecting');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger?.info({ redis: describeTarget(target), client: name }, 'Redis connection back');
  });
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
