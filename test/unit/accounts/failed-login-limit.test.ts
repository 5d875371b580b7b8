/** Failed logins per client address: a burst, then one per interval; only failures count; bounded memory. */
import { describe, expect, it } from 'vitest';
import { FailedLoginLimit } from '../../../src/accounts/failed-login-limit.js';

describe('FailedLoginLimit', () => {
  it('lets an address fail `burst` times at once, then refuses it until one failure slot frees (Retry-After)', () => {
    const limit = new FailedLoginLimit({ burst: 3, intervalMs: 1000 });
    for (let i = 0; i < 3; i++) {
      expect(limit.check('192.0.2.1', 0)).toEqual({ ok: true });
      limit.failed('192.0.2.1', 0);
    }
    const refused = limit.check('192.0.2.1', 0);
    expect(refused).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limit.check('192.0.2.1', 999).ok).toBe(false);
    expect(limit.check('192.0.2.1', 1000).ok).toBe(true);
    // another address is not touched
    expect(limit.check('192.0.2.2', 0).ok).toBe(true);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as the IPv4 one', () => {
    const limit = new FailedLoginLimit({ burst: 2, intervalMs: 60_000 });
    limit.failed('2001:db8:1:2::1', 0);
    limit.failed('2001:db8:1:2::ffff', 0);
    expect(limit.check('2001:db8:1:2:aaaa::9', 0).ok).toBe(false);
    expect(limit.check('2001:db8:1:3::1', 0).ok).toBe(true);
    limit.failed('::ffff:10.0.0.1', 0);
    limit.failed('10.0.0.1', 0);
    expect(limit.check('10.0.0.1', 0).ok).toBe(false);
  });

  it('forgets addresses past maxClients, those whose failures expired first', () => {
    const limit = new FailedLoginLimit({ burst: 1, intervalMs: 1000, maxClients: 2 });
    limit.failed('10.0.0.1', 0);
    limit.failed('10.0.0.2', 5000);
    limit.failed('10.0.0.3', 5000);
    expect(limit.size).toBe(2);
    expect(limit.check('10.0.0.1', 5000).ok).toBe(true);
    expect(limit.check('10.0.0.2', 5000).ok).toBe(false);
    expect(limit.check('10.0.0.3', 5000).ok).toBe(false);
  });
});
