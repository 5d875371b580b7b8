/** Quota periods are the UTC day and month (quota-periods.ts). */
import { describe, expect, it } from 'vitest';
import { quotaPeriods } from '../../../src/accounts/quota-periods.js';

describe('quotaPeriods', () => {
  it('names the UTC day and month and when each ends', () => {
    const p = quotaPeriods(Date.UTC(2026, 11, 31, 23, 59, 59, 999));
    expect(p.daily).toEqual({ kind: 'daily', id: '2026-12-31', endsAt: Date.UTC(2027, 0, 1) });
    expect(p.monthly).toEqual({ kind: 'monthly', id: '2026-12', endsAt: Date.UTC(2027, 0, 1) });
  });

  it('a new day starts at UTC midnight, whatever the local time zone', () => {
    expect(quotaPeriods(Date.UTC(2026, 1, 28, 0, 0, 0)).daily.id).toBe('2026-02-28');
    expect(quotaPeriods(Date.UTC(2026, 1, 28, 23, 0, 0)).daily.endsAt).toBe(Date.UTC(2026, 2, 1));
    expect(quotaPeriods(Date.UTC(2028, 1, 28, 12)).daily.endsAt).toBe(Date.UTC(2028, 1, 29));
  });

  it('a month ends at the first of the next', () => {
    expect(quotaPeriods(Date.UTC(2026, 0, 15)).monthly).toEqual({ kind: 'monthly', id: '2026-01', endsAt: Date.UTC(2026, 1, 1) });
  });
});
