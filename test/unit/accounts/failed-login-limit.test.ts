/**
 * Failed logins per client address: a burst, then one per interval; an attempt counts from its start, so guesses
 * sent side by side cannot slip through together; a refunded attempt (the right password) leaves nothing behind.
 */
import { describe, expect, it } from 'vitest';
import { FailedLoginLimit } from '../../../src/accounts/failed-login-limit.js';

describe('FailedLoginLimit', () => {
  it('lets an address fail `burst` times at once, then refuses it until one failure slot frees (Retry-After)', () => {
    const limit = new FailedLoginLimit({ burst: 3, intervalMs: 1000 });
    for (let i = 0; i < 3; i++) expect(limit.attempt('192.0.2.1', 0)).toEqual({ ok: true });
    expect(limit.attempt('192.0.2.1', 0)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limit.attempt('192.0.2.1', 999).ok).toBe(false);
    expect(limit.attempt('192.0.2.1', 1000).ok).toBe(true);
    expect(limit.attempt('192.0.2.1', 1000).ok).toBe(false);
    // another address is not touched
    expect(limit.attempt('192.0.2.2', 0).ok).toBe(true);
  });

  it('counts attempts side by side before any has failed; a refunded one is as if never made', () => {
    const limit = new FailedLoginLimit({ burst: 2, intervalMs: 60_000 });
    expect([limit.attempt('10.0.0.1', 0).ok, limit.attempt('10.0.0.1', 0).ok, limit.attempt('10.0.0.1', 0).ok]).toEqual([
      true,
      true,
      false,
    ]);
    limit.refund('10.0.0.1');
    expect(limit.attempt('10.0.0.1', 0).ok).toBe(true);
    // a client whose password is right (each attempt refunded) never comes near the limit
    for (let i = 0; i < 1000; i++) {
      expect(limit.attempt('10.0.0.2', i).ok).toBe(true);
      limit.refund('10.0.0.2');
    }
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as the IPv4 one', () => {
    const limit = new FailedLoginLimit({ burst: 2, intervalMs: 60_000 });
    limit.attempt('2001:db8:1:2::1', 0);
    limit.attempt('2001:db8:1:2::ffff', 0);
    expect(limit.attempt('2001:db8:1:2:aaaa::9', 0).ok).toBe(false);
    expect(limit.attempt('2001:db8:1:3::1', 0).ok).toBe(true);
    limit.attempt('::ffff:10.0.0.1', 0);
    limit.attempt('10.0.0.1', 0);
    expect(limit.attempt('10.0.0.1', 0).ok).toBe(false);
  });

  it('forgets addresses past maxClients, those whose failures expired first', () => {
    const limit = new FailedLoginLimit({ burst: 1, intervalMs: 1000, maxClients: 2 });
    limit.attempt('10.0.0.1', 0);
    limit.attempt('10.0.0.2', 5000);
    limit.attempt('10.0.0.3', 5000);
    expect(limit.size).toBe(2);
    // 10.0.0.1's failure had expired: forgotten first, so its next attempt is as a newcomer's
    expect(limit.attempt('10.0.0.1', 5000).ok).toBe(true);
    expect(limit.size).toBe(2);
    expect(limit.attempt('10.0.0.3', 5000).ok).toBe(false);
  });
});
