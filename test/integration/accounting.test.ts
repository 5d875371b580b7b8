/**
 * Exact delivery accounting on the batched hot path, with real Redis and the simulator: a Redis write that fails
 * after a submit_sm_resp is retried, not the submit; a message the SMSC swallows fails after max-unanswered
 * attempts while the rest keeps the full window; a request is queued whole or not at all across routes; a report
 * reserved and never queued is skipped after a bound and later reports flow.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { SimulatorOptions, SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { routeQueueName } from '../../src/redis/keys.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { startReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { sleep, testLink, waitFor, startSimulator } from '../helpers/links.js';
import { steadyLoad } from '../helpers/load.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const sim = (persona = 'happy', opts: Partial<SimulatorOptions> = {}): Promise<SmscSimulator> =>
  startSimulator(cleanups, { persona: parsePersona(persona), ...opts });

async function gateway(...args: Parameters<typeof testConfig>): Promise<App> {
  const app = await startGateway(testConfig(...args), env.redis, cleanups);
  return app;
}

async function receiver(): Promise<HttpReceiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;

async function sendJson(app: App, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/v1/messages',
    headers: { authorization: basic, 'content-type': 'application/json' },
    payload: body,
  });
  return { status: res.statusCode, json: res.json() as Record<string, unknown> };
}

async function state(app: App, id: string): Promise<Record<string, unknown>> {
  const res = await app.http.inject({ method: 'GET', url: `/api/v1/messages/${id}`, headers: { authorization: basic } });
  return res.json() as Record<string, unknown>;
}

describe('exact accounting', () => {
  it('a Redis write that fails right after the submit_sm_resp is retried: one submit, the record ends submitted, the report comes', async () => {
    const s = await sim('slow:300');
    const r = await receiver();
    const app = await gateway([testLink(s.port, { id: 'acct1' })]);
    await waitFor(() => app.runtimes.get('acct1')!.healthy(), 5000, 'bound');
    const admin = env.redis.client();
    // Redis refuses every write (NOREPLICAS) from the moment the SMSC has the submit until well after its answer.
    s.once('submit', () => void admin.config('SET', 'min-replicas-to-write', '1'));
    const sent = await sendJson(app, {
      to: '4670000501',
      text: 'record me',
      dlrMask: 8,
      dlrUrl: `http://127.0.0.1:${r.port}/dlr?type=%d&id=%F`,
    });
    expect(sent.status).toBe(202);
    const id = (sent.json.messages as { id: string }[])[0]!.id;
    await waitFor(() => s.received.length === 1, 5000, 'the submit at the SMSC');
    await waitFor(() => app.outcomes.counters.writeRetries > 0, 5000, 'a record write refused');
    await sleep(300);
    await admin.config('SET', 'min-replicas-to-write', '0');
    await waitFor(async () => (await state(app, id)).status === 'submitted', 10_000, 'the record written');
    await waitFor(() => r.requests.length === 1, 10_000, 'the ACK report');
    await sleep(500);
    expect(s.received).toHaveLength(1);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]!.query.get('type')).toBe('8');
  });

  it('a message the SMSC never answers fails as unanswered after 3 submits and is reported; other traffic keeps the full window', async () => {
    const SWALLOWED = '4670000666';
    const WINDOW = 5;
    const s = await sim(`swallow:${SWALLOWED}`);
    const r = await receiver();
    const app = await gateway([
      testLink(s.port, { id: 'acct2', responseTimeoutMs: 300, unhealthyAfterMs: 200, maxPendingSubmits: WINDOW }),
    ]);
    await waitFor(() => app.runtimes.get('acct2')!.healthy(), 5000, 'bound');
    // Steady other traffic the whole time, so the SMSC answers something while the swallowed one waits.
    const load = steadyLoad((to) => sendsms(app, { username: 'u', password: 'p', to, text: 'other' }).then((x) => x.status), 100, 300);
    cleanups.push(() => load.stop());
    await sleep(200);
    const sent = await sendJson(app, {
      to: SWALLOWED,
      text: 'swallowed',
      dlrMask: 16,
      dlrUrl: `http://127.0.0.1:${r.port}/dlr?type=%d&A=%A`,
    });
    const id = (sent.json.messages as { id: string }[])[0]!.id;
    let st: Record<string, unknown> = {};
    await waitFor(async () => (st = await state(app, id)).status === 'failed', 10_000, 'failed as unanswered');
    await load.stop();
    expect(String(st.error)).toMatch(/^unanswered: no response to 3 submits/);
    await waitFor(() => r.requests.length === 1, 5000, 'the NACK report');
    expect(r.requests[0]!.query.get('type')).toBe('16');
    const copies = s.received.filter((m) => m.destAddr === SWALLOWED).length;
    expect(copies).toBeGreaterThanOrEqual(1);
    expect(copies).toBeLessThanOrEqual(3);
    // Nothing else was lost or slowed to a trickle: every other message delivered, on the one session, window full.
    await waitFor(
      () => load.sent.every((x) => s.received.some((m) => m.destAddr === x.to && m.status === 0)),
      10_000,
      'the other traffic delivered',
    );
    expect(s.counters.binds).toBe(1);
    const bind = app.runtimes.get('acct2')!.senders[0]!;
    expect(bind.onProbation).toBe(false);
    expect(bind.window).toBe(WINDOW);
  });

  it('a request over two routes whose second write fails queues nothing, and the reply says so', async () => {
    const a = await sim();
    const b = await sim();
    const app = await gateway(
      [
        testLink(a.port, { id: 'routeA', smscId: 'A', routing: { ...testLink(0).routing, allowedPrefix: ['4671'] } }),
        testLink(b.port, { id: 'routeB', smscId: 'B', routing: { ...testLink(0).routing, allowedPrefix: ['4672'] } }),
      ],
      { prefix: 'twoRoutes' },
    );
    await waitFor(() => app.runtimes.get('routeA')!.healthy() && app.runtimes.get('routeB')!.healthy(), 5000, 'both bound');
    // One message to each route first: both queues exist and both links drain them.
    expect((await sendsms(app, { username: 'u', password: 'p', to: '46710000001', text: 'warm' })).status).toBe(202);
    expect((await sendsms(app, { username: 'u', password: 'p', to: '46720000001', text: 'warm' })).status).toBe(202);
    await waitFor(() => a.received.length === 1 && b.received.length === 1, 5000, 'both routes work');
    // Break route B's queue: its meta key becomes a string, so bullmq's add script for it fails inside the MULTI.
    const routeB = app.directory.routes().find((rt) => rt.preferred.includes('routeB'))!;
    const admin = env.redis.client();
    await admin.del(`twoRoutes:${routeQueueName(routeB.key)}:meta`);
    await admin.set(`twoRoutes:${routeQueueName(routeB.key)}:meta`, 'broken');
    const reply = await sendsms(app, { username: 'u', password: 'p', to: '46710000002 46720000002', text: 'both or nothing' });
    expect(reply).toEqual({ status: 503, body: 'Temporal failure, try again later.' });
    await sleep(800);
    expect(a.received.map((m) => m.destAddr)).toEqual(['46710000001']);
    expect(b.received.map((m) => m.destAddr)).toEqual(['46720000001']);
    const routeA = app.directory.routes().find((rt) => rt.preferred.includes('routeA'))!;
    const counts = await app.producer.queueFor(routeA.key).getJobCounts('wait', 'prioritized', 'active', 'delayed');
    expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(0);
  });

  it('a report reserved and never queued is skipped after order-wait; the next report of the message still comes', async () => {
    const s = await sim('happy', { receiptDelayMs: 600 });
    const r = await receiver();
    const app = await gateway([testLink(s.port, { id: 'acct4' })], { raw: { callbacks: { 'order-wait': 0.5, 'retry-delay': 0.05 } } });
    await waitFor(() => app.runtimes.get('acct4')!.healthy(), 5000, 'bound');
    const sent = await sendJson(app, { to: '4670000701', text: 'gap', dlrMask: 1, dlrUrl: `http://127.0.0.1:${r.port}/dlr?type=%d` });
    const id = (sent.json.messages as { id: string }[])[0]!.id;
    await waitFor(async () => (await state(app, id)).status === 'submitted', 5000, 'submitted');
    // As if the gateway had died between reserving a report and queueing it: sequence number 1 is taken, never sent.
    await env.redis.client().hincrby(`${app.config.redis.keyPrefix}:m:${id}`, 'q', 1);
    await waitFor(() => r.requests.length === 1, 5000, 'the delivery report, after the gap');
    expect(r.requests[0]!.query.get('type')).toBe('1');
    expect(app.callbacks.counters.gapsSkipped).toBe(1);
  });
});
