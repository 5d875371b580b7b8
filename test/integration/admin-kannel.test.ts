/**
 * Kannel's admin commands against a real gateway (real Redis, the simulator): stop-smsc holds a link's traffic
 * (store-status lists it) or sends it to the fallback link, start-smsc delivers it; status.xml read the way a
 * Kannel exporter reads it; suspend, resume and log-level; the refusals.
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { sleep, testLink, waitFor, startSimulator } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const sim = (): Promise<SmscSimulator> => startSimulator(cleanups);

async function gateway(links: Parameters<typeof testConfig>[0], raw: Record<string, unknown> = {}): Promise<App> {
  const app = await startGateway(
    testConfig(links, { raw: { admin: { 'admin-port': 0, 'admin-password': 'adm', 'status-password': 'st' }, ...raw } }),
    env.redis,
    cleanups,
  );
  return app;
}

async function command(app: App, path: string): Promise<{ status: number; body: string; type: string }> {
  const res = await app.admin.inject({ method: 'GET', url: path });
  return { status: res.statusCode, body: res.body, type: String(res.headers['content-type'] ?? '') };
}

/** What a Kannel exporter reads of status.xml (apostvav/kannel_exporter's paths). */
function exporterView(xml: string): { status: string; sentQueued: number; smscs: { id: string; status: string; queued: number }[] } {
  const doc = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'smsc' }).parse(xml) as {
    gateway: {
      status: string;
      sms: { sent: { queued: string } };
      smscs: { count: string; smsc?: { id: string; status: string; queued: string }[] };
    };
  };
  const g = doc.gateway;
  return {
    status: g.status,
    sentQueued: Number(g.sms.sent.queued),
    smscs: (g.smscs.smsc ?? []).map((s) => ({ id: s.id, status: s.status.split(' ')[0]!, queued: Number(s.queued) })),
  };
}

async function send(app: App, n: number, base: number): Promise<void> {
  for (let i = 0; i < n; i++)
    expect((await sendsms(app, { username: 'u', password: 'p', to: String(base + i), text: 'k' })).status).toBe(202);
}

describe("Kannel's admin commands", () => {
  it('stop-smsc holds the traffic of a link without fallback (store-status lists it, status.xml counts it); start-smsc delivers it', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port, { id: 'solo', smscId: 'solo' })]);
    await waitFor(() => app.cluster.linkHealthy('solo'), 5000, 'bound');
    expect(exporterView((await command(app, '/status.xml?password=st')).body).smscs).toEqual([{ id: 'solo', status: 'online', queued: 0 }]);
    const stop = await command(app, '/stop-smsc?smsc=solo&password=adm');
    expect(stop.status).toBe(200);
    expect(stop.body).toContain('solo');
    await waitFor(() => s.boundSessions().length === 0, 5000, 'unbound');
    await send(app, 6, 4670600000);
    await sleep(300);
    expect(s.received).toHaveLength(0);
    const store = await command(app, '/store-status.txt?password=st');
    for (let i = 0; i < 6; i++) expect(store.body).toContain(String(4670600000 + i));
    await waitFor(
      async () => exporterView((await command(app, '/status.xml?password=st')).body).sentQueued === 6,
      5000,
      'status.xml counts the six',
    );
    const view = exporterView((await command(app, '/status.xml?password=st')).body);
    expect(view.smscs).toEqual([{ id: 'solo', status: 'dead', queued: 0 }]);
    expect((await command(app, '/start-smsc?smsc=solo&password=adm')).status).toBe(200);
    await waitFor(() => s.received.length === 6, 5000, 'delivered after start-smsc');
    await waitFor(
      async () => exporterView((await command(app, '/status.xml?password=st')).body).smscs[0]!.status === 'online',
      5000,
      'online again',
    );
  });

  it('stop-smsc of the preferred link sends its traffic to the fallback link', async () => {
    const main = await sim();
    const backup = await sim();
    const app = await gateway(
      [
        testLink(main.port, { id: 'main', smscId: 'gw', routing: { ...testLink(0).routing, preferredSmscId: ['gw'] } }),
        testLink(backup.port, { id: 'backup', smscId: 'other' }),
      ],
      {
        accounts: [{ username: 'u', password: 'p', 'default-smsc': 'gw' }],
      },
    );
    await waitFor(() => app.cluster.linkHealthy('main') && app.cluster.linkHealthy('backup'), 5000, 'both bound');
    expect((await command(app, '/stop-smsc?smsc=main&password=adm')).status).toBe(200);
    await waitFor(() => !app.cluster.linkHealthy('main'), 5000, 'main out');
    await send(app, 4, 4670610000);
    await waitFor(() => backup.received.length === 4, 5000, 'the fallback carries it');
    expect(main.received).toHaveLength(0);
  });

  it('suspend refuses new messages until resume; status says so; log-level applies; refusals say no more than Denied', async () => {
    const s = await sim();
    const app = await gateway([testLink(s.port, { id: 'k' })]);
    await waitFor(() => app.cluster.linkHealthy('k'), 5000, 'bound');
    expect((await command(app, '/suspend?password=adm')).status).toBe(200);
    await waitFor(async () => (await command(app, '/status.txt?password=st')).body.includes('suspended'), 3000, 'status says suspended');
    expect(await sendsms(app, { username: 'u', password: 'p', to: '4670620000', text: 'no' })).toEqual({
      status: 503,
      body: 'Temporal failure, try again later.',
    });
    expect((await command(app, '/resume?password=adm')).status).toBe(200);
    await waitFor(
      async () => (await sendsms(app, { username: 'u', password: 'p', to: '4670620001', text: 'yes' })).status === 202,
      3000,
      'accepting again',
    );
    expect((await command(app, '/log-level?level=0&password=adm')).status).toBe(200);
    await waitFor(() => app.config && app.operator.logLevel() === 'debug', 3000, 'debug level');
    // The status password opens the status, not the commands; a wrong one opens nothing.
    expect((await command(app, '/suspend?password=st')).status).toBe(401);
    expect((await command(app, '/status.xml?password=nope')).status).toBe(401);
    expect((await command(app, '/status.xml')).status).toBe(401);
    expect((await command(app, '/stop-smsc?smsc=nope&password=adm')).status).toBe(404);
  });
});
