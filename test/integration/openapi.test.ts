/**
 * The OpenAPI document against a running gateway: every route either server has is in the document and every
 * documented route exists (a route added without its documentation fails here), and what the routes really answer
 * fits the documented reply schemas, with no field the document does not name.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { DASHBOARD_PATHS } from '../../src/admin/dashboard-routes.js';
import { documentedOperations, openApiDocument, type Port } from '../../src/admin/openapi-document.js';
import { TestEsme } from '../helpers/esme.js';
import { sendsms, startGateway, testConfig } from '../helpers/gateway.js';
import { startSimulator, testLink, waitFor } from '../helpers/links.js';
import { useTestRedis } from '../helpers/redis.js';

const env = useTestRedis();
const { cleanups } = env;

/** Pages and their assets: served on the admin port, not part of the API. */
const PAGES = new Set([...DASHBOARD_PATHS.map((p) => `GET ${p}`), 'GET /docs/']);

/** "METHOD /path" for every route of a server, read from fastify's route tree (HEAD routes are implied by GET). */
function routesOf(app: FastifyInstance): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    stack.push(m[2]!);
    for (const method of (m[3] ?? '').split(', '))
      if (method && method !== 'HEAD' && method !== '-') out.add(`${method} ${stack.join('')}`);
  }
  return out;
}

/** The document's routes of a port, in fastify's spelling; a path parameter with an enum stands for a route per value. */
function documentedRoutes(doc: Record<string, unknown>, port: Port): Set<string> {
  const out = new Set<string>();
  const paths = doc.paths as Record<
    string,
    Record<string, { servers: { url: string }[]; parameters?: { name: string; in: string; schema: { enum?: string[] } }[] }>
  >;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op.servers.some((s) => s.url.startsWith('{scheme}') === (port === 'sendsms'))) continue;
      let expanded = [path];
      for (const p of op.parameters ?? []) {
        if (p.in !== 'path') continue;
        expanded = expanded.flatMap((x) =>
          p.schema.enum ? p.schema.enum.map((v) => x.replace(`{${p.name}}`, v)) : [x.replace(`{${p.name}}`, `:${p.name}`)],
        );
      }
      for (const x of expanded) out.add(`${method.toUpperCase()} ${x}`);
    }
  }
  return out;
}

/** Fields of the value that the schema does not name, with where they are (an object schema that allows more is open). */
function undocumented(schema: TSchema, value: unknown, at = ''): string[] {
  const s = schema as {
    type?: string;
    properties?: Record<string, TSchema>;
    items?: TSchema;
    anyOf?: TSchema[];
    additionalProperties?: unknown;
    patternProperties?: Record<string, TSchema>;
  };
  if (s.anyOf) {
    const fits = s.anyOf.filter((x) => Value.Check(x, value));
    return fits.length === 0 ? [] : fits.map((x) => undocumented(x, value, at)).reduce((a, b) => (a.length <= b.length ? a : b));
  }
  if (s.type === 'array' && Array.isArray(value) && s.items) return value.flatMap((v, i) => undocumented(s.items!, v, `${at}[${i}]`));
  if (s.type !== 'object' || value === null || typeof value !== 'object') return [];
  if (s.patternProperties)
    return Object.entries(value).flatMap(([k, v]) => undocumented(Object.values(s.patternProperties!)[0]!, v, `${at}.${k}`));
  const props = s.properties ?? {};
  return Object.entries(value).flatMap(([k, v]) =>
    k in props ? undocumented(props[k]!, v, `${at}.${k}`) : s.additionalProperties === true ? [] : [`${at}.${k}`],
  );
}

function replySchema(port: Port, method: 'get' | 'post', path: string, status = 200): TSchema {
  const op = documentedOperations().find((o) => o.port === port && o.method === method && o.path === path);
  const schema = op?.replies[status]?.schema;
  if (!schema) throw new Error(`no documented ${status} reply for ${port} ${method} ${path}`);
  return schema;
}

function fits(schema: TSchema, value: unknown, what: string): void {
  expect(
    [...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message}`),
    what,
  ).toEqual([]);
  expect(undocumented(schema, value), what).toEqual([]);
}

const ADMIN = { authorization: `Basic ${Buffer.from('ops:adm').toString('base64')}` };

/** `smpp`: with an smpp-server section. */
async function gateway(smpp = false): Promise<App> {
  const s = await startSimulator(cleanups);
  const app = await startGateway(
    testConfig([testLink(s.port, { id: 'doc' })], {
      raw: {
        admin: { 'admin-port': 0, 'admin-password': 'adm' },
        ...(smpp ? { 'smpp-server': { port: 0, interface: '127.0.0.1' } } : {}),
      },
    }),
    env.redis,
    cleanups,
  );
  await waitFor(() => app.cluster.linkHealthy('doc'), 5000, 'bound');
  return app;
}

describe('the OpenAPI document and the running servers', () => {
  it('documents every route of both ports, and nothing they do not have', async () => {
    const app = await gateway();
    // Routes registered in plugins (Kannel's commands) are there once the server is ready.
    await app.admin.ready();
    const doc = openApiDocument({ version: 't', adminPrefix: '', sendsms: { tls: false, host: '127.0.0.1', port: app.httpPort } });
    expect(
      [...routesOf(app.http)].filter((r) => !documentedRoutes(doc, 'sendsms').has(r)),
      'sendsms port routes missing from the document',
    ).toEqual([]);
    expect(
      [...documentedRoutes(doc, 'sendsms')].filter((r) => !routesOf(app.http).has(r)),
      'documented sendsms port routes that do not exist',
    ).toEqual([]);
    const admin = routesOf(app.admin);
    expect(
      [...admin].filter((r) => !PAGES.has(r) && !documentedRoutes(doc, 'admin').has(r)),
      'admin port routes missing from the document',
    ).toEqual([]);
    expect(
      [...documentedRoutes(doc, 'admin')].filter((r) => !admin.has(r)),
      'documented admin port routes that do not exist',
    ).toEqual([]);
    expect(admin.size).toBeGreaterThan(100);
    // The document itself is what /openapi.json serves.
    const served = await app.admin.inject({ method: 'GET', url: '/openapi.json' });
    expect(Object.keys(served.json<{ paths: object }>().paths)).toEqual(Object.keys(doc.paths as object));
  });

  it('answers what the document says, field for field', async () => {
    const app = await gateway();
    const accepted = await app.http.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ to: ['46707000001', '46707000002'], text: 'doc', dlrMask: 1 }),
    });
    expect(accepted.statusCode).toBe(202);
    fits(replySchema('sendsms', 'post', '/api/v1/messages', 202), accepted.json(), 'POST /api/v1/messages');
    expect((await sendsms(app, { username: 'u', password: 'p', to: '46707000003', text: 'x' })).status).toBe(202);
    const id = accepted.json<{ messages: { id: string }[] }>().messages[0]!.id;
    await waitFor(
      async () =>
        (await app.admin.inject({ method: 'GET', url: `/api/v1/messages/${id}`, headers: ADMIN })).json<{ status: string }>().status ===
        'delivered',
      5000,
      'delivered',
    );

    const route = app.directory.routes()[0]!.key;
    const reads: [string, string][] = [
      ['/api/v1/status', '/api/v1/status'],
      ['/api/v1/access', '/api/v1/access'],
      ['/api/v1/links', '/api/v1/links'],
      ['/api/v1/routes', '/api/v1/routes'],
      ['/api/v1/accounts', '/api/v1/accounts'],
      ['/api/v1/routes/{key}/messages', `/api/v1/routes/${route}/messages?state=failed`],
      ['/api/v1/explain', '/api/v1/explain?account=u&to=46707000001'],
      ['/api/v1/messages/{id}', `/api/v1/messages/${id}`],
    ];
    for (const [path, url] of reads) {
      const res = await app.admin.inject({ method: 'GET', url, headers: ADMIN });
      expect(res.statusCode, url).toBe(200);
      fits(replySchema('admin', 'get', path), res.json(), `admin GET ${url}`);
    }
    const own = await app.http.inject({
      method: 'GET',
      url: `/api/v1/messages/${id}`,
      headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
    });
    fits(replySchema('sendsms', 'get', '/api/v1/messages/{id}'), own.json(), 'sendsms GET /api/v1/messages/{id}');
    const portStatus = await app.http.inject({ method: 'GET', url: '/api/v1/status', headers: ADMIN });
    fits(replySchema('sendsms', 'get', '/api/v1/status'), portStatus.json(), 'sendsms GET /api/v1/status');

    const pause = await app.admin.inject({ method: 'POST', url: `/api/v1/routes/${route}/pause`, headers: ADMIN });
    fits(replySchema('admin', 'post', '/api/v1/routes/{key}/pause'), pause.json(), 'POST pause');
    const unknown = await app.admin.inject({ method: 'POST', url: '/api/v1/links/nope/stop', headers: ADMIN });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'unknown_link', known: ['doc'] } });
  });
  it("answers the SMPP server's routes as documented, with and without an smpp-server section", async () => {
    const app = await gateway(true);
    const r = await TestEsme.bind(app.smppServer!.ports.plain, 'transceiver', 'u', 'p');
    cleanups.push(async () => r.esme.close());
    expect(r.status).toBe(0);
    await waitFor(async () => (await app.smppSessions!.sessions()).length === 1, 5000, 'the session published');
    const view = await app.admin.inject({ method: 'GET', url: '/api/v1/smpp-sessions', headers: ADMIN });
    expect(view.statusCode).toBe(200);
    fits(replySchema('admin', 'get', '/api/v1/smpp-sessions'), view.json(), 'GET /api/v1/smpp-sessions');
    const id = view.json<{ sessions: { id: string }[] }>().sessions[0]!.id;
    const off = await app.admin.inject({ method: 'POST', url: `/api/v1/smpp-sessions/disconnect?session=${id}`, headers: ADMIN });
    expect(off.statusCode).toBe(202);
    fits(replySchema('admin', 'post', '/api/v1/smpp-sessions/disconnect', 202), off.json(), 'POST /api/v1/smpp-sessions/disconnect');
    const unknown = await app.admin.inject({ method: 'POST', url: '/api/v1/smpp-sessions/disconnect?account=nobody', headers: ADMIN });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'unknown_session' } });

    const without = await gateway();
    const absent = await without.admin.inject({ method: 'GET', url: '/api/v1/smpp-sessions', headers: ADMIN });
    expect(absent.statusCode).toBe(404);
    expect(absent.json()).toMatchObject({ error: { code: 'no_smpp_server' } });
  });
});
