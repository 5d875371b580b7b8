/**
 * The admin port's pages, assets, OpenAPI document and access question through inject(), with a fake backend:
 * what is served without a password and what is not, the headers of the pages, the client address check, and
 * the sub-path rules (admin.base-path, X-Forwarded-Prefix).
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { adminAccess, type AdminAccess } from '../../../src/admin/admin-access.js';
import { buildAdminServer, type AdminServer } from '../../../src/admin/admin-server.js';
import { DASHBOARD_PATHS, registerDashboard } from '../../../src/admin/dashboard-routes.js';
import type { ActionResult, AdminBackend } from '../../../src/domain/admin-views.js';
import { PasswordVerifier } from '../../../src/security/password-verifier.js';
import { makeLinkView, makeStatus } from './admin-fixtures.js';

const done = (action: string): Promise<ActionResult> => Promise.resolve({ action, ok: true, detail: 'done' });
const backend: AdminBackend = {
  status: async () => makeStatus({ links: [makeLinkView('a')] }),
  links: async () => [makeLinkView('a')],
  routes: async () => [],
  accounts: async () => [],
  peek: async () => ({ messages: [] }),
  linkAction: (_l, a) => done(`link ${a}`),
  routeAction: (_r, a) => done(`route ${a}`),
  failedAction: (_r, a) => done(a),
  move: () => done('move'),
  reload: () => done('reload'),
  setGatewayState: () => done('state'),
  shutdown: () => done('shutdown'),
  setLogLevel: () => done('log-level'),
  addLink: () => done('add'),
  removeLink: () => done('remove'),
  reloadLists: () => done('reload lists'),
  restart: () => done('restart'),
  flushDlr: () => done('flush-dlr'),
  removeMessage: () => done('remove message'),
};

const servers: AdminServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function server(opts: { basePath?: string; denyIp?: string[]; allowIp?: string[] } = {}): AdminServer {
  const access: AdminAccess = adminAccess({
    adminPassword: 'adm',
    statusPassword: 'st',
    allowIp: opts.allowIp ?? [],
    denyIp: opts.denyIp ?? [],
    interfaceHost: '0.0.0.0',
    verifier: new PasswordVerifier(),
  });
  const app = buildAdminServer(
    {
      backend,
      authorize: async (req, reply, need) => {
        const check = await access(req, need);
        if (check === 'ok') return { ok: true, who: req.ip };
        reply.code(check.status).headers(check.headers).send(check.body);
        return { ok: false };
      },
      explain: () => Promise.reject(new Error('no explanation in these tests')),
      message: async () => undefined,
    },
    { https: null, requestTimeoutMs: 5000, logger: pino({ level: 'silent' }), basePath: opts.basePath ?? '' },
    [
      (a) =>
        registerDashboard(a, {
          access,
          allowIp: opts.allowIp ?? [],
          denyIp: opts.denyIp ?? [],
          basePath: opts.basePath ?? '',
          version: '9.9.9',
          sendsms: () => ({ tls: false, host: '0.0.0.0', port: 13013 }),
        }),
    ],
  );
  servers.push(app);
  return app;
}

const basic = (password: string): string => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;

describe('dashboard pages and assets', () => {
  it('serves the page, its scripts and styles, and the vendored libraries, without a password', async () => {
    const app = server();
    for (const path of DASHBOARD_PATHS) {
      const res = await app.inject({ method: 'GET', url: path });
      expect(res.statusCode, path).toBe(200);
      expect(res.body.length, path).toBeGreaterThan(100);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await app.inject({ method: 'GET', url: '/dashboard/dashboard.js' })).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
  });

  it('uses only relative URLs in its pages, so they work under any prefix', async () => {
    const app = server();
    for (const path of ['/', '/docs']) {
      const html = (await app.inject({ method: 'GET', url: path })).body;
      const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
      expect(urls.length).toBeGreaterThan(2);
      // Neither absolute paths nor other origins: only relative ones (and the empty data: icon).
      for (const u of urls) expect(u, `${path}: ${u}`).not.toMatch(/^\/|^[a-z]+:\/\//i);
    }
  });

  it('answers a known file again with 304 when it has not changed', async () => {
    const app = server();
    const first = await app.inject({ method: 'GET', url: '/dashboard/dashboard.css' });
    const again = await app.inject({
      method: 'GET',
      url: '/dashboard/dashboard.css',
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('serves nothing but its table of files', async () => {
    const app = server();
    for (const url of [
      '/dashboard/../package.json',
      '/dashboard/%2e%2e/%2e%2e/package.json',
      '/dashboard/vendor/uPlot.cjs.js',
      '/dashboard/',
      '/dashboard/static/index.html',
    ]) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('refuses a client address the admin port refuses, before anything else', async () => {
    const app = server({ denyIp: ['127.0.0.1'] });
    for (const url of ['/', '/docs', '/dashboard/dashboard.js', '/openapi.json'])
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(403);
    const access = await app.inject({ method: 'GET', url: '/api/v1/access', headers: { authorization: basic('adm') } });
    expect(access.statusCode).toBe(403);
    expect(access.json()).toMatchObject({ error: { code: 'forbidden_ip' } });
  });
});

describe('/api/v1/access', () => {
  it('says what the password may do, and refuses without one', async () => {
    const app = server();
    expect((await app.inject({ method: 'GET', url: '/api/v1/access', headers: { authorization: basic('adm') } })).json()).toEqual({
      access: 'admin',
      smppServer: false,
    });
    expect((await app.inject({ method: 'GET', url: '/api/v1/access', headers: { authorization: basic('st') } })).json()).toEqual({
      access: 'read',
      smppServer: false,
    });
    const none = await app.inject({ method: 'GET', url: '/api/v1/access' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await app.inject({ method: 'GET', url: '/api/v1/access', headers: { authorization: basic('nope') } })).statusCode).toBe(401);
  });
});

describe('behind a reverse proxy', () => {
  const serverUrl = async (app: AdminServer, url: string, headers: Record<string, string> = {}): Promise<string> =>
    ((await app.inject({ method: 'GET', url, headers })).json() as { servers: { url: string }[] }).servers[0]!.url;

  it("writes X-Forwarded-Prefix into the OpenAPI document's server URL, when it is a path", async () => {
    const app = server();
    expect(await serverUrl(app, '/openapi.json')).toBe('/');
    expect(await serverUrl(app, '/openapi.json', { 'x-forwarded-prefix': '/sms-gateway' })).toBe('/sms-gateway');
    expect(await serverUrl(app, '/openapi.json', { 'x-forwarded-prefix': '//evil.example' })).toBe('/');
  });

  it('with admin.base-path, serves every route under it as well as without it', async () => {
    const app = server({ basePath: '/sms-gateway' });
    const status = await app.inject({ method: 'GET', url: '/sms-gateway/api/v1/status', headers: { authorization: basic('st') } });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ links: [{ id: 'a' }] });
    expect((await app.inject({ method: 'GET', url: '/sms-gateway/dashboard/dashboard.js' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/status', headers: { authorization: basic('st') } })).statusCode).toBe(200);
    expect(await serverUrl(app, '/sms-gateway/openapi.json')).toBe('/sms-gateway');
    expect(await serverUrl(app, '/openapi.json')).toBe('/');
  });

  it('redirects the bare prefix and /docs/ to where the relative URLs resolve', async () => {
    const app = server({ basePath: '/sms-gateway' });
    const bare = await app.inject({ method: 'GET', url: '/sms-gateway' });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/sms-gateway/');
    const docs = await app.inject({ method: 'GET', url: '/docs/', headers: { 'x-forwarded-prefix': '/ops/sms' } });
    expect(docs.headers.location).toBe('/ops/sms/docs');
  });
});
