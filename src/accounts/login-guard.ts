/**
 * What both ports do around a password check: refuse an address that failed too often (failed-login-limit.ts)
 * before its password is looked at, count every failed or refused login for /metrics, and say in the log when an
 * address is shut out: one line when its refusals begin, and one when the burst is over with how many logins were
 * refused in it, however many there were.
 *
 * A refusal that checked nothing (limited, or busy: no room for a check of that name now) is answered after a
 * pause, the Retry-After it carries anyway: a client that asks again at once would otherwise get thousands of such
 * answers a second, each costing the event loop what a real request costs (measured: 40 connections guessing one
 * name made about 1000 requests a second and took a third of a core in refusals alone, and other clients' p50
 * went from 13 to 130 ms). Held, the same 40 connections make 40 requests a second.
 */
import type { Logger } from 'pino';
import { LogThrottle } from '../observability/log-throttle.js';
import { rateLimitClient } from '../security/rate-limit-client.js';
import { FailedLoginLimit, type FailedLoginLimitOptions, type LoginAllowance } from './failed-login-limit.js';

/** Which port: the label of the metric and a field of the log lines. */
export type LoginInterface = 'sendsms' | 'admin';

/** Why a login did not go through: the metric's `reason` label. */
export type LoginFailureReason = 'bad_password' | 'unknown_user' | 'ip_denied' | 'busy' | 'limited';

export interface LoginGuardOptions {
  readonly interface: LoginInterface;
  readonly logger: Logger;
  readonly limit?: FailedLoginLimitOptions;
  /** Hears every failed or refused login (metrics). */
  readonly onFailure?: (reason: LoginFailureReason) => void;
  /** How long a refusal that checked nothing is held before it is sent (ms). Default 1000. */
  readonly refusalPauseMs?: number;
  readonly now?: () => number;
}

/** A burst of refusals is over once an address has been refused nothing for this long. */
const BURST_LOG_INTERVAL_MS = 60_000;

export class LoginGuard {
  private readonly limit: FailedLoginLimit;
  private readonly throttle = new LogThrottle({ intervalMs: BURST_LOG_INTERVAL_MS, maxKeys: 1000 });
  private readonly now: () => number;

  constructor(private readonly opts: LoginGuardOptions) {
    this.limit = new FailedLoginLimit(opts.limit);
    this.now = opts.now ?? Date.now;
  }

  /**
   * Whether a login from this address may be checked now (it then counts as a failure until succeeded() says
   * otherwise); a refusal is counted and logged once per burst.
   */
  admit(ip: string): LoginAllowance {
    const now = this.now();
    this.sweep(now);
    const allowed = this.limit.attempt(ip, now);
    if (allowed.ok) return allowed;
    this.opts.onFailure?.('limited');
    const client = rateLimitClient(ip);
    const d = this.throttle.hit(client, now);
    if (d.log)
      this.opts.logger.warn(
        {
          interface: this.opts.interface,
          client,
          retryAfterS: Math.ceil(allowed.retryAfterMs / 1000),
          ...(d.suppressed > 0 ? { refusedBefore: d.suppressed } : {}),
          ...(d.overflow ? { tooManyClients: true } : {}),
        },
        'too many failed logins from this address: its logins are refused without a check until it waits (Retry-After); further refusals are counted, not logged',
      );
    return allowed;
  }

  /** `value` after the refusal pause: for answers that checked nothing (limited, busy). */
  hold<T>(value: T): Promise<T> {
    const ms = this.opts.refusalPauseMs ?? 1000;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms, value)) : Promise.resolve(value);
  }

  /** A login admitted that failed (or found the verifier busy): it stays counted toward the address's limit, unless busy. */
  failed(ip: string, reason: Exclude<LoginFailureReason, 'limited'>): void {
    this.opts.onFailure?.(reason);
    // A busy verifier checked nothing: the client learnt nothing and cost nothing.
    if (reason === 'busy') this.limit.refund(ip);
  }

  /** A login admitted that succeeded: its unit is given back. Every admitted login ends in this or failed(). */
  succeeded(ip: string): void {
    this.limit.refund(ip);
  }

  private sweep(now: number): void {
    for (const s of this.throttle.sweep(now)) {
      this.opts.logger.warn(
        {
          interface: this.opts.interface,
          ...(s.overflow ? { tooManyClients: true } : { client: s.key }),
          refused: s.suppressed,
        },
        'logins refused for too many failed logins from this address, not logged one by one',
      );
    }
  }
}
