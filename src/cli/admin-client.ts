/**
 * The admin port's JSON API (/api/v1) as typed calls, for the CLI. Node's fetch: this is no hot path. Every call has
 * a deadline (connect, answer and body), sends the password as HTTP Basic (user `admin`) when one is given, checks
 * the reply against the schema the gateway serialises it with (src/domain/admin-views.ts: one declaration, so the
 * two cannot drift apart) before it is typed, and fails with one of the typed errors of admin-client-error.ts,
 * naming the field that did not match. Each result keeps the reply's text, for `--json`.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ErrorBodySchema } from '../admin/api-schemas.js';
import {
  ActionResultSchema,
  ExplanationSchema,
  GatewayStatusSchema,
  LinkListSchema,
  PeekPageSchema,
  RouteListSchema,
  SmppDisconnectSchema,
  SmppSessionsViewSchema,
  type ActionResult,
  type GatewayStatus,
  type LinkView,
  type LiveExplanation,
  type PeekPage,
  type RouteView,
  type SmppDisconnect,
  type SmppSessionsView,
} from '../domain/admin-views.js';
import { AdminAuthError, AdminRefusedError, GatewayUnreachableError, UnexpectedReplyError } from './admin-client-error.js';

export interface AdminConnection {
  /** The admin port, e.g. http://127.0.0.1:13000 (a path prefix is kept, for a gateway behind a proxy). */
  readonly url: string;
  readonly password: string | undefined;
  readonly timeoutMs: number;
}

export interface Reply<T> {
  readonly value: T;
  /** The reply's body as it came. */
  readonly raw: string;
}

export type ActionBody = { readonly ids?: readonly string[] } | { readonly smsc: string };

type Fetch = typeof fetch;

const seconds = (ms: number): string => `${ms / 1000}s`;

/** Words for a failed connection, from the error fetch gives (its `cause` carries the system error). */
function describeFailure(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return `no answer within ${seconds(timeoutMs)}`;
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the gateway running, and is this its admin-port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed before an answer';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
}

/**
 * A view's JSON with nulls dropped: a value the schema leaves optional is absent when undefined, and a server that
 * wrote it as null means the same. Error bodies are checked as sent (their `line` is null by the schema).
 */
function withoutNulls(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => (v === null ? undefined : v));
}

function problemLine(p: unknown): string {
  if (typeof p === 'string') return p;
  if (p !== null && typeof p === 'object') {
    const { file, line, path, key, message } = p as Record<string, unknown>;
    const where = [file, line].filter((x) => typeof x === 'string' || typeof x === 'number').join(':');
    const at = typeof path === 'string' && path ? path : typeof key === 'string' ? key : '';
    return [where, at, typeof message === 'string' ? message : JSON.stringify(p)].filter((x) => x !== '').join(': ');
  }
  return JSON.stringify(p);
}

/** The first field of a reply that does not match its schema, by its JSON pointer: what is wrong, and where. */
function mismatch(schema: TSchema, json: unknown): string {
  const first = Value.Errors(schema, json).First();
  if (!first) return 'unexpected shape';
  const field = first.path === '' ? 'the reply' : `field ${first.path}`;
  return `${field}: ${first.message} (is the gateway of another version than this CLI?)`;
}

export class AdminClient {
  readonly #base: URL;
  readonly #conn: AdminConnection;
  readonly #fetch: Fetch;

  constructor(conn: AdminConnection, fetchImpl: Fetch = fetch) {
    this.#conn = conn;
    this.#fetch = fetchImpl;
    // A trailing slash keeps a path prefix when the API paths are resolved against it.
    this.#base = new URL(conn.url.endsWith('/') ? conn.url : `${conn.url}/`);
  }

  status(): Promise<Reply<GatewayStatus>> {
    return this.#call('GET', 'status', GatewayStatusSchema);
  }

  links(): Promise<Reply<{ links: LinkView[] }>> {
    return this.#call('GET', 'links', LinkListSchema);
  }

  routes(): Promise<Reply<{ routes: RouteView[] }>> {
    return this.#call('GET', 'routes', RouteListSchema);
  }

  peek(route: string, state: 'queued' | 'failed', limit: number | undefined, cursor: string | undefined): Promise<Reply<PeekPage>> {
    const query = { state, ...(limit === undefined ? {} : { limit: String(limit) }), ...(cursor === undefined ? {} : { cursor }) };
    return this.#call('GET', `routes/${encodeURIComponent(route)}/messages`, PeekPageSchema, { query });
  }

  linkAction(link: string, action: 'stop' | 'start' | 'drain'): Promise<Reply<ActionResult>> {
    return this.#call('POST', `links/${encodeURIComponent(link)}/${action}`, ActionResultSchema, { body: {} });
  }

  routeAction(route: string, action: 'pause' | 'resume'): Promise<Reply<ActionResult>> {
    return this.#call('POST', `routes/${encodeURIComponent(route)}/${action}`, ActionResultSchema, { body: {} });
  }

  /** Failed messages queued again or removed: those of `ids`, or all when `ids` is undefined. */
  failedAction(route: string, action: 'retry' | 'remove', ids: readonly string[] | undefined): Promise<Reply<ActionResult>> {
    return this.#call('POST', `routes/${encodeURIComponent(route)}/${action}`, ActionResultSchema, {
      body: ids === undefined ? {} : { ids },
    });
  }

  move(route: string, smsc: string): Promise<Reply<ActionResult>> {
    return this.#call('POST', `routes/${encodeURIComponent(route)}/move`, ActionResultSchema, { body: { smsc } });
  }

  /** `force`: apply a file the gateway's checks refuse (no link, no account, messages left without a link). */
  reload(force = false): Promise<Reply<ActionResult>> {
    return this.#call('POST', 'reload', ActionResultSchema, { body: {}, ...(force ? { query: { force: '1' } } : {}) });
  }

  reloadLists(): Promise<Reply<ActionResult>> {
    return this.#call('POST', 'lists/reload', ActionResultSchema, { body: {} });
  }

  restart(graceful: boolean): Promise<Reply<ActionResult>> {
    return this.#call('POST', 'restart', ActionResultSchema, { body: {}, ...(graceful ? { query: { graceful: '1' } } : {}) });
  }

  flushDlr(): Promise<Reply<ActionResult>> {
    return this.#call('POST', 'receipts/flush', ActionResultSchema, { body: {} });
  }

  removeMessage(id: string): Promise<Reply<ActionResult>> {
    return this.#call('POST', `messages/${encodeURIComponent(id)}/remove`, ActionResultSchema, { body: {} });
  }

  smppSessions(): Promise<Reply<SmppSessionsView>> {
    return this.#call('GET', 'smpp-sessions', SmppSessionsViewSchema);
  }

  /** Asks every gateway process to unbind a session (by id), or every session of an account. */
  smppDisconnect(match: { readonly session: string } | { readonly account: string }): Promise<Reply<SmppDisconnect>> {
    return this.#call('POST', 'smpp-sessions/disconnect', SmppDisconnectSchema, { body: {}, query: { ...match } });
  }

  explain(account: string, to: string, smsc: string | undefined): Promise<Reply<LiveExplanation>> {
    return this.#call('GET', 'explain', ExplanationSchema, { query: { account, to, ...(smsc === undefined ? {} : { smsc }) } });
  }

  async #call<S extends TSchema>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    opts: { query?: Record<string, string>; body?: ActionBody } = {},
  ): Promise<Reply<Static<S>>> {
    const url = new URL(`api/v1/${path}`, this.#base);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const shown = url.href;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#conn.password !== undefined)
      headers.authorization = `Basic ${Buffer.from(`admin:${this.#conn.password}`).toString('base64')}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const res = await this.#fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.#conn.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      throw new GatewayUnreachableError(this.#base.href, describeFailure(e, this.#conn.timeoutMs), { cause: e });
    }
    if (status === 401 || status === 403) throw new AdminAuthError(status, this.#errorCode(text), this.#conn.password !== undefined);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UnexpectedReplyError(shown, status, `not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    }
    if (status < 200 || status > 299) throw this.#refusal(shown, status, json, text);
    const value = withoutNulls(text);
    if (!Value.Check(schema, value)) throw new UnexpectedReplyError(shown, status, mismatch(schema, value));
    return { value, raw: text };
  }

  #errorCode(text: string): string | undefined {
    try {
      const json: unknown = JSON.parse(text);
      return Value.Check(ErrorBodySchema, json) ? json.error.code : undefined;
    } catch {
      return undefined;
    }
  }

  #refusal(url: string, status: number, json: unknown, body: string): AdminRefusedError | UnexpectedReplyError {
    if (!Value.Check(ErrorBodySchema, json))
      return new UnexpectedReplyError(url, status, 'an error without { "error": { "code", "message" } }');
    const { code, message, known, problems } = json.error;
    // The admin API names what is unknown (unknown_link, unknown_route); a bare not_found is a path this server does
    // not have: the sendsms port, or a gateway older than the command.
    if (code === 'not_found') return new UnexpectedReplyError(url, status, 'no such path (is this the admin-port?)');
    return new AdminRefusedError(status, code, message, {
      known,
      problems: (problems ?? []).map(problemLine),
      body,
    });
  }
}
