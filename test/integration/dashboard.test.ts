/**
 * The dashboard in headless Chromium against a real gateway (real Redis, SMPP simulators), opened directly on the
 * admin port and through nginx at /sms-gateway/: a killed SMSC shows as a link down within 2 s and back up, a
 * stopped link's route queue grows, a failed message is retried from the page and delivered, the page recovers
 * from a gateway restart, SMPP client sessions are listed and one is disconnected from the page, and the login rules hold (no data without the password or with a wrong one, no actions
 * with the status password). Any console error, failed request or HTTP error the test did not expect fails it, and
 * every JSON reply the page read must fit the schema the gateway and the CLI share (src/domain/admin-views.ts);
 * screenshots go to test-artifacts/dashboard/.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { Browser, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Link } from '../../src/domain/link.js';
import { parsePersona } from '../../src/simulator/persona.js';
import { SmscSimulator } from '../../src/simulator/smsc-simulator.js';
import { adminReplySchema } from '../helpers/admin-replies.js';
import { launchChromium, watchedPage, type WatchedPage } from '../helpers/browser.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { TestEsme } from '../helpers/esme.js';
import { testLink, waitFor } from '../helpers/links.js';
import { freePort } from '../helpers/child-gateway.js';
import { startNginx, type Nginx } from '../helpers/nginx.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

const ADMIN_PASSWORD = 'adm-s3cret';
const STATUS_PASSWORD = 'peek';

let browser: Browser;
let adminPort: number;
let proxy: Nginx;

beforeAll(async () => {
  browser = await launchChromium();
  // One admin port for the whole file (one gateway at a time), so nginx's upstream stays put across tests.
  adminPort = await freePort();
  proxy = await startNginx({ prefix: '/sms-gateway', upstreamPort: adminPort });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
});

async function simulator(persona = 'happy', port = 0): Promise<SmscSimulator> {
  const s = new SmscSimulator({ port, persona: parsePersona(persona) });
  await s.start();
  cleanups.push(() => s.kill());
  return s;
}

/** `smpp`: with an smpp-server section (client ESMEs bind on a port of its own choosing). */
async function gateway(links: Link[], adminPassword = ADMIN_PASSWORD, smpp = false): Promise<App> {
  const config = testConfig(links, {
    raw: {
      admin: {
        'admin-port': adminPort,
        'admin-interface': '127.0.0.1',
        'admin-password': adminPassword,
        'status-password': STATUS_PASSWORD,
      },
      ...(smpp ? { 'smpp-server': { port: 0, interface: '127.0.0.1' } } : {}),
    },
  });
  const app = await startGateway(config, env.redis, cleanups);
  return app;
}

/** A JSON reply of the admin API the page read, and where its shape differs from its schema (undefined: it fits). */
interface ReadReply {
  readonly what: string;
  readonly mismatch: string | undefined;
}

/** The page's successful admin API replies, each checked against its schema as it comes. */
const readReplies = new WeakMap<WatchedPage, Promise<ReadReply | undefined>[]>();

function checkReplies(w: WatchedPage): void {
  const replies: Promise<ReadReply | undefined>[] = [];
  readReplies.set(w, replies);
  w.page.on('response', (r: Response) => {
    const schema = adminReplySchema(r.request().method(), r.url());
    if (!schema || r.status() < 200 || r.status() > 299) return;
    const what = `${r.request().method()} ${r.url()}`;
    replies.push(
      r.json().then(
        (body: unknown) => {
          const first = Value.Errors(schema, body).First();
          return { what, mismatch: first && `${first.path || '/'}: ${first.message}` };
        },
        // A body cut off by a restart or the page's close cannot be read: nothing to check.
        () => undefined,
      ),
    );
  });
}

const routeKeyOf = (app: App, link: string): string | undefined => app.directory.routes().find((r) => r.preferred.includes(link))?.key;

describe.each([
  ['direct', (): string => `http://127.0.0.1:${adminPort}/`],
  ['nginx', (): string => proxy.url],
])('dashboard (%s)', (mode, base) => {
  /** A watched page on the dashboard, logged in with this password (none: left at the login). */
  async function open(password: string | undefined = ADMIN_PASSWORD): Promise<WatchedPage> {
    const w = await watchedPage(browser);
    cleanups.push(() => w.close());
    checkReplies(w);
    // The page first asks what it may do without a password; with passwords set, that is refused (401).
    const firstQuestion = w.expect(/HTTP 401: GET .*api\/v1\/access|status of 401/);
    await w.page.goto(base());
    await w.page.locator('#login').waitFor({ state: 'visible' });
    firstQuestion();
    if (password !== undefined) {
      await login(w, password);
      await w.page.locator('#app').waitFor({ state: 'visible' });
    }
    return w;
  }

  async function login(w: WatchedPage, password: string): Promise<void> {
    await w.page.fill('#password', password);
    await w.page.click('#login button[type=submit]');
  }

  async function confirm(w: WatchedPage): Promise<void> {
    await w.page.locator('#confirm').waitFor({ state: 'visible' });
    await w.page.click('#confirm-ok');
  }

  /**
   * Nothing went wrong that the test did not expect, every request stayed under the page's prefix, and every reply
   * the page read (status, links, routes, peeks, messages, actions) fit its schema.
   */
  async function clean(w: WatchedPage): Promise<void> {
    expect(w.problems).toEqual([]);
    expect(w.requests.filter((u) => !u.startsWith(base()))).toEqual([]);
    const read = (await Promise.all(readReplies.get(w) ?? [])).filter((r) => r !== undefined);
    if (readReplies.has(w)) expect(read.some((r) => r.what.includes('/api/v1/status'))).toBe(true);
    expect(read.filter((r) => r.mismatch !== undefined)).toEqual([]);
  }

  it('shows a link going down within 2 s of its SMSC being killed, and coming back', async () => {
    const first = await simulator();
    const port = first.port;
    await gateway([testLink(port, { id: 'alpha' })]);
    const w = await open();
    const card = w.page.locator('[data-link="alpha"]');
    await card.and(w.page.locator('[data-health="up"]')).waitFor({ timeout: 5000 });
    await expect(card.locator('.state').first().textContent()).resolves.toBe('bound');
    // No smpp-server section: no SMPP panel, and the page never asks for one.
    await expect(w.page.locator('#smpp').isHidden()).resolves.toBe(true);
    expect(w.requests.filter((u) => u.includes('smpp-sessions'))).toEqual([]);
    await w.screenshot(`${mode}-link-up`);

    // The page polls while the gateway reconnects: nothing fails on the page itself.
    const killedAt = Date.now();
    await first.kill();
    await card.and(w.page.locator('[data-health="down"]')).waitFor({ timeout: 2000 });
    expect(Date.now() - killedAt).toBeLessThan(2000);
    await w.screenshot(`${mode}-link-down`);

    await simulator('happy', port);
    await card.and(w.page.locator('[data-health="up"]')).waitFor({ timeout: 5000 });
    await clean(w);
  });

  it('shows a route queue growing while its link is stopped from the page, and draining once started', async () => {
    const s = await simulator();
    const app = await gateway([testLink(s.port, { id: 'beta' })]);
    const w = await open();
    const card = w.page.locator('[data-link="beta"]');
    await card.and(w.page.locator('[data-health="up"]')).waitFor({ timeout: 5000 });

    await card.locator('button[data-action="link-stop"]').click();
    await confirm(w);
    await w.page.locator('#result[data-ok="true"]').waitFor();
    await card.and(w.page.locator('[data-health="stopped"]')).waitFor({ timeout: 5000 });

    const send = async (from: number, n: number): Promise<void> => {
      for (let i = 0; i < n; i++)
        expect((await sendsms(app, { username: 'u', password: 'p', to: String(4670600000 + from + i), text: 'wait' })).status).toBe(202);
    };
    await send(0, 2);
    const key = routeKeyOf(app, 'beta')!;
    const queued = w.page.locator(`tr[data-route="${key}"] td.queued`);
    await expect.poll(() => queued.textContent(), { timeout: 5000 }).toBe('2');
    await send(2, 3);
    await expect.poll(() => queued.textContent(), { timeout: 5000 }).toBe('5');
    expect(s.received).toHaveLength(0);
    await w.screenshot(`${mode}-queue-grows`);

    await card.locator('button[data-action="link-start"]').click();
    await confirm(w);
    await expect.poll(() => queued.textContent(), { timeout: 5000 }).toBe('0');
    await waitFor(() => s.received.length === 5, 5000, 'the five delivered after start');
    await clean(w);
  });

  it('lists SMPP client sessions with what waits per account, and disconnects one from the page', async () => {
    const s = await simulator();
    const app = await gateway([testLink(s.port, { id: 'smpp' })], ADMIN_PASSWORD, true);
    const bind = async (kind: 'transceiver' | 'receiver'): Promise<TestEsme> => {
      const r = await TestEsme.bind(app.smppServer!.ports.plain, kind, 'u', 'p');
      cleanups.push(async () => r.esme.close());
      expect(r.status).toBe(0);
      return r.esme;
    };
    const trx = await bind('transceiver');
    const rx = await bind('receiver');
    const ids = (await app.smppSessions!.sessions()).map((x) => [x.kind, x.id] as const);
    const rxId = ids.find(([k]) => k === 'receiver')![1];
    const trxId = ids.find(([k]) => k === 'transceiver')![1];

    const w = await open();
    await w.page.locator('#smpp').waitFor({ state: 'visible' });
    const row = (id: string) => w.page.locator(`#smpp-rows tr[data-session="${id}"]`);
    await row(rxId).waitFor({ timeout: 5000 });
    await expect(row(trxId).locator('td').allTextContents()).resolves.toEqual([
      'u',
      'transceiver',
      expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^\d+ s$/),
      '0/10',
      '0',
      '0',
      '0',
      expect.any(String),
      'Disconnect',
    ]);
    await expect(w.page.locator('#smpp-waiting-rows tr[data-account="u"] td').allTextContents()).resolves.toEqual(['u', '2', '0']);
    await w.screenshot(`${mode}-smpp-sessions`);

    // The read-only view lists the sessions with no Disconnect button.
    const reader = await open(STATUS_PASSWORD);
    await reader.page.locator(`#smpp-rows tr[data-session="${rxId}"]`).waitFor({ timeout: 5000 });
    await expect(reader.page.locator('button[data-action="smpp-disconnect"]').count()).resolves.toBe(0);
    await clean(reader);

    await row(rxId).locator('button[data-action="smpp-disconnect"]').click();
    await confirm(w);
    await w.page.locator('#result[data-ok="true"]').waitFor();
    await expect(w.page.locator('#result').textContent()).resolves.toBe(`✓ asked to unbind session ${rxId} (1 session bound)`);
    await waitFor(() => rx.conn.closed, 5000, 'the receiver unbound');
    expect(rx.otherRequests).toContain('unbind');
    await row(rxId).waitFor({ state: 'detached', timeout: 5000 });
    await expect(w.page.locator('#smpp-waiting-rows tr[data-account="u"] td').nth(1).textContent()).resolves.toBe('1');
    expect(trx.conn.closed).toBe(false);
    await clean(w);
  });

  it('retries a failed message from the page and shows it delivered; message text is shown as text', async () => {
    const s = await simulator('reject:0x45');
    const app = await gateway([testLink(s.port, { id: 'gamma' })]);
    await waitFor(() => app.cluster.linkHealthy('gamma'), 5000, 'bound');
    const hostile = '<img src=x onerror="window.__xss=1">';
    expect((await sendsms(app, { username: 'u', password: 'p', to: '46706100001', text: hostile, 'dlr-mask': '1' })).status).toBe(202);
    const w = await open();
    const key = await (async () => {
      await waitFor(() => routeKeyOf(app, 'gamma') !== undefined, 5000, 'the route');
      return routeKeyOf(app, 'gamma')!;
    })();
    const row = w.page.locator(`tr[data-route="${key}"]`);
    await expect.poll(() => row.locator('td.failed').textContent(), { timeout: 5000 }).toBe('1');
    s.setPersona(parsePersona('happy'));

    await row.locator('button[data-action="peek-failed"]').click();
    const message = w.page.locator('#peek tr[data-message]');
    await message.waitFor();
    await expect(message.locator('td.text').textContent()).resolves.toBe(hostile);
    await expect(message.locator('td.reason').textContent()).resolves.toContain('0x45');
    const id = (await message.getAttribute('data-message'))!;
    await message.locator('button[data-action="lookup"]').click();
    await expect.poll(() => w.page.locator('#message .message-status').textContent(), { timeout: 5000 }).toBe('failed');

    await message.locator('input[type=checkbox]').check();
    await w.page.click('#peek button[data-action="retry-selected"]');
    await confirm(w);
    await w.page.locator('#result[data-ok="true"]').waitFor();
    await expect(w.page.locator('#result').textContent()).resolves.toContain('1');
    await expect.poll(() => w.page.locator('#message .message-status').textContent(), { timeout: 8000 }).toBe('delivered');
    await expect.poll(() => row.locator('td.failed').textContent(), { timeout: 5000 }).toBe('0');
    expect(s.received.filter((m) => m.status === 0).map((m) => m.destAddr)).toEqual(['46706100001']);
    await expect(w.page.locator('#message table.history').textContent()).resolves.toContain('delivered');
    await expect(w.page.locator('#lookup-id').inputValue()).resolves.toBe(id);
    expect(await w.page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    const shot = await w.screenshot(`${mode}-retried`);
    // `DASHBOARD_SCREENSHOT=docs/dashboard.png npx vitest run test/integration/dashboard.test.ts` refreshes the README's picture.
    if (process.env.DASHBOARD_SCREENSHOT && mode === 'direct') {
      mkdirSync(dirname(process.env.DASHBOARD_SCREENSHOT), { recursive: true });
      copyFileSync(shot, process.env.DASHBOARD_SCREENSHOT);
    }
    await clean(w);
  });

  it('recovers by itself when the gateway restarts; a login the new gateway refuses clears the page', async () => {
    const s = await simulator();
    const links = [testLink(s.port, { id: 'delta' })];
    const app = await gateway(links);
    const w = await open();
    const card = w.page.locator('[data-link="delta"]');
    await card.and(w.page.locator('[data-health="up"]')).waitFor({ timeout: 5000 });

    // While it is away the page's polls fail (refused directly, 502 from nginx): expected, and shown as such.
    const away = w.expect(/ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|status of 502|HTTP 502|net::ERR/);
    await app.stop();
    await w.page.locator('#conn[data-state="away"]').waitFor({ timeout: 5000 });
    await w.screenshot(`${mode}-restarting`);
    const second = await gateway(links);
    await w.page.locator('#conn[data-state="live"]').waitFor({ timeout: 5000 });
    await card.and(w.page.locator('[data-health="up"]')).waitFor({ timeout: 5000 });
    away();
    await clean(w);

    // Restarted with another admin password: the saved login is refused, and nothing of the old data stays.
    const refusedAgain = w.expect(/ERR_CONNECTION_REFUSED|status of 502|HTTP 502|net::ERR|status of 401|HTTP 401/);
    await second.stop();
    await gateway(links, 'another-password');
    await w.page.locator('#login').waitFor({ state: 'visible', timeout: 6000 });
    await expect(w.page.locator('#login-error').textContent()).resolves.toMatch(/refused|expired/);
    await expect(w.page.locator('[data-link]').count()).resolves.toBe(0);
    await expect(w.page.locator('#app').isHidden()).resolves.toBe(true);
    refusedAgain();
    await clean(w);
  });

  it('asks for the password first: the API refuses without it, a wrong one shows no data', async () => {
    const s = await simulator();
    await gateway([testLink(s.port, { id: 'epsilon' })]);
    const w = await watchedPage(browser);
    cleanups.push(() => w.close());
    // The page's first question (what may I do?) is refused without a password, as is every API call.
    const refusals = w.expect(/status of 401|HTTP 401: GET .*api\/v1\/access/);
    await w.page.goto(base());
    await w.page.locator('#login').waitFor({ state: 'visible' });
    await expect(w.page.locator('#app').isHidden()).resolves.toBe(true);
    const noAuth = await fetch(`${base()}api/v1/status`);
    expect(noAuth.status).toBe(401);
    expect(((await noAuth.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

    await login(w, 'wrong');
    await expect.poll(() => w.page.locator('#login-error').textContent()).toBe('Wrong password.');
    await expect(w.page.locator('[data-link]').count()).resolves.toBe(0);
    await expect(w.page.locator('#app').isHidden()).resolves.toBe(true);
    await w.screenshot(`${mode}-wrong-password`);
    refusals();

    await login(w, ADMIN_PASSWORD);
    await w.page.locator('article[data-link="epsilon"]').waitFor();
    await expect(w.page.locator('#who').textContent()).resolves.toBe('admin');
    await clean(w);
  });

  it('gives the status password a read-only view: no action is offered, and one forced is refused; link names are text', async () => {
    const s = await simulator();
    // A link whose name is markup, pointing at a port nothing listens on.
    const hostile = '<img src=x onerror="window.__xss=2">';
    const app = await gateway([testLink(s.port, { id: 'zeta' }), testLink(await freePort(), { id: hostile, smscId: 'h' })]);
    expect((await sendsms(app, { username: 'u', password: 'p', to: '46706200001', text: 'x' })).status).toBe(202);
    const w = await open(STATUS_PASSWORD);
    const card = w.page.locator('[data-link="zeta"]');
    await card.and(w.page.locator('[data-health="up"]')).waitFor({ timeout: 5000 });
    await expect(w.page.locator('#who').textContent()).resolves.toBe('read-only');
    await w.page.locator('tr[data-route]').first().waitFor();
    await expect(w.page.locator('button[data-action^="link-"], button[data-action^="route-"]').count()).resolves.toBe(0);
    await expect(w.page.locator('article.link h3').allTextContents()).resolves.toEqual(['zeta', hostile]);
    expect(await w.page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    // Reading is allowed: a route's queue can be looked at, without retry or remove.
    await w.page.locator('tr[data-route] button[data-action="peek-failed"]').first().click();
    await w.page.locator('#peek').waitFor();
    await expect(
      w.page.locator('#peek button[data-action^="retry"], #peek button[data-action^="remove"], #peek input[type=checkbox]').count(),
    ).resolves.toBe(0);
    await w.screenshot(`${mode}-read-only`);

    const forced = w.expect(/status of 401|HTTP 401: POST .*api\/v1\/links\/zeta\/stop/);
    const status = await w.page.evaluate(
      async (auth) =>
        (await fetch('api/v1/links/zeta/stop', { method: 'POST', credentials: 'omit', headers: { authorization: `Basic ${auth}` } }))
          .status,
      Buffer.from(`x:${STATUS_PASSWORD}`).toString('base64'),
    );
    expect(status).toBe(401);
    forced();
    expect(app.operator.linkState('zeta')).toBe('running');
    await clean(w);
  });

  it('serves the API documentation from the bundled Swagger UI and the OpenAPI document', async () => {
    await gateway([]);
    const w = await watchedPage(browser);
    cleanups.push(() => w.close());
    await w.page.goto(`${base()}docs`);
    await w.page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 10_000 });
    expect(await w.page.locator('.swagger-ui .opblock').count()).toBeGreaterThan(20);
    const doc = (await (await fetch(`${base()}openapi.json`)).json()) as { servers: { url: string }[] };
    expect(doc.servers[0]!.url).toBe(mode === 'nginx' ? '/sms-gateway' : '/');
    await w.screenshot(`${mode}-docs`);
    await clean(w);
  });
});
