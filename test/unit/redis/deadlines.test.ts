/** Each wait ends with its work, or with 'timeout' once it has taken its time. */
import { describe, expect, it } from 'vitest';
import { Deadlines } from '../../../src/redis/deadlines.js';

const later = <T>(ms: number, v: T): Promise<T> => new Promise((r) => setTimeout(() => r(v), ms));

describe('Deadlines', () => {
  it('passes outcomes through and ends late work with timeout', async () => {
    const d = new Deadlines(60);
    const t0 = Date.now();
    const [fast, slow, failed] = await Promise.allSettled([
      d.race(later(5, 'fast')),
      d.race(later(1000, 'slow')),
      d.race(Promise.reject(new Error('no'))),
    ]);
    expect(fast).toEqual({ status: 'fulfilled', value: 'fast' });
    expect(slow).toEqual({ status: 'fulfilled', value: 'timeout' });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'no' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(59);
    expect(Date.now() - t0).toBeLessThan(200);
  });

  it('expires in the order the waits started, each after its own time', async () => {
    const d = new Deadlines(50);
    const first = d.race(new Promise<never>(() => undefined));
    await later(30, undefined);
    const second = d.race(new Promise<never>(() => undefined));
    const ends: number[] = [];
    const t0 = Date.now();
    await Promise.all([first.then(() => ends.push(Date.now() - t0)), second.then(() => ends.push(Date.now() - t0))]);
    expect(ends[0]).toBeLessThan(35);
    expect(ends[1]).toBeGreaterThanOrEqual(40);
  });
});
