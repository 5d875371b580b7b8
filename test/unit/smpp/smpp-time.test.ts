import { describe, expect, it } from 'vitest';
import { parseSmppTime } from '../../../src/smpp/smpp-time.js';

const NOW = Date.UTC(2026, 0, 31, 12, 0, 0);

describe('parseSmppTime', () => {
  it('reads an absolute time with its offset from UTC in quarter hours', () => {
    expect(parseSmppTime('260131130000000+', NOW)).toEqual({ ok: true, atMs: Date.UTC(2026, 0, 31, 13, 0, 0) });
    expect(parseSmppTime('260131140000004+', NOW)).toEqual({ ok: true, atMs: Date.UTC(2026, 0, 31, 13, 0, 0) });
    expect(parseSmppTime('260131120000304-', NOW)).toEqual({ ok: true, atMs: Date.UTC(2026, 0, 31, 13, 0, 0, 300) });
  });

  it('reads a relative time from now, with calendar arithmetic', () => {
    expect(parseSmppTime('000001000000000R', NOW)).toEqual({ ok: true, atMs: NOW + 86_400_000 });
    expect(parseSmppTime('000100000000000R', NOW)).toEqual({ ok: true, atMs: Date.UTC(2026, 1, 28, 12, 0, 0) + 3 * 86_400_000 });
    expect(parseSmppTime('000000001500000R', NOW)).toEqual({ ok: true, atMs: NOW + 15 * 60_000 });
  });

  it('an empty string is no time; anything else malformed is refused', () => {
    expect(parseSmppTime('', NOW)).toEqual({ ok: true, atMs: undefined });
    for (const bad of ['tomorrow', '2601311300000+', '261331130000000+', '260131130000049+', '260131130000000X'])
      expect(parseSmppTime(bad, NOW).ok).toBe(false);
  });
});
