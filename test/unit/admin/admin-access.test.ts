/**
 * Who may use the admin port: the client address first, then the status or admin password (query or HTTP Basic),
 * with no password open only on loopback. Real PasswordVerifier, real scrypt at a tiny cost (ln=4).
 */
import { describe, expect, it } from 'vitest';
import { adminAccess, givenPasswords, type AdminAccessOptions, type AdminRequest } from '../../../src/admin/admin-access.js';
import { hashPassword } from '../../../src/security/password-hash.js';
import { PasswordVerifier } from '../../../src/security/password-verifier.js';
import { LoginGuard } from '../../../src/accounts/login-guard.js';
import { pino } from 'pino';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function req(url: string, over: { ip?: string; authorization?: string; headers?: AdminRequest['headers'] } = {}): AdminRequest {
  return { ip: over.ip ?? '10.0.0.9', url, headers: { authorization: over.authorization, ...over.headers } };
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

  it("refuses a change asked by another site's page (403 cross_site) before the password; reading and curl go on", async () => {
    const check = access({ allowedOrigins: ['https://ops.example.com'] });
    const host = { host: 'gw:13000' };
    const crossSite = await check(req('/suspend?password=adm', { headers: { ...host, 'sec-fetch-site': 'cross-site' } }), 'admin');
    expect(crossSite).toMatchObject({ status: 403, code: 'cross_site' });
    const evil = await check(
      req('/api/v1/links/a/stop', { authorization: basic('x', 'adm'), headers: { ...host, origin: 'http://evil.example' } }),
      'admin',
    );
    expect(evil).toMatchObject({ status: 403, code: 'cross_site' });
    expect(await check(req('/suspend?password=adm', { headers: host }), 'admin')).toBe('ok');
    expect(await check(req('/suspend?password=adm', { headers: { ...host, origin: 'http://gw:13000' } }), 'admin')).toBe('ok');
    expect(await check(req('/suspend?password=adm', { headers: { ...host, origin: 'https://ops.example.com' } }), 'admin')).toBe('ok');
    // reading changes nothing: a cross-site read is left to the browser's same-origin policy
    expect(await check(req('/status?password=st', { headers: { ...host, 'sec-fetch-site': 'cross-site' } }), 'status')).toBe('ok');
    // on an open loopback port too
    const open = access({ adminPassword: undefined, statusPassword: undefined, interfaceHost: '127.0.0.1' });
    expect(await open(req('/suspend', { ip: '127.0.0.1', headers: { 'sec-fetch-site': 'cross-site' } }), 'admin')).toMatchObject({
      code: 'cross_site',
    });
  });

  it('sends a browser no Basic challenge (it would keep the password for every later request); curl gets one', async () => {
    const check = access();
    const browser = await check(req('/status', { headers: { 'sec-fetch-mode': 'navigate', 'user-agent': 'Mozilla/5.0' } }), 'status');
    expect(browser).toMatchObject({ status: 401, headers: {} });
    expect(browser !== 'ok' && browser.headers['www-authenticate']).toBeUndefined();
    const curl = await check(req('/status', { headers: { 'user-agent': 'curl/8.5.0' } }), 'status');
    expect(curl !== 'ok' && curl.headers['www-authenticate']).toBe('Basic realm="switchboard admin"');
  });

  it('with a guard, refuses an address that failed too often (429, Retry-After) unchecked; no password given is no failure', async () => {
    const guard = new LoginGuard({
      interface: 'admin',
      logger: pino({ level: 'silent' }),
      limit: { burst: 2, intervalMs: 5000 },
      refusalPauseMs: 0,
    });
    const check = access({ guard });
    for (let i = 0; i < 5; i++) expect(await check(req('/status'), 'status')).toMatchObject({ status: 401 });
    expect(await check(req('/status?password=x1'), 'status')).toMatchObject({ status: 401, attempted: true });
    expect(await check(req('/status?password=x2'), 'status')).toMatchObject({ status: 401 });
    const limited = await check(req('/status?password=adm'), 'status');
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited', headers: { 'retry-after': '5' } });
    expect(await check(req('/status?password=adm', { ip: '10.0.0.10' }), 'status')).toBe('ok');
  });
});
