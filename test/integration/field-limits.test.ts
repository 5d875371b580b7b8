/**
 * Fields as SMPP 3.4 sizes them, and the other small refusals of issue 17 point 8, through a real gateway (real
 * Redis, SMPP to the simulator), where the reply is what a client reads: out-of-spec `from`, `to` and `binfo`, a
 * receiver with no digit, `validity=0`, a UDH that leaves no room for the text, a UDH whose length octet is wrong
 * on the JSON API, `application/jsonx`, and `add-smsc` of an unknown link. Nothing refused reaches the SMSC.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { testConfig } from '../helpers/gateway.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

async function gateway(): Promise<{ app: App; lines: Record<string, unknown>[]; received: () => number }> {
  const s = await startSimulator(cleanups);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const config = testConfig([testLink(s.port, { id: 'alpha' })], {
    raw: { admin: { 'admin-port': 0, 'admin-password': 'adm' } },
  });
  const app = new App({ config, redis: env.redis.target, logger: pino({ level: 'info' }, sink) });
  cleanups.push(() => app.stop());
  await app.start();
  await waitFor(() => app.cluster.linkHealthy('alpha'), 5000, 'bound');
  return { app, lines, received: () => s.received.length };
}

async function sendsms(app: App, query: string): Promise<[number, string]> {
  const res = await app.http.inject({ method: 'GET', url: `/cgi-bin/sendsms?username=u&password=p&${query}` });
  return [res.statusCode, res.body];
}

async function api(app: App, body: unknown, contentType = 'application/json'): Promise<[number, string, string]> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/v1/messages',
    headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, 'content-type': contentType },
    payload: JSON.stringify(body),
  });
  const json = res.json() as { error?: { code: string; message: string } };
  return [res.statusCode, json.error?.code ?? '', json.error?.message ?? ''];
}

const UDH_140 = `8b${'00'.repeat(139)}`;

describe('field limits through a real gateway', () => {
  it('sendsms refuses out-of-spec fields with Kannel-style replies', async () => {
    const { app, received } = await gateway();
    expect(await sendsms(app, 'to=%2B&text=x')).toEqual([400, 'Empty receiver number not allowed, rejected']);
    expect(await sendsms(app, 'to=-----&text=x')).toEqual([400, 'Empty receiver number not allowed, rejected']);
    expect(await sendsms(app, `to=4670000001&from=${'A'.repeat(46)}&text=x`)).toEqual([400, 'From field misformed, rejected']);
    expect(await sendsms(app, `to=${'1'.repeat(50)}&text=x`)).toEqual([400, 'To field misformed, rejected']);
    expect(await sendsms(app, `to=4670000001&binfo=${'b'.repeat(100)}&text=x`)).toEqual([400, 'Binfo field misformed, rejected']);
    expect(await sendsms(app, 'to=4670000001&validity=0&text=x')).toEqual([
      400,
      'Validity of 0 minutes: the message could never be delivered, rejected',
    ]);
    const udh = UDH_140.replace(/../g, (octet) => `%${octet}`);
    expect(await sendsms(app, `to=4670000001&udh=${udh}&text=hello`)).toEqual([400, 'UDH field leaves no room for the text, rejected']);
    // and at the limits, sent
    expect(await sendsms(app, `to=${'1'.repeat(20)}&from=${'A'.repeat(20)}&binfo=ABCDE&validity=1&text=ok`)).toEqual([
      202,
      '0: Accepted for delivery',
    ]);
    await waitFor(() => received() === 1, 5000, 'the one at the limits delivered');
  });

  it('the JSON API refuses them as invalid_request, checks the UDH length octet, and takes only application/json', async () => {
    const { app, received } = await gateway();
    for (const to of ['+', '-----', '1'.repeat(21)])
      expect((await api(app, { to, text: 'x' })).slice(0, 2)).toEqual([400, 'invalid_request']);
    expect((await api(app, { to: '4670000001', from: 'A'.repeat(46), text: 'x' })).slice(0, 2)).toEqual([400, 'invalid_request']);
    const udhLength = await api(app, { to: '4670000001', udh: '0700030102', text: 'x' });
    expect(udhLength.slice(0, 2)).toEqual([400, 'invalid_request']);
    expect(udhLength[2]).toMatch(/UDHL/);
    const validity = await api(app, { to: '4670000001', validity: 0, text: 'x' });
    expect(validity.slice(0, 2)).toEqual([400, 'invalid_request']);
    expect(validity[2]).toMatch(/could never be delivered/);
    const noRoom = await api(app, { to: '4670000001', udh: UDH_140, text: 'hello' });
    expect(noRoom).toEqual([400, 'invalid_request', expect.stringMatching(/udh \(140 octets\) leaves no room/)]);
    expect(noRoom[2]).not.toMatch(/Infinity/);
    expect((await api(app, { to: '4670000001', text: 'x' }, 'application/jsonx')).slice(0, 2)).toEqual([415, 'unsupported_media_type']);
    expect((await api(app, { to: '4670000001', text: 'x' }, 'application/json; charset=utf-8'))[0]).toBe(202);
    await waitFor(() => received() === 1, 5000, 'the valid one delivered');
  });

  it('add-smsc of a link the configuration does not have answers 404, with no stack trace in the log', async () => {
    const { app, lines } = await gateway();
    const res = await app.admin.inject({ url: '/add-smsc?smsc=nosuch&password=adm' });
    expect([res.statusCode, res.body]).toEqual([404, "Could not add smsc-id `nosuch': no link nosuch (known: alpha)"]);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
  });
});
