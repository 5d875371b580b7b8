/**
 * Who may use the admin port: the client address first, then the status or admin password (query or HTTP Basic),
 * with no password open only on loopback. Real PasswordVerifier, real scrypt at a tiny cost (ln=4).
 */
import { describe, expect, it } from 'vitest';
import { adminAccess, givenPasswords, type AdminAccessOptions, type AdminRequest } from '../../../src/admin/admin-access.js';
import { hashPassword } from '../../../src/security/password-hash.js';
import { PasswordVerifier } from '../../../src/security/password-verifier.js';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function req(url: string, over: { ip?: string; authorization?: string } = {}): AdminRequest {
  return { ip: over.ip ?? '10.0.0.9', url, headers: { authorization: over.authorization } };
}

function access(over: Partial<AdminAccessOptions> = {}) {
  return adminAccess({
    adminPassword: 'adm',
    statusPassword: 'st',
    allowIp: [],
    denyIp: [],
    interfaceHost: '0.0.0.0',
    verifier: new PasswordVerifier(),
    ...over,
  });
}

describe('givenPasswords', () => {
  it('reads password= of the query (the first one, decoded) and the HTTP Basic password', () => {
    expect(givenPasswords(req('/status?password=p%26w&password=second', { authorization: basic('any', 'b') }))).toEqual(['p&w', 'b']);
    expect(givenPasswords(req('/status'))).toEqual([]);
    expect(givenPasswords(req('/status?password=', { authorization: basic('u', '') }))).toEqual(['']);
  });
});

describe('adminAccess', () => {
  it('reads with either password, in the query or with HTTP Basic and any user name', async () => {
    const check = access();
    expect(await check(req('/status?password=st'), 'status')).toBe('ok');
    expect(await check(req('/status?password=adm'), 'status')).toBe('ok');
    expect(await check(req('/status', { authorization: basic('whoever', 'st') }), 'status')).toBe('ok');
    expect(await check(req('/status?password=wrong', { authorization: basic('x', 'adm') }), 'status')).toBe('ok');
  });

  it('changes things with the admin password only', async () => {
    const check = access();
    expect(await check(req('/suspend?password=adm'), 'admin')).toBe('ok');
    expect(await check(req('/suspend', { authorization: basic('ops', 'adm') }), 'admin')).toBe('ok');
    const refused = await check(req('/suspend?password=st'), 'admin');
    expect(refused).toMatchObject({
      status: 401,
      code: 'unauthorized',
      headers: { 'www-authenticate': 'Basic realm="switchboard admin"' },
    });
  });

  it('refuses a missing or wrong password with 401 and a challenge', async () => {
    const check = access();
    for (const r of [
      req('/status'),
      req('/status?password=nope'),
      req('/status?password=ST'),
      req('/status', { authorization: basic('u', 'st ') }),
    ]) {
      const v = await check(r, 'status');
      expect(v).not.toBe('ok');
      if (v === 'ok') continue;
      expect(v.status).toBe(401);
      expect(v.body.error.code).toBe('unauthorized');
      expect(v.body.error.message).toContain('status-password or admin-password');
    }
  });

  it('checks the client address first: a refused address gets 403 whatever its password', async () => {
    const check = access({ allowIp: ['10.1.*.*'], denyIp: ['*.*.*.*'] });
    const refused = await check(req('/status?password=adm', { ip: '10.0.0.9' }), 'status');
    expect(refused).toMatchObject({ status: 403, code: 'forbidden_ip' });
    expect(await check(req('/status?password=adm', { ip: '10.1.2.3' }), 'status')).toBe('ok');
    expect(await check(req('/status?password=adm', { ip: '::ffff:10.1.2.3' }), 'admin')).toBe('ok');
  });

  it('opens everything without any password only when the interface is loopback', async () => {
    const loopback = access({ adminPassword: undefined, statusPassword: '', interfaceHost: '127.0.0.1' });
    expect(await loopback(req('/status', { ip: '127.0.0.1' }), 'status')).toBe('ok');
    expect(await loopback(req('/shutdown', { ip: '127.0.0.1' }), 'admin')).toBe('ok');
    const everywhere = access({ adminPassword: undefined, statusPassword: undefined, interfaceHost: '0.0.0.0' });
    expect(await everywhere(req('/status'), 'status')).toMatchObject({ status: 403, code: 'admin_closed' });
    expect(await everywhere(req('/suspend?password=anything'), 'admin')).toMatchObject({ status: 403, code: 'admin_closed' });
  });

  it('keeps commands that change something closed when only a status password is set, even on loopback', async () => {
    const check = access({ adminPassword: undefined, statusPassword: 'st', interfaceHost: '127.0.0.1' });
    expect(await check(req('/status?password=st', { ip: '127.0.0.1' }), 'status')).toBe('ok');
    expect(await check(req('/status', { ip: '127.0.0.1' }), 'status')).toMatchObject({ status: 401 });
    const refused = await check(req('/suspend?password=st', { ip: '127.0.0.1' }), 'admin');
    expect(refused).toMatchObject({ status: 403, code: 'admin_closed' });
    expect(refused !== 'ok' && refused.body.error.message).toContain('set admin-password');
  });

  it('verifies scrypt hashes', async () => {
    const hash = hashPassword('s3cret', Buffer.from('salt-salt-salt-1'), { ln: 4, r: 8, p: 1 });
    const check = access({ adminPassword: hash, statusPassword: undefined });
    expect(await check(req('/suspend?password=s3cret'), 'admin')).toBe('ok');
    expect(await check(req('/status?password=s3cret'), 'status')).toBe('ok');
    expect(await check(req(`/suspend?password=${encodeURIComponent(hash)}`), 'admin')).toMatchObject({ status: 401 });
  });

  it('answers 503 when too many scrypt checks are waiting, rather than queueing without bound', async () => {
    const hash = hashPassword('s3cret', Buffer.from('salt-salt-salt-1'), { ln: 4, r: 8, p: 1 });
    const check = access({ adminPassword: hash, statusPassword: undefined, verifier: new PasswordVerifier({ maxPending: 0 }) });
    expect(await check(req('/suspend?password=guess'), 'admin')).toMatchObject({
      status: 503,
      code: 'temporarily_unavailable',
      headers: { 'retry-after': '1' },
    });
  });

  it('refuses to start with a malformed hash (validation lets none through)', () => {
    expect(() => access({ adminPassword: '$scrypt$ln=x' })).toThrow(/admin-password/);
  });
});
