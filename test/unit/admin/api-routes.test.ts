/**
 * The JSON admin API's replies are serialised with the view schemas of domain/admin-views.ts: what the backend
 * returns beyond a view's fields never reaches the wire, and a view that lost a field is an error here (500, logged),
 * not a reply the CLI or the dashboard would misread. Through inject(), with a backend of canned views.
 */
import pino from 'pino';
import { Value } from '@sinclair/typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAdminServer, type AdminServer } from '../../../src/admin/admin-server.js';
import {
  GatewayStatusSchema,
  LinkListSchema,
  type ActionResult,
  type AdminBackend,
  type LinkView,
} from '../../../src/domain/admin-views.js';
import { makeLinkView, makeStatus } from './admin-fixtures.js';

const done = (action: string): Promise<ActionResult> => Promise.resolve({ action, ok: true, detail: 'done' });

function backend(links: () => LinkView[]): AdminBackend {
  return {
    status: async () => makeStatus({ links: links() }),
    links: async () => links(),
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
}

const servers: AdminServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function server(links: () => LinkView[]): AdminServer {
  const app = buildAdminServer(
    {
      backend: backend(links),
      authorize: async (req) => ({ ok: true, who: req.ip }),
      explain: () => Promise.reject(new Error('no explanation in these tests')),
      message: async () => undefined,
    },
    { https: null, requestTimeoutMs: 5000, logger: pino({ level: 'silent' }) },
  );
  servers.push(app);
  return app;
}

describe('admin API replies', () => {
  it('carry the fields of the view and nothing else the backend had', async () => {
    // A bind as the link state publishes it, with a field of its own that is no part of the view.
    const link = makeLinkView('a');
    const withInternals = { ...link, binds: link.binds.map((b) => ({ ...b, updatedAt: 1, secret: 'x' })) };
    const app = server(() => [withInternals]);
    const res = await app.inject({ method: 'GET', url: '/api/v1/links' });
    expect(res.statusCode).toBe(200);
    const body: unknown = res.json();
    expect(Value.Check(LinkListSchema, body)).toBe(true);
    expect(body).toEqual(JSON.parse(JSON.stringify({ links: [link] })));
    const status = await app.inject({ method: 'GET', url: '/api/v1/status' });
    expect(Value.Errors(GatewayStatusSchema, status.json()).First()).toBeUndefined();
  });

  it('refuse to send a view that lost a field: 500, not a reply without it', async () => {
    const { healthy: _h, ...broken } = makeLinkView('a');
    const app = server(() => [broken as LinkView]);
    const res = await app.inject({ method: 'GET', url: '/api/v1/links' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });
});
