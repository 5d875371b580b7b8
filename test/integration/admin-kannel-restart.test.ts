/**
 * Kannel's restart, graceful-restart, flush-dlr and remove-message on the admin port, and `queue remove` of waiting
 * messages (issue 18): real Redis, the simulator, a callback receiver; restart against a real `switchboard start`
 * of two processes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { freePort, linksPidOf, startChildGateway, writeConfig } from '../helpers/child-gateway.js';
import { startReceiver } from '../helpers/http-receiver.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;
const dir = mkdtempSync(join(tmpdir(), 'sb-restart-'));

const ADMIN = { admin: { 'admin-port': 0, 'admin-interface': '127.0.0.1' } };

async function kannel(app: App, command: string): Promise<{ status: number; body: string }> {
  const r = await app.admin.inject({ method: 'GET', url: `/${command}` });
  return { status: r.statusCode, body: r.body.trim() };
}

describe('flush-dlr', () => {
  it('only while suspended; then every awaited receipt is reported failed (unknown) and its correlation dropped', async () => {
    const s = await startSimulator(cleanups, { receipts: 'none' });
    const dlr = await startReceiver();
    cleanups.push(() => dlr.close());
    const app = await startGateway(testConfig([testLink(s.port, { id: 'L' })], { raw: ADMIN }), env.redis, cleanups);
    await waitFor(() => app.runtimes.get('L')!.healthy(), 5000, 'bound');
    const url = `http://127.0.0.1:${dlr.port}/dlr?type=%d&id=%F`;
    expect(
      (await sendsms(app, { username: 'u', password: 'p', to: '46701234567', text: 'x', 'dlr-mask': '3', 'dlr-url': url })).status,
    ).toBe(202);
    await waitFor(() => s.received.length === 1, 5000, 'the submit');
    await new Promise((r) => setTimeout(r, 300));
    expect(await kannel(app, 'flush-dlr')).toEqual({ status: 409, body: 'Suspend Switchboard before trying to flush DLR queue' });
    expect((await kannel(app, 'suspend')).status).toBe(200);
    expect(await kannel(app, 'flush-dlr')).toEqual({ status: 200, body: 'DLR queue flushed' });
    await waitFor(() => dlr.requests.length === 1, 5000, 'the failure report');
    expect(dlr.requests[0]!.query.get('type')).toBe('2');
    // The correlation is gone: a late receipt for it matches nothing.
    const keys = await env.redis.client().keys(`${app.config.redis.keyPrefix}:c:*`);
    expect(keys).toEqual([]);
  });
});

describe('remove-message and queue remove of waiting messages', () => {
  it('removes a queued message by id, with its report; an unknown id is 404', async () => {
    const s = await startSimulator(cleanups);
    const port = s.port;
    await s.kill();
    const dlr = await startReceiver();
    cleanups.push(() => dlr.close());
    const app = await startGateway(testConfig([testLink(port, { id: 'L' })], { raw: ADMIN }), env.redis, cleanups);
    const url = `http://127.0.0.1:${dlr.port}/dlr?type=%d&text=%A`;
    const accept = async (to: string): Promise<string> => {
      const r = await app.http.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, 'content-type': 'application/json' },
        payload: { to, text: 'waiting', dlrMask: 31, dlrUrl: url },
      });
      return (r.json() as { messages: { id: string }[] }).messages[0]!.id;
    };
    const a = await accept('46701111111');
    const b = await accept('46702222222');
    const c = await accept('46703333333');
    expect(await kannel(app, `remove-message?id=${a}`)).toEqual({ status: 200, body: `Message id \`${a}' removed` });
    expect(await kannel(app, 'remove-message?id=nope')).toEqual({ status: 404, body: "Could not remove message id `nope'" });
    expect(await kannel(app, 'remove-message')).toEqual({ status: 400, body: 'Message id not given' });
    await waitFor(() => dlr.requests.length === 1, 5000, 'the report of the removed message');
    expect(dlr.requests[0]!.query.get('type')).toBe('16');
    expect((await app.operations.routes())[0]?.counts.queued).toBe(2);

    // queue remove with ids removes waiting messages too
    const route = (await app.operations.routes())[0]!.key;
    const r = await app.operations.failedAction(route, 'remove', [b], 'test');
    expect(r).toMatchObject({ ok: true, removed: 1 });
    expect(r.detail).toContain('0 failed and 1 waiting message(s) removed');
    expect((await app.operations.routes())[0]?.counts.queued).toBe(1);

    // the one left is still delivered once the SMSC is back
    const back = await startSimulator(cleanups, { port });
    await waitFor(() => back.received.length === 1, 10_000, 'the remaining message');
    expect(back.received[0]?.destAddr).toBe('46703333333');
    expect((await app.operations.links())[0]).toBeDefined();
    const view = await app.operations.routes();
    expect(view[0]?.counts.queued).toBe(0);
    void c;
  });
});

describe('restart and graceful-restart', () => {
  it('restart stops and starts the gateway in place: same process, a new links process, queued messages kept', async () => {
    const s = await startSimulator(cleanups);
    const httpPort = await freePort();
    const adminPort = await freePort();
    const config = writeConfig(dir, 'restart.yaml', {
      http: { 'sendsms-port': httpPort, 'sendsms-interface': '127.0.0.1', 'global-sender': '12345' },
      admin: { 'admin-port': adminPort, 'admin-interface': '127.0.0.1' },
      log: { level: 'info' },
      redis: { 'key-prefix': 'restart' },
      links: [
        {
          'smsc-id': 'sim',
          host: '127.0.0.1',
          port: s.port,
          'transceiver-mode': true,
          'smsc-username': 'u',
          'smsc-password': 'p',
          'reconnect-delay': 0.1,
        },
      ],
      accounts: [{ username: 'u', password: 'p' }],
    });
    const gw = await startChildGateway(config, env.redis.server.socketPath, httpPort, 20_000, ['--processes', '2']);
    cleanups.push(() => gw.crash());
    await waitFor(() => s.boundSessions().length === 1, 10_000, 'bound');
    const linksBefore = linksPidOf(gw.proc.pid!);
    const restart = await fetch(`http://127.0.0.1:${adminPort}/restart`);
    expect(restart.status).toBe(200);
    expect((await restart.text()).trim()).toBe('Restarting.....');
    await waitFor(() => gw.output().includes('restart: the gateway runs again'), 20_000, 'the restart');
    expect(gw.proc.exitCode).toBeNull();
    await waitFor(() => linksPidOf(gw.proc.pid!) !== undefined && linksPidOf(gw.proc.pid!) !== linksBefore, 10_000, 'a new links process');
    await waitFor(() => s.boundSessions().length === 1 && s.counters.binds >= 2, 10_000, 'bound again');
    const sent = await fetch(`http://127.0.0.1:${httpPort}/cgi-bin/sendsms?username=u&password=p&to=46701234567&text=after`);
    expect(sent.status).toBe(202);
    await waitFor(() => s.received.some((m) => m.destAddr === '46701234567'), 10_000, 'a message after the restart');

    const graceful = await fetch(`http://127.0.0.1:${adminPort}/graceful-restart`);
    expect(graceful.status).toBe(200);
    expect((await graceful.text()).trim()).toBe('Restarting gracefully.....');
  });
});
