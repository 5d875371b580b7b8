/**
 * The retry delay every queue of the gateway uses (route queues, receipts, callbacks, MO): exponential from a base,
 * capped, so that a long outage is retried at a steady pace instead of ever more rarely. Pure.
 */

/** Backoff for retry number `attemptsMade` (1 after the first failure): `baseMs` doubling, capped at `maxMs`. */
export function cappedExponentialMs(attemptsMade: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attemptsMade - 1), 30));
}

/**
 * A reconnect delay for attempt `attempt` (0: the first): `baseMs` doubling up to `maxMs`, spread over a window 40 %
 * of its width wide (±20 %) so that binds that failed together do not all come back at the same instant, and never
 * past `maxMs`: once the doubling nears the cap, the window slides below it instead of reaching over it.
 * `random` is in [0, 1).
 */
export function jitteredBackoffMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const base = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attempt), 20));
  const low = Math.min(base * 0.8, maxMs - base * 0.4);
  return Math.min(maxMs, Math.round(low + base * 0.4 * random));
}
