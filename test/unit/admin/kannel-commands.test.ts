/**
 * Kannel's commands on the admin port through fastify's inject(), with a fake AdminBackend: a plain object that
 * stands for the gateway and records what it was asked (the real gateway is wired, and tested end to end, by the
 * admin server). Checks names, parameters, replies, statuses, forms, the password rules and the log.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { adminAccess } from '../../../src/admin/admin-access.js';
import {
  UnknownError,
  type ActionResult,
  type AdminBackend,
  type GatewayStatus,
  type LinkView,
  type PeekPage,
  type RouteView,
} from '../../../src/domain/admin-views.js';
import { AVALANCHE, registerKannelCommands } from '../../../src/admin/kannel-commands.js';
import { PasswordVerifier } from '../../../src/security/password-verifier.js';
import { makeLink } from '../domain-builders.js';
import { makeBind, makeLinkView, makeMessage, makeRoute, makeStatus, NOW } from './admin-fixtures.js';

class FakeBackend implements AdminBackend {
  readonly calls: unknown[][] = [];
  state = 'running';
  links_: LinkView[] = [
    makeLinkView('a', { binds: [makeBind('a/tx1')] }),
    makeLinkView('b1', { smscId: 'bee', binds: [] }),
    makeLinkView('b2', { smscId: 'bee', binds: [] }),
  ];
  routes_: RouteView[] = [makeRoute('r1', { queued: 2, preferred: ['a'], drainingLinks: ['a'] }), makeRoute('r2')];
  /** Set to make every action answer ok: false with this detail. */
  decline: string | undefined;
  /** Set to make every call throw it. */
  failWith: unknown;

  private record(...call: unknown[]): void {
    this.calls.push(call);
    if (this.failWith !== undefined) throw this.failWith;
  }

  private result(action: string): ActionResult {
    return this.decline !== undefined ? { action, ok: false, detail: this.decline } : { action, ok: true, detail: `${action} done` };
  }

  async status(): Promise<GatewayStatus> {
    this.record('status');
    return makeStatus({ state: this.state, links: this.links_, routes: this.routes_ });
  }
  async links(): Promise<LinkView[]> {
    this.record('links');
    return this.links_;
  }
  async routes(): Promise<RouteView[]> {
    this.record('routes');
    return this.routes_;
  }
  async accounts(): Promise<never[]> {
    return [];
  }
  async peek(route: string, state: 'queued' | 'failed', limit: number, cursor: string | undefined): Promise<PeekPage> {
    this.record('peek', route, state, limit, cursor);
    return { messages: [makeMessage(`${route}-m1`)] };
  }
  async linkAction(link: string, action: 'stop' | 'start' | 'drain', who: string): Promise<ActionResult> {
    this.record('linkAction', link, action, who);
    return this.result(action);
  }
  async routeAction(): Promise<ActionResult> {
    throw new Error('not used by Kannel commands');
  }
  async failedAction(): Promise<ActionResult> {
    throw new Error('not used by Kannel commands');
  }
  async move(): Promise<ActionResult> {
    throw new Error('not used by Kannel commands');
  }
  async reload(): Promise<ActionResult> {
    throw new Error('not used by Kannel commands');
  }
  async setGatewayState(state: 'running' | 'suspended' | 'isolated', who: string): Promise<ActionResult> {
    this.record('setGatewayState', state, who);
    return this.result(state);
  }
  async shutdown(who: string): Promise<ActionResult> {
    this.record('shutdown', who);
    return this.result('shutdown');
  }
  async setLogLevel(level: 0 | 1 | 2 | 3 | 4, who: string): Promise<ActionResult> {
    this.record('setLogLevel', level, who);
    return this.result('log-level');
  }
  async addLink(link: string, who: string): Promise<ActionResult> {
    this.record('addLink', link, who);
    return this.result('add');
  }
  async removeLink(link: string, who: string): Promise<ActionResult> {
    this.record('removeLink', link, who);
    return this.result('remove');
  }
  async reloadLists(who: string): Promise<ActionResult> {
    this.record('reloadLists', who);
    return this.result('reload lists');
  }
  async restart(who: string, graceful: boolean): Promise<ActionResult> {
    this.record('restart', who, graceful);
    return this.result('restart');
  }
  async flushDlr(who: string): Promise<ActionResult> {
    this.record('flushDlr', who);
    return this.result('flush-dlr');
  }
  async removeMessage(id: string, who: string): Promise<ActionResult> {
    this.record('removeMessage', id, who);
    return this.result('remove message');
  }

  /** The calls that change something (reads filtered out). */
  get actions(): unknown[][] {
    return this.calls.filter((c) => !['status', 'links', 'routes', 'peek'].includes(c[0] as string));
  }
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function build(opts: { adminPassword?: string; statusPassword?: string; denyIp?: string[]; interfaceHost?: string } = {}) {
  const backend = new FakeBackend();
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  // As the admin server runs: fastify's own request lines would log the URL, password= included.
  const app = Fastify({
    loggerInstance: pino({ level: 'info' }, sink) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  apps.push(app);
  const access = adminAccess({
    adminPassword: 'adminPassword' in opts ? opts.adminPassword : 'adm',
    statusPassword: 'statusPassword' in opts ? opts.statusPassword : 'st',
    allowIp: [],
    denyIp: opts.denyIp ?? [],
    interfaceHost: opts.interfaceHost ?? '0.0.0.0',
    verifier: new PasswordVerifier(),
  });
  registerKannelCommands(app, {
    backend,
    access,
    now: () => NOW,
    smscIdentities: () => [makeLink('a', { systemId: 'u1', systemType: 'VMA' })],
    storeStatusLimit: 20,
  });
  // Another route of the admin server, to show the commands' scope leaves its JSON parsing alone.
  app.post('/api/v1/echo', async (req) => req.body);
  return { app, backend, lines };
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const xml = new XMLParser({ parseTagValue: false, htmlEntities: true, isArray: (n) => n === 'smsc' });

describe('status', () => {
  it('answers status.xml as Kannel does, with link states and queue counts', async () => {
    const { app } = build();
    const res = await app.inject({ url: '/status.xml?password=st' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const g = xml.parse(res.body).gateway;
    expect(g.status).toBe('running, uptime 0d 1h 3m 2s');
    expect(g.smscs.count).toBe('3');
    expect(g.smscs.smsc[0]).toMatchObject({ name: 'SMPP:smsc.example:2775/0:u1:VMA', 'admin-id': 'a', status: 'online 178s', queued: '2' });
  });

  it('picks the form from the extension, else from Accept (browsers get HTML, curl plain text)', async () => {
    const { app } = build();
    const html = await app.inject({ url: '/status?password=st', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<p>Status: running, uptime 0d 1h 3m 2s</p>');
    const text = await app.inject({ url: '/status?password=st', headers: { accept: '*/*' } });
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body.startsWith("Kannel bearerbox version `0.1.0'.\n")).toBe(true);
    const txt = await app.inject({ method: 'POST', url: '/status.txt?password=st', headers: { accept: 'text/html' } });
    expect(txt.headers['content-type']).toBe('text/plain; charset=utf-8');
    const json = await app.inject({ url: '/status.json?password=st' });
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.json()).toMatchObject({ status: 'running', smscs: [{ adminId: 'a' }, { adminId: 'b1' }, { adminId: 'b2' }] });
  });

  it('lists the store: the first page of each route with messages, and the counts', async () => {
    const { app, backend } = build();
    const res = await app.inject({ url: '/store-status.txt', headers: { authorization: basic('scraper', 'adm') } });
    expect(res.statusCode).toBe(200);
    expect(res.body.split('\n')[1]).toMatch(/^\[r1-m1\] \[MT-PUSH\] /);
    expect(res.body).toContain('route r1 (preferred a): 2 queued');
    expect(backend.calls.filter((c) => c[0] === 'peek')).toEqual([['peek', 'r1', 'queued', 20, undefined]]);
    const j = await app.inject({ url: '/store-status.json?password=st' });
    expect(j.json().routes.map((r: { key: string }) => r.key)).toEqual(['r1', 'r2']);
  });

  it('answers 500 in the asked form when the gateway cannot be read', async () => {
    const { app, backend, lines } = build();
    backend.failWith = new Error('redis down');
    const res = await app.inject({ url: '/status.xml?password=st' });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('<?xml version="1.0"?>\n<gateway>Could not read the status: internal error</gateway>\n');
    expect(lines.some((l) => l['level'] === 50 && String((l['err'] as { message?: string })?.message) === 'redis down')).toBe(true);
  });
});

describe('passwords', () => {
  it('answers "Denied" without a password, in the asked form, and asks nothing of the gateway', async () => {
    const { app, backend } = build();
    const txt = await app.inject({ url: '/status' });
    expect(txt.statusCode).toBe(401);
    expect(txt.body).toBe('Denied');
    expect(txt.headers['www-authenticate']).toBe('Basic realm="switchboard admin"');
    const x = await app.inject({ url: '/status.xml?password=wrong' });
    expect(xml.parse(x.body).gateway).toBe('Denied');
    const j = await app.inject({ url: '/status.json' });
    expect(j.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('status-password') } });
    expect(backend.calls).toEqual([]);
  });

  it('takes the admin password, not the status password, for commands that change something', async () => {
    const { app, backend } = build();
    const refused = await app.inject({ url: '/suspend?password=st' });
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toBe('Denied');
    expect(backend.actions).toEqual([]);
    const done = await app.inject({ url: '/suspend?password=adm' });
    expect(done.statusCode).toBe(200);
  });

  it('refuses a denied address with 403 whatever the password', async () => {
    const { app, backend } = build({ denyIp: ['10.*.*.*'] });
    const res = await app.inject({ url: '/shutdown?password=adm', remoteAddress: '10.0.0.7' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toBe('Denied');
    expect(backend.calls).toEqual([]);
    expect((await app.inject({ url: '/status?password=st', remoteAddress: '192.168.0.2' })).statusCode).toBe(200);
  });

  it('is open without passwords on a loopback interface, closed on any other', async () => {
    const open = build({ adminPassword: undefined, statusPassword: undefined, interfaceHost: '127.0.0.1' });
    expect((await open.app.inject({ url: '/resume' })).body).toBe('Already running');
    const closed = build({ adminPassword: undefined, statusPassword: undefined, interfaceHost: '0.0.0.0' });
    const res = await closed.app.inject({ url: '/status' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toBe('Denied');
  });
});

describe('gateway state', () => {
  it.each([
    ['suspend', 'running', 'Switchboard suspended', 'suspended'],
    ['isolate', 'running', 'Switchboard isolated from message providers', 'isolated'],
    ['resume', 'suspended', 'Running resumed', 'running'],
    ['resume', 'isolated', 'Running resumed', 'running'],
  ])('%s from %s: %s', async (command, from, reply, target) => {
    const { app, backend } = build();
    backend.state = from;
    const res = await app.inject({ url: `/${command}?password=adm`, remoteAddress: '10.9.8.7' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe(reply);
    expect(backend.actions).toEqual([['setGatewayState', target, '10.9.8.7']]);
  });

  it.each([
    ['suspend', 'suspended', 'Already suspended'],
    ['isolate', 'isolated', 'Already isolated'],
    ['resume', 'running', 'Already running'],
  ])('%s when already %s: "%s", nothing asked', async (command, state, reply) => {
    const { app, backend } = build();
    backend.state = state;
    const res = await app.inject({ url: `/${command}?password=adm` });
    expect([res.statusCode, res.body]).toEqual([200, reply]);
    expect(backend.actions).toEqual([]);
  });

  it('refuses commands once the shutdown began, as Kannel does, but still shows the status and takes a second shutdown', async () => {
    const { app, backend } = build();
    backend.state = 'shutting-down';
    for (const url of ['/suspend', '/resume', '/stop-smsc?smsc=a', '/log-level?level=1']) {
      const res = await app.inject({ url: `${url}${url.includes('?') ? '&' : '?'}password=adm` });
      expect([res.statusCode, res.body]).toEqual([503, AVALANCHE]);
    }
    expect(backend.actions).toEqual([]);
    expect((await app.inject({ url: '/status.txt?password=st' })).body).toContain('Status: going down, uptime');
    const again = await app.inject({ method: 'POST', url: '/shutdown?password=adm' });
    expect([again.statusCode, again.body]).toEqual([200, 'Bringing system down']);
    expect(backend.actions).toEqual([['shutdown', '127.0.0.1']]);
  });

  it('says so when the gateway declines', async () => {
    const { app, backend } = build();
    backend.decline = 'not allowed now';
    const res = await app.inject({ url: '/isolate.json?password=adm' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({
      message: 'Could not isolate: not allowed now',
      results: [{ action: 'isolated', ok: false, detail: 'not allowed now' }],
    });
  });

  it('wraps a reply in HTML and XML as Kannel does', async () => {
    const { app } = build();
    const html = await app.inject({ url: '/suspend.html?password=adm' });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<p>Switchboard suspended</p>');
    const x = await app.inject({ url: '/shutdown.xml?password=adm' });
    expect(x.body).toBe('<?xml version="1.0"?>\n<gateway>Bringing system down</gateway>\n');
  });
});

describe('SMSC commands', () => {
  it.each([
    ['stop-smsc', 'a', "SMSC `a' shut down", [['linkAction', 'a', 'stop', '127.0.0.1']]],
    ['start-smsc', 'a', "SMSC `a' re-started", [['linkAction', 'a', 'start', '127.0.0.1']]],
    ['remove-smsc', 'a', "SMSC `a' removed", [['removeLink', 'a', '127.0.0.1']]],
    ['add-smsc', 'new-link', "SMSC `new-link' added", [['addLink', 'new-link', '127.0.0.1']]],
  ])('%s?smsc=%s: %s', async (command, smsc, reply, calls) => {
    const { app, backend } = build();
    const res = await app.inject({ method: 'POST', url: `/${command}?smsc=${smsc}&password=adm` });
    expect([res.statusCode, res.body]).toEqual([200, reply]);
    expect(backend.actions).toEqual(calls);
  });

  it('acts on every link with that smsc-id when no link has that id, as Kannel does on an admin-id', async () => {
    const { app, backend } = build();
    const res = await app.inject({ url: '/stop-smsc?smsc=bee&password=adm' });
    expect(res.body).toBe("SMSC `bee' shut down");
    expect(backend.actions).toEqual([
      ['linkAction', 'b1', 'stop', '127.0.0.1'],
      ['linkAction', 'b2', 'stop', '127.0.0.1'],
    ]);
  });

  it('answers "SMSC id not given" without smsc=, and names the known links for an unknown one', async () => {
    const { app, backend } = build();
    const missing = await app.inject({ url: '/start-smsc?password=adm' });
    expect([missing.statusCode, missing.body]).toEqual([400, 'SMSC id not given']);
    const unknown = await app.inject({ url: '/stop-smsc?smsc=zz&password=adm' });
    expect([unknown.statusCode, unknown.body]).toEqual([404, "Could not shut down smsc-id `zz': no such link (known: a, b1, b2)"]);
    expect(backend.actions).toEqual([]);
  });

  it('escapes the smsc name in an HTML reply', async () => {
    const { app } = build();
    const res = await app.inject({ url: `/add-smsc.html?password=adm&smsc=${encodeURIComponent('<script>x</script>')}` });
    expect(res.body).toContain('<p>SMSC `&lt;script&gt;x&lt;/script&gt;&#39; added</p>');
    expect(res.body).not.toContain('<script>');
  });

  it("passes on a typed error's own 4xx, and hides a crash behind 500", async () => {
    const { app, backend } = build();
    backend.failWith = Object.assign(new Error('link a is not in the configuration file'), { statusCode: 404 });
    const typed = await app.inject({ url: '/add-smsc?smsc=a&password=adm' });
    expect([typed.statusCode, typed.body]).toEqual([404, "Could not add smsc-id `a': link a is not in the configuration file"]);
    // the gateway's own "no such link" (UnknownError): 404 with the known links, and no stack trace logged
    backend.failWith = new UnknownError('unknown_link', 'no link nosuch', ['a', 'b1']);
    const unknown = await app.inject({ url: '/add-smsc?smsc=nosuch&password=adm' });
    expect([unknown.statusCode, unknown.body]).toEqual([404, "Could not add smsc-id `nosuch': no link nosuch (known: a, b1)"]);
    backend.failWith = new Error('secret internals');
    const crash = await app.inject({ url: '/add-smsc?smsc=a&password=adm' });
    expect([crash.statusCode, crash.body]).toEqual([500, "Could not add smsc-id `a': internal error"]);
  });
});

describe('log-level', () => {
  it('sets the level', async () => {
    const { app, backend } = build();
    const res = await app.inject({ url: '/log-level?level=2&password=adm' });
    expect([res.statusCode, res.body]).toEqual([200, 'log-level set to 2']);
    expect(backend.actions).toEqual([['setLogLevel', 2, '127.0.0.1']]);
  });

  it('refuses a missing or unknown level', async () => {
    const { app, backend } = build();
    expect((await app.inject({ url: '/log-level?password=adm' })).body).toBe('New level not given');
    const bad = await app.inject({ url: '/log-level?level=9&password=adm' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toBe("Invalid log-level `9': give 0 (debug), 1 (info), 2 (warning), 3 (error) or 4 (panic)");
    expect(backend.actions).toEqual([]);
  });
});

describe('the log and the scope', () => {
  it('logs who asked what at info, never the password, and hands the same name to the gateway', async () => {
    const { app, backend, lines } = build({ adminPassword: 'Admin-Secret' });
    await app.inject({ url: '/stop-smsc?smsc=a', headers: { authorization: basic('ops', 'Admin-Secret') }, remoteAddress: '10.2.3.4' });
    const line = lines.find((l) => l['msg'] === 'admin command');
    expect(line).toMatchObject({ level: 30, who: 'ops@10.2.3.4', command: 'stop-smsc', smsc: 'a' });
    expect(backend.actions).toEqual([['linkAction', 'a', 'stop', 'ops@10.2.3.4']]);
    await app.inject({ url: '/start-smsc?smsc=a&password=Admin-Secret', remoteAddress: '10.2.3.4' });
    expect(lines.filter((l) => l['msg'] === 'admin command')).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toMatch(/Secret/);
  });

  it('logs a refusal with the address and the reason', async () => {
    const { app, lines } = build();
    await app.inject({ url: '/shutdown?password=guess', remoteAddress: '10.6.6.6' });
    expect(lines.find((l) => l['msg'] === 'admin command refused')).toMatchObject({
      level: 40,
      ip: '10.6.6.6',
      command: 'shutdown',
      refused: 'unauthorized',
    });
  });

  it('ignores request bodies (Kannel reads the query only), and leaves the JSON parsing of other routes alone', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/resume?password=adm',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect([res.statusCode, res.body]).toEqual([200, 'Already running']);
    const form = await app.inject({
      method: 'POST',
      url: '/resume?password=adm',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b',
    });
    expect(form.statusCode).toBe(200);
    const echo = await app.inject({ method: 'POST', url: '/api/v1/echo', payload: { x: 1 } });
    expect(echo.json()).toEqual({ x: 1 });
  });
});
