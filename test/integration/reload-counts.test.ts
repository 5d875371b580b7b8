/**
 * Counts stay true through operations (issue 17): after 20 reloads, moves and retries under 100 msg/s, every count
 * the gateway shows (the JSON admin API's routes, Kannel's status and store-status, /metrics) equals the messages
 * actually in the route queues, read job by job; and a reload leaves no listener behind. An empty file is refused on
 * SIGHUP's path (reload without force); a forced reload to a file with no link leaves the queued messages waiting,
 * shown as having no link, and restoring the file delivers every one of them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { createLogger } from '../../src/observability/logger.js';
import { RedisKeys } from '../../src/redis/keys.js';
import type { BatchData } from '../../src/queue/batch-codec.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { sleep, startSimulator, waitFor } from '../helpers/links.js';
import { steadyLoad } from '../helpers/load.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;
const ADMIN = { authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}` };

interface LinkSpec {
  readonly id: string;
  readonly port: number;
  readonly extra?: string;
}

function yaml(prefix: string, links: readonly LinkSpec[]): string {
  return [
    'http: { sendsms-port: 0, sendsms-interface: 127.0.0.1, global-sender: "12345" }',
    'admin: { admin-port: 0, admin-password: s3cret }',
    `redis: { key-prefix: ${prefix} }`,
    'cluster: { lease-ttl: 1, refresh-interval: 0.1 }',
    ...(links.length ? ['links:'] : ['links: []']),
    ...links.map(
      (l) =>
        `  - { smsc-id: ${l.id}, host: 127.0.0.1, port: ${l.port}, transceiver-mode: true, smsc-username: test, smsc-password: pw, ` +
        `reconnect-delay: 0.05, reconnect-delay-max: 0.2${l.extra ?? ''} }`,
    ),
    'accounts:',
    '  - { username: u, password: p }',
    '',
  ].join('\n');
}

async function gateway(
  prefix: string,
  links: readonly LinkSpec[],
): Promise<{ app: App; write: (l: readonly LinkSpec[] | string) => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-reload-counts-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'gw.yaml');
  const write = (l: readonly LinkSpec[] | string): void => writeFileSync(path, typeof l === 'string' ? l : yaml(prefix, l));
  write(links);
  const app = new App({
    config: loadConfigFile(path).config,
    redis: env.redis.target,
    logger: createLogger(process.env.TEST_LOG ? 'debug' : 'silent'),
    drainMs: 500,
    reloadConfig: () => loadConfigFile(path).config,
  });
  cleanups.push(() => app.stop());
  await app.start();
  return { app, write };
}

async function admin(
  app: App,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; body: string }> {
  const res = await app.admin.inject({
    method,
    url,
    headers: { ...ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return {
    status: res.statusCode,
    json: String(res.headers['content-type'] ?? '').includes('json') ? res.json() : undefined,
    body: res.body,
  };
}

interface RouteView {
  key: string;
  counts: { queued: number; waiting: number; active: number; delayed: number };
}

const routes = async (app: App): Promise<RouteView[]> =>
  ((await admin(app, 'GET', '/api/v1/routes')).json as { routes: RouteView[] }).routes;

/** Messages in each route queue, read job by job (what the counts must equal). */
async function actual(app: App): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const r of app.directory.routes()) {
    const jobs = (await app.producer.queueFor(r.key).getJobs(['prioritized', 'wait', 'delayed', 'active'])) as Job<BatchData>[];
    out.set(
      r.key,
      jobs.reduce((n, j) => n + (j.data?.m?.length ?? 0), 0),
    );
  }
  return out;
}

async function send(app: App, to: string): Promise<number> {
  const q = new URLSearchParams({ username: 'u', password: 'p', to, text: `to ${to}` });
  const res = await app.http.inject({ method: 'GET', url: `/cgi-bin/sendsms?${q}` });
  return res.statusCode;
}

describe('counts through reloads, moves and retries', () => {
  it('after 20 reloads, moves and retries under 100 msg/s, every count shown equals the messages queued; no listener is left behind', async () => {
    const [a, b] = await Promise.all([startSimulator(cleanups), startSimulator(cleanups)]);
    const c = await startSimulator(cleanups, { persona: parsePersona('reject') });
    // Each reload renames a (its smsc-admin-id): a's route loses its link and is re-homed to the renamed link's.
    const config = (cycle: number): LinkSpec[] => [
      { id: 'a', port: a.port, extra: `, smsc-admin-id: a${cycle % 2}, throughput: 40, denied-prefix: ["4679"]` },
      { id: 'b', port: b.port, extra: ', allowed-smsc-id: ["b"]' },
      { id: 'c', port: c.port, extra: ', allowed-prefix: ["4679"]' },
    ];
    const { app, write } = await gateway('counts', config(0));
    await waitFor(() => [a, b, c].every((s) => s.boundSessions().length === 1), 10_000, 'three links bound');
    const listeners = app.directory.listenerCount('added');

    // 100 msg/s: three in four to a (slower than that, so its queue grows), one in four to c (refused: failed).
    let n = 0;
    const load = steadyLoad((to) => send(app, n++ % 4 === 3 ? `4679${to.slice(4)}` : to), 100, 2000);
    for (let cycle = 0; cycle < 20; cycle++) {
      write(config(cycle + 1));
      const r = await admin(app, 'POST', '/api/v1/reload', {});
      expect(r.status).toBe(200);
      const [routeA, routeC] = [
        app.directory.routes().find((x) => x.preferred.join() === 'a'),
        app.directory.routes().find((x) => x.preferred.join() === 'c'),
      ];
      if (routeA && cycle % 3 === 0)
        expect((await admin(app, 'POST', `/api/v1/routes/${routeA.key}/move`, { smsc: 'b' })).status).toBe(200);
      if (routeC && cycle % 3 === 1) expect((await admin(app, 'POST', `/api/v1/routes/${routeC.key}/retry`, {})).status).toBe(200);
      await sleep(150);
    }
    await load.stop();
    expect(load.sent.every((s) => s.status === 202)).toBe(true);
    expect(app.directory.listenerCount('added')).toBe(listeners);

    // Hold everything where it is, and let the windows finish.
    for (const id of ['a0', 'b', 'c']) expect((await admin(app, 'POST', `/api/v1/links/${id}/stop`)).status).toBe(200);
    for (let i = 0; i < 30; i++) expect(await send(app, String(4670900000 + i))).toBe(202);
    await waitFor(async () => (await routes(app)).every((r) => r.counts.active === 0), 10_000, 'no job held by a link');
    await sleep(300);

    const real = await actual(app);
    const shown = await routes(app);
    const total = [...real.values()].reduce((x, y) => x + y, 0);
    expect(total).toBeGreaterThan(30);
    expect(Object.fromEntries(shown.map((r) => [r.key, r.counts.queued]))).toEqual(Object.fromEntries(real));
    for (const r of shown) expect(r.counts.waiting + r.counts.active + r.counts.delayed).toBe(real.get(r.key));

    const status = (await admin(app, 'GET', '/status.json?password=s3cret')).json as { sms: { sent: { queued: number } } };
    expect(status.sms.sent.queued).toBe(total);
    const store = (await admin(app, 'GET', '/store-status.json?password=s3cret')).json as { queued: number };
    expect(store.queued).toBe(total);
    const metrics = (await admin(app, 'GET', '/metrics')).body;
    for (const [key, count] of real) {
      const series = ['waiting', 'active', 'delayed'].map((state) => {
        const line = metrics.split('\n').find((l) => l.startsWith(`switchboard_queue_messages{route="${key}",state="${state}"}`));
        return Number(line?.split(' ').pop() ?? NaN);
      });
      expect(series.reduce((x, y) => x + y, 0)).toBe(count);
    }
  }, 60_000);

  it('a count that drifted with an empty queue is set right by the reconciliation', async () => {
    const s = await startSimulator(cleanups);
    const { app } = await gateway('drift', [{ id: 'a', port: s.port }]);
    await waitFor(() => s.boundSessions().length === 1, 10_000, 'bound');
    expect(await send(app, '4670000001')).toBe(202);
    await waitFor(() => s.received.length === 1, 5000, 'delivered');
    const [route] = app.directory.routes();
    await waitFor(async () => (await app.producer.queueFor(route!.key).getJobCounts('active', 'wait')).active === 0, 5000, 'job done');
    // What a crash between a job's write and its count could leave.
    await env.redis.client().hset(new RedisKeys('drift').routeStats(route!.key), 'queued', 340);
    expect((await routes(app))[0]?.counts.queued).toBe(340);
    expect(await app.inspector.reconcile(route!.key)).toBe(340);
    expect((await routes(app))[0]?.counts.queued).toBe(0);
    expect(await app.inspector.reconcile(route!.key)).toBe(0);
  });

  it('an empty file is refused; a forced reload to no links keeps the queued messages waiting with no link; restoring the file delivers them', async () => {
    const s = await startSimulator(cleanups);
    const port = s.port;
    const links = [{ id: 'a', port }];
    const { app, write } = await gateway('force', links);
    await waitFor(() => s.boundSessions().length === 1, 10_000, 'bound');
    await s.kill();
    const receivers = Array.from({ length: 20 }, (_, i) => String(4670800000 + i));
    for (const to of receivers) expect(await send(app, to)).toBe(202);
    await waitFor(async () => (await routes(app))[0]?.counts.queued === 20, 5000, '20 queued');

    write('');
    const empty = await admin(app, 'POST', '/api/v1/reload', {});
    expect(empty.status).toBe(409);
    expect(empty.json).toMatchObject({ action: 'reload', ok: false });
    expect((empty.json as { detail: string }).detail).toMatch(
      /no link, so all 1 would be removed.*no account, so all 1 would be removed.*20 messages waiting/,
    );
    expect(app.config.links.map((l) => l.id)).toEqual(['a']);

    write(yaml('force', []));
    const forced = await admin(app, 'POST', '/api/v1/reload?force=1', {});
    expect(forced.status).toBe(200);
    expect(app.config.links).toEqual([]);
    await sleep(300);
    const [waiting] = await routes(app);
    expect(waiting?.counts.queued).toBe(20);
    expect(waiting).toMatchObject({ noLink: true });

    const back = new SmscSimulator({ port });
    await back.start();
    cleanups.push(() => back.kill());
    write(links);
    expect((await admin(app, 'POST', '/api/v1/reload', {})).status).toBe(200);
    await waitFor(() => receivers.every((to) => back.received.some((m) => m.destAddr === to)), 10_000, 'all 20 delivered');
    await sleep(200);
    expect(back.received).toHaveLength(20);
  });
});
