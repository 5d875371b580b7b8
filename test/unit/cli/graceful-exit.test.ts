/** The first signal stops in order within its bound; a second (not the same Ctrl-C twice) exits at once. */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { GracefulExit, linksBoundMs } from '../../../src/cli/graceful-exit.js';

const silent = pino({ level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function harness(stop: () => Promise<void>, now: () => number = Date.now): { exit: GracefulExit; codes: number[] } {
  const codes: number[] = [];
  return { exit: new GracefulExit({ log: silent, stop, exit: (c) => void codes.push(c), announce: true, now }), codes };
}

describe('GracefulExit', () => {
  it('exits 0 once the orderly stop is done', async () => {
    const h = harness(async () => undefined);
    h.exit.signal('SIGTERM', 1000);
    await sleep(5);
    expect(h.codes).toEqual([0]);
  });

  it('exits 1 at the bound when the stop hangs (a frozen Redis)', async () => {
    const h = harness(() => new Promise(() => undefined));
    h.exit.signal('SIGTERM', 40);
    await sleep(20);
    expect(h.codes).toEqual([]);
    await sleep(40);
    expect(h.codes).toEqual([1]);
  });

  it('ignores the same signal again within a second, exits at once on a later one', () => {
    let t = 0;
    const h = harness(
      () => new Promise(() => undefined),
      () => t,
    );
    h.exit.signal('SIGINT', 60_000);
    t = 500;
    h.exit.signal('SIGINT', 60_000);
    expect(h.codes).toEqual([]);
    t = 1500;
    h.exit.signal('SIGTERM', 60_000);
    expect(h.codes).toEqual([1]);
  });

  it('a later reason only brings the deadline closer (the parent of a links process is gone)', async () => {
    const h = harness(() => new Promise(() => undefined));
    h.exit.signal('SIGTERM', 60_000);
    h.exit.begin('parent process gone', 30);
    h.exit.begin('later, longer', 60_000);
    await sleep(60);
    expect(h.codes).toEqual([1]);
  });

  it("gives the links process a bound inside the gateway's", () => {
    expect(linksBoundMs(30_000)).toBe(29_000);
    expect(linksBoundMs(3000)).toBe(2700);
  });
});
