/**
 * The JSON admin API against a real gateway (real Redis, the simulator): link stop, start and drain; route pause,
 * resume, peek, move; failed messages retried and removed; accounts; passwords and client addresses. Nothing is
 * lost on the way: every message ends at an SMSC, or failed and reported.
 */
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { startReceiver } from '../helpers/http-receiver.js';
import { sleep, testLink, waitFor, startSimulator } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';
import type { AccountView, ActionResult, LinkView, LiveExplanation, PeekPage, RouteView } from '../../src/domain/admin-views.js';

const env = useTestRedis();
const { cleanups } = env;

const ADMIN = `Basic ${Buffer.from('admin:s3cret').toString('base64')}`;
const STATUS = `Basic ${Buffer.from('x:peek').toString('base64')}`;

const sim = (persona = 'happy'): Promise<SmscSimulator> => startSimulator(cleanups, { persona: parsePersona(persona) });

async function gateway(links: Parameters<typeof testConfig>[0], raw: Record<string, unknown> = {}): Promise<App> {
  const app = await startGateway(
    testConfig(links, { raw: { admin: { 'admin-port': 0, 'admin-password': 's3cret', 'status-password': 'peek' }, ...raw } }),
    env.redis,
    cleanups,
  );
  return app;
}

async function api<T>(app: App, method: 'GET' | 'POST', url: string, body?: unknown, auth = ADMIN): Promise<{ status: number; json: T }> {
  const res = await app.admin.inject({
    method,
    url,
    headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, json: res.json() as T };
}

const routeOf = async (app: App, link: string): Promise<RouteView> =>
  (await api<{ routes: RouteView[] }>(app, 'GET', '/api/v1/routes')).json.routes.find((r) => r.preferred.includes(link))!;

async function sendMany(app: App, n: number, base: number): Promise<string[]> {
  const tos = Array.from({ length: n }, (_, i) => String(base + i));
  for (const to of tos) expect((await sendsms(app, { username: 'u', password: 'p', to, text: `m ${to}` })).status).toBe(202);
  return tos;
}

describe('admin API: links', () => {
  it('stop sends the traffic to the fallback link; start brings it back; nothing is lost', async () => {
    const main = await sim();
    const backup = await sim();
    const routing = { ...testLink(0).routing };
    const app = await gateway(
      [
        testLink(main.port, { id: 'main', smscId: 'gw', routing: { ...routing, preferredSmscId: ['gw'] } }),
        testLink(backup.port, { id: 'backup', smscId: 'backup' }),
      ],
      { accounts: [{ username: 'u', password: 'p', 'default-smsc': 'gw' }] },
    );
    await waitFor(() => app.cluster.linkHealthy('main') && app.cluster.linkHealthy('backup'), 5000, 'both bound');
    await sendMany(app, 5, 4670500000);
    await waitFor(() => main.received.length === 5, 5000, 'to the preferred link');
    const stop = await api<ActionResult>(app, 'POST', '/api/v1/links/main/stop');
    expect(stop.status).toBe(200);
    expect(stop.json).toMatchObject({ ok: true, action: 'link stop' });
    await waitFor(
      async () =>
        (await api<{ links: LinkView[] }>(app, 'GET', '/api/v1/links')).json.links
          .find((l) => l.id === 'main')!
          .binds.every((b) => b.state !== 'bound'),
      5000,
      'main unbound',
    );
    const links = (await api<{ links: LinkView[] }>(app, 'GET', '/api/v1/links')).json.links;
    expect(links.find((l) => l.id === 'main')).toMatchObject({ admin: 'stopped', healthy: false });
    await sendMany(app, 5, 4670500100);
    await waitFor(() => backup.received.length === 5, 5000, 'to the fallback while main is stopped');
    await api(app, 'POST', '/api/v1/links/main/start');
    await waitFor(() => app.cluster.linkHealthy('main'), 5000, 'main bound again');
    await sendMany(app, 5, 4670500200);
    await waitFor(() => main.received.length === 10, 5000, 'back to the preferred link');
    expect(backup.received).toHaveLength(5);
  });

  it('drain finishes what is in the window and takes nothing new; the messages wait; start delivers them', async () => {
    const s = await sim('slow:300');
    const app = await gateway([testLink(s.port, { id: 'dr', maxPendingSubmits: 5 })]);
    await waitFor(() => app.cluster.linkHealthy('dr'), 5000, 'bound');
    await sendMany(app, 20, 4670510000);
    await waitFor(() => s.received.length >= 5, 5000, 'a window out');
    await api(app, 'POST', '/api/v1/links/dr/drain');
    const atDrain = s.received.length;
    await sleep(1200);
    // At most the window that was already out, then nothing: the binds are still up.
    expect(s.received.length).toBeLessThanOrEqual(atDrain + 5);
    const held = s.received.length;
    await sleep(600);
    expect(s.received.length).toBe(held);
    expect(s.boundSessions()).toHaveLength(1);
    const route = await routeOf(app, 'dr');
    expect(route.counts.queued).toBe(20 - held);
    await api(app, 'POST', '/api/v1/links/dr/start');
    await waitFor(
      () => new Set(s.received.filter((m) => m.status === 0).map((m) => m.destAddr)).size === 20,
      10_000,
      'all delivered after start',
    );
  });

  it('an unknown link is a 404 with the known ids; the status password may read but not act; a wrong one is 401', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port, { id: 'only' })]);
    const unknown = await api<{ error: { code: string; known: string[] } }>(app, 'POST', '/api/v1/links/nope/stop');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'unknown_link', known: ['only'] });
    expect((await api(app, 'GET', '/api/v1/links', undefined, STATUS)).status).toBe(200);
    expect((await api(app, 'POST', '/api/v1/links/only/stop', undefined, STATUS)).status).toBe(401);
    expect((await api(app, 'GET', '/api/v1/links', undefined, `Basic ${Buffer.from('a:wrong').toString('base64')}`)).status).toBe(401);
  });
});

describe('admin API: route queues', () => {
  it('pause holds the queue (counts grow, oldest age grows), peek pages through it, resume delivers it', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port, { id: 'pq' })]);
    await waitFor(() => app.cluster.linkHealthy('pq'), 5000, 'bound');
    await sendMany(app, 1, 4670520000);
    await waitFor(() => s.received.length === 1, 5000, 'the route exists');
    const key = (await routeOf(app, 'pq')).key;
    expect((await api<ActionResult>(app, 'POST', `/api/v1/routes/${key}/pause`)).json.ok).toBe(true);
    const tos = await sendMany(app, 12, 4670520100);
    await sleep(300);
    expect(s.received).toHaveLength(1);
    const r = await routeOf(app, 'pq');
    expect(r).toMatchObject({ paused: true, counts: { queued: 12, waiting: 12, active: 0, failed: 0 } });
    expect(r.oldestAgeMs).toBeGreaterThanOrEqual(250);
    const first = (await api<PeekPage>(app, 'GET', `/api/v1/routes/${key}/messages?limit=5`)).json;
    expect(first.messages).toHaveLength(5);
    expect(first.messages[0]).toMatchObject({ state: 'waiting', account: 'u', text: expect.stringMatching(/^m 46705201/) });
    const seen = [...first.messages];
    let cursor = first.next;
    while (cursor) {
      const page = (await api<PeekPage>(app, 'GET', `/api/v1/routes/${key}/messages?limit=5&cursor=${cursor}`)).json;
      seen.push(...page.messages);
      cursor = page.next;
    }
    expect(seen.map((m) => m.to).sort()).toEqual(tos);
    await api(app, 'POST', `/api/v1/routes/${key}/resume`);
    await waitFor(() => s.received.length === 13, 5000, 'delivered after resume');
  });

  it('failed messages: retry queues them again and they are delivered; remove takes them out with their final report', async () => {
    const s = await sim('reject:0x45');
    const r = await startReceiver();
    cleanups.push(() => r.close());
    const app = await gateway([testLink(s.port, { id: 'fl' })]);
    await waitFor(() => app.cluster.linkHealthy('fl'), 5000, 'bound');
    const dlr = encodeURIComponent(`http://127.0.0.1:${r.port}/dlr?type=%d&to=%p`);
    for (let i = 0; i < 4; i++)
      expect(
        (
          await sendsms(app, {
            username: 'u',
            password: 'p',
            to: `467053000${i}`,
            text: 'x',
            'dlr-mask': '18',
            'dlr-url': decodeURIComponent(dlr),
          })
        ).status,
      ).toBe(202);
    const key = await waitFor(async () => (await routeOf(app, 'fl'))?.counts.failed === 4, 5000, 'four failed').then(
      async () => (await routeOf(app, 'fl')).key,
    );
    const failed = (await api<PeekPage>(app, 'GET', `/api/v1/routes/${key}/messages?state=failed`)).json.messages;
    expect(failed).toHaveLength(4);
    expect(failed[0]).toMatchObject({ state: 'failed', error: expect.stringContaining('0x45') });
    // The NACKs (type 16) came at the failure.
    await waitFor(() => r.requests.length === 4, 5000, 'four NACK reports');
    s.setPersona(parsePersona('happy'));
    const [a, b, ...rest] = failed.map((m) => m.id);
    const retried = await api<ActionResult>(app, 'POST', `/api/v1/routes/${key}/retry`, { ids: [a, b] });
    expect(retried.json).toMatchObject({ ok: true, retried: 2 });
    await waitFor(() => s.received.filter((m) => m.status === 0).length === 2, 5000, 'the retried two delivered');
    // Its history keeps the failure, then says it was queued again, then the submit.
    let history: { event: string; detail?: string }[] = [];
    await waitFor(
      async () => {
        history = (await api<{ history: { event: string; detail?: string }[] }>(app, 'GET', `/api/v1/messages/${a}`)).json.history;
        return history.some((h) => h.event === 'submitted');
      },
      5000,
      'the retried message recorded as submitted',
    );
    expect(history.map((h) => h.event)).toEqual(['accepted', 'failed', 'queued again', 'submitted']);
    expect(history[1]!.detail).toContain('0x45');
    expect(history[2]!.detail).toBe('retried by an operator');
    const removed = await api<ActionResult>(app, 'POST', `/api/v1/routes/${key}/remove`, { ids: rest });
    expect(removed.json).toMatchObject({ ok: true, removed: 2 });
    // The removed ones get their final report: type 2 (failed), once each.
    await waitFor(() => r.requests.filter((q) => q.query.get('type') === '2').length === 2, 5000, 'final reports of the removed');
    expect((await routeOf(app, 'fl')).counts.failed).toBe(0);
    const again = await api<ActionResult>(app, 'POST', `/api/v1/routes/${key}/retry`, { ids: rest });
    expect(again.json).toMatchObject({ retried: 0 });
  });

  it("move sends a route's waiting messages to another smsc-id, refuses an unknown one before anything moves", async () => {
    const a = await sim();
    const b = await sim();
    // B carries only smsc-id B: route A has no fallback, so its messages wait while A is stopped.
    const app = await gateway(
      [
        testLink(a.port, { id: 'A', smscId: 'A' }),
        testLink(b.port, { id: 'B', smscId: 'B', routing: { ...testLink(0).routing, allowedSmscId: ['B'] } }),
      ],
      { accounts: [{ username: 'u', password: 'p', 'default-smsc': 'A' }] },
    );
    await waitFor(() => app.cluster.linkHealthy('A') && app.cluster.linkHealthy('B'), 5000, 'both bound');
    await api(app, 'POST', '/api/v1/links/A/stop');
    await waitFor(() => !app.cluster.linkHealthy('A'), 5000, 'A stopped');
    await sendMany(app, 8, 4670540000);
    const key = (await routeOf(app, 'A')).key;
    await waitFor(async () => (await routeOf(app, 'A')).counts.queued === 8, 5000, 'eight waiting on A');
    const bad = await api<{ error: { code: string; known: string[] } }>(app, 'POST', `/api/v1/routes/${key}/move`, { smsc: 'C' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'unknown_smsc', known: ['A', 'B'] });
    expect((await routeOf(app, 'A')).counts.queued).toBe(8);
    const moved = await api<ActionResult>(app, 'POST', `/api/v1/routes/${key}/move`, { smsc: 'B' });
    expect(moved.json).toMatchObject({ ok: true, moved: 8 });
    await waitFor(() => b.received.length === 8, 5000, 'delivered through B');
    expect(a.received).toHaveLength(0);
    expect((await routeOf(app, 'A')).counts.queued).toBe(0);
  });
});

describe('admin API: accounts and explain', () => {
  it("counts each account's accepted and refused messages, and explains a route with live health", async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port, { id: 'ex' })]);
    await waitFor(() => app.cluster.linkHealthy('ex'), 5000, 'bound');
    await sendMany(app, 3, 4670550000);
    expect((await sendsms(app, { username: 'u', password: 'p', to: '1', text: 'Ж', coding: '0' })).status).toBe(400);
    await waitFor(
      async () => (await api<{ accounts: AccountView[] }>(app, 'GET', '/api/v1/accounts')).json.accounts[0]!.counters.accepted === 3,
      5000,
      'counted',
    );
    const acct = (await api<{ accounts: AccountView[] }>(app, 'GET', '/api/v1/accounts')).json.accounts[0]!;
    expect(acct).toMatchObject({ username: 'u', counters: { accepted: 3, refused: 1 } });
    await waitFor(() => s.received.length === 3, 5000, 'the three delivered');
    let ex = (await api<LiveExplanation>(app, 'GET', '/api/v1/explain?account=u&to=4670550009')).json;
    await waitFor(
      async () => (ex = (await api<LiveExplanation>(app, 'GET', '/api/v1/explain?account=u&to=4670550009')).json).links[0]!.queued === 0,
      5000,
      'the queue empty',
    );
    expect(ex.routable).toBe(true);
    expect(ex.links).toEqual([expect.objectContaining({ link: 'ex', tier: 'preferred', healthy: true, queued: 0 })]);
  });
});
