/**
 * Connection caps of the sendsms port. Node's server closes a connection that arrives while `maxConnections` are
 * open (its 'drop' event), so a flood of connections cannot take the file descriptors Redis and the SMSC binds
 * need. Slow and idle clients are bounded by the deadlines in node-server.ts (headers, whole request, keep-alive).
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from 'pino';

/** Descriptors kept for everything else the process opens (Redis, binds, callbacks, files). */
const SPARE_DESCRIPTORS = 256;

/** The process's soft limit on open files (Linux, from /proc), or undefined where it cannot be read. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

export function applyConnectionLimits(server: Server, maxConnections: number, logger: Logger, onDropped?: () => void): void {
  if (maxConnections > 0) server.maxConnections = maxConnections;
  if (onDropped) server.on('drop', onDropped);
  // Said once the port listens (a links process builds the server but never listens).
  server.once('listening', () => {
    const files = openFileLimit();
    if (files === undefined || (maxConnections > 0 && maxConnections + SPARE_DESCRIPTORS <= files)) return;
    logger.warn(
      { maxConnections, openFileLimit: files },
      `http.max-connections ${maxConnections === 0 ? 'is off' : `(${maxConnections})`} while the process may open ${files} files: a flood of connections can leave none for Redis and the SMSCs; raise the limit (LimitNOFILE, ulimit -n) or lower max-connections`,
    );
  });
}
