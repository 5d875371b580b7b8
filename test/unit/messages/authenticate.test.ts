/**
 * Account lookup with Kannel's rules: smsbox.c authorise_username and gwlib is_allowed_ip / pattern_matches_ip
 * (reference/kannel.md §2: user-allow-ip, user-deny-ip, `*` wildcards, `;` lists).
 */
import { describe, it, expect } from 'vitest';
import type { Account } from '../../../src/domain/account.js';
import { authenticate, ipAllowed, ipMatches, normalizeIp } from '../../../src/messages/authenticate.js';
import { makeAccount } from '../domain-builders.js';

describe('normalizeIp', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    // an IPv4 client on a dual-stack socket shows up as IPv4-mapped IPv6
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['::ffff:abcd', '::ffff:abcd'],
    ['2001:db8::1', '2001:db8::1'],
  ])('%s → %s', (ip, expected) => {
    expect(normalizeIp(ip)).toBe(expected);
  });
});

describe('ipMatches (pattern_matches_ip: "*" stands for one number)', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1', true],
    ['10.0.0.1', '10.0.0.2', false],
    ['10.0.0.1', '10.0.0.10', false],
    ['10.0.0.10', '10.0.0.1', false],
    ['10.0.0.*', '10.0.0.5', true],
    ['10.0.0.*', '10.0.0.255', true],
    ['10.0.0.*', '10.0.1.5', false],
    ['10.*.*.*', '10.200.3.4', true],
    ['10.*.*.*', '11.0.0.1', false],
    ['*.*.*.*', '192.168.1.20', true],
    ['*.0.0.1', '127.0.0.1', true],
    // "*" is one number, not any run of the address
    ['*', '10.0.0.1', false],
    ['10.*', '10.0.0.1', false],
    ['10.0.0', '10.0.0.1', false],
    ['10.0.0.1.5', '10.0.0.1', false],
    ['::1', '::1', true],
    ['::1', '::2', false],
  ])('%s vs %s → %s', (pattern, ip, expected) => {
    expect(ipMatches(pattern, ip)).toBe(expected);
  });
});

describe('ipAllowed (is_allowed_ip)', () => {
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
    ['IPv6 loopback listed exactly', ['::1'], ['*.*.*.*'], '::1', true],
  ] as const)('%s', (_what, allow, deny, ip, expected) => {
    expect(ipAllowed(allow, deny, ip)).toBe(expected);
  });
});

describe('authenticate (authorise_username)', () => {
  const accounts = new Map<string, Account>([
    ['open', makeAccount({ username: 'open', password: 'pw' })],
    ['local', makeAccount({ username: 'local', password: 'Secret', allowIp: ['127.0.0.1'], denyIp: ['*.*.*.*'] })],
    ['empty', makeAccount({ username: 'empty', password: '' })],
  ]);

  it.each([
    ['a good user from anywhere', 'open', 'pw', '203.0.113.9', { ok: true }],
    ['a restricted user from its address', 'local', 'Secret', '127.0.0.1', { ok: true }],
    ['a restricted user over IPv4-mapped IPv6', 'local', 'Secret', '::ffff:127.0.0.1', { ok: true }],
    ['an account with an empty password, given empty', 'empty', '', '10.0.0.1', { ok: true }],
    ['no username', undefined, 'pw', '127.0.0.1', { ok: false, reason: 'unknown-user' }],
    ['an unknown username', 'nobody', 'pw', '127.0.0.1', { ok: false, reason: 'unknown-user' }],
    ['usernames are case-sensitive', 'Open', 'pw', '127.0.0.1', { ok: false, reason: 'unknown-user' }],
    ['no password', 'open', undefined, '127.0.0.1', { ok: false, reason: 'bad-password' }],
    ['a wrong password', 'open', 'px', '127.0.0.1', { ok: false, reason: 'bad-password' }],
    ['a password of another length', 'open', 'pw2', '127.0.0.1', { ok: false, reason: 'bad-password' }],
    ['passwords are case-sensitive', 'local', 'secret', '127.0.0.1', { ok: false, reason: 'bad-password' }],
    ['an empty password for a non-empty one', 'open', '', '127.0.0.1', { ok: false, reason: 'bad-password' }],
    ['the right password from a denied address', 'local', 'Secret', '10.0.0.1', { ok: false, reason: 'ip-denied' }],
    // the address is checked only after the password: a wrong password from a denied address is a bad password
    ['a wrong password from a denied address', 'local', 'nope', '10.0.0.1', { ok: false, reason: 'bad-password' }],
  ] as const)('%s', (_what, username, password, ip, expected) => {
    const r = authenticate(accounts, username, password, ip);
    expect(r).toMatchObject(expected);
    if (r.ok) expect(r.account).toBe(accounts.get(username ?? ''));
  });
});
