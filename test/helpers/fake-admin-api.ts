/**
 * A stand-in for the gateway's admin port, for the CLI's tests: the JSON admin API on 127.0.0.1, answering with the
 * canned admin-views values of admin-fixtures.ts (typed by the shared schemas) and recording every call. Passwords
 * follow the gateway's rules: GET routes take status-password or admin-password, actions admin-password only; with
 * neither set it is open (it listens on loopback). It serves the calls and answers a real gateway does not give on
 * demand (big figures, a down backup, a chosen refusal); admin-cli-live.test.ts runs the CLI against a real one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Static } from '@sinclair/typebox';
import type { ErrorBodySchema } from '../../src/admin/api-schemas.js';
import type { ActionResult, GatewayStatus, PeekPage, SmppSessionsView } from '../../src/domain/admin-views.js';
import { action, EXPLANATION, FAILED_PAGE, LINKS, ROUTES, SMPP_SESSIONS, STATUS } from './admin-fixtures.js';

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** The HTTP Basic credentials as sent, decoded (`user:password`), if any. */
  readonly basic: string | undefined;
}

export interface FakeAdminApi {
  readonly url: string;
  readonly calls: RecordedCall[];
  /** What GET /status answers; tests swap it. */
  status: GatewayStatus;
  /** When set, POST /reload refuses with these problems. */
  reloadProblems: ConfigProblems | undefined;
  /** When set, every request is refused as from a denied address. */
  denyAddress: boolean;
  /** What GET /smpp-sessions answers; undefined: a gateway with no smpp-server section (404 no_smpp_server). */
  smppSessions: SmppSessionsView | undefined;
  close(): Promise<void>;
}

/** The `problems` of an invalid_config refusal, as the gateway sends them. */
export type ConfigProblems = NonNullable<Static<typeof ErrorBodySchema>['error']['problems']>;

export interface FakeAdminOptions {
  readonly adminPassword?: string;
  readonly statusPassword?: string;
}

const QUEUED_PAGE: PeekPage = {
  messages: [
    { ...FAILED_PAGE.messages[0]!, id: 'm-2', state: 'waiting', attempts: 0, error: undefined, failedAt: undefined, text: 'Hello' },
  ],
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const refuse = (res: ServerResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void =>
  send(res, status, { error: { code, message, ...extra } });

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

export async function startFakeAdminApi(opts: FakeAdminOptions = {}): Promise<FakeAdminApi> {
  const linkIds = LINKS.map((l) => l.id);
  const routeKeys = ROUTES.map((r) => r.key);
  const smscIds = [...new Set(LINKS.map((l) => l.smscId))];

  const api: Omit<FakeAdminApi, 'url' | 'close'> = {
    calls: [],
    status: STATUS,
    reloadProblems: undefined,
    denyAddress: false,
    smppSessions: SMPP_SESSIONS,
  };

  function allowed(method: string, basic: string | undefined): boolean {
    const { adminPassword, statusPassword } = opts;
    if (adminPassword === undefined && statusPassword === undefined) return true;
    const given = basic?.slice(basic.indexOf(':') + 1);
    if (given === undefined) return false;
    return given === adminPassword || (method === 'GET' && given === statusPassword);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization;
    const basic = auth?.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : undefined;
    const method = req.method ?? 'GET';
    const body = method === 'POST' ? await readBody(req) : undefined;
    api.calls.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, basic });

    if (api.denyAddress) return refuse(res, 403, 'forbidden_ip', 'Denied');
    if (!allowed(method, basic)) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="switchboard admin"' });
      res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'Denied' } }));
      return;
    }
    const p = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (p[0] !== 'api' || p[1] !== 'v1') return refuse(res, 404, 'not_found', 'no such path');
    const [, , what, id, verb] = p;
    const done = (r: ActionResult): void => send(res, 200, r);

    if (method === 'GET' && what === 'status' && id === undefined) return send(res, 200, api.status);
    if (method === 'GET' && what === 'links' && id === undefined) return send(res, 200, { links: LINKS });
    if (method === 'GET' && what === 'routes' && id === undefined) return send(res, 200, { routes: ROUTES });
    if (method === 'POST' && what === 'links' && id !== undefined && (verb === 'stop' || verb === 'start' || verb === 'drain')) {
      if (!linkIds.includes(id)) return refuse(res, 404, 'unknown_link', `no link "${id}"`, { known: linkIds });
      return done(action({ action: `link.${verb}`, detail: `link ${id}: ${verb} asked` }));
    }
    if (what === 'routes' && id !== undefined && verb !== undefined) {
      if (!routeKeys.includes(id)) return refuse(res, 404, 'unknown_route', `no route "${id}"`, { known: routeKeys });
      if (method === 'GET' && verb === 'messages') {
        const limit = Number(url.searchParams.get('limit') ?? '50');
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) return refuse(res, 400, 'invalid_request', 'limit: 1 to 500');
        return send(res, 200, url.searchParams.get('state') === 'failed' ? FAILED_PAGE : QUEUED_PAGE);
      }
      if (method === 'POST' && (verb === 'pause' || verb === 'resume'))
        return done(action({ action: `route.${verb}`, detail: `route ${id}: ${verb}d` }));
      if (method === 'POST' && (verb === 'retry' || verb === 'remove')) {
        const ids = (body as { ids?: string[] } | undefined)?.ids;
        const n = ids?.length ?? 12;
        const counts = verb === 'retry' ? { retried: n } : { removed: n };
        return done(
          action({
            action: `route.${verb}`,
            detail: `route ${id}: ${n} failed messages ${verb === 'retry' ? 'queued again' : 'removed'}`,
            ...counts,
          }),
        );
      }
      if (method === 'POST' && verb === 'move') {
        const smsc = (body as { smsc?: string } | undefined)?.smsc ?? '';
        if (!smscIds.includes(smsc)) return refuse(res, 400, 'unknown_smsc', `no link has smsc-id "${smsc}"`, { known: smscIds });
        return done(
          action({
            action: 'route.move',
            detail: `route ${id}: 4000 waiting messages routed with smsc-id ${smsc}`,
            moved: 4000,
            skippedActive: 20,
          }),
        );
      }
    }
    if (method === 'POST' && what === 'reload' && id === undefined) {
      if (api.reloadProblems)
        return refuse(res, 400, 'invalid_config', 'the configuration was not reloaded', { problems: api.reloadProblems });
      return done(action({ action: 'reload', detail: 'configuration reloaded: 2 links, 1 account' }));
    }
    if (what === 'smpp-sessions') {
      const v = api.smppSessions;
      if (!v) return refuse(res, 404, 'no_smpp_server', 'this gateway has no smpp-server section');
      if (method === 'GET' && id === undefined) return send(res, 200, v);
      if (method === 'POST' && id === 'disconnect') {
        const session = url.searchParams.get('session') ?? undefined;
        const account = url.searchParams.get('account') ?? undefined;
        const matching = v.sessions.filter(
          (s) => (session === undefined || s.id === session) && (account === undefined || s.account === account),
        );
        if (matching.length === 0)
          return refuse(
            res,
            404,
            'unknown_session',
            `no bound session ${session !== undefined ? `has id ${session}` : `is of account ${account ?? ''}`}`,
            {
              known: v.sessions.map((s) => (session !== undefined ? s.id : s.account)).sort(),
            },
          );
        return send(res, 202, {
          requested: { ...(session ? { session } : {}), ...(account ? { account } : {}) },
          sessions: matching.length,
        });
      }
    }
    if (method === 'GET' && what === 'explain' && id === undefined) {
      const account = url.searchParams.get('account');
      if (account !== EXPLANATION.account)
        return refuse(res, 404, 'unknown_account', `no account "${account ?? ''}"`, { known: [EXPLANATION.account] });
      return send(res, 200, EXPLANATION);
    }
    return refuse(res, 404, 'not_found', 'no such path');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => refuse(res, 500, 'internal', String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(api, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
