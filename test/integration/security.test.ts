/**
 * Authentication and outbound safety end to end (real redis-server, real SMPP to the simulator, real HTTP): hashed
 * passwords, the client address checked before the password, IPv6 deny lists, the status endpoint's policy, and
 * callbacks to link-local / metadata addresses refused at accept time and, after DNS, at send time.
 */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import type { Link } from '../../src/domain/link.js';
import { hashPassword } from '../../src/security/password-hash.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { startReceiverFor, type HttpReceiver } from '../helpers/http-receiver.js';
import { sleep, startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

/** The default cost (ln=15), as `switchboard hash-password` prints it. */
const HASH = hashPassword('s3cret', Buffer.from('integration-salt'));

/** Whether this machine can listen on ::1 (some containers have no IPv6 loopback). */
async function ipv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(0, '::1', () => s.close(() => resolve(true)));
  });
}
const HAS_IPV6 = await ipv6Loopback();

const sim = (): Promise<SmscSimulator> => startSimulator(cleanups, { receiptDelayMs: 30 });
const receiver = (): Promise<HttpReceiver> => startReceiverFor(cleanups);

async function gateway(link: Link, prefix: string, raw: Record<string, unknown>): Promise<App> {
  const app = await startGateway(
    testConfig([link], { prefix, raw: { callbacks: { 'retry-delay': 0.05, 'retry-delay-max': 0.2 }, ...raw } }),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.cluster.linkHealthy(link.id), 5000, 'bound');
  return app;
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

async function sendsms(app: App, query: Record<string, string>, remoteAddress?: string): Promise<{ status: number; body: string }> {
  const res = await app.http.inject({
    method: 'GET',
    url: `/cgi-bin/sendsms?${new URLSearchParams(query).toString()}`,
    ...(remoteAddress ? { remoteAddress } : {}),
  });
  return { status: res.statusCode, body: res.body };
}

describe('hashed passwords', () => {
  it('an account with an scrypt hash logs in with its password, over sendsms and the JSON API; a wrong one does not', async () => {
    const s = await sim();
    const app = await gateway(testLink(s.port, { id: 'l1' }), 'hash1', { accounts: [{ username: 'h', password: HASH }] });
    const wrong = await sendsms(app, { username: 'h', password: 's3cre', to: '4671000001', text: 'no' });
    expect(wrong).toEqual({ status: 403, body: 'Authorization failed for sendsms' });
    // the hash itself is not the password
    expect((await sendsms(app, { username: 'h', password: HASH, to: '4671000001', text: 'no' })).status).toBe(403);
    expect(await sendsms(app, { username: 'h', password: 's3cret', to: '4671000002', text: 'yes' })).toEqual({
      status: 202,
      body: '0: Accepted for delivery',
    });
    // and again, now from the cache of verified passwords; a wrong one after a right one is still wrong
    expect((await sendsms(app, { username: 'h', password: 's3cret', to: '4671000003', text: 'yes again' })).status).toBe(202);
    expect((await sendsms(app, { username: 'h', password: 's3cretX', to: '4671000001', text: 'no' })).status).toBe(403);
    const api = await app.http.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { ...basic('h', 's3cret'), 'content-type': 'application/json' },
      payload: { to: '4671000004', text: 'api' },
    });
    expect(api.statusCode).toBe(202);
    const apiWrong = await app.http.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { ...basic('h', 'nope'), 'content-type': 'application/json' },
      payload: { to: '4671000001', text: 'no' },
    });
    expect([apiWrong.statusCode, apiWrong.json().error.code]).toEqual([401, 'unauthorized']);
    await waitFor(() => s.received.length === 3, 5000, 'three delivered');
    expect(s.received.map((m) => m.destAddr).sort()).toEqual(['4671000002', '4671000003', '4671000004']);
  });
});

describe('the client address before the password', () => {
  it('an off-list client gets the same refusal with the right password as with a wrong one', async () => {
    const s = await sim();
    const accounts = [{ username: 'office', password: HASH, 'user-allow-ip': '10.9.0.0/16', 'user-deny-ip': '*.*.*.*' }];
    const app = await gateway(testLink(s.port, { id: 'l1' }), 'order1', { accounts });
    const right = { username: 'office', password: 's3cret', to: '4671000010', text: 'x' };
    const wrong = { ...right, password: 'guess' };
    const fromOutside = [await sendsms(app, right, '203.0.113.7'), await sendsms(app, wrong, '203.0.113.7')];
    expect(fromOutside).toEqual([
      { status: 403, body: 'Authorization failed for sendsms' },
      { status: 403, body: 'Authorization failed for sendsms' },
    ]);
    const api = async (password: string) => {
      const res = await app.http.inject({
        method: 'POST',
        url: '/api/v1/messages',
        remoteAddress: '203.0.113.7',
        headers: { ...basic('office', password), 'content-type': 'application/json' },
        payload: { to: '4671000010', text: 'x' },
      });
      return [res.statusCode, res.json().error.code];
    };
    expect([await api('s3cret'), await api('guess')]).toEqual([
      [403, 'forbidden_ip'],
      [403, 'forbidden_ip'],
    ]);
    // from inside the allowed network (as IPv4-mapped IPv6, as a dual-stack socket reports it) the password decides
    expect((await sendsms(app, right, '::ffff:10.9.3.4')).status).toBe(202);
    expect((await sendsms(app, wrong, '10.9.3.4')).status).toBe(403);
    // an IPv6 client does not slip past "*.*.*.*"
    expect((await sendsms(app, right, '2001:db8::5')).status).toBe(403);
    await waitFor(() => s.received.length === 1, 5000, 'one delivered');
    expect(s.received.map((m) => m.destAddr)).toEqual(['4671000010']);
  });

  it('failed logins are logged once per account and address per minute, with how many more there were', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const config = testConfig([], { prefix: 'flood1', raw: { accounts: [{ username: 'u', password: 'p' }] } });
    const app = new App({ config, redis: env.redis.target, logger: pino({ level: 'info' }, sink) });
    await app.start();
    cleanups.push(() => app.stop());
    for (let i = 0; i < 50; i++) await sendsms(app, { username: 'u', password: `guess${i}`, to: '4671000020', text: 'x' }, '198.51.100.9');
    await sendsms(app, { username: 'u', password: 'guess', to: '4671000020', text: 'x' }, '198.51.100.10');
    const failed = lines.filter((l) => String(l.msg).startsWith('authorization failed'));
    expect(failed.map((l) => [l.username, l.ip, l.reason])).toEqual([
      ['u', '198.51.100.9', 'bad-password'],
      ['u', '198.51.100.10', 'bad-password'],
    ]);
    expect(failed[0]!.level).toBe(40);
  });
});

describe.skipIf(!HAS_IPV6)('IPv6 clients (the sendsms interface on ::1)', () => {
  it('a deny list with an IPv6 network refuses an IPv6 client; an allowed IPv6 address gets through', async () => {
    const s = await sim();
    const accounts = [
      { username: 'nov6', password: 'p', 'user-deny-ip': '::1' },
      { username: 'v6ok', password: 'p', 'user-allow-ip': '::1; 127.0.0.1', 'user-deny-ip': '*.*.*.*' },
      { username: 'v4only', password: 'p', 'user-allow-ip': '127.0.0.1', 'user-deny-ip': '*.*.*.*' },
    ];
    const app = await gateway(testLink(s.port, { id: 'l1' }), 'v6', {
      accounts,
      http: { 'sendsms-port': 0, 'sendsms-interface': '::1', 'global-sender': '12345' },
    });
    const get = async (user: string) => {
      const res = await fetch(`http://[::1]:${app.httpPort}/cgi-bin/sendsms?username=${user}&password=p&to=4671000030&text=v6`);
      return [res.status, await res.text()];
    };
    expect(await get('nov6')).toEqual([403, 'Authorization failed for sendsms']);
    expect(await get('v4only')).toEqual([403, 'Authorization failed for sendsms']);
    expect(await get('v6ok')).toEqual([202, '0: Accepted for delivery']);
    // the interface is loopback-only, so the status is open without a password
    expect((await fetch(`http://[::1]:${app.httpPort}/api/v1/status`)).status).toBe(200);
    await waitFor(() => s.received.length === 1, 5000, 'one delivered');
  });
});

describe('/api/v1/status', () => {
  /** Built, never listened on: the status route answers through inject(). */
  function unstarted(raw: Record<string, unknown>): App {
    const config = testConfig([], { prefix: 'status', raw });
    const app = new App({ config, redis: env.redis.target, logger: pino({ level: 'silent' }) });
    cleanups.push(() => app.stop());
    return app;
  }

  it('with no password, on an interface that is not loopback-only, answers 401 to everyone', async () => {
    const app = unstarted({ http: { 'sendsms-port': 0, 'sendsms-interface': '0.0.0.0' } });
    const res = await app.http.inject({ method: 'GET', url: '/api/v1/status', headers: basic('x', 'anything') });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/set status-password or admin-password/);
  });

  it('with a hashed status-password, wants it (any user name)', async () => {
    const app = unstarted({ http: { 'sendsms-port': 0, 'sendsms-interface': '0.0.0.0' }, admin: { 'status-password': HASH } });
    expect((await app.http.inject({ method: 'GET', url: '/api/v1/status' })).statusCode).toBe(401);
    expect((await app.http.inject({ method: 'GET', url: '/api/v1/status', headers: basic('any', 'wrong') })).statusCode).toBe(401);
    const ok = await app.http.inject({ method: 'GET', url: '/api/v1/status', headers: basic('any', 's3cret') });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ links: [], routes: [] });
  });

  it("limits failed status logins per client address, as the accounts' (429 with Retry-After)", async () => {
    const app = unstarted({ http: { 'sendsms-port': 0, 'sendsms-interface': '0.0.0.0' }, admin: { 'status-password': 'peek' } });
    const status = (password: string, remoteAddress = '198.51.100.20') =>
      app.http.inject({ method: 'GET', url: '/api/v1/status', headers: basic('any', password), remoteAddress });
    for (let i = 0; i < 20; i++) expect((await status(`wrong${i}`)).statusCode).toBe(401);
    const limited = await status('peek');
    expect([limited.statusCode, limited.json().error.code, Number(limited.headers['retry-after']) >= 1]).toEqual([
      429,
      'rate_limited',
      true,
    ]);
    expect((await status('peek', '198.51.100.21')).statusCode).toBe(200);
  });

  it('with no password on 127.0.0.1, stays open', async () => {
    const app = unstarted({});
    expect((await app.http.inject({ method: 'GET', url: '/api/v1/status' })).statusCode).toBe(200);
  });
});

describe('callbacks to denied networks', () => {
  const metadata = 'http://169.254.169.254/latest/meta-data/iam/security-credentials/?type=%d';

  it('a dlr-url or callbackUrl naming the metadata address is refused when the message is accepted; nothing is queued', async () => {
    const s = await sim();
    const app = await gateway(testLink(s.port, { id: 'l1' }), 'deny1', {});
    expect(
      await sendsms(app, { username: 'u', password: 'p', to: '4671000040', text: 'x', 'dlr-mask': '31', 'dlr-url': metadata }),
    ).toEqual({ status: 400, body: 'DLR-URL host not allowed, rejected' });
    expect(
      (
        await sendsms(app, {
          username: 'u',
          password: 'p',
          to: '4671000040',
          text: 'x',
          'dlr-mask': '31',
          'dlr-url': 'http://[fe80::1]/dlr',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await sendsms(app, {
          username: 'u',
          password: 'p',
          to: '4671000040',
          text: 'x',
          'dlr-mask': '31',
          'dlr-url': 'http://metadata.google.internal/x',
        })
      ).status,
    ).toBe(400);
    const api = await app.http.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { ...basic('u', 'p'), 'content-type': 'application/json' },
      payload: {
        messages: [
          { to: '4671000041', text: 'ok' },
          { to: '4671000042', text: 'x', callbackUrl: 'http://[::ffff:169.254.169.254]/x' },
        ],
      },
    });
    expect(api.statusCode).toBe(400);
    expect(api.json()).toEqual({
      error: {
        code: 'callback_url_denied',
        message: 'callbackUrl: 169.254.169.254 is in a denied network (callbacks.deny-networks)',
        index: 1,
      },
    });
    await sleep(300);
    expect(s.received).toHaveLength(0);
  });

  it('a host name that resolves into a denied network is refused when the callback is sent, counted and not retried', async () => {
    const s = await sim();
    const r = await receiver();
    // loopback denied, so "localhost" (a name: accepted) resolves into a denied network at send time
    const callbacks = { 'retry-delay': 0.05, 'retry-delay-max': 0.2, 'deny-networks': ['169.254.0.0/16', '127.0.0.0/8', '::1'] };
    const accounts = [
      { username: 'u', password: 'p' },
      { username: 'trusted', password: 'p', 'callback-allow': ['localhost'] },
    ];
    const app = await gateway(testLink(s.port, { id: 'l1' }), 'deny2', { callbacks, accounts });
    const dlr = `http://localhost:${r.port}/dlr?type=%d&id=%i`;
    expect(await sendsms(app, { username: 'u', password: 'p', to: '4671000050', text: 'x', 'dlr-mask': '3', 'dlr-url': dlr })).toEqual({
      status: 202,
      body: '0: Accepted for delivery',
    });
    await waitFor(() => app.callbacks.counters.refused >= 1, 5000, 'the callback refused');
    expect(app.callbacks.counters).toMatchObject({ sent: 0, retried: 0, refused: 1, givenUp: 1 });
    // the literal address is refused at accept time
    expect(
      (
        await sendsms(app, {
          username: 'u',
          password: 'p',
          to: '4671000051',
          text: 'x',
          'dlr-mask': '3',
          'dlr-url': `http://127.0.0.1:${r.port}/dlr`,
        })
      ).status,
    ).toBe(400);
    // an account whose callback-allow names the host gets its callback
    expect(
      (await sendsms(app, { username: 'trusted', password: 'p', to: '4671000052', text: 'x', 'dlr-mask': '3', 'dlr-url': dlr })).status,
    ).toBe(202);
    await waitFor(() => r.requests.length === 1, 5000, 'the allowed callback');
    expect(r.requests[0]!.query.get('type')).toBe('1');
    // The counter moves once the callback's reply is read, a moment after the receiver has the request.
    await waitFor(() => app.callbacks.counters.sent === 1, 5000, 'the allowed callback counted');
    expect(app.callbacks.counters).toMatchObject({ sent: 1, refused: 1 });
  });
});
