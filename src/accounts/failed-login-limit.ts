/**
 * Failed logins per client address (an IPv6 client: its /64), on the sendsms port (sendsms, the JSON API) and on
 * the admin port (Kannel's commands, the JSON admin API): an address may fail `burst` times at once, then once
 * per `intervalMs`; past that, every login from it is refused at once, before any password is looked at, until a
 * failure's slot frees (the Retry-After). Refusing the right password too is the point: a guess that cannot be
 * checked teaches nothing, and costs no scrypt.
 *
 * Only failures count: a login takes its unit when its check begins and gives it back when its password was right,
 * so a client whose password is right never comes near the limit, however fast it sends (up to `burst` logins of
 * one address checked side by side; a verified password is answered at once and holds its unit for no time). The
 * count is kept in this process (no Redis round trip on a refusal, and it holds while Redis is away): a cluster of
 * N processes lets an address fail N times as often, which is still N × a few guesses a minute.
 *
 * No I/O: the GCRA of primitives/gcra.ts, with `now` passed in. Bounded: at most `maxClients` addresses are tracked; an
 * address whose failures have all expired is forgotten first, then the one that failed longest ago.
 */
import { reserve, toleranceMs, type BucketRule } from '../primitives/gcra.js';
import { rateLimitClient } from '../security/rate-limit-client.js';

export interface FailedLoginLimitOptions {
  /** Failures an address may have at once. Default 20. */
  readonly burst?: number;
  /** One more failure allowed per this many ms once the burst is spent. Default 3000 (20 a minute). */
  readonly intervalMs?: number;
  /** Addresses tracked at most. Default 10 000. */
  readonly maxClients?: number;
}

export type LoginAllowance = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

export class FailedLoginLimit {
  private readonly rule: BucketRule;
  private readonly maxClients: number;
  /** Address → the GCRA's theoretical arrival time; insertion order is the order of the last failure. */
  private readonly tat = new Map<string, number>();

  constructor(opts: FailedLoginLimitOptions = {}) {
    this.rule = { intervalMs: opts.intervalMs ?? 3000, burst: opts.burst ?? 20, maxDelayMs: 0 };
    this.maxClients = opts.maxClients ?? 10_000;
  }

  /**
   * A login from this address is about to be checked: takes a unit of the address's failures at once, so that
   * guesses sent side by side count before any of them has failed (else every one sent while a slot is free would
   * get through). Refused when none is left; give the unit back (refund) when the login succeeds or checks nothing.
   */
  attempt(ip: string, now: number): LoginAllowance {
    const client = rateLimitClient(ip);
    const stored = this.tat.get(client);
    const r = reserve(this.rule, stored, now, 1);
    if (!r.ok) return { ok: false, retryAfterMs: r.retryAfterMs ?? this.rule.intervalMs };
    this.tat.delete(client);
    if (this.tat.size >= this.maxClients) this.evict(now);
    this.tat.set(client, r.tat);
    return { ok: true };
  }

  /** Gives back the unit of an attempt that did not fail (the right password, or no check made). */
  refund(ip: string): void {
    const client = rateLimitClient(ip);
    const stored = this.tat.get(client);
    if (stored !== undefined) this.tat.set(client, stored - this.rule.intervalMs);
  }

  private evict(now: number): void {
    const tau = toleranceMs(this.rule);
    for (const [client, tat] of this.tat) {
      // A tat this far in the past leaves the bucket as full as a new one: nothing to remember.
      if (tat <= now - tau) this.tat.delete(client);
      else break;
    }
    if (this.tat.size >= this.maxClients) this.tat.delete(this.tat.keys().next().value!);
  }

  /** Addresses tracked now. */
  get size(): number {
    return this.tat.size;
  }
}
