/**
 * Redis Sentinel with acknowledged replication (redis.wait-replicas: 1): three redis-server processes (a primary, two
 * replicas), three Sentinels, two gateway nodes sharing them and one bind, the simulator as SMSC. The primary is
 * killed (kill -9), or frozen (SIGSTOP) long enough for Sentinel to promote a replica and then thawed, so that it
 * comes back as a replica, under a steady load. Whatever was answered 202 reaches the SMSC; a message reaches it
 * twice only when the gateway counted it as a possible resend; requests are answered 503 meanwhile, none hangs; and
 * accepting starts again within 2 s of the promotion. The longer runs (500 msg/s, a 10 s freeze, a gateway killed
 * during the failover) are bench/failover.ts, with their figures in the README.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import type { Config } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { testConfig } from '../helpers/gateway.js';
import { sleep, startSimulator, testLink, waitFor } from '../helpers/links.js';
import { startSentinels, type SentinelDeployment } from '../helpers/sentinel.js';

let d: SentinelDeployment;
const cleanups: Array<() => Promise<void> | void> = [];
beforeAll(async () => {
  d = await startSentinels({ replicas: 2, sentinels: 3, downAfterMs: 1000 });
}, 40_000);
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await d?.stop();
});

const COMMAND_TIMEOUT_S = 0.5;
const WAIT_TIMEOUT_S = 0.25;

function sentinelConfig(sim: SmscSimulator, prefix: string): Config {
  return testConfig([testLink(sim.port, { id: 'sim', smscId: 'sim' })], {
    raw: {
      redis: {
        'key-prefix': prefix,
        sentinels: d.sentinelAddresses,
        name: d.name,
        'wait-replicas': 1,
        'wait-timeout': WAIT_TIMEOUT_S,
        'command-timeout': COMMAND_TIMEOUT_S,
      },
      queue: { 'lock-duration': 5, 'retry-delay': 0.05 },
      cluster: { 'lease-ttl': 2, 'refresh-interval': 0.5 },
    },
  });
}

async function startNode(config: Config): Promise<App> {
  const sentinel = config.redis.sentinel;
  if (!sentinel) throw new Error('no sentinel in the test config');
  const app = new App({ config, redis: { sentinel }, logger: createLogger(process.env.TEST_LOG ? 'debug' : 'silent'), drainMs: 1000 });
  cleanups.push(() => app.stop());
  await app.start();
  return app;
}

interface Reply {
  readonly to: string;
  readonly at: number;
  readonly ms: number;
  readonly status: number;
}

/** One request every 1000/rate ms, alternately to each node, until stopped; each reply with its latency. */
function load(nodes: readonly App[], rate: number, base: number): { replies: Reply[]; stop: () => Promise<void> } {
  const replies: Reply[] = [];
  const pending: Promise<void>[] = [];
  let i = 0;
  const timer = setInterval(() => {
    const to = String(base + i);
    const app = nodes[i++ % nodes.length]!;
    const at = Date.now();
    pending.push(
      app.http
        .inject({ method: 'GET', url: `/cgi-bin/sendsms?username=u&password=p&to=${to}&text=failover` })
        .then((res) => void replies.push({ to, at, ms: Date.now() - at, status: res.statusCode })),
    );
  }, 1000 / rate);
  return {
    replies,
    async stop() {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

/** What the SMSC accepted, by receiver: how many times each. */
function deliveries(sim: SmscSimulator): Map<string, number> {
  const n = new Map<string, number>();
  for (const r of sim.received) if (r.status === 0) n.set(r.destAddr, (n.get(r.destAddr) ?? 0) + 1);
  return n;
}

interface Outcome {
  readonly accepted: number;
  readonly refused: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly counted: number;
  readonly slowestMs: number;
  readonly acceptedAgainMs: number;
}

/** Runs the load across `fault`, then waits until every 202 reached the SMSC (or times out) and counts. */
async function underLoad(fault: (oldPrimary: number) => Promise<{ promotedAt: number; faultAt: number }>, base: number): Promise<Outcome> {
  const sim = await startSimulator(cleanups);
  const prefix = `ha${base}`;
  const a = await startNode(sentinelConfig(sim, prefix));
  const b = await startNode(sentinelConfig(sim, prefix));
  await waitFor(() => sim.boundSessions().length === 1, 10_000, 'one bind between the two nodes');
  // The one bind must never be open twice, not even for a moment while its lease changes hands.
  let mostBound = 0;
  const sampler = setInterval(() => (mostBound = Math.max(mostBound, sim.boundSessions().length)), 5);
  const traffic = load([a, b], 200, base);
  await sleep(1000);
  const oldPrimary = await d.primaryPort();
  const { promotedAt, faultAt } = await fault(oldPrimary);
  await sleep(2500);
  await traffic.stop();
  const replies = traffic.replies;
  const accepted = replies.filter((r) => r.status === 202);
  const firstAgain = accepted.filter((r) => r.at > faultAt && r.at + r.ms >= promotedAt).sort((x, y) => x.at + x.ms - (y.at + y.ms))[0];
  await waitFor(
    () => {
      const got = deliveries(sim);
      return accepted.every((r) => got.has(r.to));
    },
    20_000,
    'every message answered 202 at the SMSC',
  ).catch(() => undefined);
  await sleep(500); // a late resend would show now
  clearInterval(sampler);
  const got = deliveries(sim);
  const doubled = [...got].filter(([, n]) => n > 1).map(([to]) => to);
  if (doubled.length > 0) console.log(`reached the SMSC twice: ${doubled.join(', ')}`);
  const resends = [a, b].map((n) => n.possibleResends());
  const outcome: Outcome = {
    accepted: accepted.length,
    refused: replies.filter((r) => r.status === 503).length,
    lost: accepted.filter((r) => !got.has(r.to)).length,
    duplicates: [...got.values()].reduce((s, n) => s + n - 1, 0),
    counted: resends.reduce((s, r) => s + r.unanswered + r.interrupted, 0),
    slowestMs: Math.max(...replies.map((r) => r.ms)),
    acceptedAgainMs: firstAgain ? firstAgain.at + firstAgain.ms - promotedAt : Number.POSITIVE_INFINITY,
  };
  expect(replies.every((r) => r.status === 202 || r.status === 503)).toBe(true);
  expect(a.availability.failovers + b.availability.failovers).toBeGreaterThanOrEqual(2);
  expect(a.availability.withoutPrimaryMs(Date.now())).toBeGreaterThan(0);
  expect(sim.boundSessions()).toHaveLength(1);
  expect(mostBound).toBe(1);
  return outcome;
}

describe('Redis Sentinel failover with wait-replicas: 1, two gateway nodes, 200 msg/s', () => {
  it(
    'kill -9 of the primary: nothing answered 202 is lost, 503 meanwhile, accepting within 2 s of the promotion',
    { timeout: 60_000 },
    async () => {
      await d.settled(2);
      const o = await underLoad(async (old) => {
        const faultAt = Date.now();
        d.node(old).proc.kill('SIGKILL');
        const { at } = await d.promotedFrom(old);
        return { promotedAt: at, faultAt };
      }, 4670000000);
      console.log(`kill -9: ${JSON.stringify(o)}`);
      expect(o.lost).toBe(0);
      expect(o.refused).toBeGreaterThan(0);
      expect(o.slowestMs).toBeLessThan((COMMAND_TIMEOUT_S + WAIT_TIMEOUT_S) * 1000 + 500);
      expect(o.acceptedAgainMs).toBeLessThan(2000);
      expect(o.duplicates).toBeLessThanOrEqual(o.counted);
    },
  );

  it(
    'SIGSTOP of the primary until a replica is promoted, then SIGCONT: it comes back as a replica, nothing lost or doubled',
    { timeout: 60_000 },
    async () => {
      // The node killed above comes back as a replica, so that the primary has two replicas again.
      const dead = d.nodes.find((n) => n.proc.exitCode !== null || n.proc.signalCode !== null);
      if (dead) await d.restart(dead.port);
      await d.settled(2);
      let frozen = 0;
      const o = await underLoad(async (old) => {
        frozen = old;
        const faultAt = Date.now();
        d.node(old).proc.kill('SIGSTOP');
        const { at } = await d.promotedFrom(old);
        await sleep(1000);
        d.node(old).proc.kill('SIGCONT');
        return { promotedAt: at, faultAt };
      }, 4680000000);
      console.log(`SIGSTOP: ${JSON.stringify(o)}`);
      expect(o.lost).toBe(0);
      expect(o.refused).toBeGreaterThan(0);
      expect(o.slowestMs).toBeLessThan((COMMAND_TIMEOUT_S + WAIT_TIMEOUT_S) * 1000 + 500);
      expect(o.acceptedAgainMs).toBeLessThan(2000);
      expect(o.duplicates).toBeLessThanOrEqual(o.counted);
      // No split brain: the thawed primary was made a replica of the promoted one.
      await waitFor(async () => /role:slave/.test(await d.client(frozen).info('replication')), 10_000, 'the old primary demoted');
    },
  );
});
