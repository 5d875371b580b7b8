/**
 * The commands on a running gateway (status, links, queues, queue …, link …, reload, smpp-sessions …, explain --url):
 * parse, call the admin API, print a table (or the API's JSON with --json), and answer with an exit code
 * (ADMIN_EXIT). Output, the clock, colour and fetch come in through AdminIo, so tests run it in-process against a
 * fake API.
 */
import { ADMIN_EXIT, parseAdminArgs, type AdminCommand, type AdminExitCode, type AdminInvocation } from './admin-args.js';
import { AdminClient, type Reply } from './admin-client.js';
import { AdminAuthError, AdminRefusedError, GatewayUnreachableError, UnexpectedReplyError } from './admin-client-error.js';
import type { ActionResult } from '../domain/admin-views.js';
import {
  actionText,
  linksDown,
  linksTable,
  peekTable,
  queuesTable,
  smppDisconnectText,
  smppSessionsTable,
  statusText,
} from './admin-tables.js';
import { LIVE_LINK_COLUMNS, renderExplanation } from './explain.js';
import { isWholeRouteKey, resolveRouteKey } from './resolve-route-key.js';
import { ansi, plain, printable } from './text-table.js';

export interface AdminIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: () => number;
  /** Colour states: stdout is a terminal and NO_COLOR is unset (see useColor). */
  readonly color: boolean;
  readonly fetch?: typeof fetch;
}

/** https://no-color.org: colour only on a terminal, and not when NO_COLOR is set to anything but ''. */
export function useColor(stdoutIsTty: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  return stdoutIsTty === true && !env.NO_COLOR;
}

/** A usage problem found after talking to the gateway (a route prefix that names several routes). */
class LateUsageError extends Error {}

/** The command as the operator typed it, to begin messages with. */
function title(c: AdminCommand): string {
  switch (c.kind) {
    case 'peek':
      return `queue peek ${c.route}`;
    case 'failed':
      return `queue ${c.action} ${c.route}`;
    case 'move':
      return `queue move ${c.route}`;
    case 'route':
      return `queue ${c.action} ${c.route}`;
    case 'link':
      return `link ${c.action} ${c.link}`;
    case 'smpp-disconnect':
      return 'smpp-sessions disconnect';
    default:
      return c.kind;
  }
}

/** What the `known` ids of a refusal are, in words. */
function knownLabel(c: AdminCommand, code: string): string {
  if (code === 'unknown_smsc') return 'smsc-ids';
  if (code === 'unknown_account') return 'accounts';
  if (code === 'unknown_session') return c.kind === 'smpp-disconnect' && 'account' in c.match ? 'accounts bound' : 'sessions bound';
  if (c.kind === 'link') return 'links';
  return c.kind === 'peek' || c.kind === 'failed' || c.kind === 'move' || c.kind === 'route' ? 'routes' : 'known';
}

async function routeKey(client: AdminClient, typed: string): Promise<string> {
  if (isWholeRouteKey(typed)) return typed;
  const { value } = await client.routes();
  const found = resolveRouteKey(
    typed,
    value.routes.map((r) => r.key),
  );
  switch (found.kind) {
    case 'found':
      return found.key;
    case 'ambiguous':
      throw new LateUsageError(
        `route ${typed} is the start of ${found.matches.length} routes (${found.matches.join(', ')}): type more of it`,
      );
    case 'unknown':
      throw new AdminRefusedError(404, 'unknown_route', `no route starts with ${typed}`, { known: found.known, problems: [], body: '' });
  }
}

export class AdminCommandRunner {
  readonly #client: AdminClient;
  readonly #io: AdminIo;
  readonly #json: boolean;

  constructor(inv: AdminInvocation, io: AdminIo) {
    this.#client = new AdminClient(inv.connection, io.fetch);
    this.#io = io;
    this.#json = inv.json;
  }

  async run(c: AdminCommand): Promise<AdminExitCode> {
    const client = this.#client;
    const now = this.#io.now();
    const paint = this.#io.color ? ansi : plain;
    switch (c.kind) {
      case 'status': {
        const r = await client.status();
        this.#print(r, () => statusText(r.value, now, paint));
        return linksDown(r.value.links).length > 0 ? ADMIN_EXIT.linkDown : ADMIN_EXIT.ok;
      }
      case 'links': {
        const r = await client.links();
        this.#print(r, () => linksTable(r.value.links, now, paint));
        return ADMIN_EXIT.ok;
      }
      case 'queues': {
        const r = await client.routes();
        this.#print(r, () => queuesTable(r.value.routes, paint));
        return ADMIN_EXIT.ok;
      }
      case 'peek': {
        const key = await routeKey(client, c.route);
        const r = await client.peek(key, c.state, c.limit, c.cursor);
        this.#print(r, () => peekTable(r.value, key, c.state, now));
        return ADMIN_EXIT.ok;
      }
      case 'failed':
        return this.#action(c, await client.failedAction(await routeKey(client, c.route), c.action, c.ids));
      case 'move':
        return this.#action(c, await client.move(await routeKey(client, c.route), c.smsc));
      case 'route':
        return this.#action(c, await client.routeAction(await routeKey(client, c.route), c.action));
      case 'link':
        return this.#action(c, await client.linkAction(c.link, c.action));
      case 'reload':
        return this.#action(c, await client.reload(c.force));
      case 'reload-lists':
        return this.#action(c, await client.reloadLists());
      case 'restart':
        return this.#action(c, await client.restart(c.graceful));
      case 'flush-dlr':
        return this.#action(c, await client.flushDlr());
      case 'remove-message':
        return this.#action(c, await client.removeMessage(c.id));
      case 'smpp-sessions': {
        const r = await client.smppSessions();
        this.#print(r, () => smppSessionsTable(r.value, now, paint));
        return ADMIN_EXIT.ok;
      }
      case 'smpp-disconnect': {
        const r = await client.smppDisconnect(c.match);
        this.#print(r, () => smppDisconnectText(r.value));
        return ADMIN_EXIT.ok;
      }
      case 'explain': {
        const r = await client.explain(c.account, c.to, c.smsc);
        this.#print(r, () => renderExplanation(r.value, LIVE_LINK_COLUMNS));
        return r.value.routable ? ADMIN_EXIT.ok : ADMIN_EXIT.failed;
      }
    }
  }

  #print<T>(reply: Reply<T>, table: () => string): void {
    this.#io.stdout(this.#json ? withNewline(reply.raw) : table());
  }

  #action(c: AdminCommand, r: Reply<ActionResult>): AdminExitCode {
    if (this.#json) this.#io.stdout(withNewline(r.raw));
    else if (r.value.ok) this.#io.stdout(actionText(r.value));
    else this.#io.stderr(`switchboard: ${title(c)}: refused: ${actionText(r.value)}`);
    return r.value.ok ? ADMIN_EXIT.ok : ADMIN_EXIT.failed;
  }

  /** Says what went wrong and gives its exit code; errors that are not the client's are thrown on. */
  report(c: AdminCommand, e: unknown): AdminExitCode {
    const say = (text: string): void => this.#io.stderr(`switchboard: ${printable(text)}\n`);
    if (e instanceof GatewayUnreachableError || e instanceof UnexpectedReplyError) {
      say(e.message);
      return ADMIN_EXIT.unreachable;
    }
    if (e instanceof AdminAuthError) {
      say(e.message);
      return ADMIN_EXIT.auth;
    }
    if (e instanceof LateUsageError) {
      say(e.message);
      return ADMIN_EXIT.usage;
    }
    if (e instanceof AdminRefusedError) {
      if (this.#json && e.body) this.#io.stdout(withNewline(e.body));
      const known = e.known === undefined ? '' : ` (${knownLabel(c, e.code)}: ${e.known.length === 0 ? 'none' : e.known.join(', ')})`;
      say(`${title(c)}: ${e.message}${known}`);
      for (const p of e.problems) this.#io.stderr(`  ${printable(p)}\n`);
      // explain's 1 means "not routable"; a question the gateway cannot answer (no such account) is 2, as offline.
      return c.kind === 'explain' ? ADMIN_EXIT.usage : ADMIN_EXIT.failed;
    }
    throw e;
  }
}

const withNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

/** `argv` starts with the command (`['link', 'stop', 'primary', '--url', …]`); resolves to the exit code. */
export async function runAdminCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: AdminIo,
): Promise<AdminExitCode> {
  const parsed = parseAdminArgs(argv, env);
  if (!parsed.ok) {
    io.stderr(`switchboard: ${parsed.message}\n`);
    return ADMIN_EXIT.usage;
  }
  const runner = new AdminCommandRunner(parsed.invocation, io);
  try {
    return await runner.run(parsed.invocation.command);
  } catch (e) {
    return runner.report(parsed.invocation.command, e);
  }
}
