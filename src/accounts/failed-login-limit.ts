/**
 * Failed logins per client address (an IPv6 client: its /64), on the sendsms port (sendsms, the JSON API) and on
 * the admin port (Kannel's commands, the JSON admin API): an address may fail `burst` times at once, then once
 * per `intervalMs`; past that, every login from it is refused at once, before any password is looked at, until a
 * failure's slot frees (the Retry-After). Refusing the right password too is the point: a guess that cannot be
 * checked teaches nothing, and costs no scrypt.
 *
 * Only failures count: a client whose password is right never comes near the limit, however fast it sends. The
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

  /** Whether a login from this address may be checked now. */
  check(ip: string, now: number): LoginAllowance {
    const stored = this.tat.get(rateLimitClient(ip));
    if (stored === undefined) return { ok: true };
    const r = reserve(this.rule, stored, now, 1);
    return r.ok ? { ok: true } : { ok: false, retryAfterMs: r.retryAfterMs ?? this.rule.intervalMs };
  }

  /** Counts a failed login of this address. */
  failed(ip: string, now: number): void {
    const client = rateLimitClient(ip);
    const r = reserve(this.rule, this.tat.get(client), now, 1);
    // Over the limit already (a failure that was checked before the limit closed): the bucket stays full.
    const next = r.ok ? r.tat : Math.max(this.tat.get(client) ?? now, now);
    this.tat.delete(client);
    if (this.tat.size >= this.maxClients) this.evict(now);
    this.tat.set(client, next);
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
