/**
 * Delivery receipts end to end: requested from the dlr-mask, matched whatever the SMSC does with its ids, reported
 * to the client's dlr-url with Kannel's escapes, durably and in order.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Link } from '../../src/domain/link.js';
import type { SmscSimulator, SimulatorOptions } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { startReceiverFor, type HttpReceiver } from '../helpers/http-receiver.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const sim = (opts: Partial<SimulatorOptions> = {}): Promise<SmscSimulator> => startSimulator(cleanups, { receiptDelayMs: 30, ...opts });
const receiver = (): Promise<HttpReceiver> => startReceiverFor(cleanups);

const fast = { callbacks: { 'retry-delay': 0.1, 'retry-delay-max': 0.5 }, receipts: { 'unmatched-retry': 5 } };

async function gateway(link: Link, prefix: string, raw: Record<string, unknown> = {}): Promise<App> {
  const app = await startGateway(testConfig([link], { prefix, raw: { ...fast, ...raw } }), env.redis, cleanups);
  await waitFor(() => app.cluster.linkHealthy(link.id), 5000, 'bound');
  return app;
}

function dlrUrl(r: HttpReceiver): string {
  return encodeURIComponent(`http://127.0.0.1:${r.port}/dlr?type=%d&smsc=%i&id=%F&to=%p&from=%P&text=%A&svc=%n&time=%t&mid=%I`);
}

async function send(app: App, to: string, extra = ''): Promise<string> {
  const res = await app.http.inject({
    method: 'GET',
    url: `/cgi-bin/sendsms?username=u&password=p&from=4711&to=${to}&text=dlr+test${extra}`,
  });
  return res.body;
}

describe('delivery receipts', () => {
  it('dlr-mask 31: the SMSC ack (8) and then the delivery (1) reach the dlr-url in order, with the escapes filled in', async () => {
    const s = await sim();
    const r = await receiver();
    const app = await gateway(testLink(s.port, { id: 'carrier' }), 'dlr1');
    expect(await send(app, '4677000001', `&dlr-mask=31&dlr-url=${dlrUrl(r)}`)).toBe('0: Accepted for delivery');
    await waitFor(() => r.requests.length >= 2, 5000, 'two callbacks');
    await new Promise((x) => setTimeout(x, 200));
    expect(r.requests.map((q) => q.query.get('type'))).toEqual(['8', '1']);
    const [ack, delivered] = r.requests;
    expect(ack!.query.get('text')).toBe('ACK/');
    expect(delivered!.query.get('text')).toMatch(/^id:1 sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD err:000/);
    for (const q of r.requests) {
      expect(q.query.get('smsc')).toBe('carrier');
      expect(q.query.get('id')).toBe('1');
      expect(q.query.get('to')).toBe('4677000001');
      expect(q.query.get('from')).toBe('4711');
      expect(q.query.get('svc')).toBe('u');
      expect(q.query.get('time')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/); // %t's '+' arrives as a space, as from Kannel
    }
    expect(ack!.query.get('mid')).toBe(delivered!.query.get('mid'));
  });

  it('matches with msg-id-type: decimal ids in submit_sm_resp and hex ids in receipts, and the reverse', async () => {
    for (const [idFormat, receiptIdFormat, submitRespHex, deliverHex] of [
      ['decimal', 'hex', false, true],
      ['hex', 'decimal', true, false],
    ] as const) {
      const s = await sim({ idFormat, receiptIdFormat });
      const r = await receiver();
      const app = await gateway(testLink(s.port, { id: `ids-${idFormat}`, msgIdType: { submitRespHex, deliverHex } }), `dlr2${idFormat}`);
      // Ids above 9 so decimal and hex differ ("10" vs "A").
      for (let i = 0; i < 12; i++) await send(app, `46770001${String(i).padStart(2, '0')}`, `&dlr-mask=1&dlr-url=${dlrUrl(r)}`);
      await waitFor(() => r.requests.length === 12, 8000, `12 delivered callbacks (${idFormat} → ${receiptIdFormat})`);
      expect(app.receipts.counters.unmatched).toBe(0);
      expect(new Set(r.requests.map((q) => q.query.get('to'))).size).toBe(12);
      await app.stop();
    }
  });

  it('two SMSCs behind one smsc-id handing out the same ids: each receipt still reaches its own message', async () => {
    const a = await sim();
    const b = await sim(); // both number their message ids from 1
    const r = await receiver();
    const app = await startGateway(
      // One message per queue job, so both links take some (a job of 20 would go to one link whole).
      testConfig([testLink(a.port, { id: 'A', smscId: 'shared' }), testLink(b.port, { id: 'B', smscId: 'shared' })], {
        prefix: 'dlrdup',
        raw: { ...fast, queue: { 'lock-duration': 2, 'retry-delay': 0.05, 'batch-size': 1 } },
      }),
      env.redis,
    );
    cleanups.push(() => app.stop());
    await waitFor(() => app.cluster.linkHealthy('A') && app.cluster.linkHealthy('B'), 5000, 'both bound');
    const tos = Array.from({ length: 20 }, (_, i) => `46770007${String(i).padStart(2, '0')}`);
    await Promise.all(tos.map((to) => send(app, to, `&dlr-mask=1&dlr-url=${dlrUrl(r)}`)));
    await waitFor(() => r.requests.length === 20, 8000, '20 delivered callbacks');
    const ids = [...a.received, ...b.received].map((m) => m.messageId);
    expect(ids.length - new Set(ids).size).toBeGreaterThan(0); // the SMSCs really did reuse ids
    expect(r.requests.map((q) => q.query.get('to')).sort()).toEqual(tos);
    expect(new Set(r.requests.map((q) => q.query.get('mid'))).size).toBe(20);
  });

  it('matches a receipt that arrives before its submit_sm_resp', async () => {
    const s = await sim({ receiptBeforeResponse: true });
    const r = await receiver();
    const app = await gateway(testLink(s.port, { id: 'early' }), 'dlr3');
    await send(app, '4677000201', `&dlr-mask=1&dlr-url=${dlrUrl(r)}`);
    await waitFor(() => r.requests.length === 1, 8000, 'delivered callback');
    expect(r.requests[0]!.query.get('type')).toBe('1');
    expect(s.counters.receiptsSent).toBe(1);
  });

  it('matches a receipt that arrives after the gateway was restarted', async () => {
    const s = await sim({ receiptDelayMs: 1500 });
    const r = await receiver();
    const link = testLink(s.port, { id: 'restart' });
    const first = await startGateway(testConfig([link], { prefix: 'dlr4', raw: fast }), env.redis);
    await waitFor(() => first.cluster.linkHealthy('restart'), 5000);
    await send(first, '4677000301', `&dlr-mask=1&dlr-url=${dlrUrl(r)}`);
    await waitFor(() => s.counters.accepted === 1, 3000, 'submitted');
    await first.stop();
    const second = await gateway(link, 'dlr4');
    await waitFor(() => r.requests.length === 1, 10_000, 'delivered callback after the restart');
    expect(r.requests[0]!.query.get('to')).toBe('4677000301');
    expect(second.receipts.counters.matched).toBe(1);
  });

  it('JSON API: callbackUrl gets JSON reports and the message state shows the receipt', async () => {
    const s = await sim();
    const r = await receiver();
    const app = await gateway(testLink(s.port, { id: 'json' }), 'dlr5');
    const auth = { authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, 'content-type': 'application/json' };
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: auth,
      payload: { to: '4677000401', text: 'json', callbackUrl: `http://127.0.0.1:${r.port}/cb` },
    });
    const id = res.json<{ messages: { id: string }[] }>().messages[0]!.id;
    await waitFor(() => r.requests.length === 2, 5000, 'two JSON callbacks');
    const bodies = r.requests.map((q) => JSON.parse(q.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.event)).toEqual(['smsc-accepted', 'delivered']);
    expect(bodies[1]).toMatchObject({ id, to: '4677000401', status: 'delivered', smscMessageId: '1' });
    const state = (await app.http.inject({ method: 'GET', url: `/api/v1/messages/${id}`, headers: auth })).json<{
      status: string;
      history: { event: string }[];
      parts: { receipt: string }[];
    }>();
    expect(state.status).toBe('delivered');
    expect(state.history.map((h) => h.event)).toEqual(['accepted', 'submitted', 'delivered']);
    expect(state.parts[0]?.receipt).toBe('delivered');
  });
});

describe('callbacks when the client is down', () => {
  it('every callback reaches the client after a 30 s outage, in order per message', { timeout: 90_000 }, async () => {
    const s = await sim();
    const r = await receiver();
    r.up = false;
    const app = await gateway(testLink(s.port, { id: 'outage' }), 'dlr6', { callbacks: { 'retry-delay': 0.5, 'retry-delay-max': 2 } });
    const N = 20;
    for (let i = 0; i < N; i++) await send(app, `46770005${String(i).padStart(2, '0')}`, `&dlr-mask=31&dlr-url=${dlrUrl(r)}`);
    await waitFor(() => app.receipts.counters.matched === N, 10_000, 'receipts matched while the client is down');
    await new Promise((x) => setTimeout(x, 30_000));
    expect(r.requests).toHaveLength(0);
    r.up = true;
    await waitFor(() => r.requests.length === 2 * N, 20_000, 'every callback delivered');
    for (let i = 0; i < N; i++) {
      const to = `46770005${String(i).padStart(2, '0')}`;
      expect(r.requests.filter((q) => q.query.get('to') === to).map((q) => q.query.get('type'))).toEqual(['8', '1']);
    }
  });
});

describe('incoming messages through the gateway', () => {
  it('an MO, and an MO in three parts out of order, reach the HTTP service once and whole', async () => {
    const s = await sim();
    const r = await receiver();
    const url = `http://127.0.0.1:${r.port}/mo?from=%p&to=%P&text=%b&smsc=%i`;
    await gateway(testLink(s.port, { id: 'mo' }), 'mo1', { services: [{ keyword: 'default', 'get-url': url }] });
    const { buildParts, encodeText } = await import('../../src/encoding/index.js');
    expect(
      await s.deliver({
        sourceAddr: '46701',
        destAddr: '1234',
        esmClass: 0,
        dataCoding: 0,
        shortMessage: Buffer.from('HELLO world', 'latin1'),
      }),
    ).toBe(0);
    const long = 'Part of a long incoming message. '.repeat(12);
    const enc = encodeText({ text: Buffer.from(long) });
    if (!enc.ok) throw new Error('encode');
    const built = buildParts(enc.alphabet, enc.payload, 'udh8', 77);
    if (!built.ok) throw new Error('build');
    expect(built.parts).toHaveLength(3);
    for (const i of [2, 0, 1]) {
      const p = built.parts[i]!;
      expect(
        await s.deliver({
          sourceAddr: '46702',
          destAddr: '1234',
          esmClass: 0x40,
          dataCoding: enc.dataCoding,
          shortMessage: p.shortMessage,
        }),
      ).toBe(0);
    }
    await waitFor(() => r.requests.length === 2, 8000, 'two MO requests');
    const byFrom = new Map(r.requests.map((q) => [q.query.get('from'), q.query]));
    expect(byFrom.get('46701')?.get('text')).toBe('HELLO world');
    expect(byFrom.get('46702')?.get('text')).toBe(long);
    expect(byFrom.get('46702')?.get('to')).toBe('1234');
    expect(byFrom.get('46702')?.get('smsc')).toBe('mo');
  });
});
