import { describe, expect, it } from 'vitest';
import { SlidingCounter, SlidingHistogram } from '../../../src/observability/sliding-window.js';

describe('SlidingCounter', () => {
  it('averages the last full seconds and forgets older ones', () => {
    const c = new SlidingCounter();
    const t0 = 1_000_000_000;
    for (let s = 0; s < 10; s++) c.add(t0 + s * 1000, 100);
    expect(c.rate(t0 + 10_000, 10)).toBe(100);
    expect(c.rate(t0 + 10_000, 60)).toBeCloseTo(1000 / 60);
    // A minute later, nothing is left.
    expect(c.rate(t0 + 80_000, 60)).toBe(0);
  });

  it('the current second does not count until it is over', () => {
    const c = new SlidingCounter();
    c.add(5_000_500, 7);
    expect(c.rate(5_000_900, 1)).toBe(0);
    expect(c.rate(5_001_100, 1)).toBe(7);
  });
});

describe('SlidingHistogram', () => {
  it('percentiles within a bucket (25 %) of the truth', () => {
    const h = new SlidingHistogram();
    const now = 2_000_000_000;
    for (let i = 1; i <= 1000; i++) h.record(now - (i % 50) * 1000, i / 10); // 0.1 .. 100 ms over 50 s
    const p50 = h.percentile(now, 0.5)!;
    const p99 = h.percentile(now, 0.99)!;
    expect(p50).toBeGreaterThanOrEqual(50);
    expect(p50).toBeLessThanOrEqual(50 * 1.25);
    expect(p99).toBeGreaterThanOrEqual(99);
    expect(p99).toBeLessThanOrEqual(99 * 1.25);
  });

  it('is empty when nothing was recorded in the last minute', () => {
    const h = new SlidingHistogram();
    h.record(1_000_000, 5);
    expect(h.percentile(1_000_000 + 61_000, 0.5)).toBeUndefined();
    expect(h.percentile(1_000_000, 0.5)).toBeGreaterThanOrEqual(5);
  });
});
