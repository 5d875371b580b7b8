/**
 * Account lookup with Kannel's rules (smsbox.c authorise_username, gwlib is_allowed_ip), the client address
 * checked before the password: admit() is everything but the password.
 */
import { describe, expect, it } from 'vitest';
import { admit, compileAccounts } from '../../../src/accounts/authenticate.js';
import { makeAccount } from '../domain-builders.js';

describe('admit (authorise_username, address first)', () => {
  const accounts = compileAccounts([
    makeAccount({ username: 'open', password: 'pw' }),
    makeAccount({ username: 'local', password: 'Secret', allowIp: ['127.0.0.1', '::1'], denyIp: ['*.*.*.*'] }),
    makeAccount({ username: 'v6', password: 'x', denyIp: ['2001:db8::/32'] }),
  ]);

  it.each([
    ['a known user from anywhere', 'open', '203.0.113.9', { ok: true }],
    ['a restricted user from its address', 'local', '127.0.0.1', { ok: true }],
    ['a restricted user over IPv4-mapped IPv6', 'local', '::ffff:127.0.0.1', { ok: true }],
    ['a restricted user over IPv6 loopback', 'local', '::1', { ok: true }],
    ['no username', undefined, '127.0.0.1', { ok: false, reason: 'unknown-user' }],
    ['an unknown username', 'nobody', '127.0.0.1', { ok: false, reason: 'unknown-user' }],
    ['usernames are case-sensitive', 'Open', '127.0.0.1', { ok: false, reason: 'unknown-user' }],
    ['a restricted user from another address', 'local', '10.0.0.1', { ok: false, reason: 'ip-denied' }],
    ['a restricted user from another IPv6 address', 'local', '2001:db8::1', { ok: false, reason: 'ip-denied' }],
    ['a denied IPv6 network', 'v6', '2001:db8:5::1', { ok: false, reason: 'ip-denied' }],
    ['outside the denied IPv6 network', 'v6', '2001:db9::1', { ok: true }],
  ] as const)('%s', (_what, username, ip, expected) => {
    const r = admit(accounts, username, ip);
    expect(r).toMatchObject(expected);
    if (r.ok) expect(r.access.account.username).toBe(username);
  });

  it('compiles the password once: plain text or an scrypt hash', () => {
    const hashed = compileAccounts([
      makeAccount({ username: 'h', password: '$scrypt$ln=4,r=8,p=1$c2FsdHNhbHQ$MDEyMzQ1Njc4OWFiY2RlZg' }),
    ]).get('h');
    expect(hashed?.secret.kind).toBe('scrypt');
    expect(accounts.get('open')?.secret).toEqual({ kind: 'plain', text: 'pw' });
    expect(accounts.get('open')?.credentialId).toBe('account:open');
  });
});
