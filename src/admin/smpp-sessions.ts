/**
 * The SMPP server's client sessions on the admin port: who is bound, since when, the window in use, what each sent
 * and got, and the receipts and MO waiting per account, as JSON (`GET /api/v1/smpp-sessions`) and as Kannel-style
 * status lines (`GET /smpp-status`); and an operator's disconnect of a session or of every session of an account
 * (`POST /api/v1/smpp-sessions/disconnect?session=…` or `?account=…`), carried out by whichever gateway process
 * holds them. The status formatter is pure; the routes check access like every other admin route.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SmppDisconnectSchema, SmppSessionsViewSchema, type SmppSessionView, type SmppSessionsView } from '../domain/admin-views.js';
import { adminError } from './api-routes.js';
import { SmppDisconnectQuery } from './api-schemas.js';
import type { CheckedAccess } from './refusal-log.js';
import { replySchema } from './reply-schema.js';

/** The view's types are derived from its schema in domain/admin-views.ts (the CLI checks replies against it). */
export type SmppSessionRow = SmppSessionView;
export type { SmppSessionsView };

export interface SmppSessionsBackend {
  view(): Promise<SmppSessionsView>;
  /** Asks every gateway process to unbind the matching sessions. */
  disconnect(match: { readonly session?: string; readonly account?: string }): Promise<void>;
}

/** Kannel's uptime form: "0d 0h 1m 5s". */
function onlineFor(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h ${Math.floor((s % 3600) / 60)}m ${s % 60}s`;
}

/** Kannel-style status lines, one per session, grouped under their account with what waits for it. Pure. */
export function smppStatusText(v: SmppSessionsView, now: number): string {
  const accounts = [...new Set([...v.sessions.map((s) => s.account), ...Object.keys(v.waiting)])].sort();
  const lines = [`SMPP client sessions: ${v.sessions.length}`];
  for (const account of accounts) {
    const mine = v.sessions.filter((s) => s.account === account);
    lines.push(`    ${account}: ${mine.length} bound, ${v.waiting[account] ?? 0} deliver_sm waiting`);
    for (const s of mine)
      lines.push(
        `        ${s.id} ${s.kind} ${s.remote}${s.tls ? ' (TLS)' : ''} (on-line ${onlineFor(now - s.boundAt)}) ` +
          `(window ${s.outstanding}/${s.window}, submits ${s.submits}, deliver_sm ${s.delivers}, failed ${s.deliverFailures})`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The routes are there whether or not the gateway has an smpp-server section: without one they answer 404
 * `no_smpp_server`, which the CLI reports in words and the dashboard takes as "no SMPP panel", rather than a bare
 * not_found that reads as a wrong URL.
 */
export function registerSmppSessions(
  app: FastifyInstance,
  deps: { checked: CheckedAccess; backend: SmppSessionsBackend | undefined },
): void {
  const { backend } = deps;
  const absent = 'this gateway has no smpp-server section';
  app.get('/api/v1/smpp-sessions', { schema: { response: { 200: replySchema(SmppSessionsViewSchema) } } }, async (req, reply) => {
    if (!(await deps.checked(req, reply, 'status'))) return reply;
    if (!backend) return adminError(reply, 'no_smpp_server', absent);
    return reply.send(await backend.view());
  });
  app.get('/smpp-status', async (req, reply) => {
    if (!(await deps.checked(req, reply, 'status'))) return reply;
    if (!backend) return reply.code(404).type('text/plain; charset=utf-8').send(`${absent}\n`);
    return reply.type('text/plain; charset=utf-8').send(smppStatusText(await backend.view(), Date.now()));
  });
  app.post<{ Querystring: Static<typeof SmppDisconnectQuery> }>(
    '/api/v1/smpp-sessions/disconnect',
    { schema: { querystring: SmppDisconnectQuery, response: { 202: replySchema(SmppDisconnectSchema) } } },
    async (req, reply) => {
      if (!(await deps.checked(req, reply, 'admin'))) return reply;
      if (!backend) return adminError(reply, 'no_smpp_server', absent);
      const { session, account } = req.query;
      if (session === undefined && account === undefined) return adminError(reply, 'invalid_request', 'give session= or account=');
      // Checked against the cluster's sessions first, so that a mistyped id is an error the operator sees, not a
      // 202 that ends nothing. A session that goes between the check and the unbind is simply gone.
      const { sessions } = await backend.view();
      const matching = sessions.filter(
        (s) => (session === undefined || s.id === session) && (account === undefined || s.account === account),
      );
      if (matching.length === 0)
        return adminError(
          reply,
          'unknown_session',
          `no bound session ${session !== undefined ? `has id ${session}` : `is of account ${account}`}`,
          {
            known: [...new Set(sessions.map((s) => (session !== undefined ? s.id : s.account)))].sort(),
          },
        );
      const requested = { ...(session !== undefined ? { session } : {}), ...(account !== undefined ? { account } : {}) };
      req.log.info({ who: req.ip, ...requested, sessions: matching.length }, 'SMPP disconnect asked');
      await backend.disconnect(requested);
      return reply.code(202).send({ requested, sessions: matching.length });
    },
  );
}
