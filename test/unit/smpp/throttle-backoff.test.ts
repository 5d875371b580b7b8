import { describe, expect, it } from 'vitest';
import { FIRST_PAUSE_MS, ThrottleBackoff } from '../../../src/smpp/throttle-backoff.js';

describe('ThrottleBackoff', () => {
  it("pauses briefly first, doubles while nothing is accepted between throttles, up to the link's throttle-pause", () => {
    const b = new ThrottleBackoff(1000);
    let now = 10_000;
    const pauses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const p = b.throttled(now)!;
      pauses.push(p);
      now = b.pausedUntil;
    }
    expect(pauses).toEqual([FIRST_PAUSE_MS, 200, 400, 800, 1000, 1000]);
  });

  it('an accepted submit between two throttles brings the pause back to the first one', () => {
    const b = new ThrottleBackoff(1000);
    expect(b.throttled(0)).toBe(100);
    expect(b.throttled(100)).toBe(200);
    b.accepted();
    expect(b.throttled(400)).toBe(100);
  });

  it('answers arriving during a pause (to submits sent before it) neither extend nor escalate it', () => {
    const b = new ThrottleBackoff(1000);
    expect(b.throttled(0)).toBe(100);
    expect(b.throttled(50)).toBeUndefined();
    expect(b.pausedUntil).toBe(100);
    expect(b.throttled(100)).toBe(200);
  });

  it('a throttle-pause below the first pause is the only pause; 0 means no pause', () => {
    expect(new ThrottleBackoff(30).throttled(0)).toBe(30);
    const none = new ThrottleBackoff(0);
    expect(none.throttled(0)).toBe(0);
    expect(none.pausedUntil).toBe(0);
  });
});
