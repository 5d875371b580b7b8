/**
 * A bind's `throughput` (Kannel: messages per second per bind, reference/kannel.md §3.2), checked on a simulated
 * clock: whatever the sender does, no 1000 ms window holds more than the rate plus the small burst, and a sender
 * that keeps asking gets the full rate.
 */
import { describe, it, expect } from 'vitest';
import { TokenBucket } from '../../../src/smpp/token-bucket.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Sends as fast as the bucket allows for `durationMs` of simulated time, sleeping for the returned wait plus
 * `lateMs()` (a timer firing late), and returns the send times.
 */
function drive(rate: number, durationMs: number, lateMs: () => number = () => 0, start = 1_000_000): number[] {
  const bucket = new TokenBucket(rate, start);
  const sent: number[] = [];
  let now = start;
  while (now < start + durationMs) {
    const wait = bucket.take(now);
    if (wait === 0) sent.push(now);
    else now += wait + lateMs();
  }
  return sent;
}

/** The most sends in any window [t, t + 1000 ms) starting at a send. */
function maxInAnySecond(times: readonly number[]): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (j < times.length && times[j]! < times[i]! + 1000) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

const RATES = [0.5, 1, 2.5, 10, 33, 100, 250, 1000, 5000];

describe('TokenBucket', () => {
  it.each([
    [0.5, 1],
    [1, 1],
    [10, 1],
    [50, 1],
    [100, 2],
    [1000, 20],
    [5000, 100],
  ])('rate %d/s has a burst of %d (20 ms worth, at least 1)', (rate, burst) => {
    expect(new TokenBucket(rate, 0).burst).toBe(burst);
  });

  it.each([[0], [-1]])('rate %d means unlimited: never a wait', (rate) => {
    const b = new TokenBucket(rate, 0);
    for (let i = 0; i < 10_000; i++) expect(b.take(0)).toBe(0);
  });

  it.each([
    [1, 1000],
    [10, 100],
    [3, 334],
    [1000, 1],
    [5000, 1],
  ])('rate %d/s: one token at start, then the wait for the next is %d ms', (rate, wait) => {
    const b = new TokenBucket(rate, 5000);
    expect(b.take(5000)).toBe(0);
    expect(b.take(5000)).toBe(wait);
  });

  it.each(RATES)('rate %d/s: the returned wait is enough (taking after it succeeds)', (rate) => {
    const b = new TokenBucket(rate, 0);
    let now = 0;
    for (let i = 0; i < 50; i++) {
      let wait = b.take(now);
      while (wait > 0) {
        now += wait;
        wait = b.take(now);
        expect(wait).toBe(0);
      }
    }
  });

  describe.each(RATES)('rate %d/s over 10 simulated seconds', (rate) => {
    const limit = Math.floor(rate + Math.max(1, rate * 0.02));

    it('a greedy sender: never more than rate + burst in any 1000 ms window, and the full rate overall', () => {
      const sent = drive(rate, 10_000);
      expect(maxInAnySecond(sent)).toBeLessThanOrEqual(limit);
      expect(sent.length).toBeLessThanOrEqual(Math.ceil(rate * 10 + 1));
      expect(sent.length).toBeGreaterThanOrEqual(Math.floor(rate * 10 * 0.98));
    });

    it('late timers (0–20 ms) never let more through', () => {
      const rnd = lcg(rate * 1000);
      const sent = drive(rate, 10_000, () => Math.floor(rnd() * 20));
      expect(maxInAnySecond(sent)).toBeLessThanOrEqual(limit);
    });

    it('an idle link does not save up more than the burst', () => {
      const b = new TokenBucket(rate, 0);
      const after = 60_000;
      let got = 0;
      while (b.take(after) === 0) got++;
      expect(got).toBe(Math.floor(Math.max(1, rate * 0.02)));
    });

    it('bursty traffic with idle gaps stays within rate + burst per second', () => {
      const rnd = lcg(rate * 7 + 1);
      const b = new TokenBucket(rate, 0);
      const sent: number[] = [];
      let now = 0;
      while (now < 20_000) {
        const wait = b.take(now);
        if (wait === 0) {
          sent.push(now);
          // sometimes the sender pauses on its own
          if (rnd() < 0.05) now += Math.floor(rnd() * 1500);
        } else now += wait;
      }
      expect(maxInAnySecond(sent)).toBeLessThanOrEqual(limit);
    });
  });

  it('a clock that goes back grants nothing extra', () => {
    const b = new TokenBucket(10, 1000);
    expect(b.take(1000)).toBe(0);
    expect(b.take(500)).toBeGreaterThan(0);
    expect(b.take(1000)).toBeGreaterThan(0);
    expect(b.take(1100)).toBe(0);
  });
});
