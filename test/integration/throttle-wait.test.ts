/**
 * A throttled message is sent again as soon as the bind's throttle pause is over, not when some queue lock
 * expires: 300 messages at 100 msg/s to an SMSC that throttles every 10th submit all arrive within 2 s of the last
 * request, none lost and none twice; and the same when the SMSC restarts in the middle of the run.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { sleep, testLink, waitFor } from '../helpers/links.js';
import { steadyLoad } from '../helpers/load.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const N = 300;
const RATE = 100;

/** Every receiver accepted exactly once, counted over every simulator instance that ran. */
function acceptedOnce(sims: readonly SmscSimulator[], tos: readonly string[]): { missing: string[]; twice: string[] } {
  const count = new Map<string, number>();
  for (const s of sims) for (const r of s.received) if (r.status === 0) count.set(r.destAddr, (count.get(r.destAddr) ?? 0) + 1);
  return { missing: tos.filter((to) => !count.has(to)), twice: tos.filter((to) => (count.get(to) ?? 0) > 1) };
}

/** The time the last of these receivers was accepted, over every simulator instance. */
function lastAcceptedAt(sims: readonly SmscSimulator[], tos: ReadonlySet<string>): number {
  let last = 0;
  for (const s of sims) for (const r of s.received) if (r.status === 0 && tos.has(r.destAddr)) last = Math.max(last, r.receivedAt);
  return last;
}

async function throttlingSim(port = 0): Promise<SmscSimulator> {
  const s = new SmscSimulator({ port, persona: parsePersona('throttling:10') });
  await s.start();
  cleanups.push(() => s.kill());
  return s;
}

async function gateway(port: number): Promise<App> {
  // The link's throttle-pause as shipped (1 s, Kannel's fixed sleep): the pause starts short and grows only while the
  // SMSC throttles without accepting anything in between (smpp/throttle-backoff.ts).
  const app = await startGateway(
    testConfig([testLink(port, { id: 'thr', throttlePauseMs: 1000, maxPendingSubmits: 10 })]),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.runtimes.get('thr')!.healthy(), 5000, 'bound');
  return app;
}

describe('a throttled message waits for the throttle pause only', () => {
  it(
    `${N} messages at ${RATE}/s, every 10th submit throttled: all within 2 s of the last request, none lost, none twice`,
    { timeout: 30_000 },
    async () => {
      const s = await throttlingSim();
      const app = await gateway(s.port);
      const load = steadyLoad(
        (to) => sendsms(app, { username: 'u', password: 'p', to, text: 'otp 123456' }).then((r) => r.status),
        RATE,
        N,
      );
      await waitFor(() => load.sent.length === N, 10_000, 'every request answered');
      await load.stop();
      expect(load.sent.every((x) => x.status === 202)).toBe(true);
      const lastRequest = Math.max(...load.sent.map((x) => x.at));
      const tos = load.sent.map((x) => x.to);
      await waitFor(() => acceptedOnce([s], tos).missing.length === 0, 5000, 'every message at the SMSC');
      expect(s.counters.throttled).toBeGreaterThan(N / 20);
      expect(lastAcceptedAt([s], new Set(tos)) - lastRequest).toBeLessThanOrEqual(2000);
      await sleep(300);
      expect(acceptedOnce([s], tos)).toEqual({ missing: [], twice: [] });
    },
  );

  it('the same with the SMSC restarting in the middle of the run, once the link has bound again', { timeout: 30_000 }, async () => {
    const first = await throttlingSim();
    const port = first.port;
    const app = await gateway(port);
    const sims = [first];
    const load = steadyLoad((to) => sendsms(app, { username: 'u', password: 'p', to, text: 'otp 654321' }).then((r) => r.status), RATE, N);
    await sleep(1500);
    // An orderly restart: the SMSC unbinds its sessions and goes away, and is back 300 ms later.
    await first.stop();
    await sleep(300);
    const second = await throttlingSim(port);
    sims.push(second);
    await waitFor(() => second.boundSessions().length === 1, 5000, 'bound again');
    const reboundAt = Date.now();
    await waitFor(() => load.sent.length === N, 10_000, 'every request answered');
    await load.stop();
    expect(load.sent.every((x) => x.status === 202)).toBe(true);
    const lastRequest = Math.max(...load.sent.map((x) => x.at));
    const tos = load.sent.map((x) => x.to);
    await waitFor(() => acceptedOnce(sims, tos).missing.length === 0, 5000, 'every message at the SMSC');
    expect(lastAcceptedAt(sims, new Set(tos)) - Math.max(lastRequest, reboundAt)).toBeLessThanOrEqual(2000);
    await sleep(300);
    expect(acceptedOnce(sims, tos)).toEqual({ missing: [], twice: [] });
  });
});
