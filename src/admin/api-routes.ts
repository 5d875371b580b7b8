/**
 * The JSON admin API on the admin port: links, route queues, accounts, reload and routing explanations, read and
 * acted on by operators, the CLI and the dashboard. Every route is authorised first (client address, then the
 * status or admin password: see admin-access.ts); reads take either password, actions only the admin one. Replies
 * are serialised with the view schemas of domain/admin-views.ts, the same ones the OpenAPI document shows and the
 * CLI checks replies with: a field the backend leaves out fails here, not in an operator's command, and nothing the
 * schema does not name reaches the wire.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError } from '../config/config-error.js';
import {
  AccountListSchema,
  ActionResultSchema,
  ExplanationSchema,
  GatewayStatusSchema,
  LinkListSchema,
  PeekPageSchema,
  RouteListSchema,
  UnknownError,
  type ActionResult,
  type AdminBackend,
  type LiveExplanation,
} from '../domain/admin-views.js';
import { MessageViewSchema } from '../domain/message-view.js';
import type { MessageLookup } from '../http/api-routes.js';
import type { AdminNeed } from './admin-access.js';
import { ADMIN_ERRORS, ExplainQuery, IdsBody, MoveBody, PeekQuery, ReloadQuery, RestartQuery, type AdminErrorCode } from './api-schemas.js';
import { replySchema } from './reply-schema.js';

/** Says whether a request may go on; sends the refusal itself when not. Names the caller for the log. */
export type AdminAuthorizer = (
  req: FastifyRequest,
  reply: FastifyReply,
  need: AdminNeed,
) => Promise<{ ok: true; who: string } | { ok: false }>;

export function adminError(reply: FastifyReply, code: AdminErrorCode, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply.code(ADMIN_ERRORS[code].status).send({ error: { code, message, ...extra } });
}

export interface AdminApiDeps {
  readonly backend: AdminBackend;
  readonly authorize: AdminAuthorizer;
  /** A routing explanation with live health and queue depth per link (src/routing/explain-route.ts, enriched). */
  readonly explain: (account: string, to: string, smsc: string | undefined) => Promise<LiveExplanation>;
  /** A message by id, any account. */
  readonly message: MessageLookup['find'];
}

async function act(reply: FastifyReply, run: () => Promise<ActionResult>): Promise<FastifyReply> {
  try {
    const r = await run();
    return reply.code(r.ok ? 200 : 409).send(r);
  } catch (e) {
    if (e instanceof UnknownError) return adminError(reply, e.code, e.message, { known: e.known });
    if (e instanceof ConfigError) {
      return adminError(reply, 'invalid_config', 'the configuration file is invalid; the running configuration is kept', {
        problems: e.problems.map((p) => ({ file: p.file, line: p.line ?? null, key: p.path, message: p.message })),
      });
    }
    throw e;
  }
}

export function registerAdminApi(app: FastifyInstance, deps: AdminApiDeps): void {
  const { backend, authorize } = deps;
  const read = async (req: FastifyRequest, reply: FastifyReply): Promise<boolean> => (await authorize(req, reply, 'status')).ok;
  const actor = async (req: FastifyRequest, reply: FastifyReply): Promise<string | undefined> => {
    const a = await authorize(req, reply, 'admin');
    return a.ok ? a.who : undefined;
  };
  const guard = async <T>(reply: FastifyReply, run: () => Promise<T>): Promise<T | FastifyReply> => {
    try {
      return await run();
    } catch (e) {
      if (e instanceof UnknownError) return adminError(reply, e.code, e.message, { known: e.known });
      throw e;
    }
  };

  const replies = (schema: TSchema): { schema: { response: Record<number, object> } } => ({
    schema: { response: { 200: replySchema(schema) } },
  });
  // An action answers 409 with the same ActionResult when it was declined (ok: false).
  const acts = { schema: { response: { 200: replySchema(ActionResultSchema), 409: replySchema(ActionResultSchema) } } };

  app.get('/api/v1/status', replies(GatewayStatusSchema), async (req, reply) => ((await read(req, reply)) ? backend.status() : reply));
  app.get('/api/v1/links', replies(LinkListSchema), async (req, reply) =>
    (await read(req, reply)) ? { links: await backend.links() } : reply,
  );
  app.get('/api/v1/routes', replies(RouteListSchema), async (req, reply) =>
    (await read(req, reply)) ? { routes: await backend.routes() } : reply,
  );
  app.get('/api/v1/accounts', replies(AccountListSchema), async (req, reply) =>
    (await read(req, reply)) ? { accounts: await backend.accounts() } : reply,
  );

  app.get<{ Params: { key: string }; Querystring: Static<typeof PeekQuery> }>(
    '/api/v1/routes/:key/messages',
    { schema: { querystring: PeekQuery, response: { 200: replySchema(PeekPageSchema) } } },
    async (req, reply) => {
      if (!(await read(req, reply))) return reply;
      const q = req.query;
      return guard(reply, () => backend.peek(req.params.key, q.state ?? 'queued', q.limit ?? 50, q.cursor));
    },
  );

  for (const action of ['stop', 'start', 'drain'] as const) {
    app.post<{ Params: { id: string } }>(`/api/v1/links/:id/${action}`, acts, async (req, reply) => {
      const who = await actor(req, reply);
      return who === undefined ? reply : act(reply, () => backend.linkAction(req.params.id, action, who));
    });
  }
  for (const action of ['pause', 'resume'] as const) {
    app.post<{ Params: { key: string } }>(`/api/v1/routes/:key/${action}`, acts, async (req, reply) => {
      const who = await actor(req, reply);
      return who === undefined ? reply : act(reply, () => backend.routeAction(req.params.key, action, who));
    });
  }
  for (const action of ['retry', 'remove'] as const) {
    app.post<{ Params: { key: string }; Body: Static<typeof IdsBody> }>(
      `/api/v1/routes/:key/${action}`,
      { schema: { body: IdsBody, response: acts.schema.response } },
      async (req, reply) => {
        const who = await actor(req, reply);
        return who === undefined ? reply : act(reply, () => backend.failedAction(req.params.key, action, req.body?.ids, who));
      },
    );
  }
  app.post<{ Params: { key: string }; Body: Static<typeof MoveBody> }>(
    '/api/v1/routes/:key/move',
    { schema: { body: MoveBody, response: acts.schema.response } },
    async (req, reply) => {
      const who = await actor(req, reply);
      return who === undefined ? reply : act(reply, () => backend.move(req.params.key, req.body.smsc, who));
    },
  );
  app.post<{ Querystring: Static<typeof ReloadQuery> }>(
    '/api/v1/reload',
    { schema: { querystring: ReloadQuery, response: acts.schema.response } },
    async (req, reply) => {
      const who = await actor(req, reply);
      return who === undefined ? reply : act(reply, () => backend.reload(who, req.query.force === '1' || req.query.force === 'true'));
    },
  );

  app.post('/api/v1/lists/reload', acts, async (req, reply) => {
    const who = await actor(req, reply);
    return who === undefined ? reply : act(reply, () => backend.reloadLists(who));
  });
  app.post<{ Querystring: Static<typeof RestartQuery> }>(
    '/api/v1/restart',
    { schema: { querystring: RestartQuery, response: acts.schema.response } },
    async (req, reply) => {
      const who = await actor(req, reply);
      const graceful = req.query.graceful === '1' || req.query.graceful === 'true';
      return who === undefined ? reply : act(reply, () => backend.restart(who, graceful));
    },
  );
  app.post('/api/v1/receipts/flush', acts, async (req, reply) => {
    const who = await actor(req, reply);
    return who === undefined ? reply : act(reply, () => backend.flushDlr(who));
  });
  app.post<{ Params: { id: string } }>('/api/v1/messages/:id/remove', acts, async (req, reply) => {
    const who = await actor(req, reply);
    return who === undefined ? reply : act(reply, () => backend.removeMessage(req.params.id, who));
  });

  app.get<{ Querystring: Static<typeof ExplainQuery> }>(
    '/api/v1/explain',
    { schema: { querystring: ExplainQuery, response: { 200: replySchema(ExplanationSchema) } } },
    async (req, reply) => {
      if (!(await read(req, reply))) return reply;
      return guard(reply, () => deps.explain(req.query.account, req.query.to, req.query.smsc));
    },
  );
  app.get<{ Params: { id: string } }>('/api/v1/messages/:id', replies(MessageViewSchema), async (req, reply) => {
    if (!(await read(req, reply))) return reply;
    const m = await deps.message(req.params.id);
    return m ? m : adminError(reply, 'not_found', 'no such message');
  });
}
