import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { testLink, waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let sim: SmscSimulator;
let app: App;
const auth = { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` };

beforeAll(async () => {
  redis = await startTestRedis();
  sim = new SmscSimulator({ port: 0 });
  await sim.start();
  app = await startGateway(
    testConfig([testLink(sim.port, { id: 'l1' })], {
      raw: {
        http: {
          'sendsms-port': 0,
          'sendsms-interface': '127.0.0.1',
          'global-sender': '12345',
          'max-body-size': 2048,
          'request-timeout': 0.5,
        },
      },
    }),
    redis,
  );
  await waitFor(() => app.runtimes.get('l1')!.healthy());
});
afterAll(async () => {
  await app.stop();
  await sim.kill();
  await redis.stop();
});

const received = (to: string) => sim.received.filter((r) => r.destAddr === to);

describe('sendsms request forms', () => {
  it('GET with charset=ISO-8859-1 keeps the raw bytes: %E9 is é', async () => {
    const res = await app.http.inject({
      method: 'GET',
      url: '/cgi-bin/sendsms?username=u&password=p&to=4670000301&charset=ISO-8859-1&text=caf%E9',
    });
    expect(res.body).toBe('0: Accepted for delivery');
    await waitFor(() => received('4670000301').length === 1);
    expect([...received('4670000301')[0]!.shortMessage]).toEqual([0x63, 0x61, 0x66, 0x05]); // GSM 03.38: é is 0x05
  });

  it('POST with a form body', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/cgi-bin/sendsms',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=u&password=p&to=4670000302&text=form+body',
    });
    expect(res.statusCode).toBe(202);
    await waitFor(() => received('4670000302').length === 1);
    expect(received('4670000302')[0]!.shortMessage.toString('latin1')).toBe('form body');
  });

  it('POST text/plain with X-Kannel headers', async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: '/cgi-bin/sendsms',
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'x-kannel-username': 'u',
        'x-kannel-password': 'p',
        'x-kannel-to': '4670000303',
        'x-kannel-from': '4711',
      },
      payload: 'the body is the text',
    });
    expect(res.body).toBe('0: Accepted for delivery');
    await waitFor(() => received('4670000303').length === 1);
    expect(received('4670000303')[0]).toMatchObject({ sourceAddr: '4711' });
    expect(received('4670000303')[0]!.shortMessage.toString('latin1')).toBe('the body is the text');
  });

  it('several receivers separated by spaces get one message each', async () => {
    const res = await app.http.inject({ method: 'GET', url: '/cgi-bin/sendsms?username=u&password=p&to=4670000304+4670000305&text=two' });
    expect(res.body).toBe('0: Accepted for delivery');
    await waitFor(() => received('4670000304').length === 1 && received('4670000305').length === 1);
  });

  it('an oversize body gets a clear reply and nothing is queued', async () => {
    const before = sim.received.length;
    const res = await app.http.inject({
      method: 'POST',
      url: '/cgi-bin/sendsms',
      headers: { 'content-type': 'text/plain', 'x-kannel-username': 'u', 'x-kannel-password': 'p', 'x-kannel-to': '4670000306' },
      payload: 'x'.repeat(5000),
    });
    expect(res.statusCode).toBe(413);
    expect(res.body).toBe('Request body too large, rejected');
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.received.length).toBe(before);
  });

  it('an unsupported content type, an unknown path, and an unknown smsc', async () => {
    const r1 = await app.http.inject({ method: 'POST', url: '/cgi-bin/sendsms', headers: { 'content-type': 'image/png' }, payload: 'x' });
    expect([r1.statusCode, r1.body]).toEqual([415, 'Unsupported content-type, rejected']);
    const r2 = await app.http.inject({ method: 'GET', url: '/cgi-bin/nothing' });
    expect([r2.statusCode, r2.body]).toEqual([404, 'Unknown request.']);
  });

  it('a slow client gets 408 and is disconnected after request-timeout', async () => {
    const port = app.httpPort;
    let answer = '';
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const t0 = Date.now();
      const s = connect(port, '127.0.0.1', () => s.write('GET /cgi-bin/sendsms?username=u&password=p&to=1&text=x HTTP/1.1\r\nHost: x\r\n'));
      s.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      s.on('close', () => resolve(Date.now() - t0));
      s.on('error', () => undefined);
      setTimeout(() => reject(new Error('not disconnected')), 5000);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
    expect(closedAfter).toBeLessThan(3000);
  });
});

describe('JSON API', () => {
  const post = (payload: unknown, headers: Record<string, string> = { ...auth, 'content-type': 'application/json' }) =>
    app.http.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  it('sends one message and reports its state through to submitted', async () => {
    const res = await post({ to: '4670000401', text: 'Привет 👋', from: 'ACME' });
    expect(res.statusCode).toBe(202);
    const [m] = (res.json() as { messages: { id: string; status: string; parts: number }[] }).messages;
    expect(m).toMatchObject({ status: 'accepted', parts: 1 });
    await waitFor(
      async () =>
        (await app.http.inject({ method: 'GET', url: `/api/v1/messages/${m!.id}`, headers: auth })).json<{ status: string }>().status ===
        'submitted',
    );
    const got = received('4670000401')[0]!;
    expect(got).toMatchObject({ dataCoding: 8, sourceAddr: 'ACME', sourceTon: 5, sourceNpi: 0 });
    expect(got.shortMessage.toString('utf16le').length).toBeGreaterThan(0);
  });

  it('rejects bad input with stable codes, and a bad batch queues nothing', async () => {
    expect((await post('{not json')).json()).toMatchObject({ error: { code: 'invalid_request' } });
    expect((await post({ text: 'no receiver' })).json()).toMatchObject({ error: { code: 'invalid_request' } });
    expect((await post({ to: '1', text: 'x', extra: 1 })).statusCode).toBe(400);
    expect((await post({ to: '1', text: 'x', binary: '00' })).json()).toMatchObject({ error: { code: 'invalid_request' } });
    const unauth = await post(
      { to: '1', text: 'x' },
      { authorization: `Basic ${Buffer.from('u:wrong').toString('base64')}`, 'content-type': 'application/json' },
    );
    expect([unauth.statusCode, unauth.json<{ error: { code: string } }>().error.code]).toEqual([401, 'unauthorized']);
    const media = await post('to=1', { ...auth, 'content-type': 'text/plain' });
    expect([media.statusCode, media.json<{ error: { code: string } }>().error.code]).toEqual([415, 'unsupported_media_type']);
    const before = sim.received.length;
    const batch = await post({
      messages: [
        { to: '4670000402', text: 'fine' },
        { to: '4670000403', text: 'Ж', coding: 'gsm7' },
      ],
    });
    expect([batch.statusCode, batch.json()]).toEqual([400, { error: { code: 'text_unencodable', message: expect.any(String), index: 1 } }]);
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.received.length).toBe(before);
    const missing = await app.http.inject({ method: 'GET', url: '/api/v1/messages/00000000-0000-0000-0000-000000000000', headers: auth });
    expect([missing.statusCode, missing.json<{ error: { code: string } }>().error.code]).toEqual([404, 'not_found']);
  });
});
