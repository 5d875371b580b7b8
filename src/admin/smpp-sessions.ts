/**
 * The SMPP server's client sessions on the admin port: who is bound, since when, the window in use, what each sent
 * and got, and the receipts and MO waiting per account, as JSON (`GET /api/v1/smpp-sessions`) and as Kannel-style
 * status lines (`GET /smpp-status`); and an operator's disconnect of a session or of every session of an account
 * (`POST /api/v1/smpp-sessions/disconnect?session=…` or `?account=…`), carried out by whichever gateway process
 * holds them. The status formatter is pure; the routes check access like every other admin route.
 */
import type { FastifyInstance } from 'fastify';
import type { CheckedAccess } from './refusal-log.js';

export interface SmppSessionRow {
  readonly id: string;
  readonly account: string;
  readonly kind: string;
  readonly remote: string;
  readonly node: string;
  readonly tls: boolean;
  readonly boundAt: number;
  readonly outstanding: number;
  readonly window: number;
  readonly submits: number;
  readonly delivers: number;
  readonly deliverFailures: number;
}

export interface SmppSessionsView {
  readonly sessions: readonly SmppSessionRow[];
  /** deliver_sm waiting per account that has sessions (or had, and has some waiting). */
  readonly waiting: Readonly<Record<string, number>>;
}

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

export function registerSmppSessions(app: FastifyInstance, deps: { checked: CheckedAccess; backend: SmppSessionsBackend }): void {
  app.get('/api/v1/smpp-sessions', async (req, reply) => {
    if (!(await deps.checked(req, reply, 'status'))) return reply;
    return reply.send(await deps.backend.view());
  });
  app.get('/smpp-status', async (req, reply) => {
    if (!(await deps.checked(req, reply, 'status'))) return reply;
    return reply.type('text/plain; charset=utf-8').send(smppStatusText(await deps.backend.view(), Date.now()));
  });
  app.post('/api/v1/smpp-sessions/disconnect', async (req, reply) => {
    if (!(await deps.checked(req, reply, 'admin'))) return reply;
    const q = req.query as Record<string, unknown>;
    const session = typeof q.session === 'string' && q.session !== '' ? q.session : undefined;
    const account = typeof q.account === 'string' && q.account !== '' ? q.account : undefined;
    if (session === undefined && account === undefined)
      return reply.code(400).send({ error: { code: 'bad_request', message: 'give session= or account=' } });
    req.log.info({ who: req.ip, session, account }, 'SMPP disconnect asked');
    await deps.backend.disconnect({ ...(session !== undefined ? { session } : {}), ...(account !== undefined ? { account } : {}) });
    return reply
      .code(202)
      .send({ requested: { ...(session !== undefined ? { session } : {}), ...(account !== undefined ? { account } : {}) } });
  });
}
