/**
 * /metrics on the admin port, scraped like Prometheus does: queue depth grows and the bind's state changes while its
 * SMSC is stopped; with two gateway processes on one Redis, each bind's series come once (from the process that
 * runs it), and the cluster-wide gauges once.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

async function scrape(app: App): Promise<string> {
  const res = await app.admin.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Basic ${Buffer.from('x:m').toString('base64')}` },
  });
  expect(res.statusCode).toBe(200);
  return res.body;
}

/** The value of one series (exact labels in Prometheus's order), or undefined. */
function value(page: string, series: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const lines = (page: string, prefix: string): string[] => page.split('\n').filter((l) => l.startsWith(prefix));

describe('/metrics', () => {
  it('shows queue depth grow and the bind go down while the SMSC is stopped, and both recover', async () => {
    const s = new SmscSimulator({ port: 0 });
    await s.start();
    const port = s.port;
    const app = await startGateway(
      testConfig([testLink(port, { id: 'm1' })], { raw: { admin: { 'admin-port': 0, 'status-password': 'm' } } }),
      env.redis,
      cleanups,
    );
    await waitFor(() => app.cluster.linkHealthy('m1'), 5000, 'bound');
    expect((await sendsms(app, { username: 'u', password: 'p', to: '4670700000', text: 'm' })).status).toBe(202);
    await waitFor(() => s.received.length === 1, 5000, 'delivered');
    const route = app.directory.routes()[0]!.key;
    const up = `switchboard_bind_up{link="m1",bind="m1/trx1"}`;
    expect(value(await scrape(app), up)).toBe(1);
    await s.kill();
    await waitFor(async () => value(await scrape(app), up) === 0, 5000, 'bind down in /metrics');
    for (let i = 1; i <= 5; i++) await sendsms(app, { username: 'u', password: 'p', to: String(4670700000 + i), text: 'm' });
    await waitFor(
      async () => value(await scrape(app), `switchboard_queue_messages{route="${route}",state="waiting"}`) === 5,
      5000,
      'queue depth 5',
    );
    expect(value(await scrape(app), `switchboard_queue_oldest_age_seconds{route="${route}"}`)).toBeGreaterThan(0);
    const back = new SmscSimulator({ port });
    await back.start();
    cleanups.push(() => back.kill());
    await waitFor(() => back.received.length === 5, 10_000, 'delivered after the SMSC came back');
    await waitFor(
      async () => value(await scrape(app), `switchboard_queue_messages{route="${route}",state="waiting"}`) === 0,
      5000,
      'queue empty',
    );
    await waitFor(
      async () => (value(await scrape(app), `switchboard_submits_total{link="m1",bind="m1/trx1",result="accepted"}`) ?? 0) >= 6,
      10_000,
      'submits counted',
    );
    const page = await scrape(app);
    expect(value(page, up)).toBe(1);
    expect(lines(page, 'switchboard_submit_latency_seconds_count{link="m1"}')).toHaveLength(1);
    expect(lines(page, 'switchboard_http_requests_total{interface="sendsms",status="202"}')).toHaveLength(1);
    expect((await app.admin.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });

  it("two gateway processes on one Redis: each bind's series once, from the process that runs it", async () => {
    const s = new SmscSimulator({ port: 0 });
    await s.start();
    cleanups.push(() => s.kill());
    const config = testConfig([testLink(s.port, { id: 'pair', instances: 2 })], {
      prefix: 'metrics2',
      raw: { admin: { 'admin-port': 0, 'status-password': 'm' } },
    });
    const a = await startGateway(config, env.redis);
    const b = await startGateway(config, env.redis);
    cleanups.push(
      () => a.stop(),
      () => b.stop(),
    );
    // Whichever process takes the leases, the two binds run once between them.
    await waitFor(
      () => s.boundSessions().length === 2 && a.leases.owned().length + b.leases.owned().length === 2,
      10_000,
      'two binds in all',
    );
    for (let i = 0; i < 20; i++) await sendsms(i % 2 ? a : b, { username: 'u', password: 'p', to: String(4670710000 + i), text: 'x' });
    await waitFor(() => s.counters.accepted === 20, 5000, 'delivered');
    let page = '';
    await waitFor(
      async () => {
        page = await scrape(a);
        const accepted = lines(page, 'switchboard_submits_total{link="pair"').filter((l) => l.includes('result="accepted"'));
        return accepted.length === 2 && accepted.reduce((n, l) => n + Number(l.split(' ')[1]), 0) === 20;
      },
      15_000,
      'both binds counted once, 20 in all',
    );
    expect(lines(page, 'switchboard_bind_up{link="pair"')).toHaveLength(2);
    expect(lines(page, 'switchboard_queue_messages{').length).toBe(4);
    // The other process serves the same cluster-wide view.
    const other = await scrape(b);
    expect(lines(other, 'switchboard_bind_up{link="pair"')).toEqual(lines(page, 'switchboard_bind_up{link="pair"'));
  });
});
