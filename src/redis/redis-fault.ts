/**
 * What went wrong with Redis, read from the errors ioredis and Redis give: the gateway answers every one of these
 * with "try again later" (503, ESME_RX_T_APPN), and logs each kind once when it starts and once when it ends.
 */

/**
 * - timeout: Redis did not answer in time (frozen, overloaded, a network that drops packets);
 * - unreachable: no connection (refused, closed, reconnecting);
 * - out-of-memory, read-only, persistence-failed: Redis answers but refuses writes (maxmemory with noeviction, a
 *   replica after a failover, a failed RDB or AOF write: OOM, READONLY, MISCONF);
 * - loading, busy: Redis is loading its data, or a script holds it (LOADING, BUSY, MASTERDOWN);
 * - not-replicated: the primary took a write but fewer replicas than redis.wait-replicas confirmed it in time (WAIT).
 */
export type RedisFault =
  'timeout' | 'unreachable' | 'out-of-memory' | 'read-only' | 'persistence-failed' | 'loading' | 'busy' | 'not-replicated';

/** Redis could not take the operation; nothing of it is known to be done, and the caller should try again later. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  /** For the HTTP error handlers: what to answer. */
  readonly statusCode = 503;

  constructor(
    readonly fault: RedisFault,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const REPLY_CODES: ReadonlyArray<readonly [RegExp, RedisFault]> = [
  [/\bOOM\b/, 'out-of-memory'],
  [/\bREADONLY\b/, 'read-only'],
  [/\bMISCONF\b/, 'persistence-failed'],
  [/\bLOADING\b/, 'loading'],
  [/\b(BUSY|MASTERDOWN|NOREPLICAS|TRYAGAIN)\b/, 'busy'],
];

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** The fault an error from ioredis (or bullmq on it) stands for; undefined for anything else (a bug, a bad key). */
export function classifyRedisError(e: unknown): RedisFault | undefined {
  if (e instanceof RedisUnavailableError) return e.fault;
  if (!(e instanceof Error)) return undefined;
  const message = e.message;
  if (message === 'Command timed out') return 'timeout';
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return 'unreachable';
  if (
    e.name === 'MaxRetriesPerRequestError' ||
    message.startsWith("Stream isn't writeable") ||
    message.startsWith('Connection is closed') ||
    message.startsWith('Socket closed unexpectedly')
  ) {
    return 'unreachable';
  }
  for (const [pattern, fault] of REPLY_CODES) if (pattern.test(message)) return fault;
  return undefined;
}

/** Faults of the connection itself, as opposed to a Redis that answers but refuses. */
export function isConnectionFault(f: RedisFault): boolean {
  return f === 'timeout' || f === 'unreachable';
}

/** A few words for logs and replies. */
export function describeFault(f: RedisFault): string {
  switch (f) {
    case 'timeout':
      return 'Redis does not answer in time';
    case 'unreachable':
      return 'Redis cannot be reached';
    case 'out-of-memory':
      return 'Redis refuses writes: out of memory (maxmemory)';
    case 'read-only':
      return 'Redis refuses writes: it is a read-only replica';
    case 'persistence-failed':
      return 'Redis refuses writes: it cannot write its RDB or AOF file (MISCONF)';
    case 'loading':
      return 'Redis is loading its data';
    case 'busy':
      return 'Redis is busy (a long script, or no master)';
    case 'not-replicated':
      return 'Redis replicas do not confirm writes in time (redis.wait-replicas)';
  }
}
