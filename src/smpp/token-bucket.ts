/**
 * A bind's `throughput`: `rate` submits per second with a small burst, on the same GCRA arithmetic as every other
 * rate limit of the gateway (primitives/gcra.ts), kept here in memory since a bind is one process's. Pure
 * (the caller passes the time), so tests need no clock. The burst is 20 ms worth of submits (at least one): timers
 * cannot wake up for every 0.2 ms gap at 5,000/s, and 20 ms keeps any one-second window within a few messages of
 * the limit. A new bind starts with one submit's worth, not a whole burst.
 */
import { bucketRule, reserve, toleranceMs, type BucketRule } from '../primitives/gcra.js';

export class TokenBucket {
  readonly burst: number;
  private readonly rule: BucketRule | undefined;
  /** GCRA's theoretical arrival time of the next submit. */
  private tat: number;

  constructor(
    readonly ratePerSecond: number,
    now: number,
  ) {
    this.burst = Math.max(1, ratePerSecond * 0.02);
    this.rule = ratePerSecond > 0 ? bucketRule(ratePerSecond, this.burst) : undefined;
    // One submit may go at once; the rest of the burst is earned.
    this.tat = this.rule ? now + toleranceMs(this.rule) : now;
  }

  /** Takes one submit's slot if it is free and returns 0; otherwise returns how many ms until one is due. */
  take(now: number): number {
    if (!this.rule) return 0;
    const r = reserve(this.rule, this.tat, now, 1);
    if (!r.ok) return waitOf(r.retryAfterMs);
    this.tat = r.tat;
    return 0;
  }

  /** How many ms until take() would succeed (0: now), without taking anything. */
  waitMs(now: number): number {
    if (!this.rule) return 0;
    const r = reserve(this.rule, this.tat, now, 1);
    return r.ok ? 0 : waitOf(r.retryAfterMs);
  }
}

/** Whole milliseconds, at least one: a timer set for less would fire before the slot. */
function waitOf(retryAfterMs: number | undefined): number {
  return Math.max(1, Math.ceil(retryAfterMs ?? 0));
}
