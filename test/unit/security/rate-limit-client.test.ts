/** What a client-address rate limit counts (rate-limit-client.ts). */
import { describe, expect, it } from 'vitest';
import { rateLimitClient } from '../../../src/security/rate-limit-client.js';

describe('rateLimitClient', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:abcd::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s counts as %s', (ip, key) => {
    expect(rateLimitClient(ip)).toBe(key);
  });

  it('two addresses of one /64 are one client; of two /64s, two', () => {
    expect(rateLimitClient('2001:db8:a:b::1')).toBe(rateLimitClient('2001:db8:a:b:ffff::2'));
    expect(rateLimitClient('2001:db8:a:b::1')).not.toBe(rateLimitClient('2001:db8:a:c::1'));
  });
});
