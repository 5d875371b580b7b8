import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { testLink, waitFor, startSimulator } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const sim = (persona = 'happy'): Promise<SmscSimulator> => startSimulator(cleanups, { persona: parsePersona(persona) });

async function gateway(...args: Parameters<typeof testConfig>): Promise<App> {
  const app = await startGateway(testConfig(...args), env.redis, cleanups);
  return app;
}

describe('sendsms → Redis → SMPP', () => {
  it('delivers a message with the right source, destination, data_coding and text', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port)]);
    await waitFor(() => app.runtimes.get(`sim${s.port}`)!.healthy());
    const r = await sendsms(app, { username: 'u', password: 'p', from: '4711', to: '4670000001', text: 'hello' });
    expect(r).toEqual({ status: 202, body: '0: Accepted for delivery' });
    await waitFor(() => s.received.length === 1, 5000, 'submit at the simulator');
    const m = s.received[0]!;
    expect(m.sourceAddr).toBe('4711');
    expect(m.destAddr).toBe('4670000001');
    expect(m.dataCoding).toBe(0);
    expect(m.shortMessage.toString('latin1')).toBe('hello');
  });

  it('answers 3: Queued when no link is up, and delivers once it binds', async () => {
    const s = await sim();
    const port = s.port;
    await s.kill();
    const app = await gateway([testLink(port)]);
    const r = await sendsms(app, { username: 'u', password: 'p', to: '4670000002', text: 'later' });
    expect(r).toEqual({ status: 202, body: '3: Queued for later delivery' });
    const s2 = new SmscSimulator({ port });
    await s2.start();
    cleanups.push(() => s2.kill());
    await waitFor(() => s2.received.length === 1, 5000, 'delivery after bind');
    expect(s2.received[0]?.destAddr).toBe('4670000002');
  });

  it('refuses bad credentials and bad parameters with Kannel replies, queueing nothing', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port)]);
    expect(await sendsms(app, { username: 'u', password: 'x', to: '1', text: 'a' })).toEqual({
      status: 403,
      body: 'Authorization failed for sendsms',
    });
    expect(await sendsms(app, { username: 'u', password: 'p', text: 'a' })).toEqual({
      status: 400,
      body: 'Missing receiver number, rejected',
    });
    expect(await sendsms(app, { username: 'u', password: 'p', to: '1', text: 'a', 'dlr-url': 'ftp://x' })).toEqual({
      status: 400,
      body: 'DLR-URL field misformed, rejected',
    });
    expect(await sendsms(app, { username: 'u', password: 'p', to: '1', text: 'a', coding: '7' })).toEqual({
      status: 400,
      body: 'Coding field misformed, rejected',
    });
    expect((await sendsms(app, { username: 'u', password: 'p', to: '1', text: 'Привет', coding: '0' })).status).toBe(400);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.received).toHaveLength(0);
  });
});

/** Sends `n` messages with distinct receivers 4670100000+i; returns the receivers. */
async function sendMany(app: App, n: number, base = 4670100000): Promise<string[]> {
  const tos = Array.from({ length: n }, (_, i) => String(base + i));
  const replies = await Promise.all(tos.map((to) => sendsms(app, { username: 'u', password: 'p', to, text: `m ${to}` })));
  expect(replies.every((r) => r.status === 202)).toBe(true);
  return tos;
}

describe('link limits and failures, measured at the simulator', () => {
  it('never has more than the window outstanding per bind', async () => {
    const s = await sim('slow:30');
    const app = await gateway([testLink(s.port, { maxPendingSubmits: 4, instances: 2 })]);
    await waitFor(() => app.runtimes.get(`sim${s.port}`)!.healthy());
    await sendMany(app, 80);
    await waitFor(() => s.counters.accepted >= 80, 10_000, 'all accepted');
    expect(s.maxOutstanding).toBeLessThanOrEqual(4);
    expect(s.maxOutstanding).toBeGreaterThanOrEqual(3); // the window was actually used
    expect(new Set(s.received.map((r) => r.sessionId)).size).toBe(2); // both binds carried traffic
  });

  it('respects the throughput limit', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port, { throughput: 40, maxPendingSubmits: 20 })]);
    await waitFor(() => app.runtimes.get(`sim${s.port}`)!.healthy());
    await sendMany(app, 100);
    await waitFor(() => s.counters.accepted >= 100, 10_000, 'all accepted');
    const t = s.received.map((r) => r.receivedAt).sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0; i < t.length; i++) worst = Math.max(worst, t.filter((x) => x >= t[i]! && x < t[i]! + 1000).length);
    expect(worst).toBeLessThanOrEqual(41);
    expect(t[t.length - 1]! - t[0]!).toBeGreaterThanOrEqual(2000); // 100 at 40/s take ~2.5 s
  });

  it('a dropped connection rebinds and nothing is lost', async () => {
    const s = await sim('disconnect-after:25');
    const app = await gateway([testLink(s.port, { maxPendingSubmits: 5 })]);
    await waitFor(() => app.runtimes.get(`sim${s.port}`)!.healthy());
    const tos = await sendMany(app, 120);
    await waitFor(() => tos.every((to) => s.received.some((r) => r.destAddr === to && r.status === 0)), 15_000, 'every message accepted');
    expect(s.counters.binds).toBeGreaterThanOrEqual(5);
    const accepted = s.received.filter((r) => r.status === 0).map((r) => r.destAddr);
    // A resend happens only for a submit the SMSC dropped without answering; accepted ones are never resent.
    expect(accepted.length).toBe(new Set(accepted).size);
  });

  it('black hole: submits time out, the session is closed, and they are delivered after a rebind', async () => {
    const s = await sim('black-hole');
    const app = await gateway([testLink(s.port, { responseTimeoutMs: 400, unhealthyAfterMs: 200 })]);
    await waitFor(() => app.runtimes.get(`sim${s.port}`)!.healthy());
    const tos = await sendMany(app, 20);
    await waitFor(() => s.counters.unanswered >= 1, 5000, 'submits swallowed');
    // An SMSC that answers nothing at all loses its session after response-timeout (one that answers the rest
    // keeps it: see the unanswered tests); the gateway binds again while it is still silent.
    await waitFor(() => s.counters.binds >= 2, 5000, 'the silent session closed and bound again');
    s.setPersona(parsePersona('happy'));
    await waitFor(() => tos.every((to) => s.received.some((r) => r.destAddr === to && r.status === 0)), 10_000, 'delivered after rebind');
  });

  it('throttling slows the link and retries without losing or failing anything', async () => {
    const s = await sim('throttling:5');
    const app = await gateway([testLink(s.port, { throttlePauseMs: 50 })], { raw: { queue: { 'max-attempts': 1, 'lock-duration': 2 } } });
    await waitFor(() => app.runtimes.get(`sim${s.port}`)!.healthy());
    const tos = await sendMany(app, 40);
    await waitFor(() => tos.every((to) => s.received.some((r) => r.destAddr === to && r.status === 0)), 10_000, 'all delivered');
    expect(s.counters.throttled).toBeGreaterThan(0);
    // max-attempts is 1: had throttling used up an attempt, some would have failed instead.
    const sends = tos.map((to) => s.received.filter((r) => r.destAddr === to).length);
    expect(sends.some((n) => n > 1)).toBe(true); // some were throttled and sent again
  });

  it('a message the SMSC refuses for good is failed, with the status, in the JSON API', async () => {
    const s = await sim('reject:0x0b');
    const app = await gateway([testLink(s.port)]);
    await waitFor(() => app.runtimes.get(`sim${s.port}`)!.healthy());
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, 'content-type': 'application/json' },
      payload: { to: '4670000099', text: 'x' },
    });
    expect(res.statusCode).toBe(202);
    const id = (res.json() as { messages: { id: string }[] }).messages[0]!.id;
    let state: Record<string, unknown> = {};
    await waitFor(
      async () => {
        const r = await app.http.inject({
          method: 'GET',
          url: `/api/v1/messages/${id}`,
          headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
        });
        state = r.json() as Record<string, unknown>;
        return state.status === 'failed';
      },
      5000,
      'failed state',
    );
    expect(state.commandStatus).toBe(0x0b);
  });
});

describe('bind modes', () => {
  it('transmitter on port plus receiver on receive-port: submits go out on one, MO comes in on the other', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port, { id: 'txrx', transceiver: false, receivePort: s.port })], {
      raw: { services: [{ keyword: 'default', 'get-url': 'http://127.0.0.1:9/unused' }] },
    });
    await waitFor(() => s.boundSessions().length === 2, 5000, 'two binds');
    expect(
      s
        .boundSessions()
        .map((b) => b.kind)
        .sort(),
    ).toEqual(['receiver', 'transmitter']);
    await sendsms(app, { username: 'u', password: 'p', to: '4670000601', text: 'tx' });
    await waitFor(() => s.received.length === 1, 5000, 'submit on the transmitter');
    // An MO can only come on the receiver bind; the gateway takes it (answers OK once queued).
    expect(
      await s.deliver({ sourceAddr: '46705', destAddr: '1234', esmClass: 0, dataCoding: 0, shortMessage: Buffer.from('mo', 'latin1') }),
    ).toBe(0);
  });
});
