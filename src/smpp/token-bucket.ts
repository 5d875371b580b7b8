/**
 * A token bucket for a bind's `throughput`: `rate` submits per second with a small burst. Pure (the caller passes
 * the time), so tests need no clock. The burst is 20 ms worth of tokens (at least one): timers cannot wake up for
 * every 0.2 ms gap at 5,000/s, and 20 ms keeps any one-second window within a few messages of the limit.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  readonly burst: number;

  constructor(readonly ratePerSecond: number, now: number) {
    this.burst = Math.max(1, ratePerSecond * 0.02);
    this.tokens = 1;
    this.last = now;
  }

  /** Takes one token if there is one and returns 0; otherwise returns how many ms until one is due. */
  take(now: number): number {
    const wait = this.waitMs(now);
    if (wait === 0 && this.ratePerSecond > 0) this.tokens -= 1;
    return wait;
  }

  /** How many ms until take() would succeed (0: now), without taking anything. */
  waitMs(now: number): number {
    if (this.ratePerSecond <= 0) return 0;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond));
  }

  private refill(now: number): void {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      this.last = now;
    }
  }
}
