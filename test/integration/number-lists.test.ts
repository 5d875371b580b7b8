/**
 * White and black lists, the -regex routing keys and unified-prefix (issue 18), end to end: real Redis, the
 * simulator, list files and a list URL. The raw submit_sm bytes show the number and TON the SMSC receives.
 */
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Link } from '../../src/domain/link.js';
import type { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { STATUS } from '../../src/smpp/command-status.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { startSimulator, waitFor } from '../helpers/links.js';
import { readSubmitFrame, type RawSubmit } from '../helpers/pdu-bytes.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;
const dir = mkdtempSync(join(tmpdir(), 'sb-lists-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function link(port: number, keys: Record<string, unknown> = {}, id = 'L'): Link {
  const c = validateConfig(
    {
      links: [
        {
          'smsc-id': id,
          host: '127.0.0.1',
          port,
          'transceiver-mode': true,
          'smsc-username': id,
          'smsc-password': 'pw',
          'reconnect-delay': 0.05,
          'enquire-link-interval': 1,
          ...keys,
        },
      ],
    },
    { file: 'test' },
  );
  return c.links[0]!;
}

function submits(s: SmscSimulator): RawSubmit[] {
  return s.pduLog.filter((p) => p.command === 'submit_sm').map((p) => readSubmitFrame(p.frame));
}

async function gateway(links: Link[], raw: Record<string, unknown>): Promise<App> {
  // The admin port on loopback is open without a password: Kannel's commands go through inject().
  const app = await startGateway(
    testConfig(links, { raw: { admin: { 'admin-port': 0, 'admin-interface': '127.0.0.1' }, ...raw } }),
    env.redis,
    cleanups,
  );
  await waitFor(() => links.every((l) => app.runtimes.get(l.id)?.healthy() === true), 5000, 'links bound');
  return app;
}

const send = (app: App, to: string, extra: Record<string, string> = {}) =>
  sendsms(app, { username: 'u', password: 'p', to, text: 'hi', ...extra });

/** A list served over HTTP whose answer the test changes. */
async function listServer(): Promise<{ url: string; body: string; status: number; close: () => Promise<void> }> {
  const state = { body: '', status: 200 };
  const server: Server = createServer((_req, res) => res.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.body));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const ctl = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/list.txt`,
    get body() {
      return state.body;
    },
    set body(v: string) {
      state.body = v;
    },
    get status() {
      return state.status;
    },
    set status(v: number) {
      state.status = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  cleanups.push(() => ctl.close());
  return ctl;
}

describe('white and black lists', () => {
  it("an account's black-listed receiver is refused with Kannel's text; reload-lists after editing the file takes effect", async () => {
    const s = await startSimulator(cleanups);
    const black = file('black.txt', '# blocked\n+46 70 111 11 11\n');
    const app = await gateway([link(s.port)], { accounts: [{ username: 'u', password: 'p', 'black-list': black }] });
    // 0046701111111 and +46701111111 are the same entry (numhash compares the digits' value)
    expect(await send(app, '0046701111111')).toEqual({ status: 400, body: 'Number(s) has/have been denied by white- and/or black-lists.' });
    expect((await send(app, '46702222222')).status).toBe(202);

    writeFileSync(black, '46702222222\n');
    expect((await send(app, '46702222222')).status).toBe(202);
    const r = await app.operations.reloadLists('test');
    expect(r.ok).toBe(true);
    expect(r.detail).toContain('account u black-list: 1 numbers');
    expect((await send(app, '46702222222')).status).toBe(400);
    expect((await send(app, '46701111111')).status).toBe(202);
    // Kannel's admin command
    const kannel = await app.admin.inject({ method: 'GET', url: '/reload-lists' });
    expect(kannel.statusCode).toBe(200);
    expect(kannel.body).toContain('Black/white lists re-loaded');
  });

  it('a list URL that fails keeps the last good list, and the reload says so', async () => {
    const s = await startSimulator(cleanups);
    const list = await listServer();
    list.body = '46701111111\n';
    const app = await gateway([link(s.port)], {
      http: { 'sendsms-port': 0, 'sendsms-interface': '127.0.0.1', 'global-sender': '1', 'white-list': list.url },
    });
    expect((await send(app, '46701111111')).status).toBe(202);
    expect((await send(app, '46709999999')).status).toBe(400);

    list.status = 500;
    const r = await app.operations.reloadLists('test');
    expect(r.ok).toBe(false);
    expect(r.detail).toContain('could not read http white-list (HTTP 500), keeping 1 numbers');
    expect((await send(app, '46701111111')).status).toBe(202);
    expect((await send(app, '46709999999')).status).toBe(400);
    const kannel = await app.admin.inject({ method: 'GET', url: '/reload-lists' });
    expect(kannel.statusCode).toBe(409);
    expect(kannel.body).toContain('Could not re-load lists');

    list.status = 200;
    list.body = '46709999999\n';
    expect((await app.operations.reloadLists('test')).ok).toBe(true);
    expect((await send(app, '46709999999')).status).toBe(202);
  });

  it('a list that cannot be read at start stops the start, naming it', async () => {
    const s = await startSimulator(cleanups);
    await expect(
      startGateway(
        testConfig([link(s.port)], { raw: { accounts: [{ username: 'u', password: 'p', 'white-list': join(dir, 'missing.txt') }] } }),
        env.redis,
        cleanups,
      ),
    ).rejects.toThrow(/account u white-list .*missing\.txt\): no such file/);
  });

  it("a link's lists and -regex keys take it out of a receiver's route; explain says which key", async () => {
    const a = await startSimulator(cleanups);
    const b = await startSimulator(cleanups);
    const links = [
      link(a.port, { 'black-list': file('a-black.txt', '46701111111\n'), 'preferred-prefix-regex': '^4670' }, 'A'),
      link(b.port, { 'allowed-prefix-regex': '^467[0-9]{8}$', 'denied-smsc-id-regex': '^nob' }, 'B'),
    ];
    const app = await gateway(links, {});
    expect((await send(app, '46701111111')).status).toBe(202);
    expect((await send(app, '46702222222')).status).toBe(202);
    await waitFor(() => submits(a).length + submits(b).length === 2, 5000, 'two submits');
    // black-listed on A: only B may carry it; the other one prefers A (preferred-prefix-regex)
    expect(submits(b).map((m) => m.destAddr)).toEqual(['46701111111']);
    expect(submits(a).map((m) => m.destAddr)).toEqual(['46702222222']);
    // black-listed on A (the same number written with 00), and not of B's form
    expect((await send(app, '0046701111111')).body).toBe('Not routable. Do not try again.');
    const e = await app.operations.explain('u', '46701111111', 'nobody');
    expect(e.links.map((l) => [l.link, l.rule, l.reason])).toEqual([
      ['A', 'black-list', "46701111111 is in the link's black-list"],
      ['B', 'denied-smsc-id-regex', 'denied-smsc-id-regex (^nob) matches "nobody"'],
    ]);
  });
});

describe('unified-prefix', () => {
  it('a link with unified-prefix "+46,0046,0": 0701234567 and 0046701234567 reach the SMSC as 46701234567, TON 1; its rules see the unified number', async () => {
    const s = await startSimulator(cleanups);
    const app = await gateway([link(s.port, { 'unified-prefix': '+46,0046,0', 'allowed-prefix': '+46' })], {});
    expect((await send(app, '0701234567')).status).toBe(202);
    expect((await send(app, '0046701234567')).status).toBe(202);
    // allowed-prefix +46 sees the unified number; a number it does not unify stays outside
    expect((await send(app, '4670123')).body).toBe('Not routable. Do not try again.');
    await waitFor(() => submits(s).length === 2, 5000, 'two submits');
    for (const m of submits(s)) expect(m).toMatchObject({ destAddr: '46701234567', destTon: 1, destNpi: 1 });
  });

  it("the gateway's unified-prefix comes before the account's lists, routing and the stored receiver", async () => {
    const s = await startSimulator(cleanups);
    const black = file('unified-black.txt', '+46701234567\n');
    const app = await gateway([link(s.port, { 'allowed-prefix-regex': '^\\+46' })], {
      numbers: { 'unified-prefix': '+46,0046,0' },
      accounts: [{ username: 'u', password: 'p', 'black-list': black }],
    });
    expect((await send(app, '0701234567')).status).toBe(400);
    expect((await send(app, '0707654321')).status).toBe(202);
    await waitFor(() => submits(s).length === 1, 5000, 'the submit');
    expect(submits(s)[0]).toMatchObject({ destAddr: '46707654321', destTon: 1 });
  });

  it("MO: the sender is unified (the link's, then the gateway's) and the gateway's sender lists refuse with ESME_RX_R_APPN", async () => {
    const s = await startSimulator(cleanups);
    const svc = await listServer();
    const app = await gateway([link(s.port, { 'unified-prefix': '+46,0046,0' })], {
      numbers: { 'black-list-sender': file('mo-black.txt', '46709999999\n') },
      services: [{ keyword: 'default', 'get-url': `${svc.url}?from=%p` }],
    });
    expect(app.mo).toBeDefined();
    const refused = await s.deliver({
      sourceAddr: '0709999999',
      destAddr: '1234',
      esmClass: 0,
      dataCoding: 0,
      shortMessage: Buffer.from('x'),
    });
    expect(refused).toBe(STATUS.ESME_RX_R_APPN);
    const accepted = await s.deliver({
      sourceAddr: '0701111111',
      destAddr: '1234',
      esmClass: 0,
      dataCoding: 0,
      shortMessage: Buffer.from('y'),
    });
    expect(accepted).toBe(STATUS.ESME_ROK);
    expect(app.mo.stats().rejected).toBe(1);
  });
});
