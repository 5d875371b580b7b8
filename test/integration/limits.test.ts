/**
 * Rate limits, max-tps and quotas (accounts/limit-gate.ts) against a real redis-server and the SMSC simulator, with
 * two gateway processes (two Apps) on one Redis where the limit must hold across processes.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { LimitGate } from '../../src/accounts/limit-gate.js';
import { bucketRule, messageDelays, reserve } from '../../src/primitives/gcra.js';
import { RedisKeys } from '../../src/redis/keys.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { startGateway, testConfig } from '../helpers/gateway.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { steadyLoad } from '../helpers/load.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const cleanups = env.cleanups;

const HTTP = { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' };
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Two gateways (each with the HTTP and links roles) on one Redis and one configuration, and their SMSC. */
async function twoGateways(raw: Record<string, unknown>): Promise<{ a: App; b: App; sim: SmscSimulator }> {
  const sim = await startSimulator(cleanups);
  const config = testConfig([testLink(sim.port, { id: 'l1', maxPendingSubmits: 50 })], { raw });
  const a = await startGateway(config, env.redis, cleanups);
  const b = await startGateway(config, env.redis, cleanups);
  await waitFor(() => a.cluster.linkHealthy('l1') && b.cluster.linkHealthy('l1'), 10_000, 'the link up in both');
  return { a, b, sim };
}

function sendsms(app: App, query: Record<string, string>, remoteAddress = '127.0.0.1') {
  return app.http.inject({ method: 'GET', url: `/cgi-bin/sendsms?${new URLSearchParams(query).toString()}`, remoteAddress });
}

function postJson(app: App, auth: string, payload: unknown, remoteAddress = '127.0.0.1') {
  return app.http.inject({
    method: 'POST',
    url: '/api/v1/messages',
    headers: { authorization: auth, 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
    remoteAddress,
  });
}

const errorCode = (r: { json: () => unknown }): string => (r.json() as { error: { code: string } }).error.code;

describe('client address rate limit (http.ip-rate-limit)', () => {
  it('holds across two gateway processes: 503 "Temporal failure" on sendsms, 429 on the API, with Retry-After', async () => {
    const { a, b } = await twoGateways({
      http: { ...HTTP, 'ip-rate-limit': 2, 'ip-rate-burst': 10 },
      accounts: [{ username: 'u', password: 'p' }],
    });
    const t0 = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sendsms(i % 2 ? a : b, { username: 'u', password: 'p', to: `4671100${i}`, text: 'x' }, '10.9.0.1'),
      ),
    );
    const elapsedS = (Date.now() - t0) / 1000;
    const accepted = replies.filter((r) => r.statusCode === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThanOrEqual(10 + Math.ceil(elapsedS * 2));
    // Both processes refused some: the count is shared, not per process.
    expect(replies.filter((r, i) => i % 2 === 0 && r.statusCode === 503).length).toBeGreaterThan(0);
    expect(replies.filter((r, i) => i % 2 === 1 && r.statusCode === 503).length).toBeGreaterThan(0);
    const refused = replies.find((r) => r.statusCode !== 202)!;
    expect([refused.statusCode, refused.body]).toEqual([503, 'Temporal failure, try again later.']);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const api = await postJson(a, basic('u', 'p'), { to: '46711999', text: 'x' }, '10.9.0.1');
    expect([api.statusCode, errorCode(api)]).toEqual([429, 'rate_limited']);
    expect(Number(api.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another address has its own count; an IPv6 client counts per /64.
    expect((await sendsms(b, { username: 'u', password: 'p', to: '46711998', text: 'x' }, '10.9.0.2')).statusCode).toBe(202);
    const t1 = Date.now();
    const v6 = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        sendsms(a, { username: 'u', password: 'p', to: `4671200${i}`, text: 'x' }, `2001:db8:5:6::${i + 1}`),
      ),
    );
    expect(v6.filter((r) => r.statusCode === 202).length).toBeLessThanOrEqual(10 + Math.ceil(((Date.now() - t1) / 1000) * 2));
    // /health is not counted.
    expect((await a.http.inject({ method: 'GET', url: '/health', remoteAddress: '10.9.0.1' })).statusCode).toBe(200);
    expect(await a.metrics.registry.getSingleMetricAsString('switchboard_limit_refusals_total')).toMatch(/reason="client_rate"} [1-9]/);
  });
});

describe('account request rate (request-rate-limit)', () => {
  it('counts sends and lookups of the account across both processes, whatever the client address', async () => {
    const { a, b } = await twoGateways({
      http: HTTP,
      accounts: [
        { username: 'r', password: 'p', 'request-rate-limit': 1, 'request-rate-burst': 4 },
        { username: 'u', password: 'p' },
      ],
    });
    const t0 = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        sendsms(i % 2 ? a : b, { username: 'r', password: 'p', to: `4671300${i}`, text: 'x' }, `10.8.0.${i + 1}`),
      ),
    );
    const accepted = replies.filter((r) => r.statusCode === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(4);
    expect(accepted).toBeLessThanOrEqual(4 + Math.ceil((Date.now() - t0) / 1000));
    expect(
      replies
        .filter((r) => r.statusCode === 503)
        .every((r) => r.body === 'Temporal failure, try again later.' && Number(r.headers['retry-after']) >= 1),
    ).toBe(true);
    const lookup = await b.http.inject({ method: 'GET', url: '/api/v1/messages/nope', headers: { authorization: basic('r', 'p') } });
    expect([lookup.statusCode, errorCode(lookup)]).toEqual([429, 'rate_limited']);
    expect(lookup.json<{ error: { message: string } }>().error.message).toContain('request-rate-limit: 1 per second');
    // An account without limits is not held back by another's.
    expect((await sendsms(a, { username: 'u', password: 'p', to: '46713999', text: 'x' })).statusCode).toBe(202);
  });
});

/** Submits the simulator received for receivers starting with `prefix`, and their arrival times. */
const arrivals = (sim: SmscSimulator, prefix: string): number[] =>
  sim.received.filter((m) => m.destAddr.startsWith(prefix)).map((m) => m.receivedAt);

/** Rate (per second) of arrivals within [from, from + windowMs). */
function rateIn(times: readonly number[], from: number, windowMs: number): number {
  return (times.filter((t) => t >= from && t < from + windowMs).length * 1000) / windowMs;
}

describe('max-tps', () => {
  it(
    'refuse mode: over the rate the request is refused (503 with Retry-After), and the SMSC sees max-tps within 10 %',
    { timeout: 30_000 },
    async () => {
      const { a, b, sim } = await twoGateways({ http: HTTP, accounts: [{ username: 't', password: 'p', 'max-tps': 20 }] });
      let n = 0;
      const send = async (to: string): Promise<number> =>
        (await sendsms(n++ % 2 ? a : b, { username: 't', password: 'p', to, text: 'tps' })).statusCode;
      const t0 = Date.now();
      const load = steadyLoad(send, 60, 210, 4672000000);
      await new Promise((r) => setTimeout(r, 3500));
      await load.stop();
      expect(new Set(load.sent.map((s) => s.status))).toEqual(new Set([202, 503]));
      const accepted = load.sent.filter((s) => s.status === 202);
      await waitFor(() => arrivals(sim, '467200').length === accepted.length, 5000, 'every accepted message at the SMSC');
      // After the first second's burst, the rate is max-tps.
      const rate = rateIn(arrivals(sim, '467200'), t0 + 1000, 2000);
      console.log(
        `refuse mode, max-tps 20, offered 60/s: ${accepted.length} of ${load.sent.length} accepted, ${rate} SMS/s at the SMSC from 1 s to 3 s`,
      );
      expect(rate).toBeGreaterThanOrEqual(18);
      expect(rate).toBeLessThanOrEqual(22);
      // Once the bucket has refilled (a second), a burst of 30 gets 20 through.
      await new Promise((r) => setTimeout(r, 1100));
      const burst = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          sendsms(i % 2 ? a : b, { username: 't', password: 'p', to: `46729999${String(i).padStart(2, '0')}`, text: 'tps' }),
        ),
      );
      expect(burst.filter((r) => r.statusCode === 202).length).toBeGreaterThanOrEqual(20);
      expect(burst.filter((r) => r.statusCode === 202).length).toBeLessThanOrEqual(22);
      const refused = burst.find((r) => r.statusCode !== 202)!;
      expect([refused.statusCode, refused.body]).toEqual([503, 'Temporal failure, try again later.']);
      expect(Number(refused.headers['retry-after'])).toBe(1);
      // The JSON API refuses alike. 25 at once: more than the bucket holds even if it refilled meanwhile (a loaded
      // machine may take longer than one token's 50 ms between the burst and these).
      const apis = await Promise.all(
        Array.from({ length: 25 }, (_, i) => postJson(b, basic('t', 'p'), { to: `46729998${String(i).padStart(2, '0')}`, text: 'x' })),
      );
      const apiRefused = apis.filter((r) => r.statusCode !== 202);
      expect(apiRefused.length).toBeGreaterThanOrEqual(5);
      expect(new Set(apiRefused.map((r) => `${r.statusCode} ${errorCode(r)}`))).toEqual(new Set(['429 tps_exceeded']));
      // More SMS than the burst in one request can never pass.
      const big = await postJson(b, basic('t', 'p'), { to: Array.from({ length: 21 }, (_, i) => `46729990${i}`), text: 'x' });
      expect([big.statusCode, errorCode(big)]).toEqual([400, 'too_many_at_once']);
      expect(big.headers['retry-after']).toBeUndefined();
    },
  );

  it(
    "pace mode: everything is accepted, and the account's SMS leave at max-tps within 10 %, across both processes",
    { timeout: 30_000 },
    async () => {
      const { a, b, sim } = await twoGateways({
        http: HTTP,
        accounts: [{ username: 'pc', password: 'p', 'max-tps': 25, 'max-tps-burst': 5, 'max-tps-mode': 'pace', 'max-tps-delay': 60 }],
      });
      const t0 = Date.now();
      const batch = postJson(a, basic('pc', 'p'), {
        messages: Array.from({ length: 50 }, (_, i) => ({ to: `4673000${String(i).padStart(3, '0')}`, text: 'paced' })),
      });
      const singles: Promise<number>[] = [];
      for (let i = 0; i < 100; i++)
        singles.push(
          sendsms(b, { username: 'pc', password: 'p', to: `4673001${String(i).padStart(3, '0')}`, text: 'paced' }).then(
            (r) => r.statusCode,
          ),
        );
      const [batchReply, statuses] = await Promise.all([batch, Promise.all(singles)]);
      const acceptedMs = Date.now() - t0;
      expect(acceptedMs).toBeLessThan(2000);
      expect(batchReply.statusCode).toBe(202);
      expect(statuses.every((s) => s === 202)).toBe(true);
      // The batch's last message waits its turn in the queue.
      const lastId = batchReply.json<{ messages: { id: string }[] }>().messages.at(-1)!.id;
      const waiting = await a.http.inject({
        method: 'GET',
        url: `/api/v1/messages/${lastId}`,
        headers: { authorization: basic('pc', 'p') },
      });
      expect(waiting.json<{ status: string }>().status).toBe('queued');
      await waitFor(() => arrivals(sim, '467300').length === 150, 15_000, 'all 150 at the SMSC');
      const times = arrivals(sim, '467300').sort((x, y) => x - y);
      // 5 at once, then 145 at 25 a second: about 5.8 s.
      const span = (times.at(-1)! - times[0]!) / 1000;
      expect(span).toBeGreaterThanOrEqual(145 / 25 / 1.1);
      expect(span).toBeLessThanOrEqual((145 / 25) * 1.1);
      const rate = rateIn(times, times[0]! + 1000, 3000);
      console.log(
        `pace mode, max-tps 25, 150 sent at once: all accepted in ${acceptedMs} ms, delivered over ${span.toFixed(2)} s, ${rate.toFixed(1)} SMS/s from 1 s to 4 s`,
      );
      expect(rate).toBeGreaterThanOrEqual(22.5);
      expect(rate).toBeLessThanOrEqual(27.5);
      expect(await b.metrics.registry.getSingleMetricAsString('switchboard_paced_messages_total')).toMatch(
        /switchboard_paced_messages_total [1-9]/,
      );
    },
  );

  it('pace mode: a request that would wait longer than max-tps-delay is refused; one that never fits says so', async () => {
    const { a } = await twoGateways({
      http: HTTP,
      accounts: [{ username: 'pd', password: 'p', 'max-tps': 10, 'max-tps-burst': 1, 'max-tps-mode': 'pace', 'max-tps-delay': 1 }],
    });
    const to = (n: number, base: number): string => Array.from({ length: n }, (_, i) => String(base + i)).join(' ');
    expect((await sendsms(a, { username: 'pd', password: 'p', to: to(11, 4674000000), text: 'x' })).statusCode).toBe(202);
    const over = await sendsms(a, { username: 'pd', password: 'p', to: to(3, 4674000100), text: 'x' });
    expect([over.statusCode, over.body, over.headers['retry-after']]).toEqual([503, 'Temporal failure, try again later.', '1']);
    const api = await postJson(a, basic('pd', 'p'), { to: '4674000200', text: 'x' });
    expect([api.statusCode, errorCode(api)]).toEqual([429, 'tps_exceeded']);
    expect(api.json<{ error: { message: string } }>().error.message).toContain('max-tps-delay (1 s)');
    const never = await sendsms(a, { username: 'pd', password: 'p', to: to(12, 4674000300), text: 'x' });
    expect([never.statusCode, never.body]).toEqual([400, "Too many messages at once for this account's max-tps, rejected"]);
  });
});

describe('quotas', () => {
  it('refuse a request whole once the daily or monthly quota would be passed, counting SMS parts, with when it starts again', async () => {
    const { a, b, sim } = await twoGateways({
      http: HTTP,
      accounts: [
        { username: 'qd', password: 'p', 'daily-quota': 6 },
        { username: 'qm', password: 'p', 'daily-quota': 100, 'monthly-quota': 2 },
      ],
    });
    expect((await sendsms(a, { username: 'qd', password: 'p', to: '4675000001 4675000002 4675000003', text: 'x' })).statusCode).toBe(202);
    const whole = await sendsms(b, { username: 'qd', password: 'p', to: '4675000004 4675000005 4675000006 4675000007', text: 'x' });
    expect([whole.statusCode, whole.body]).toEqual([403, 'Daily quota exceeded, rejected']);
    const untilMidnight =
      (Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1) - Date.now()) / 1000;
    expect(Math.abs(Number(whole.headers['retry-after']) - untilMidnight)).toBeLessThanOrEqual(2);
    // A long message counts its parts: 2 receivers × 2 parts would make 7.
    const long = 'x'.repeat(200);
    expect((await postJson(b, basic('qd', 'p'), { to: ['4675000008', '4675000009'], text: long })).statusCode).toBe(429);
    expect((await postJson(b, basic('qd', 'p'), { to: '4675000008', text: long })).statusCode).toBe(202);
    expect((await sendsms(a, { username: 'qd', password: 'p', to: '4675000010', text: 'x' })).statusCode).toBe(202);
    const api = await postJson(a, basic('qd', 'p'), { to: '4675000011', text: 'x' });
    expect([api.statusCode, errorCode(api)]).toEqual([429, 'quota_exceeded']);
    expect(api.json<{ error: { message: string } }>().error.message).toMatch(
      /daily quota of 6 SMS is used up \(6 sent in \d{4}-\d\d-\d\d UTC, 0 left/,
    );
    expect(Number(api.headers['retry-after'])).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    // Six SMS went: 3 singles, one long message of 2 parts, one single.
    expect(sim.received.filter((m) => m.destAddr.startsWith('467500')).length).toBe(6);

    expect((await sendsms(a, { username: 'qm', password: 'p', to: '4675100001 4675100002', text: 'x' })).statusCode).toBe(202);
    const monthly = await sendsms(b, { username: 'qm', password: 'p', to: '4675100003', text: 'x' });
    expect([monthly.statusCode, monthly.body]).toEqual([403, 'Monthly quota exceeded, rejected']);
    expect(await a.metrics.registry.getSingleMetricAsString('switchboard_limit_refusals_total')).toMatch(/reason="daily_quota"} [1-9]/);
    expect(await b.metrics.registry.getSingleMetricAsString('switchboard_limit_refusals_total')).toMatch(/reason="monthly_quota"} 1/);
  });
});

describe('a Redis that does not answer', () => {
  it('makes a limited request answer 503 with Retry-After within a second, and accepted again within a second of its return', async () => {
    const { a } = await twoGateways({
      http: { ...HTTP, 'ip-rate-limit': 100 },
      accounts: [{ username: 'f', password: 'p', 'max-tps': 100, 'daily-quota': 1000 }],
    });
    const send = (to: string) => sendsms(a, { username: 'f', password: 'p', to, text: 'x' });
    expect((await send('4677100001')).statusCode).toBe(202);
    const pid = env.redis.server.pid;
    process.kill(pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const frozen = await send('4677100002');
      expect([frozen.statusCode, frozen.body, frozen.headers['retry-after']]).toEqual([503, 'Temporal failure, try again later.', '1']);
      expect(Date.now() - t0).toBeLessThan(1000);
      const api = await postJson(a, basic('f', 'p'), { to: '4677100003', text: 'x' });
      expect([api.statusCode, errorCode(api)]).toEqual([503, 'temporarily_unavailable']);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const t1 = Date.now();
    await waitFor(
      async () => (await send(`46771001${String(Date.now() % 100).padStart(2, '0')}`)).statusCode === 202,
      3000,
      'accepted again',
    );
    expect(Date.now() - t1).toBeLessThan(1000);
  });
});

describe('the JSON API honours http.max-recipients', () => {
  it('counts every receiver of every message of the request', async () => {
    const { a, sim } = await twoGateways({ http: { ...HTTP, 'max-recipients': 3 }, accounts: [{ username: 'u', password: 'p' }] });
    const over = await postJson(a, basic('u', 'p'), {
      messages: [
        { to: ['4676000001', '4676000002'], text: 'x' },
        { to: ['4676000003', '4676000004'], text: 'y' },
      ],
    });
    expect([over.statusCode, errorCode(over)]).toEqual([400, 'too_many_receivers']);
    expect(over.json<{ error: { message: string } }>().error.message).toBe(
      'the request lists 4 receivers; at most 3 (http.max-recipients)',
    );
    const fits = await postJson(a, basic('u', 'p'), {
      messages: [
        { to: ['4676000005', '4676000006'], text: 'x' },
        { to: '4676000007', text: 'y' },
      ],
    });
    expect(fits.statusCode).toBe(202);
    await waitFor(() => sim.received.filter((m) => m.destAddr.startsWith('467600')).length === 3, 5000, 'three at the SMSC');
    await new Promise((r) => setTimeout(r, 200));
    expect(
      sim.received
        .filter((m) => m.destAddr.startsWith('467600'))
        .map((m) => m.destAddr)
        .sort(),
    ).toEqual(['4676000005', '4676000006', '4676000007']);
    // sendsms has always had it (Kannel's wording)
    const kannel = await sendsms(a, { username: 'u', password: 'p', to: '1 2 3 4', text: 'x' });
    expect([kannel.statusCode, kannel.body]).toEqual([400, 'Too many receivers, rejected']);
  });
});

describe('the limit script in Redis computes what token-bucket.ts computes', () => {
  it('over a random sequence of pace-mode reservations: the same admissions, waits and send times', async () => {
    let now = Date.UTC(2026, 5, 1, 12);
    const gate = new LimitGate(env.redis.client(), new RedisKeys(`eq${Math.random().toString(36).slice(2, 8)}`), {
      clientRate: undefined,
      now: () => now,
    });
    const tps = { perSecond: 7, burst: 3, mode: 'pace' as const, maxDelayMs: 2000 };
    const account = {
      username: 'eq',
      password: 'p',
      name: 'eq',
      defaultSmsc: undefined,
      forcedSmsc: undefined,
      defaultSender: undefined,
      fakedSender: undefined,
      maxMessages: 10,
      allowIp: [],
      denyIp: [],
      callbackAllow: [],
      allowedPrefix: [],
      deniedPrefix: [],
      limits: { requests: undefined, tps, dailyQuota: undefined, monthlyQuota: undefined },
    };
    const rule = bucketRule(tps.perSecond, tps.burst, tps.maxDelayMs);
    let tat: number | undefined;
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let admitted = 0;
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      now += rand(400);
      const parts = Array.from({ length: 1 + rand(4) }, () => 1 + rand(3));
      const units = parts.reduce((x, y) => x + y, 0);
      const expected = reserve(rule, tat, now, units);
      const got = await gate.admit(account, parts);
      expect(got.ok).toBe(expected.ok);
      if (expected.ok && got.ok) {
        // Redis keeps the arrival time to a thousandth of a ms (and epoch ms in a double, to a few ten-thousandths).
        tat = Number(expected.tat.toFixed(3));
        const delays = messageDelays(rule, expected.tat0, now, parts);
        const notBefore = got.notBefore ?? parts.map(() => now);
        notBefore.forEach((t, j) => expect(t - now).toBeCloseTo(delays[j]!, 1));
        admitted++;
      } else if (!expected.ok && !got.ok) {
        expect(got.refusal.reason).toBe(expected.retryAfterMs === undefined ? 'too-many-at-once' : 'over-tps');
        if (expected.retryAfterMs !== undefined) expect(got.refusal.retryAfterMs).toBe(Math.ceil(expected.retryAfterMs));
        refused++;
      }
    }
    expect(admitted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(20);
  });

  it('quotas start again with the next UTC day', async () => {
    let now = Date.UTC(2026, 5, 1, 23, 59, 59, 900);
    const gate = new LimitGate(env.redis.client(), new RedisKeys(`qq${Math.random().toString(36).slice(2, 8)}`), {
      clientRate: undefined,
      now: () => now,
    });
    const account = {
      username: 'q',
      password: 'p',
      name: 'q',
      defaultSmsc: undefined,
      forcedSmsc: undefined,
      defaultSender: undefined,
      fakedSender: undefined,
      maxMessages: 10,
      allowIp: [],
      denyIp: [],
      callbackAllow: [],
      allowedPrefix: [],
      deniedPrefix: [],
      limits: { requests: undefined, tps: undefined, dailyQuota: 2, monthlyQuota: 3 },
    };
    expect((await gate.admit(account, [1, 1])).ok).toBe(true);
    const full = await gate.admit(account, [1]);
    expect(full).toMatchObject({ ok: false, refusal: { reason: 'daily-quota', retryAfterMs: 100 } });
    now += 200;
    expect((await gate.admit(account, [1])).ok).toBe(true);
    expect(await gate.admit(account, [1])).toMatchObject({ ok: false, refusal: { reason: 'monthly-quota' } });
    // June is over too: the monthly quota of 3 is full, and July starts afresh.
    now = Date.UTC(2026, 6, 1, 0, 0, 0, 50);
    expect((await gate.admit(account, [1, 1])).ok).toBe(true);
  });
});
