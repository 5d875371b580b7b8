/**
 * The token bucket behind every rate limit (client addresses, account requests, an account's max-tps), as GCRA
 * (the generic cell rate algorithm): one stored number per bucket, the theoretical arrival time `tat` of the
 * next unit, instead of a token count and a refill time. A unit costs `intervalMs` (1000 ÷ rate); the bucket holds
 * `burst` units, so a unit may go as long as `tat` is at most `(burst - 1) × intervalMs` ahead of now.
 *
 * A reservation of n units either fits now (refuse mode: `maxDelayMs` 0) or is given send times up to
 * `maxDelayMs` ahead (pace mode: unit i goes at `max(now, tat0 + i × intervalMs - tolerance)`, so the account's
 * traffic leaves at its rate). Refuse mode is pace mode that may not wait.
 *
 * Pure, with `now` passed in. limit-gate.ts runs the same arithmetic in Redis, atomically, for every gateway process;
 * a test holds the two together.
 */
export interface BucketRule {
  /** Cost of one unit: 1000 ÷ the rate per second. */
  readonly intervalMs: number;
  /** Units that may go at once (at least 1). */
  readonly burst: number;
  /** How far ahead units may be scheduled: 0 refuses what does not fit now. */
  readonly maxDelayMs: number;
}

/** A rule from a rate per second; a burst of 0 means one second's worth (at least 1). */
export function bucketRule(perSecond: number, burst: number, maxDelayMs = 0): BucketRule {
  return { intervalMs: 1000 / perSecond, burst: burst > 0 ? burst : Math.max(1, Math.ceil(perSecond)), maxDelayMs };
}

/** How far `tat` may run ahead of now with the bucket still able to take one unit. */
export function toleranceMs(rule: BucketRule): number {
  return (rule.burst - 1) * rule.intervalMs;
}

export type Reservation =
  /** `tat0`: when the first unit's slot begins (now, or later when the bucket is in use); `tat`: the value to store. */
  | { readonly ok: true; readonly tat0: number; readonly tat: number }
  /** `retryAfterMs`: when the same reservation would fit; undefined when it never can (more units than fit at all). */
  | { readonly ok: false; readonly retryAfterMs: number | undefined };

/** Float slack, so that a unit exactly on its slot is never refused for a rounding error (the Lua uses the same). */
export const SLACK_MS = 0.001;

/** Reserves n units at `now` from a bucket whose stored value is `storedTat` (undefined: never used, or expired). */
export function reserve(rule: BucketRule, storedTat: number | undefined, now: number, n: number): Reservation {
  const tau = toleranceMs(rule);
  const tat0 = Math.max(storedTat ?? 0, now);
  const lastDelay = tat0 + (n - 1) * rule.intervalMs - tau - now;
  if (lastDelay <= rule.maxDelayMs + SLACK_MS) return { ok: true, tat0, tat: tat0 + n * rule.intervalMs };
  if ((n - 1) * rule.intervalMs - tau > rule.maxDelayMs + SLACK_MS) return { ok: false, retryAfterMs: undefined };
  return { ok: false, retryAfterMs: lastDelay - rule.maxDelayMs };
}

/**
 * The wait of each message of a reservation, in ms from now: a message goes with its first part's slot (its parts
 * follow it over one bind at once, and the next message's slot makes room for them).
 */
export function messageDelays(rule: BucketRule, tat0: number, now: number, partsPerMessage: readonly number[]): number[] {
  const tau = toleranceMs(rule);
  let offset = 0;
  return partsPerMessage.map((parts) => {
    const delay = Math.max(0, tat0 + offset * rule.intervalMs - tau - now);
    offset += parts;
    return delay;
  });
}
