/** The backoffs: the queues' capped doubling, and the binds' reconnect delay, jittered but never past its cap. */
import { describe, expect, it } from 'vitest';
import { cappedExponentialMs, jitteredBackoffMs } from '../../../src/primitives/capped-backoff.js';

describe('cappedExponentialMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => cappedExponentialMs(n, 100, 500))).toEqual([100, 200, 400, 500, 500]);
  });
});

describe('jitteredBackoffMs', () => {
  it('spreads each delay ±20 % around the doubling while it is well under the cap', () => {
    expect(jitteredBackoffMs(0, 1000, 60_000, 0)).toBe(800);
    expect(jitteredBackoffMs(0, 1000, 60_000, 0.5)).toBe(1000);
    expect(jitteredBackoffMs(2, 1000, 60_000, 0.999)).toBeCloseTo(4800, -1);
  });

  it('never goes past reconnect-delay-max, and still spreads the delays near it', () => {
    const max = 60_000;
    for (const attempt of [5, 6, 7, 30]) {
      const delays = [0, 0.25, 0.5, 0.75, 0.9999].map((r) => jitteredBackoffMs(attempt, 1000, max, r));
      for (const d of delays) expect(d).toBeLessThanOrEqual(max);
      expect(new Set(delays).size).toBe(5);
    }
    // at the cap: the window is the 40 % below it
    expect(jitteredBackoffMs(30, 1000, max, 0)).toBe(36_000);
    expect(jitteredBackoffMs(30, 1000, max, 0.9999)).toBeLessThanOrEqual(max);
    // attempt 5 (32 s) would reach 38.4 s, within the cap: unchanged
    expect(jitteredBackoffMs(5, 1000, max, 0.9999)).toBeCloseTo(38_398, -1);
  });
});
