/**
 * The command line of the commands that talk to a running gateway's admin API (status, links, queues, queue …,
 * link …, reload, smpp-sessions …, explain --url): parsed into a typed invocation, or a usage error in words. The connection comes
 * from flags or the environment. Pure: the environment is passed in.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AdminConnection } from './admin-client.js';
import { isRouteKeyPrefix } from './resolve-route-key.js';

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:13000';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const PEEK_LIMIT_MAX = 500;

export const ADMIN_EXIT = {
  ok: 0,
  /** The gateway refused or failed the action (unknown link or route, a bad configuration to reload, …). */
  failed: 1,
  usage: 2,
  /** Nothing answered at the URL in time, or what answered is not the admin API. */
  unreachable: 3,
  /** 401 or 403: no password, a wrong one, a status-password for an action, or a refused client address. */
  auth: 4,
  /** `status` only: some link an operator did not stop or drain is down. */
  linkDown: 5,
} as const;

export type AdminExitCode = (typeof ADMIN_EXIT)[keyof typeof ADMIN_EXIT];

/** The admin commands' part of `switchboard --help`. */
export const ADMIN_USAGE = `commands on a running gateway (its admin-port's JSON API):
  status                      the gateway, its links and queues at a glance
  links                       every link and bind: state, since, node, window, throughput, counters
  queues                      every route queue: links, counts, age of the oldest waiting message
  queue peek ROUTE            the first queued messages of a route
      --failed                the failed ones instead
      --limit N               how many (1 to ${PEEK_LIMIT_MAX}; the gateway's default is 50)
      --cursor C              the next page, as the previous one says
  queue retry ROUTE (ID ... | --all)
                              queue failed messages again: these, or every failed one
  queue remove ROUTE (ID ... | --all)
                              remove messages (each gets its final report): these ids, failed or waiting, or
                              every failed one
  queue move ROUTE --smsc ID  route the waiting messages again, with that smsc-id
  queue pause ROUTE           stop handing the route's messages to links
  queue resume ROUTE
  link stop LINK              unbind and keep it down
  link start LINK
  link drain LINK             take no new messages, finish the window
  reload [--force]            re-read the configuration file (a bad one is refused, the running one kept; one
                              that removes every link or account, or leaves messages without a link, only with --force)
  reload-lists                read every white and black list again (one that cannot be read keeps its last good content)
  restart [--graceful]        stop and start every process of the gateway in place (queues wait in Redis);
                              --graceful: re-read the configuration file and apply it instead (only changed links rebind)
  flush-dlr                   while suspended: give up every awaited receipt (reported failed, correlations dropped)
  remove-message ID           remove one queued or failed message, with its final report
  smpp-sessions               the SMPP server's client sessions: account, kind, address, node, on-line for,
                              window, submits, deliver_sm sent and failed; the deliver_sm waiting per account
  smpp-sessions disconnect (--session ID | --account NAME)
                              unbind one client session, or every session of an account, wherever it is held
  explain --url URL ...       explain (see above) asked of the running gateway: adds each link's health and
                              queued messages; online whenever --url or SWITCHBOARD_URL is set and --config is not
  ROUTE is a route key (16 hex digits, from queues) or a prefix of one that names a single route.

  options of these commands:
      --url URL               the admin port (default ${DEFAULT_ADMIN_URL}; env SWITCHBOARD_URL)
      --password P            admin-password or status-password, sent as HTTP Basic (user admin);
                              env SWITCHBOARD_PASSWORD, better than the flag, which other users can see
      --timeout SECONDS       give up after this long (default ${DEFAULT_TIMEOUT_MS / 1000})
      --json                  the API's JSON as it came, instead of a table
  exit codes: 0 ok, 1 refused or failed, 2 usage error, 3 gateway unreachable (or not its admin API),
              4 authentication refused (401/403), 5 (status) some link not stopped or drained is down;
              explain: 0 routable, 1 not routable, 2 also when the gateway refuses the question
`;

export type AdminCommand =
  | { readonly kind: 'status' }
  | { readonly kind: 'links' }
  | { readonly kind: 'queues' }
  | { readonly kind: 'reload'; readonly force: boolean }
  | { readonly kind: 'reload-lists' }
  | { readonly kind: 'restart'; readonly graceful: boolean }
  | { readonly kind: 'flush-dlr' }
  | { readonly kind: 'remove-message'; readonly id: string }
  | {
      readonly kind: 'peek';
      readonly route: string;
      readonly state: 'queued' | 'failed';
      readonly limit: number | undefined;
      readonly cursor: string | undefined;
    }
  /** `ids` undefined: every failed message (--all). */
  | { readonly kind: 'failed'; readonly action: 'retry' | 'remove'; readonly route: string; readonly ids: readonly string[] | undefined }
  | { readonly kind: 'move'; readonly route: string; readonly smsc: string }
  | { readonly kind: 'route'; readonly action: 'pause' | 'resume'; readonly route: string }
  | { readonly kind: 'link'; readonly action: 'stop' | 'start' | 'drain'; readonly link: string }
  | { readonly kind: 'explain'; readonly account: string; readonly to: string; readonly smsc: string | undefined }
  | { readonly kind: 'smpp-sessions' }
  /** One of the two: a session by id, or every session of an account. */
  | { readonly kind: 'smpp-disconnect'; readonly match: SmppMatch };

export type SmppMatch = { readonly session: string } | { readonly account: string };

export interface AdminInvocation {
  readonly command: AdminCommand;
  readonly connection: AdminConnection;
  readonly json: boolean;
}

export type ParsedAdminArgs =
  { readonly ok: true; readonly invocation: AdminInvocation } | { readonly ok: false; readonly message: string };

type Env = Readonly<Record<string, string | undefined>>;
type Options = NonNullable<ParseArgsConfig['options']>;

const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  password: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies Options;

/** The connection options as parseArgs gives them, whatever the command. */
interface ConnectionValues {
  readonly url?: string | undefined;
  readonly password?: string | undefined;
  readonly timeout?: string | undefined;
  readonly json?: boolean | undefined;
}

interface Parsed {
  readonly command: AdminCommand;
  readonly values: ConnectionValues;
}

class UsageError extends Error {}

function usage(message: string): never {
  throw new UsageError(message);
}

/** The commands this module parses (main.ts sends them here). */
export const ADMIN_COMMANDS: readonly string[] = [
  'status',
  'links',
  'queues',
  'queue',
  'link',
  'reload',
  'reload-lists',
  'restart',
  'flush-dlr',
  'remove-message',
  'smpp-sessions',
];

/** `explain` asks the running gateway when --url is given, or SWITCHBOARD_URL is set and no --config is. */
export function explainIsOnline(args: readonly string[], env: Env): boolean {
  const has = (long: string, short?: string): boolean =>
    args.some((a) => a === `--${long}` || a.startsWith(`--${long}=`) || (short !== undefined && a === `-${short}`));
  return has('url') || (Boolean(env.SWITCHBOARD_URL) && !has('config', 'c'));
}

function connection(values: ConnectionValues, env: Env): AdminConnection {
  const url = values.url ?? (env.SWITCHBOARD_URL || DEFAULT_ADMIN_URL);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    usage(`--url: expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    usage(`--url: expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
  if (parsed.username || parsed.password) usage('--url: give the password with --password or SWITCHBOARD_PASSWORD, not in the URL');
  const password = values.password ?? (env.SWITCHBOARD_PASSWORD || undefined);
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    const s = Number(values.timeout);
    if (values.timeout.trim() === '' || !Number.isFinite(s) || s <= 0 || s > 3600)
      usage(`--timeout: expected seconds, more than 0 and at most 3600, got ${JSON.stringify(values.timeout)}`);
    timeoutMs = Math.round(s * 1000);
  }
  return { url, password, timeoutMs };
}

function parse<O extends Options>(
  args: readonly string[],
  options: O,
  positionals: string,
): ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof CONNECTION_OPTIONS; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: [...args], options: { ...options, ...CONNECTION_OPTIONS }, allowPositionals: true, strict: true });
  } catch (e) {
    usage(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')} (usage: ${positionals})`);
  }
}

function route(text: string | undefined, form: string): string {
  if (text === undefined) usage(`a route is missing (usage: ${form})`);
  if (!isRouteKeyPrefix(text)) usage(`expected a route key (16 hex digits, or a prefix of one), got ${JSON.stringify(text)}`);
  return text.toLowerCase();
}

/** `n` positionals; `what` names the missing one in words. */
function exactly(positionals: readonly string[], n: number, form: string, what = 'an argument'): void {
  if (positionals.length > n) usage(`unexpected ${JSON.stringify(positionals[n])} (usage: ${form})`);
  if (positionals.length < n) usage(`${what} is missing (usage: ${form})`);
}

function peekLimit(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > PEEK_LIMIT_MAX)
    usage(`--limit: expected a number from 1 to ${PEEK_LIMIT_MAX}, got ${JSON.stringify(v)}`);
  return n;
}

function queueCommand(sub: string | undefined, rest: readonly string[]): Parsed {
  switch (sub) {
    case 'peek': {
      const form = 'switchboard queue peek ROUTE [--failed] [--limit N] [--cursor C]';
      const { values, positionals } = parse(
        rest,
        { failed: { type: 'boolean' }, limit: { type: 'string' }, cursor: { type: 'string' } },
        form,
      );
      exactly(positionals, 1, form, 'a route');
      const command: AdminCommand = {
        kind: 'peek',
        route: route(positionals[0], form),
        state: values.failed ? 'failed' : 'queued',
        limit: peekLimit(values.limit),
        cursor: values.cursor,
      };
      return { command, values };
    }
    case 'retry':
    case 'remove': {
      const form = `switchboard queue ${sub} ROUTE (ID ... | --all)`;
      const { values, positionals } = parse(rest, { all: { type: 'boolean' } }, form);
      const [key, ...ids] = positionals;
      const r = route(key, form);
      if (values.all && ids.length > 0) usage(`give message ids or --all, not both (usage: ${form})`);
      if (!values.all && ids.length === 0)
        usage(`give the ids of the failed messages to ${sub}, or --all for every failed message of the route (usage: ${form})`);
      return { command: { kind: 'failed', action: sub, route: r, ids: values.all ? undefined : ids }, values };
    }
    case 'move': {
      const form = 'switchboard queue move ROUTE --smsc ID';
      const { values, positionals } = parse(rest, { smsc: { type: 'string' } }, form);
      exactly(positionals, 1, form, 'a route');
      const r = route(positionals[0], form);
      if (!values.smsc) usage(`--smsc ID is needed: the smsc-id to route the waiting messages with (usage: ${form})`);
      return { command: { kind: 'move', route: r, smsc: values.smsc }, values };
    }
    case 'pause':
    case 'resume': {
      const form = `switchboard queue ${sub} ROUTE`;
      const { values, positionals } = parse(rest, {}, form);
      exactly(positionals, 1, form, 'a route');
      return { command: { kind: 'route', action: sub, route: route(positionals[0], form) }, values };
    }
    default:
      return usage(`queue: expected peek, retry, remove, move, pause or resume${sub === undefined ? '' : `, got ${JSON.stringify(sub)}`}`);
  }
}

function command(argv: readonly string[]): Parsed {
  const [name, ...rest] = argv;
  switch (name) {
    case 'status':
    case 'links':
    case 'queues': {
      const form = `switchboard ${name} [--url URL] [--json]`;
      const { values, positionals } = parse(rest, {}, form);
      exactly(positionals, 0, form);
      return { command: { kind: name }, values };
    }
    case 'reload': {
      const form = 'switchboard reload [--force] [--url URL] [--json]';
      const { values, positionals } = parse(rest, { force: { type: 'boolean' } }, form);
      exactly(positionals, 0, form);
      return { command: { kind: 'reload', force: values.force === true }, values };
    }
    case 'reload-lists':
    case 'flush-dlr': {
      const form = `switchboard ${name} [--url URL] [--json]`;
      const { values, positionals } = parse(rest, {}, form);
      exactly(positionals, 0, form);
      return { command: { kind: name }, values };
    }
    case 'restart': {
      const form = 'switchboard restart [--graceful] [--url URL] [--json]';
      const { values, positionals } = parse(rest, { graceful: { type: 'boolean' } }, form);
      exactly(positionals, 0, form);
      return { command: { kind: 'restart', graceful: values.graceful === true }, values };
    }
    case 'remove-message': {
      const form = 'switchboard remove-message ID [--url URL] [--json]';
      const { values, positionals } = parse(rest, {}, form);
      exactly(positionals, 1, form);
      return { command: { kind: 'remove-message', id: positionals[0]! }, values };
    }
    case 'queue': {
      const [sub, ...tail] = rest;
      return queueCommand(sub, tail);
    }
    case 'link': {
      const [action, ...tail] = rest;
      if (action !== 'stop' && action !== 'start' && action !== 'drain') {
        return usage(`link: expected stop, start or drain${action === undefined ? '' : `, got ${JSON.stringify(action)}`}`);
      }
      const form = `switchboard link ${action} LINK`;
      const { values, positionals } = parse(tail, {}, form);
      exactly(positionals, 1, form, 'a link id');
      return { command: { kind: 'link', action, link: positionals[0] ?? '' }, values };
    }
    case 'smpp-sessions': {
      const [sub, ...tail] = rest;
      if (sub !== 'disconnect') {
        const form = 'switchboard smpp-sessions [--url URL] [--json]';
        const { values, positionals } = parse(rest, {}, form);
        exactly(positionals, 0, form);
        return { command: { kind: 'smpp-sessions' }, values };
      }
      const form = 'switchboard smpp-sessions disconnect (--session ID | --account NAME) [--url URL] [--json]';
      const { values, positionals } = parse(tail, { session: { type: 'string' }, account: { type: 'string' } }, form);
      exactly(positionals, 0, form);
      // Both at once would end only the session if it is of that account: a confusing way to say --session.
      if (values.session && values.account) usage(`give --session or --account, not both (usage: ${form})`);
      if (values.session) return { command: { kind: 'smpp-disconnect', match: { session: values.session } }, values };
      if (values.account) return { command: { kind: 'smpp-disconnect', match: { account: values.account } }, values };
      return usage(`give --session ID (from smpp-sessions) or --account NAME (usage: ${form})`);
    }
    case 'explain': {
      const form = 'switchboard explain --url URL --account NAME --to NUMBER [--smsc ID] [--json]';
      const { values, positionals } = parse(
        rest,
        { account: { type: 'string' }, to: { type: 'string' }, smsc: { type: 'string' }, config: { type: 'string', short: 'c' } },
        form,
      );
      exactly(positionals, 0, form);
      if (values.config !== undefined) usage('explain: --config (offline, from the file) or --url (the running gateway), not both');
      if (!values.account) usage('explain needs --account NAME (a sendsms-user username)');
      if (!values.to) usage('explain needs --to NUMBER');
      return { command: { kind: 'explain', account: values.account, to: values.to, smsc: values.smsc || undefined }, values };
    }
    default:
      return usage(`unknown command ${JSON.stringify(name ?? '')}`);
  }
}

/** `argv` starts with the command: `['queue', 'peek', '3fa4', '--failed']`. */
export function parseAdminArgs(argv: readonly string[], env: Env): ParsedAdminArgs {
  try {
    const { command: cmd, values } = command(argv);
    return { ok: true, invocation: { command: cmd, connection: connection(values, env), json: values.json ?? false } };
  } catch (e) {
    if (e instanceof UsageError) return { ok: false, message: e.message };
    throw e;
  }
}
