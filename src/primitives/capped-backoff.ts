/**
 * The retry delay every queue of the gateway uses (route queues, receipts, callbacks, MO): exponential from a base,
 * capped, so that a long outage is retried at a steady pace instead of ever more rarely. Pure.
 */

/** Backoff for retry number `attemptsMade` (1 after the first failure): `baseMs` doubling, capped at `maxMs`. */
export function cappedExponentialMs(attemptsMade: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attemptsMade - 1), 30));
}
