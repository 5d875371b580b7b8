/** One line per key per interval, with the count of the events left out; bounded memory under a flood of keys. */
import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../../src/observability/log-throttle.js';

describe('LogThrottle', () => {
  it('writes the first event of a key, counts the rest of the interval, and hands the count to the next line', () => {
    const t = new LogThrottle({ intervalMs: 60_000, maxKeys: 100 });
    expect(t.hit('demo 10.0.0.1', 0)).toEqual({ log: true, suppressed: 0, overflow: false });
    for (let i = 1; i <= 500; i++) expect(t.hit('demo 10.0.0.1', i * 100)).toEqual({ log: false });
    expect(t.hit('demo 10.0.0.1', 60_000)).toEqual({ log: true, suppressed: 500, overflow: false });
    expect(t.hit('demo 10.0.0.1', 60_001)).toEqual({ log: false });
  });

  it('keeps keys apart', () => {
    const t = new LogThrottle({ intervalMs: 1000, maxKeys: 100 });
    expect(t.hit('a', 0).log).toBe(true);
    expect(t.hit('b', 1).log).toBe(true);
    expect(t.hit('a', 2).log).toBe(false);
    expect(t.hit('b', 3).log).toBe(false);
  });

  it('sweep hands back the counts of keys whose interval is over, once, and forgets them', () => {
    const t = new LogThrottle({ intervalMs: 1000, maxKeys: 100 });
    t.hit('quiet', 0);
    t.hit('noisy', 10);
    t.hit('noisy', 20);
    t.hit('noisy', 30);
    t.hit('late', 900);
    t.hit('late', 950);
    expect(t.sweep(999)).toEqual([]);
    expect(t.sweep(1010)).toEqual([{ key: 'noisy', overflow: false, suppressed: 2 }]);
    expect(t.size).toBe(1);
    expect(t.sweep(1010)).toEqual([]);
    expect(t.sweep(5000)).toEqual([{ key: 'late', overflow: false, suppressed: 1 }]);
    expect(t.size).toBe(0);
    // a forgotten key starts afresh
    expect(t.hit('noisy', 5001)).toEqual({ log: true, suppressed: 0, overflow: false });
  });

  it('beyond maxKeys, new keys share one overflow slot: a flood of new keys is one line per interval', () => {
    const t = new LogThrottle({ intervalMs: 1000, maxKeys: 3 });
    for (const k of ['a', 'b', 'c']) expect(t.hit(k, 0).log).toBe(true);
    expect(t.hit('d', 1)).toEqual({ log: true, suppressed: 0, overflow: true });
    for (let i = 0; i < 1000; i++) expect(t.hit(`random-${i}`, 2).log).toBe(false);
    // known keys keep their own slot
    expect(t.hit('a', 3).log).toBe(false);
    expect(t.size).toBe(4);
    expect(t.sweep(1001)).toEqual([
      { key: 'a', overflow: false, suppressed: 1 },
      { key: '', overflow: true, suppressed: 1000 },
    ]);
  });
});
