/**
 * Kannel's admin commands on the admin port, with Kannel's names, parameters and replies (bb_http.c): GET or POST
 * `/status`, `/store-status` (each also as `.txt`, `.html`, `.xml`, `.json`), `/suspend`, `/isolate`, `/resume`,
 * `/shutdown`, `/stop-smsc?smsc=`, `/start-smsc?smsc=`, `/add-smsc?smsc=`, `/remove-smsc?smsc=`,
 * `/log-level?level=`, `/reload-lists`, `/restart`, `/graceful-restart`, `/flush-dlr`, `/remove-message?id=`. Every command takes the same extensions; without one the Accept header picks the form.
 *
 * Replies are Kannel's sentences ("Switchboard suspended", "SMSC `x' shut down", "Denied"), with HTTP statuses
 * that say what happened (Kannel answers 200 to everything): 401/403 refused, 400 a missing or bad parameter,
 * 404 an unknown SMSC, 409 an action the gateway declined, 503 while shutting down, 500 a failure.
 *
 * `smsc=` names a link by its id (Kannel's smsc-admin-id); a value that is no link id but an smsc-id acts on every
 * link with that smsc-id, as Kannel acts on every connection whose admin-id (which defaults to the smsc-id) matches.
 * add-smsc passes the name on as is: the link is in the configuration file, not (yet) among the running ones.
 *
 * Every command that changes something is logged at info with who asked (the client address, and the HTTP Basic
 * user name when one is given) before it runs; the backend logs what changed. Refusals are logged once per client
 * address and reason a minute, with how many more there were (refusal-log.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { basicAuth } from '../http/basic-auth.js';
import { UnknownError, type ActionResult, type AdminBackend } from '../domain/admin-views.js';
import type { AdminAccess, AdminNeed } from './admin-access.js';
import { AdminRefusalLog } from './refusal-log.js';
import { contentType, formatFor, GATEWAY_NAME, KANNEL_FORMATS, plainReply, type KannelFormat } from './kannel-reply.js';
import { kannelStatus, statusHtml, statusJson, statusText, statusXml, type KannelStatus, type SmscIdentity } from './kannel-status.js';
import { storeStatusHtml, storeStatusJson, storeStatusText, storeStatusXml, type StoreRoute } from './kannel-store-status.js';

export interface KannelCommandsDeps {
  readonly backend: AdminBackend;
  /** The admin port's access check (admin-access.ts). */
  readonly access: AdminAccess;
  /** The configured links, to name binds as Kannel does (system-id, system-type, ports); read at each request. */
  readonly smscIdentities?: () => readonly SmscIdentity[];
  readonly now?: () => number;
  /** Messages store-status lists per route (the first page of each); default 50. */
  readonly storeStatusLimit?: number;
  /** Where refusals are logged, shared with the port's other routes; default: one of this scope's own. */
  readonly refusals?: AdminRefusalLog;
}

/** bb_http.c `httpd_check_status`: Kannel's answer to commands once the shutdown has begun. */
export const AVALANCHE = 'Avalanche has already started, too late to save the sheeps';

interface Outcome {
  readonly status: number;
  readonly text: string;
  readonly results?: readonly ActionResult[];
}

interface Context {
  readonly deps: KannelCommandsDeps;
  readonly req: FastifyRequest;
  readonly who: string;
  readonly query: URLSearchParams;
}

type Action = (ctx: Context) => Promise<Outcome>;

const ok = (text: string, results?: readonly ActionResult[]): Outcome => ({ status: 200, text, ...(results ? { results } : {}) });

/** An error's own 4xx status (a typed error saying the request was wrong), or 500. */
function failure(ctx: Context, err: unknown, text: string): Outcome {
  // An unknown link (add-smsc of a name the configuration file does not have): the 404 the README promises.
  if (err instanceof UnknownError) return { status: 404, text: `${text}: ${err.message} (known: ${err.known.join(', ') || 'none'})` };
  const e = err as { status?: unknown; statusCode?: unknown; message?: unknown } | null;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.status === 'number' ? e.status : 500;
  if (status >= 400 && status < 500) return { status, text: `${text}: ${String(e?.message ?? 'refused')}` };
  ctx.req.log.error({ err, who: ctx.who }, text);
  return { status: 500, text: `${text}: internal error` };
}

/** The gateway's state for Kannel's checks; undefined (and the command goes ahead) when it cannot be read. */
async function gatewayState(ctx: Context): Promise<string | undefined> {
  try {
    return (await ctx.deps.backend.status()).state;
  } catch (err) {
    ctx.req.log.warn({ err }, 'cannot read the gateway state before an admin command; going ahead');
    return undefined;
  }
}

/** Kannel refuses every command but status and shutdown once the shutdown began. */
function notShuttingDown(action: Action): Action {
  return async (ctx) => ((await gatewayState(ctx)) === 'shutting-down' ? { status: 503, text: AVALANCHE } : action(ctx));
}

function gatewayStateAction(target: 'running' | 'suspended' | 'isolated', already: string, done: string, failed: string): Action {
  return async (ctx) => {
    const state = await gatewayState(ctx);
    if (state === 'shutting-down') return { status: 503, text: AVALANCHE };
    if (state === target) return ok(already);
    try {
      const r = await ctx.deps.backend.setGatewayState(target, ctx.who);
      return r.ok ? ok(done, [r]) : { status: 409, text: `${failed}: ${r.detail}`, results: [r] };
    } catch (err) {
      return failure(ctx, err, failed);
    }
  };
}

/** The links `smsc=` names: the link with that id, or else every link with that smsc-id. */
async function linksNamed(backend: AdminBackend, name: string): Promise<{ ids: string[]; known: string[] }> {
  const links = await backend.links();
  const ids = links.some((l) => l.id === name) ? [name] : links.filter((l) => l.smscId === name).map((l) => l.id);
  return { ids, known: links.map((l) => l.id).sort() };
}

interface SmscVerbs {
  readonly done: (smsc: string) => string;
  readonly failed: (smsc: string) => string;
}

function smscAction(
  verbs: SmscVerbs,
  run: (backend: AdminBackend, link: string, who: string) => Promise<ActionResult>,
  resolve: boolean,
): Action {
  return notShuttingDown(async (ctx) => {
    const smsc = ctx.query.get('smsc');
    if (smsc === null || smsc === '') return { status: 400, text: 'SMSC id not given' };
    try {
      let ids = [smsc];
      if (resolve) {
        const named = await linksNamed(ctx.deps.backend, smsc);
        if (named.ids.length === 0)
          return { status: 404, text: `${verbs.failed(smsc)}: no such link (known: ${named.known.join(', ') || 'none'})` };
        ids = named.ids;
      }
      const results: ActionResult[] = [];
      for (const id of ids) results.push(await run(ctx.deps.backend, id, ctx.who));
      const declined = results.filter((r) => !r.ok);
      if (declined.length > 0) return { status: 409, text: `${verbs.failed(smsc)}: ${declined.map((r) => r.detail).join('; ')}`, results };
      return ok(verbs.done(smsc), results);
    } catch (err) {
      return failure(ctx, err, verbs.failed(smsc));
    }
  });
}

const LOG_LEVELS = ['0', '1', '2', '3', '4'] as const;

const logLevel: Action = notShuttingDown(async (ctx) => {
  const level = ctx.query.get('level');
  if (level === null || level === '') return { status: 400, text: 'New level not given' };
  const n = LOG_LEVELS.indexOf(level.trim() as (typeof LOG_LEVELS)[number]);
  if (n < 0) return { status: 400, text: `Invalid log-level \`${level}': give 0 (debug), 1 (info), 2 (warning), 3 (error) or 4 (panic)` };
  try {
    const r = await ctx.deps.backend.setLogLevel(n as 0 | 1 | 2 | 3 | 4, ctx.who);
    return r.ok ? ok(`log-level set to ${n}`, [r]) : { status: 409, text: `Could not set the log-level: ${r.detail}`, results: [r] };
  } catch (err) {
    return failure(ctx, err, 'Could not set the log-level');
  }
});

const shutdown: Action = async (ctx) => {
  try {
    const r = await ctx.deps.backend.shutdown(ctx.who);
    return r.ok ? ok('Bringing system down', [r]) : { status: 409, text: `Could not bring the system down: ${r.detail}`, results: [r] };
  } catch (err) {
    return failure(ctx, err, 'Could not bring the system down');
  }
};

const reloadLists: Action = notShuttingDown(async (ctx) => {
  try {
    const r = await ctx.deps.backend.reloadLists(ctx.who);
    // Kannel's two sentences; what could not be read (and kept its last good content) follows.
    return r.ok ? ok('Black/white lists re-loaded', [r]) : { status: 409, text: `Could not re-load lists: ${r.detail}`, results: [r] };
  } catch (err) {
    return failure(ctx, err, 'Could not re-load lists');
  }
});

/** One backend action with Kannel's sentences for done and declined. */
function simpleAction(
  run: (ctx: Context) => Promise<ActionResult>,
  done: string,
  declined: (r: ActionResult) => string,
  failed: string,
): Action {
  return notShuttingDown(async (ctx) => {
    try {
      const r = await run(ctx);
      return r.ok ? ok(done, [r]) : { status: 409, text: declined(r), results: [r] };
    } catch (err) {
      return failure(ctx, err, failed);
    }
  });
}

const restart = simpleAction(
  (ctx) => ctx.deps.backend.restart(ctx.who, false),
  'Restarting.....',
  (r) => `Could not restart: ${r.detail}`,
  'Could not restart',
);
const gracefulRestart = simpleAction(
  (ctx) => ctx.deps.backend.restart(ctx.who, true),
  'Restarting gracefully.....',
  (r) => `Unable to restart gracefully! ${r.detail}`,
  'Unable to restart gracefully!',
);
const flushDlr = simpleAction(
  (ctx) => ctx.deps.backend.flushDlr(ctx.who),
  'DLR queue flushed',
  () => `Suspend ${GATEWAY_NAME} before trying to flush DLR queue`,
  'Could not flush the DLR queue',
);

const removeMessage: Action = notShuttingDown(async (ctx) => {
  const id = ctx.query.get('id');
  if (id === null || id === '') return { status: 400, text: 'Message id not given' };
  try {
    const r = await ctx.deps.backend.removeMessage(id, ctx.who);
    return r.ok
      ? ok(`Message id ${quote(id)} removed`, [r])
      : { status: 409, text: `Could not remove message id ${quote(id)}: ${r.detail}`, results: [r] };
  } catch (err) {
    if (err instanceof UnknownError) return { status: 404, text: `Could not remove message id ${quote(id)}` };
    return failure(ctx, err, `Could not remove message id ${quote(id)}`);
  }
});

const quote = (s: string): string => `\`${s}'`;

const ACTIONS: Readonly<Record<string, Action>> = {
  suspend: gatewayStateAction('suspended', 'Already suspended', `${GATEWAY_NAME} suspended`, 'Could not suspend'),
  isolate: gatewayStateAction('isolated', 'Already isolated', `${GATEWAY_NAME} isolated from message providers`, 'Could not isolate'),
  resume: gatewayStateAction('running', 'Already running', 'Running resumed', 'Could not resume'),
  shutdown,
  'log-level': logLevel,
  'reload-lists': reloadLists,
  restart,
  'graceful-restart': gracefulRestart,
  'flush-dlr': flushDlr,
  'remove-message': removeMessage,
  'stop-smsc': smscAction(
    { done: (s) => `SMSC ${quote(s)} shut down`, failed: (s) => `Could not shut down smsc-id ${quote(s)}` },
    (b, l, w) => b.linkAction(l, 'stop', w),
    true,
  ),
  'start-smsc': smscAction(
    { done: (s) => `SMSC ${quote(s)} re-started`, failed: (s) => `Could not re-start smsc-id ${quote(s)}` },
    (b, l, w) => b.linkAction(l, 'start', w),
    true,
  ),
  'remove-smsc': smscAction(
    { done: (s) => `SMSC ${quote(s)} removed`, failed: (s) => `Could not remove smsc-id ${quote(s)}` },
    (b, l, w) => b.removeLink(l, w),
    true,
  ),
  'add-smsc': smscAction(
    { done: (s) => `SMSC ${quote(s)} added`, failed: (s) => `Could not add smsc-id ${quote(s)}` },
    (b, l, w) => b.addLink(l, w),
    false,
  ),
};

const STATUS_FORMS: Readonly<Record<KannelFormat, (s: KannelStatus) => string>> = {
  txt: statusText,
  html: statusHtml,
  xml: statusXml,
  json: statusJson,
};
const STORE_FORMS: Readonly<Record<KannelFormat, (r: readonly StoreRoute[]) => string>> = {
  txt: storeStatusText,
  html: storeStatusHtml,
  xml: storeStatusXml,
  json: storeStatusJson,
};

type ReadCommand = 'status' | 'store-status';
const READS: readonly ReadCommand[] = ['status', 'store-status'];

async function readPage(ctx: Context, command: ReadCommand, format: KannelFormat): Promise<{ status: number; body: string } | Outcome> {
  const { backend } = ctx.deps;
  try {
    if (command === 'status') {
      const model = kannelStatus(await backend.status(), (ctx.deps.now ?? Date.now)(), ctx.deps.smscIdentities?.() ?? []);
      return { status: 200, body: STATUS_FORMS[format](model) };
    }
    const limit = ctx.deps.storeStatusLimit ?? 50;
    const routes = await backend.routes();
    const pages = await Promise.all(
      routes.map(async (route): Promise<StoreRoute> => ({
        route,
        page: route.counts.queued > 0 ? await backend.peek(route.key, 'queued', limit, undefined) : undefined,
      })),
    );
    return { status: 200, body: STORE_FORMS[format](pages) };
  } catch (err) {
    return failure(ctx, err, command === 'status' ? 'Could not read the status' : 'Could not read the store');
  }
}

function send(
  reply: FastifyReply,
  format: KannelFormat,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): FastifyReply {
  return reply
    .code(status)
    .headers({ ...headers, 'content-type': contentType(format), 'cache-control': 'no-store' })
    .send(body);
}

function queryOf(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
}

/** Who asked, for the log and the backend: the client address, with the HTTP Basic user name when one is given. */
function whoOf(req: FastifyRequest): string {
  const user = basicAuth(req.headers.authorization)?.username;
  return user ? `${user}@${req.ip}` : req.ip;
}

async function serve(
  deps: KannelCommandsDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  command: string,
  extension: KannelFormat | undefined,
): Promise<FastifyReply> {
  const format = formatFor(extension, req.headers.accept);
  const read = (READS as readonly string[]).includes(command);
  const need: AdminNeed = read ? 'status' : 'admin';
  const check = await deps.access(req, need);
  if (check !== 'ok') {
    deps.refusals?.note(req.log, req.ip, command, check);
    // Kannel's "Denied" where Kannel would refuse (password, address, port closed); the others say what to do.
    const denied = check.code === 'unauthorized' || check.code === 'forbidden_ip' || check.code === 'admin_closed';
    const text = denied ? 'Denied' : check.body.error.message;
    return send(reply, format, check.status, plainReply(format, text, check.body), check.headers);
  }
  const ctx: Context = { deps, req, who: whoOf(req), query: queryOf(req.url) };
  if (read) {
    const page = await readPage(ctx, command as ReadCommand, format);
    if ('body' in page) return send(reply, format, page.status, page.body);
    return send(reply, format, page.status, plainReply(format, page.text));
  }
  const params = Object.fromEntries(['smsc', 'level'].flatMap((k) => (ctx.query.has(k) ? [[k, ctx.query.get(k)]] : [])));
  req.log.info({ who: ctx.who, command, ...params }, 'admin command');
  const outcome = await ACTIONS[command]!(ctx);
  if (outcome.status >= 400)
    req.log.warn({ who: ctx.who, command, status: outcome.status, reply: outcome.text }, 'admin command not carried out');
  return send(reply, format, outcome.status, plainReply(format, outcome.text, outcome.results ? { results: outcome.results } : undefined));
}

/** The command names, as routes (`/status`, `/status.xml`, …). */
export const KANNEL_COMMANDS: readonly string[] = [...READS, ...Object.keys(ACTIONS)];

/**
 * Adds Kannel's commands to the admin server. They live in a plugin scope of their own: bodies are never read
 * (Kannel takes parameters from the query only), whatever their content type, and nothing here changes the
 * parsers or handlers of the server's other routes.
 */
export function registerKannelCommands(app: FastifyInstance, given: KannelCommandsDeps): void {
  const deps: KannelCommandsDeps = { ...given, refusals: given.refusals ?? new AdminRefusalLog() };
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, _body, done) => done(null, undefined));
    for (const command of KANNEL_COMMANDS) {
      for (const extension of [undefined, ...KANNEL_FORMATS]) {
        scope.route({
          method: ['GET', 'POST'],
          url: extension ? `/${command}.${extension}` : `/${command}`,
          handler: (req, reply) => serve(deps, req, reply, command, extension),
        });
      }
    }
  });
}
