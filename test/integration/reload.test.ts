/**
 * Live reload from the admin API, with two gateway processes on one Redis: one link added, one removed, one
 * changed and one kept. The kept link's SMSC sees no rebind; the removed one's bind closes; the added one binds
 * and carries traffic; the other process follows. A broken file changes nothing and answers with its problems.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { createLogger } from '../../src/observability/logger.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { freePort, startChildGateway } from '../helpers/child-gateway.js';
import { sendsms } from '../helpers/gateway.js';
import { waitFor, startSimulator } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;
/** Messages sent with smsc=added can go only to the link of that id. */
const DENY_ADDED = ', denied-smsc-id: added';
const ADMIN = `Basic ${Buffer.from('admin:s3cret').toString('base64')}`;

const sim = (): Promise<SmscSimulator> => startSimulator(cleanups);

function link(id: string, port: number, extra = ''): string {
  return `  - { smsc-id: ${id}, host: 127.0.0.1, port: ${port}, transceiver-mode: true, smsc-username: test, smsc-password: pw, reconnect-delay: 0.05${extra} }`;
}

function file(links: string[], accounts = '  - { username: u, password: p }'): string {
  return [
    'http: { sendsms-port: 0, sendsms-interface: 127.0.0.1, global-sender: "12345" }',
    'admin: { admin-port: 0, admin-password: s3cret }',
    'redis: { key-prefix: reload }',
    'cluster: { lease-ttl: 1, refresh-interval: 0.1 }',
    'links:',
    ...links,
    'accounts:',
    accounts,
    '',
  ].join('\n');
}

async function reload(app: App): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await app.admin.inject({
    method: 'POST',
    url: '/api/v1/reload',
    headers: { authorization: ADMIN, 'content-type': 'application/json' },
    payload: '{}',
  });
  return { status: res.statusCode, json: res.json() as Record<string, unknown> };
}

describe('configuration reload', () => {
  it('adds, removes and rebinds links in every process while a kept link keeps its bind; a broken file changes nothing', async () => {
    const [kept, gone, changed, added] = await Promise.all([sim(), sim(), sim(), sim()]);
    const dir = mkdtempSync(join(tmpdir(), 'sb-reload-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'switchboard.yaml');
    writeFileSync(
      path,
      file([link('kept', kept.port, DENY_ADDED), link('gone', gone.port, DENY_ADDED), link('changed', changed.port, DENY_ADDED)]),
    );
    const start = async (): Promise<App> => {
      const app = new App({
        config: loadConfigFile(path).config,
        redis: env.redis.target,
        logger: createLogger(process.env.TEST_LOG ? 'debug' : 'silent'),
        drainMs: 500,
        reloadConfig: () => loadConfigFile(path).config,
      });
      cleanups.push(() => app.stop());
      await app.start();
      return app;
    };
    const a = await start();
    const b = await start();
    await waitFor(() => [kept, gone, changed].every((s) => s.boundSessions().length === 1), 5000, 'three links bound');
    expect(kept.counters.binds).toBe(1);

    writeFileSync(
      path,
      file(
        [link('kept', kept.port, DENY_ADDED), link('changed', changed.port, `${DENY_ADDED}, system-type: new`), link('added', added.port)],
        '  - { username: u, password: p }\n  - { username: v, password: q }',
      ),
    );
    const r = await reload(a);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ action: 'reload', ok: true });
    expect(r.json.detail).toBe('added added; removed gone; rebinding changed; kept kept; accounts replaced');

    await waitFor(() => added.boundSessions().length === 1 && gone.boundSessions().length === 0, 5000, 'added bound, removed unbound');
    await waitFor(() => changed.counters.binds === 2 && changed.boundSessions().length === 1, 5000, 'changed link bound again');
    await waitFor(() => b.config.links.map((l) => l.id).join() === 'kept,changed,added', 5000, 'the other process reloaded too');
    expect(kept.counters.binds).toBe(1);
    expect(kept.boundSessions()).toHaveLength(1);

    // The new account logs in on either process, and the added link carries its traffic.
    for (const [app, i] of [
      [a, 1],
      [b, 2],
    ] as const) {
      const res = await sendsms(app, { username: 'v', password: 'q', to: `467071000${i}`, text: 'new', smsc: 'added' });
      expect(res.status).toBe(202);
    }
    await waitFor(() => added.received.length === 2, 5000, 'delivered on the added link');
    expect(gone.received).toHaveLength(0);

    // A broken file: refused with the file, the key and what was expected; nothing changes.
    writeFileSync(path, file([link('kept', kept.port, `${DENY_ADDED}, throughput: lots`)]));
    const bad = await reload(a);
    expect(bad.status).toBe(400);
    const error = bad.json.error as { code: string; problems: { file: string; line: number; key: string; message: string }[] };
    expect(error.code).toBe('invalid_config');
    expect(error.problems).toEqual([{ file: path, line: 6, key: 'links[0].throughput', message: expect.stringMatching(/number/) }]);
    expect(a.config.links.map((l) => l.id)).toEqual(['kept', 'changed', 'added']);
    expect((await sendsms(a, { username: 'v', password: 'q', to: '4670710003', text: 'still', smsc: 'added' })).status).toBe(202);
    await waitFor(() => added.received.length === 3, 5000, 'still delivering after the refused reload');
    expect(kept.counters.binds).toBe(1);
  });

  it('SIGHUP to a running gateway (HTTP process and links process) binds a link added to its file', async () => {
    const [first, second] = await Promise.all([sim(), sim()]);
    const dir = mkdtempSync(join(tmpdir(), 'sb-reload-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'switchboard.yaml');
    const port = await freePort();
    const text = (links: string[]): string =>
      file(links).replace('sendsms-port: 0', `sendsms-port: ${port}`).replace('key-prefix: reload', 'key-prefix: sighup');
    writeFileSync(path, text([link('first', first.port)]));
    const gw = await startChildGateway(path, env.redis.target.path, port);
    cleanups.push(() => gw.crash());
    await waitFor(() => first.boundSessions().length === 1, 10_000, 'first link bound');
    writeFileSync(path, text([link('first', first.port), link('second', second.port)]));
    process.kill(gw.proc.pid ?? 0, 'SIGHUP');
    await waitFor(() => second.boundSessions().length === 1, 10_000, 'the added link bound after SIGHUP');
    expect(first.counters.binds).toBe(1);
    await waitFor(() => gw.output().includes('configuration reloaded: added second; kept first'), 5000, 'the reload logged');
  });
});
