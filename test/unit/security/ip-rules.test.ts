/**
 * Address lists with Kannel's rules (gwlib is_allowed_ip / pattern_matches_ip: `*` wildcards, `;` lists), plus
 * CIDR, IPv6 and IPv4-mapped IPv6 (reference/kannel.md §2: user-allow-ip, user-deny-ip).
 */
import { describe, expect, it } from 'vitest';
import { clientAllowed, ipRules, normalizeIp, parseIpRules } from '../../../src/security/ip-rules.js';

describe('normalizeIp', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    // an IPv4 client on a dual-stack socket shows up as IPv4-mapped IPv6
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:127.0.0.1', '127.0.0.1'],
    // the same in hex, as a URL host gives it
    ['::ffff:a9fe:a9fe', '169.254.169.254'],
    ['[::ffff:7f00:1]', '127.0.0.1'],
    ['0:0:0:0:0:ffff:0a00:0001', '10.0.0.1'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['not an address', 'not an address'],
  ])('%s → %s', (ip, expected) => {
    expect(normalizeIp(ip)).toBe(expected);
  });
});

describe('one pattern against one address', () => {
  it.each([
    // Kannel: "*" stands for one number, patterns are exact otherwise
    ['10.0.0.1', '10.0.0.1', true],
    ['10.0.0.1', '10.0.0.2', false],
    ['10.0.0.1', '10.0.0.10', false],
    ['10.0.0.10', '10.0.0.1', false],
    ['10.0.0.*', '10.0.0.5', true],
    ['10.0.0.*', '10.0.0.255', true],
    ['10.0.0.*', '10.0.1.5', false],
    ['10.*.*.*', '10.200.3.4', true],
    ['10.*.*.*', '11.0.0.1', false],
    ['*.0.0.1', '127.0.0.1', true],
    ['*.*.*.*', '192.168.1.20', true],
    // "*.*.*.*" is everyone, IPv6 clients included (they slipped past Kannel's deny lists)
    ['*.*.*.*', '2001:db8::7', true],
    ['*.*.*.*', '::1', true],
    // wildcards are IPv4; an IPv6 client never matches them
    ['10.*.*.*', '2001:db8::1', false],
    // IPv4-mapped IPv6 clients match IPv4 patterns
    ['10.*.*.*', '::ffff:10.1.1.1', true],
    ['127.0.0.1', '::ffff:127.0.0.1', true],
    // CIDR
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['10.0.0.0/8', '::ffff:10.9.9.9', true],
    ['192.168.1.0/24', '192.168.1.77', true],
    ['192.168.1.0/24', '192.168.2.77', false],
    ['0.0.0.0/0', '203.0.113.5', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::ffff:10.0.0.0/104', '10.1.2.3', true],
    // exact IPv6, in any spelling
    ['::1', '::1', true],
    ['::1', '0:0:0:0:0:0:0:1', true],
    ['::1', '::2', false],
    ['2001:db8::1', '2001:0DB8:0:0::1', true],
    ['fe80::1', 'fe80::1%eth0', true],
    // an address that is no address matches nothing
    ['*.*.*.*', 'garbage', false],
  ])('%s vs %s → %s', (pattern, ip, expected) => {
    expect(ipRules([pattern]).matches(ip)).toBe(expected);
  });
});

describe('parseIpRules: a pattern that cannot match is refused, not ignored', () => {
  it.each([
    ['*', /"\*" matches nothing in Kannel.*write "\*\.\*\.\*\.\*"/],
    ['10.*', /is not an address pattern/],
    ['10.0.0', /is not an address pattern/],
    ['10.0.0.256', /is not an address pattern/],
    ['10.0.0.1.5', /is not an address pattern/],
    ['host.example', /is not an address pattern/],
    ['10.0.0.0/33', /prefix length must be 0 to 32/],
    ['2001:db8::/129', /prefix length must be 0 to 128/],
    ['10.0.0.0/x', /prefix length/],
    ['nonsense/8', /is not a network/],
    ['::ffff:10.0.0.0/8', /prefix length must be 96 to 128/],
  ])('%s', (pattern, message) => {
    const r = parseIpRules(['127.0.0.1', pattern]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.stringMatching(message)]);
  });

  it('reports every bad pattern', () => {
    const r = parseIpRules(['*', '10.0.0.1', 'x']);
    expect(r.ok ? [] : r.problems).toHaveLength(2);
  });
});

describe('clientAllowed (is_allowed_ip)', () => {
  it.each([
    // no deny list: everything is allowed, even with an allow list (the surprise Kannel users know)
    ['no lists', [], [], '10.0.0.1', true],
    ['allow list alone restricts nothing', ['127.0.0.1'], [], '10.0.0.1', true],
    ['allow list alone, listed address', ['127.0.0.1'], [], '127.0.0.1', true],
    // the usual recipe: deny everything, allow some
    ['deny all, allow one: the allowed one', ['127.0.0.1'], ['*.*.*.*'], '127.0.0.1', true],
    ['deny all, allow one: another', ['127.0.0.1'], ['*.*.*.*'], '10.0.0.1', false],
    ['deny all, allow a network', ['10.1.*.*'], ['*.*.*.*'], '10.1.2.3', true],
    ['deny all, allow a network: outside it', ['10.1.*.*'], ['*.*.*.*'], '10.2.2.3', false],
    ['deny all, allow two: second', ['127.0.0.1', '192.168.0.*'], ['*.*.*.*'], '192.168.0.7', true],
    ['deny all, allow a CIDR network', ['10.1.0.0/16'], ['*.*.*.*'], '10.1.200.3', true],
    // IPv6 clients no longer slip past "deny everyone"
    ['deny all, an IPv6 client', ['127.0.0.1'], ['*.*.*.*'], '2001:db8::1', false],
    ['deny all, IPv6 loopback not listed', ['127.0.0.1'], ['*.*.*.*'], '::1', false],
    ['deny all, IPv6 loopback listed', ['127.0.0.1', '::1'], ['*.*.*.*'], '::1', true],
    ['deny all, an allowed IPv6 network', ['2001:db8::/32'], ['*.*.*.*'], '2001:db8:1::5', true],
    ['deny an IPv6 network', [], ['2001:db8::/32'], '2001:db8::9', false],
    ['deny an IPv6 network: outside it', [], ['2001:db8::/32'], '2001:db9::9', true],
    ['deny ::/0 (every IPv6 client)', [], ['::/0'], '2001:db8::9', false],
    ['deny ::/0: IPv4 clients pass', [], ['::/0'], '10.0.0.1', true],
    // a deny list alone
    ['deny one network', [], ['10.*.*.*'], '10.9.9.9', false],
    ['deny one network: outside it', [], ['10.*.*.*'], '192.168.1.1', true],
    // the allow list wins over the deny list
    ['allowed and denied: allow wins', ['10.0.0.1'], ['10.*.*.*'], '10.0.0.1', true],
    ['allowed network and denied host: allow wins', ['10.0.0.*'], ['10.0.0.1'], '10.0.0.1', true],
    // IPv4-mapped IPv6 is compared as IPv4
    ['mapped, allowed', ['127.0.0.1'], ['*.*.*.*'], '::ffff:127.0.0.1', true],
    ['mapped, denied', ['127.0.0.1'], ['*.*.*.*'], '::ffff:10.0.0.1', false],
    ['mapped, denied network', [], ['10.*.*.*'], '::ffff:10.1.1.1', false],
    ['mapped, denied CIDR', [], ['10.0.0.0/8'], '::ffff:10.1.1.1', false],
  ] as const)('%s', (_what, allow, deny, ip, expected) => {
    expect(clientAllowed(ipRules(allow), ipRules(deny), ip)).toBe(expected);
  });
});
