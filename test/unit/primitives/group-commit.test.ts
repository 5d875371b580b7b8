/**
 * The group commit: items that come while a write is in flight go together in the next one; posted items (no
 * promise) share writes with added ones; with gatherSameTurn, items added in the same turn share the first write.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit, lingerMs } from '../../../src/primitives/group-commit.js';

function recorder(): { writes: number[][]; write: (items: number[]) => Promise<void> } {
  const writes: number[][] = [];
  return { writes, write: (items) => (writes.push(items), new Promise((r) => setTimeout(r, 5))) };
}

describe('GroupCommit', () => {
  it('a lone item goes at once; what comes meanwhile goes together next', async () => {
    const r = recorder();
    const c = new GroupCommit(r.write);
    const done = [c.add([1]), c.add([2, 3]), c.add([4])];
    await Promise.all(done);
    expect(r.writes).toEqual([[1], [2, 3, 4]]);
  });

  it('with gatherSameTurn, items added in the same turn share the first write', async () => {
    const r = recorder();
    const c = new GroupCommit(r.write, { gatherSameTurn: true });
    c.post(1);
    c.post(2);
    await c.add([3]);
    expect(r.writes).toEqual([[1, 2, 3]]);
  });

  it('a failed write rejects the callers that added to it', async () => {
    const c = new GroupCommit<number>(() => Promise.reject(new Error('down')));
    await expect(c.add([1])).rejects.toThrow('down');
  });
});

describe('lingerMs: how long a write that starts from idle waits for more callers', () => {
  it.each([
    ['no linger configured', { last: 0.5, average: 0.5 }, 0, 0],
    ['the first caller ever', { last: undefined, average: undefined }, 2, 0],
    ['the second caller: no average yet', { last: 0.5, average: undefined }, 2, 0],
    ['after an idle gap longer than the linger: a lone request never waits', { last: 50, average: 0.5 }, 2, 0],
    ['callers too sparse to expect one within the linger', { last: 1.5, average: 3 }, 2, 0],
    ['2 000 a second (0.5 ms apart): four gaps, 2 ms', { last: 0.5, average: 0.5 }, 2, 2],
    ['5 000 a second: four gaps, 0.8 ms', { last: 0.2, average: 0.2 }, 2, 0.8],
    ['1 000 a second: capped at the configured most', { last: 1, average: 1 }, 2, 2],
    ['a linger of 8 ms at 2 000 a second: sixteen gaps, all of it', { last: 0.5, average: 0.5 }, 8, 8],
    ['a linger of 8 ms at 5 000 a second: sixteen gaps, 3.2 ms', { last: 0.2, average: 0.2 }, 8, 3.2],
    ['a linger of 4 ms at 5 000 a second: eight gaps, 1.6 ms', { last: 0.2, average: 0.2 }, 4, 1.6],
  ])('%s', (_what, gaps, maxMs, expected) => {
    expect(lingerMs(gaps, maxMs)).toBeCloseTo(expected, 6);
  });
});

describe('GroupCommit with an adaptive linger', () => {
  it('a steady stream shares writes that start from idle; a lone caller after a pause goes at once', async () => {
    let now = 0;
    const writes: number[][] = [];
    const c = new GroupCommit<number>(async (items) => void writes.push(items), { lingerMaxMs: 2, now: () => now });
    // Callers 0.5 ms apart (the clock is the test's; the writes are instant, so every write starts from idle).
    const done: Promise<void>[] = [];
    for (let i = 0; i < 12; i++) {
      done.push(c.add([i]));
      now += 0.5;
      await new Promise((r) => setTimeout(r, 0.5));
    }
    await Promise.all(done);
    expect(writes.flat()).toEqual([...Array(12).keys()]);
    expect(writes.length).toBeLessThan(12);
    expect(Math.max(...writes.map((w) => w.length))).toBeGreaterThan(1);

    // After an idle second, a lone caller does not wait for anyone.
    now += 1000;
    writes.length = 0;
    const lone = c.add([99]);
    // Written before any timer could fire: nothing waited.
    expect(writes).toEqual([[99]]);
    await lone;
  });

  it('stops lingering as soon as fullAt callers are there', async () => {
    let now = 0;
    const writes: number[][] = [];
    const c = new GroupCommit<number>(async (items) => void writes.push(items), { lingerMaxMs: 1000, fullAt: 3, now: () => now });
    // Teach it a steady 1 ms gap without letting a write start: the first add starts one, the rest gather behind it.
    for (let i = 0; i < 5; i++) {
      void c.add([i]);
      now += 1;
    }
    await new Promise((r) => setTimeout(r, 5));
    writes.length = 0;
    const t0 = performance.now();
    const done = [c.add([10]), c.add([11]), c.add([12])];
    await Promise.all(done);
    expect(writes).toEqual([[10, 11, 12]]);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
