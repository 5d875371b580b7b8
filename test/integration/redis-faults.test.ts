/**
 * Redis frozen, gone, or refusing writes, against a real redis-server and the simulator: the request path answers
 * 503 with Retry-After within a second and accepts again within a second of Redis's return, nothing acknowledged is
 * lost, binds stay up, receipts get a temporary error, and an outage is a few log lines, not one per request.
 */
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { startEmbeddedRedis } from '../../src/redis/embedded-server.js';
import { STATUS } from '../../src/smpp/command-status.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { childPids } from '../helpers/child-gateway.js';
import { testConfig } from '../helpers/gateway.js';
import { sleep, testLink, waitFor } from '../helpers/links.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

const AUTH = { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` };

interface Setup {
  readonly redis: TestRedis;
  readonly sim: SmscSimulator;
  readonly app: App;
  /** Every log line the gateway wrote, parsed. */
  readonly logs: Array<{ level: number; msg: string }>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A private redis-server (faults hit the whole server), a simulator, and a gateway with short deadlines. */
async function setup(persona = 'happy'): Promise<Setup> {
  const redis = await startTestRedis();
  cleanups.push(() => redis.stop().catch(() => undefined));
  const sim = new SmscSimulator({ port: 0, persona: parsePersona(persona) });
  await sim.start();
  cleanups.push(() => sim.kill());
  const logs: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  const config = testConfig([testLink(sim.port, { id: 'l1', maxPendingSubmits: 10 })], {
    raw: { redis: { 'key-prefix': `rf${Math.random().toString(36).slice(2, 8)}`, 'command-timeout': 0.3, 'deliver-sm-timeout': 0.3 } },
  });
  const app = new App({ config, redis: redis.target, logger: pino({ level: 'info' }, sink), drainMs: 500 });
  await app.start();
  cleanups.push(() => Promise.race([app.stop(), sleep(3000)]).then(() => undefined));
  await waitFor(() => app.runtimes.get('l1')!.healthy(), 5000, 'the bind');
  return { redis, sim, app, logs };
}

async function sendsms(app: App, to: string): Promise<{ status: number; body: string; retryAfter: unknown; ms: number }> {
  const t0 = Date.now();
  const res = await app.http.inject({ method: 'GET', url: `/cgi-bin/sendsms?username=u&password=p&to=${to}&text=x` });
  return { status: res.statusCode, body: res.body, retryAfter: res.headers['retry-after'], ms: Date.now() - t0 };
}

async function postApi(
  app: App,
  to: string,
): Promise<{ status: number; code: string | undefined; id: string | undefined; retryAfter: unknown }> {
  const res = await app.http.inject({
    method: 'POST',
    url: '/api/v1/messages',
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: { to, text: 'x' },
  });
  const body = res.json<{ error?: { code: string }; messages?: Array<{ id: string }> }>();
  return { status: res.statusCode, code: body.error?.code, id: body.messages?.[0]?.id, retryAfter: res.headers['retry-after'] };
}

/** Polls sendsms until it is accepted; returns how long that took. */
async function msUntilAccepted(app: App, to: string, timeoutMs = 5000): Promise<number> {
  const t0 = Date.now();
  await waitFor(async () => (await sendsms(app, to)).status === 202, timeoutMs, 'sendsms accepted again');
  return Date.now() - t0;
}

const errorLines = (s: Setup): string[] => s.logs.filter((l) => l.level >= 50).map((l) => l.msg);

describe('Redis frozen with SIGSTOP', () => {
  it('answers 503 with Retry-After within 1 s, accepts again within 1 s of SIGCONT, keeps the bind, loses nothing acknowledged', async () => {
    const s = await setup('slow:20');
    const { app, sim, redis } = s;
    // Acknowledged before the outage; with a slow SMSC most of them are still queued or in flight when Redis stops.
    const before = Array.from({ length: 30 }, (_, i) => String(4670300000 + i));
    const acks = await Promise.all(before.map((to) => postApi(app, to)));
    expect(acks.map((a) => a.status)).toEqual(before.map(() => 202));
    const binds = sim.counters.binds;

    process.kill(redis.server.pid, 'SIGSTOP');
    let frozen = true;
    cleanups.push(async () => {
      if (frozen) process.kill(redis.server.pid, 'SIGCONT');
    });
    const first = await sendsms(app, '4670300100');
    expect([first.status, first.body, first.retryAfter]).toEqual([503, 'Temporal failure, try again later.', '1']);
    expect(first.ms).toBeLessThan(1000);
    // Once Redis is known not to answer, every request is answered at once, without writing into its socket.
    const api = await postApi(app, '4670300101');
    expect([api.status, api.code, api.retryAfter]).toEqual([503, 'temporarily_unavailable', '1']);
    const t0 = Date.now();
    const lookup = await app.http.inject({ method: 'GET', url: `/api/v1/messages/${acks[0]!.id}`, headers: AUTH });
    expect([lookup.statusCode, lookup.headers['retry-after']]).toEqual([503, '1']);
    expect(Date.now() - t0).toBeLessThan(1000);
    const flood = await Promise.all(Array.from({ length: 50 }, (_, i) => sendsms(app, String(4670300200 + i))));
    expect(flood.every((r) => r.status === 503 && r.ms < 1000)).toBe(true);
    // Longer than the bind lease (2 s): the lease expires inside the frozen Redis.
    await sleep(2500);

    process.kill(redis.server.pid, 'SIGCONT');
    frozen = false;
    const recovery = await msUntilAccepted(app, '4670300300');
    expect(recovery).toBeLessThan(1000);
    console.log(`SIGSTOP: first 503 after ${first.ms} ms, accepted again ${recovery} ms after SIGCONT`);

    const delivered = (): Set<string> => new Set(sim.received.filter((m) => m.status === STATUS.ESME_ROK).map((m) => m.destAddr));
    await waitFor(() => [...before, '4670300300'].every((to) => delivered().has(to)), 15_000, 'every message acknowledged delivered');
    // Nothing refused during the outage was queued.
    expect([...delivered()].filter((to) => to.startsWith('46703002'))).toEqual([]);
    // The bind stayed up through the outage: no second bind.
    expect(sim.counters.binds).toBe(binds);
    expect(sim.boundSessions()).toHaveLength(1);
    // The outage is one line when it starts and one when it ends, not one per request.
    expect(errorLines(s).filter((m) => /Redis/.test(m))).toHaveLength(1);
    expect(s.logs.some((l) => /Redis answers again/.test(l.msg))).toBe(true);
  });
});

describe('Redis unreachable', () => {
  it('answers 503 within 1 s, and accepts again within 1 s of its return', async () => {
    const s = await setup();
    const { app, redis } = s;
    await redis.server.stop();
    const first = await sendsms(app, '4670310000');
    expect([first.status, first.retryAfter]).toEqual([503, '1']);
    expect(first.ms).toBeLessThan(1000);
    const api = await postApi(app, '4670310001');
    expect([api.status, api.code]).toEqual([503, 'temporarily_unavailable']);
    // Long enough for the reconnect attempts to reach their longest interval.
    await sleep(2000);
    const again = await startEmbeddedRedis({ dataDir: redis.dir, persistence: false, detached: false });
    cleanups.push(() => again.stop());
    const recovery = await msUntilAccepted(app, '4670310002');
    expect(recovery).toBeLessThan(1000);
    console.log(`unreachable: first 503 after ${first.ms} ms, accepted again ${recovery} ms after redis-server answered`);
    expect(errorLines(s).length).toBeLessThanOrEqual(3);
  });
});

describe('Redis refusing writes', () => {
  it('OOM, READONLY and MISCONF: 503 at once; accepted again as soon as it takes writes', async () => {
    const s = await setup();
    const { app, redis } = s;
    const admin = new Redis({ path: redis.server.socketPath });
    cleanups.push(async () => void admin.disconnect());
    const refused = async (what: string): Promise<void> => {
      const r = await sendsms(app, '4670320000');
      expect([what, r.status, r.retryAfter]).toEqual([what, 503, '1']);
      expect(r.ms).toBeLessThan(1000);
      expect([what, (await postApi(app, '4670320001')).code]).toEqual([what, 'temporarily_unavailable']);
    };
    const accepted = async (what: string): Promise<void> => {
      expect([what, await msUntilAccepted(app, '4670320002', 2000)]).toEqual([what, expect.any(Number)]);
    };

    // Out of memory: more in it than maxmemory allows, and nothing may be evicted.
    await admin.set('ballast', 'x'.repeat(2 * 1024 * 1024));
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1mb');
    await refused('OOM');
    await admin.config('SET', 'maxmemory', '0');
    await accepted('after OOM');

    // A replica after a failover: read-only (its master does not exist, so it never syncs and keeps its data).
    await admin.call('REPLICAOF', '127.0.0.1', '1');
    await refused('READONLY');
    await admin.call('REPLICAOF', 'NO', 'ONE');
    await accepted('after READONLY');

    // A failed RDB save with stop-writes-on-bgsave-error: the save's child process dies (as when the disk is full).
    await admin.config('SET', 'save', '3600 1');
    await admin.config('SET', 'rdb-key-save-delay', '1000000');
    await admin.bgsave();
    let saver: number | undefined;
    await waitFor(() => (saver = childPids(redis.server.pid)[0]) !== undefined, 5000, "the save's child process");
    process.kill(saver!, 'SIGKILL');
    await waitFor(async () => /rdb_last_bgsave_status:err/.test(await admin.info('persistence')), 5000, 'the failed save');
    await refused('MISCONF');
    await admin.config('SET', 'rdb-key-save-delay', '0');
    await admin.config('SET', 'save', '');
    await accepted('after MISCONF');

    // Each kind of refusal is one line when it starts; with its end, a line per change, not per request.
    expect(errorLines(s).filter((m) => /Redis refuses writes/.test(m))).toHaveLength(3);
  });
});

describe('receipts and MO while Redis is away', () => {
  it('answers the SMSC ESME_RX_T_APPN (it sends them again), at once when unreachable, within deliver-sm-timeout when frozen', async () => {
    const s = await setup();
    const { sim, redis } = s;
    const receipt = {
      sourceAddr: '4670330000',
      destAddr: '12345',
      esmClass: 0x04,
      dataCoding: 0,
      shortMessage: Buffer.from(
        'id:abc sub:001 dlvrd:001 submit date:2401010000 done date:2401010000 stat:DELIVRD err:000 text:',
        'latin1',
      ),
      receiptedMessageId: 'abc',
      messageState: 2,
    };
    const mo = { sourceAddr: '4670330001', destAddr: '12345', esmClass: 0, dataCoding: 0, shortMessage: Buffer.from('hello', 'latin1') };
    // Redis up: a receipt that matches nothing yet is queued for a retry and acknowledged; MO is stored.
    expect(await sim.deliver(receipt)).toBe(STATUS.ESME_ROK);
    expect(await sim.deliver(mo)).toBe(STATUS.ESME_ROK);

    process.kill(redis.server.pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      expect(await Promise.all([sim.deliver(receipt), sim.deliver(mo)])).toEqual([STATUS.ESME_RX_T_APPN, STATUS.ESME_RX_T_APPN]);
      const frozenMs = Date.now() - t0;
      expect(frozenMs).toBeGreaterThanOrEqual(250);
      expect(frozenMs).toBeLessThan(1000);
    } finally {
      process.kill(redis.server.pid, 'SIGCONT');
    }
    await waitFor(async () => (await sim.deliver(receipt)) === STATUS.ESME_ROK, 3000, 'receipts taken again');
    expect(await sim.deliver(mo)).toBe(STATUS.ESME_ROK);

    await redis.server.stop();
    await waitFor(() => s.logs.some((l) => /Redis connection lost/.test(l.msg)), 3000, 'the lost connection seen');
    const t1 = Date.now();
    expect(await Promise.all([sim.deliver(receipt), sim.deliver(mo)])).toEqual([STATUS.ESME_RX_T_APPN, STATUS.ESME_RX_T_APPN]);
    expect(Date.now() - t1).toBeLessThan(200);
    // Each activity's outage: a line when it starts (frozen), one when it is over, one when it starts again (gone).
    expect(s.logs.filter((l) => /delivery receipts are answered ESME_RX_T_APPN/.test(l.msg))).toHaveLength(2);
    expect(s.logs.filter((l) => /MO is answered ESME_RX_T_APPN/.test(l.msg))).toHaveLength(2);
  });
});
