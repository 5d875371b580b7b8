/**
 * The log of requests the admin port refused (admin-access.ts), for Kannel's commands, the JSON admin API and
 * /metrics alike: the first refusal of a client address for one reason in a minute is written, the others of that
 * minute are counted and the count written with the next line, so 300 guesses make one line, not 300. A request
 * that gave no password at all (the dashboard asking what it may do before its login) is no failed login: not
 * logged.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { LogThrottle } from '../observability/log-throttle.js';
import type { AdminAccess, AdminNeed, AdminRefusal } from './admin-access.js';

const INTERVAL_MS = 60_000;

export class AdminRefusalLog {
  private readonly throttle = new LogThrottle({ intervalMs: INTERVAL_MS, maxKeys: 1000 });

  constructor(private readonly now: () => number = Date.now) {}

  /** `command`: what was asked (a Kannel command's name, or the API's method and path). */
  note(log: FastifyBaseLogger, ip: string, command: string, refusal: AdminRefusal): void {
    if (refusal.code === 'unauthorized' && !refusal.attempted) return;
    const now = this.now();
    for (const s of this.throttle.sweep(now)) {
      const [from, code] = s.overflow ? [undefined, undefined] : (JSON.parse(s.key) as [string, string]);
      log.warn(
        { ip: from, refused: code, more: s.suppressed, ...(s.overflow ? { tooManyClients: true } : {}) },
        'admin port refusals not logged one by one in the last minute',
      );
    }
    const d = this.throttle.hit(JSON.stringify([ip, refusal.code]), now);
    if (!d.log) return;
    log.warn(
      {
        ip,
        command,
        refused: refusal.code,
        ...(d.suppressed > 0 ? { more: d.suppressed } : {}),
        ...(d.overflow ? { tooManyClients: true } : {}),
      },
      'admin command refused',
    );
  }
}

/** The access check of a route: true to go on; otherwise the refusal is sent and logged. */
export type CheckedAccess = (req: FastifyRequest, reply: FastifyReply, need: AdminNeed) => Promise<boolean>;

export function checkedAccess(access: AdminAccess, refusals: AdminRefusalLog): CheckedAccess {
  return async (req, reply, need) => {
    const check = await access(req, need);
    if (check === 'ok') return true;
    refusals.note(req.log, req.ip, `${req.method} ${req.url.split('?')[0]}`, check);
    reply.code(check.status).headers(check.headers).send(check.body);
    return false;
  };
}
