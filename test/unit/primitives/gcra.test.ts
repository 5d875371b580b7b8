/** The GCRA token bucket behind the rate limits and max-tps (token-bucket.ts): refuse mode, pace mode, bursts. */
import { describe, expect, it } from 'vitest';
import { bucketRule, messageDelays, reserve, type BucketRule } from '../../../src/primitives/gcra.js';

const NOW = 1_000_000;

/** Runs reservations of `n` units at the given times against one bucket; what each got. */
function run(rule: BucketRule, calls: readonly { at: number; n: number }[]): ReturnType<typeof reserve>[] {
  let tat: number | undefined;
  return calls.map(({ at, n }) => {
    const r = reserve(rule, tat, at, n);
    if (r.ok) tat = r.tat;
    return r;
  });
}

describe('bucketRule', () => {
  it('takes a rate per second; a burst of 0 is one second of it, at least one unit', () => {
    expect(bucketRule(10, 0)).toEqual({ intervalMs: 100, burst: 10, maxDelayMs: 0 });
    expect(bucketRule(0.5, 0)).toEqual({ intervalMs: 2000, burst: 1, maxDelayMs: 0 });
    expect(bucketRule(2.5, 0).burst).toBe(3);
    expect(bucketRule(10, 4, 60_000)).toEqual({ intervalMs: 100, burst: 4, maxDelayMs: 60_000 });
  });
});

describe('reserve, refuse mode (no delay allowed)', () => {
  const rule = bucketRule(10, 5);

  it('a fresh bucket takes a whole burst at once, then refuses, with the wait until one unit fits', () => {
    const got = run(rule, [
      { at: NOW, n: 5 },
      { at: NOW, n: 1 },
    ]);
    expect(got[0]).toEqual({ ok: true, tat0: NOW, tat: NOW + 500 });
    expect(got[1]).toEqual({ ok: false, retryAfterMs: 100 });
  });

  it('refills at the rate: one unit per interval after the burst', () => {
    const calls = [{ at: NOW, n: 5 }, ...Array.from({ length: 20 }, (_, i) => ({ at: NOW + 100 * (i + 1), n: 1 }))];
    expect(run(rule, calls).every((r) => r.ok)).toBe(true);
    // one unit more within the same interval does not fit
    expect(run(rule, [...calls, { at: NOW + 2000, n: 1 }]).at(-1)).toMatchObject({ ok: false });
  });

  it('over any window, what is admitted is at most the burst plus the rate times the window', () => {
    let admitted = 0;
    let tat: number | undefined;
    for (let t = 0; t < 10_000; t += 7) {
      const r = reserve(rule, tat, NOW + t, 1);
      if (r.ok) {
        tat = r.tat;
        admitted++;
      }
    }
    // 10 s at 10/s plus a burst of 5 (the last slot may straddle the end)
    expect(admitted).toBeGreaterThanOrEqual(100);
    expect(admitted).toBeLessThanOrEqual(105);
  });

  it('a request of several units fits only when all fit now; the wait is until they all do', () => {
    const got = run(rule, [
      { at: NOW, n: 3 },
      { at: NOW, n: 3 },
      { at: NOW + 100, n: 3 },
    ]);
    expect(got[0]).toMatchObject({ ok: true });
    expect(got[1]).toEqual({ ok: false, retryAfterMs: 100 });
    expect(got[2]).toMatchObject({ ok: true, tat0: NOW + 300 });
  });

  it('more units than the burst never fit: no retry time', () => {
    expect(reserve(rule, undefined, NOW, 6)).toEqual({ ok: false, retryAfterMs: undefined });
  });

  it('a refused reservation leaves the bucket as it was, and an idle bucket is full again', () => {
    const got = run(rule, [
      { at: NOW, n: 5 },
      { at: NOW + 50, n: 2 },
      { at: NOW + 10_000, n: 5 },
    ]);
    expect(got.map((r) => r.ok)).toEqual([true, false, true]);
  });

  it('rates that do not divide a second: no unit is refused on its slot for a rounding error', () => {
    const third = bucketRule(3, 1);
    let tat: number | undefined;
    for (let i = 0; i < 3000; i++) {
      const r = reserve(third, tat, NOW + (i * 1000) / 3, 1);
      expect(r.ok).toBe(true);
      if (r.ok) tat = r.tat;
    }
  });
});

describe('reserve and messageDelays, pace mode', () => {
  const rule = bucketRule(10, 2, 3000);

  it('gives each message its slot: the burst at once, then one per interval', () => {
    const r = reserve(rule, undefined, NOW, 6);
    expect(r).toEqual({ ok: true, tat0: NOW, tat: NOW + 600 });
    if (!r.ok) return;
    expect(messageDelays(rule, r.tat0, NOW, [1, 1, 1, 1, 1, 1])).toEqual([0, 0, 100, 200, 300, 400]);
  });

  it("a long message takes its parts' slots: the next message waits for them", () => {
    const r = reserve(rule, undefined, NOW, 6);
    if (!r.ok) throw new Error('refused');
    expect(messageDelays(rule, r.tat0, NOW, [3, 1, 2])).toEqual([0, 200, 300]);
  });

  it('a later request queues behind the earlier one', () => {
    const first = reserve(rule, undefined, NOW, 10);
    if (!first.ok) throw new Error('refused');
    const second = reserve(rule, first.tat, NOW + 50, 2);
    expect(second).toEqual({ ok: true, tat0: NOW + 1000, tat: NOW + 1200 });
    if (!second.ok) return;
    expect(messageDelays(rule, second.tat0, NOW + 50, [1, 1])).toEqual([850, 950]);
  });

  it('refuses what would wait longer than maxDelayMs, with the wait until it would not', () => {
    const first = reserve(rule, undefined, NOW, 31); // the last of these goes at +2900
    expect(first).toMatchObject({ ok: true });
    if (!first.ok) return;
    expect(reserve(rule, first.tat, NOW, 2)).toEqual({ ok: false, retryAfterMs: 100 });
    // more than burst plus maxDelay at the rate can never be paced
    expect(reserve(rule, undefined, NOW, 32)).toMatchObject({ ok: true });
    expect(reserve(rule, undefined, NOW, 33)).toEqual({ ok: false, retryAfterMs: undefined });
  });
});
