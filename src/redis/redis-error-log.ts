/**
 * The errors of one process's Redis clients and of the bullmq queues and workers on them, written so that an
 * outage is a handful of lines, not one per reconnect attempt and per worker (13 minutes of an unreachable Redis
 * once wrote 8 800 lines with stack traces): one line when the first client loses its connection, one when every
 * client is back, with the count of errors in between. Other errors (a lost job lock, a script error) are written
 * at most once a minute per message, with the count of those left out.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LogThrottle } from '../observability/log-throttle.js';
import type { RedisAvailability } from './availability.js';
import { StateChanges } from '../observability/state-changes.js';
import { classifyRedisError, describeFault, isConnectionFault } from './redis-fault.js';

const THROTTLE = { intervalMs: 60_000, maxKeys: 200 };

/** Which log watches which client, so a bullmq object built on a client reports through it. */
const watching = new WeakMap<Redis, RedisErrorLog>();

/**
 * The 'error' listener for a bullmq queue, flow producer or worker built on `connection`: through the RedisErrorLog
 * that watches that client, else to `fallback` (every error a line). bullmq prints the errors of an object that
 * has no listener, with their stacks, once per reconnect attempt.
 */
export function redisErrorListener(
  connection: Redis,
  source: string,
  context: Record<string, unknown> = {},
  fallback?: Logger,
): (e: Error) => void {
  const log = watching.get(connection);
  if (log) return (e) => log.report(source, e, context);
  return (e) => fallback?.error({ ...context, err: e }, `${source} error`);
}

export class RedisErrorLog {
  private readonly down = new Set<string>();
  private readonly connection: StateChanges<'up' | 'down'>;
  private readonly throttle = new LogThrottle(THROTTLE);
  /** The first error of the outage, for the closing line. */
  private cause = '';

  constructor(
    private readonly logger: Logger,
    /** How often a client tries to reconnect, for the log line. */
    private readonly reconnectEveryMs: number,
    private readonly now: () => number = Date.now,
    /** Hears when connections are lost and back, and where each one connects (failovers, time without a primary). */
    private readonly availability?: RedisAvailability,
  ) {
    this.connection = new StateChanges<'up' | 'down'>('up', now());
  }

  /** Follows a client of ours: `name` says which (http, work, events, store). */
  watch(client: Redis, name: string, target: string): void {
    watching.set(client, this);
    client.on('error', (e: Error) => {
      const fault = classifyRedisError(e);
      if (client.status === 'ready' && !(fault && isConnectionFault(fault))) {
        // Not the connection (a reply error ioredis had no caller for): an error like any other.
        this.report(name, e);
        return;
      }
      const first = this.down.size === 0 && this.connection.state === 'up';
      this.down.add(name);
      this.availability?.lost(`connection ${name}`, this.now());
      this.connection.observe('down', this.now());
      if (!first) return;
      this.cause = e.message;
      this.logger.error(
        { redis: target, client: name, err: e.message, reconnectEveryMs: this.reconnectEveryMs },
        'Redis connection lost; reconnecting (logged again once every connection is back)',
      );
    });
    client.on('ready', () => {
      this.availability?.found(`connection ${name}`, this.now());
      const stream = client.stream as { remoteAddress?: string; remotePort?: number } | undefined;
      const address = stream?.remoteAddress === undefined ? target : `${stream.remoteAddress}:${stream.remotePort ?? ''}`;
      const previous = this.availability?.connectedTo(address);
      if (previous !== undefined)
        this.logger.warn({ from: previous, to: address, client: name }, 'Redis primary changed (failover): following it');
      if (!this.down.delete(name) || this.down.size > 0) return;
      const change = this.connection.observe('up', this.now());
      if (change)
        this.logger.warn({ redis: target, downMs: change.lastedMs, errors: change.count, cause: this.cause }, 'Redis connection back');
    });
  }

  /** An 'error' event of a bullmq queue, flow producer or worker; `context` goes into the line. */
  report(source: string, e: unknown, context: Record<string, unknown> = {}): void {
    const fault = classifyRedisError(e);
    if (fault && isConnectionFault(fault) && this.connection.state === 'down') {
      // Part of the outage the clients' lines already tell about.
      this.connection.observe('down', this.now());
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    const decision = this.throttle.hit(`${source}\u0000${message}`, this.now());
    if (!decision.log) return;
    const line = {
      ...context,
      source,
      err: message,
      ...(fault ? { fault: describeFault(fault) } : {}),
      ...(decision.suppressed > 0 ? { sameErrorsLeftOut: decision.suppressed } : {}),
    };
    // A fault is Redis's, not ours: no stack. Anything else may be a bug, and its stack says where.
    if (fault) this.logger.error(line, `${source} error`);
    else this.logger.error({ ...line, err: e }, `${source} error (the same one is written at most once a minute)`);
  }
}
