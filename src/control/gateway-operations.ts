/**
 * The admin port's backend (AdminBackend): what operators see of the gateway and what they can do to it,
 * cluster-wide. Views are read from the shared link state (each bind as its owning process published it), the
 * route queues (route-inspector.ts) and the account counters; actions go through Redis (operator-state.ts, the
 * queues) so that every gateway process sharing it applies them. Every action is logged with who asked and what
 * it changed.
 */
import type { Logger } from 'pino';
import {
  UnknownError,
  type AccountView,
  type ActionResult,
  type AdminBackend,
  type GatewayStatus,
  type LinkView,
  type LiveExplanation,
  type PeekPage,
  type RouteView,
  type SmppKeys,
} from '../domain/admin-views.js';
import type { Config } from '../config/config.js';
import { interopKeys } from '../config/interop-keys.js';
import type { Link } from '../domain/link.js';
import type { LoadedLists } from '../domain/number-lists.js';
import type { ListLoad } from '../messages/number-lists.js';
import type { AccountStats } from '../accounts/account-stats.js';
import type { BindStatus } from '../links/cluster-link-state.js';
import { RouteNotFoundError, type RouteInspector } from '../queue/route-inspector.js';
import type { Route } from '../routing/compute-route.js';
import { explainRoute } from '../routing/explain-route.js';
import type { GatewayState, LogLevelName, OperatorState } from './operator-state.js';

/** What the operations read of the gateway process they run in. */
export interface GatewayParts {
  readonly config: () => Config;
  readonly nodeId: string;
  readonly startedAt: number;
  readonly version: string;
  readonly binds: () => BindStatus[];
  readonly linkHealthy: (id: string) => boolean;
  readonly routes: () => Route[];
  readonly inspector: RouteInspector;
  readonly operator: OperatorState;
  readonly accounts: AccountStats;
  readonly shuttingDown: () => boolean;
  /** Graceful shutdown of the gateway (this process and the links process it runs); a second call forces it. */
  readonly shutdown: () => void;
  /** Re-reads the configuration file here and asks every other process to: the outcome here. */
  readonly reload: (who: string, force: boolean) => Promise<ActionResult>;
  /** Re-reads the number lists here and asks every other process to: what became of each list here. */
  readonly reloadLists: (who: string) => Promise<readonly ListLoad[]>;
  /** The lists loaded now, for explain. */
  readonly lists?: () => LoadedLists;
  /** Re-executes the gateway in place (`switchboard start` provides it); undefined: this process cannot. */
  readonly restart?: (() => void) | undefined;
  /** Gives up every awaited receipt (flush-dlr); how many. */
  readonly flushDlr: () => Promise<number>;
  /** A message's job as its record says (moved or retried messages), to find it in its queue. */
  readonly recordedJob?: (id: string) => Promise<string | undefined>;
  /** Callbacks waiting and given up (the callback queue), for the status page. */
  readonly callbackCounts: () => Promise<{ queued: number; failed: number }>;
  readonly logger: Logger;
}

const LOG_LEVELS: readonly LogLevelName[] = ['debug', 'info', 'warn', 'error', 'fatal'];

export class GatewayOperations implements AdminBackend {
  private readonly log: Logger;

  constructor(private readonly g: GatewayParts) {
    this.log = g.logger.child({ component: 'admin' });
  }

  private linkIds(): string[] {
    return this.g.config().links.map((l) => l.id);
  }

  private requireLink(id: string): void {
    if (!this.linkIds().includes(id)) throw new UnknownError('unknown_link', `no link ${id}`, this.linkIds());
  }

  private done(action: string, who: string, detail: string, extra: Partial<ActionResult> = {}, ok = true): ActionResult {
    const r: ActionResult = { action, ok, detail, ...extra };
    this.log.info({ who, action, ok, detail, ...extra }, `admin action: ${action}`);
    return r;
  }

  async links(): Promise<LinkView[]> {
    const binds = this.g.binds();
    const routes = this.g.routes();
    return this.g.config().links.map((l) => ({
      id: l.id,
      smscId: l.smscId,
      host: l.host,
      port: l.port,
      smpp: interopKeys(l.interop),
      admin: this.adminState(l.id),
      healthy: this.g.linkHealthy(l.id),
      binds: binds.filter((b) => b.link === l.id).map(({ updatedAt: _u, ...view }) => view),
      routes: routes.flatMap((r): LinkView['routes'][number][] =>
        r.preferred.includes(l.id)
          ? [{ route: r.key, tier: 'preferred' }]
          : r.fallback.includes(l.id)
            ? [{ route: r.key, tier: 'fallback' }]
            : [],
      ),
    }));
  }

  private adminState(id: string): LinkView['admin'] {
    const s = this.g.operator.linkState(id);
    return s === 'removed' ? 'stopped' : s;
  }

  async routes(): Promise<RouteView[]> {
    const now = Date.now();
    const configured = new Set(this.g.config().links.map((l) => l.id));
    return Promise.all(
      this.g.routes().map(async (r) => {
        const snap = await this.g.inspector.snapshot(r.key, now);
        const preferredUp = r.preferred.some((id) => this.g.linkHealthy(id));
        return {
          key: r.key,
          preferred: [...r.preferred],
          fallback: [...r.fallback],
          paused: snap.paused,
          counts: snap.counts,
          jobs: snap.jobs,
          oldestAgeMs: snap.oldestAgeMs,
          drainingLinks: (preferredUp ? r.preferred : r.fallback).filter((id) => this.g.linkHealthy(id)),
          noLink: ![...r.preferred, ...r.fallback].some((id) => configured.has(id)),
        };
      }),
    );
  }

  async accounts(): Promise<AccountView[]> {
    return this.g.accounts.read(
      this.g.config().accounts.map((a) => a.username),
      Date.now(),
    );
  }

  async status(): Promise<GatewayStatus> {
    const [links, routes, accounts, callbacks] = await Promise.all([this.links(), this.routes(), this.accounts(), this.g.callbackCounts()]);
    const binds = links.flatMap((l) => l.binds);
    const sum = (f: (b: (typeof binds)[number]) => number): number => binds.reduce((n, b) => n + f(b), 0);
    return {
      version: this.g.version,
      state: this.g.shuttingDown() ? 'shutting-down' : this.g.operator.gatewayState(),
      startedAt: this.g.startedAt,
      node: this.g.nodeId,
      nodes: [...new Set([this.g.nodeId, ...binds.map((b) => b.node).filter(Boolean)])],
      sms: {
        received: { mt: accounts.reduce((n, a) => n + a.counters.accepted, 0), mo: sum((b) => b.counters.mo) },
        sent: { mt: sum((b) => b.counters.accepted), mo: 0 },
        queued: routes.reduce((n, r) => n + r.counts.queued, 0),
        failed: routes.reduce((n, r) => n + r.counts.failed, 0),
      },
      dlr: {
        received: sum((b) => Object.values(b.counters.receipts).reduce((x, y) => x + y, 0)),
        callbacksQueued: callbacks.queued,
        callbacksFailed: callbacks.failed,
      },
      links,
      routes,
    };
  }

  async peek(route: string, state: 'queued' | 'failed', limit: number, cursor: string | undefined): Promise<PeekPage> {
    return this.routeCall(() => this.g.inspector.peek(route, state, limit, cursor));
  }

  private async routeCall<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof RouteNotFoundError) throw new UnknownError('unknown_route', e.message, e.known);
      throw e;
    }
  }

  async linkAction(link: string, action: 'stop' | 'start' | 'drain', who: string): Promise<ActionResult> {
    this.requireLink(link);
    const before = this.g.operator.linkState(link);
    const next = action === 'start' ? 'running' : action === 'stop' ? 'stopped' : 'draining';
    await this.g.operator.setLinkState(link, next);
    const what =
      action === 'stop'
        ? 'its binds unbind once their windows drain; its routes go to their fallback links or wait'
        : action === 'drain'
          ? 'it finishes its windows and takes nothing new; its binds stay up'
          : 'it binds again and takes its routes';
    return this.done(`link ${action}`, who, `link ${link}: ${before} → ${next}: ${what}`);
  }

  async routeAction(route: string, action: 'pause' | 'resume', who: string): Promise<ActionResult> {
    const changed = await this.routeCall(() => (action === 'pause' ? this.g.inspector.pause(route) : this.g.inspector.resume(route)));
    return this.done(
      `route ${action}`,
      who,
      changed
        ? `route ${route} ${action === 'pause' ? 'paused: no link takes its messages' : 'resumed'}`
        : `route ${route} was already ${action === 'pause' ? 'paused' : 'running'}`,
    );
  }

  async failedAction(route: string, action: 'retry' | 'remove', ids: readonly string[] | undefined, who: string): Promise<ActionResult> {
    if (action === 'retry') {
      const r = await this.routeCall(() => this.g.inspector.retryFailed(route, ids));
      return this.done(
        'retry failed',
        who,
        `route ${route}: ${r.retried} failed message(s) queued again${r.missing > 0 ? `; ${r.missing} not among its failed messages` : ''}`,
        { retried: r.retried },
      );
    }
    const r = await this.routeCall(() => this.g.inspector.removeFailed(route, ids, who));
    if (ids === undefined || r.missing === 0)
      return this.done(
        'remove failed',
        who,
        `route ${route}: ${r.removed} failed message(s) removed, each with its final report${r.missing > 0 ? `; ${r.missing} not among its failed messages` : ''}`,
        { removed: r.removed },
      );
    // Ids that are not failed may still be waiting: those are taken out of the queue too, each with its final report.
    const waiting = await this.routeCall(() => this.g.inspector.removeWaiting(route, ids, who));
    const parts = [`${r.removed} failed and ${waiting.removed} waiting message(s) removed, each with its final report`];
    if (waiting.skippedActive > 0) parts.push(`${waiting.skippedActive} left alone (a link is sending them)`);
    const missing = ids.length - r.removed - waiting.removed - waiting.skippedActive;
    if (missing > 0) parts.push(`${missing} not in this route`);
    return this.done('remove', who, `route ${route}: ${parts.join('; ')}`, {
      removed: r.removed + waiting.removed,
      skippedActive: waiting.skippedActive,
    });
  }

  async move(route: string, smscId: string, who: string): Promise<ActionResult> {
    const known = [...new Set(this.g.config().links.map((l) => l.smscId))].sort();
    if (!known.includes(smscId)) throw new UnknownError('unknown_smsc', `no link has smsc-id ${smscId}; nothing was moved`, known);
    const r = await this.routeCall(() => this.g.inspector.move(route, smscId));
    const parts = [`${r.moved} waiting message(s) moved to smsc-id ${smscId}`];
    if (r.stayed > 0) parts.push(`${r.stayed} stayed (smsc-id ${smscId} cannot carry them)`);
    if (r.skippedActive > 0) parts.push(`${r.skippedActive} left alone (a link is sending them)`);
    return this.done('move', who, `route ${route}: ${parts.join('; ')}`, { moved: r.moved, skippedActive: r.skippedActive });
  }

  reload(who: string, force = false): Promise<ActionResult> {
    return this.g.reload(who, force);
  }

  async setGatewayState(state: GatewayState, who: string): Promise<ActionResult> {
    const before = this.g.operator.gatewayState();
    await this.g.operator.setGatewayState(state);
    const what =
      state === 'suspended'
        ? 'nothing is accepted or sent'
        : state === 'isolated'
          ? 'no MO or receipt is taken from the SMSCs; messages are still accepted and sent'
          : 'accepting and sending';
    return this.done(`gateway ${state}`, who, `gateway: ${before} → ${state}: ${what}`);
  }

  async shutdown(who: string): Promise<ActionResult> {
    const again = this.g.shuttingDown();
    const r = this.done(
      'shutdown',
      who,
      again ? 'shutting down already: forcing the exit' : 'shutting down: nothing new is accepted; windows drain, then the binds unbind',
    );
    // After the reply has gone: the shutdown closes this very server.
    setTimeout(() => this.g.shutdown(), 50).unref();
    return r;
  }

  async setLogLevel(level: 0 | 1 | 2 | 3 | 4, who: string): Promise<ActionResult> {
    const name = LOG_LEVELS[level]!;
    await this.g.operator.setLogLevel(name);
    return this.done('log level', who, `log level ${level} (${name}) in every gateway process`);
  }

  async addLink(link: string, who: string): Promise<ActionResult> {
    this.requireLink(link);
    await this.g.operator.setLinkState(link, 'running');
    return this.done('add link', who, `link ${link} back in service`);
  }

  async removeLink(link: string, who: string): Promise<ActionResult> {
    this.requireLink(link);
    await this.g.operator.setLinkState(link, 'removed');
    return this.done('remove link', who, `link ${link} removed from service: it unbinds once its windows drain`);
  }

  async restart(who: string, graceful: boolean): Promise<ActionResult> {
    if (graceful) {
      // Kannel's graceful-restart re-reads the smsc groups and touches only what changed: SIGHUP's reload here.
      const r = await this.g.reload(who, false);
      return this.done('graceful restart', who, r.detail, {}, r.ok);
    }
    const restart = this.g.restart;
    if (restart === undefined)
      return this.done('restart', who, 'this gateway was not started by `switchboard start`: it cannot restart itself', {}, false);
    // After the reply has gone: the restart closes this port.
    setTimeout(restart, 100).unref();
    return this.done(
      'restart',
      who,
      'every process of this gateway stops and starts again in place (same process, same supervisor); queued messages wait in Redis',
    );
  }

  async flushDlr(who: string): Promise<ActionResult> {
    // Kannel flushes only while suspended: no receipt may come in meanwhile.
    if (this.g.operator.gatewayState() !== 'suspended')
      return this.done('flush-dlr', who, 'suspend the gateway before flushing the receipts awaited', {}, false);
    const n = await this.g.flushDlr();
    return this.done('flush-dlr', who, `${n} awaited receipts given up: reported as failed (unknown), their correlations dropped`, {
      removed: n,
    });
  }

  async removeMessage(id: string, who: string): Promise<ActionResult> {
    const outcome = await this.g.inspector.removeMessage(id, who, await this.g.recordedJob?.(id));
    if (outcome === 'not-found') throw new UnknownError('unknown_message', `no queued or failed message ${id}`, []);
    if (outcome === 'active')
      return this.done('remove message', who, `message ${id} is being sent right now; try again in a moment`, {}, false);
    return this.done('remove message', who, `message ${id} removed; its final report goes out as it asked`, { removed: 1 });
  }

  /** Kannel's reload-lists: every white and black list read again, in every process; one that fails keeps its last good content. */
  async reloadLists(who: string): Promise<ActionResult> {
    const loads = await this.g.reloadLists(who);
    const failed = loads.filter((l) => !l.ok);
    const read = loads.length - failed.length;
    const detail =
      loads.length === 0
        ? 'no list file or URL is configured'
        : `${read} of ${loads.length} lists read (${loads
            .filter((l) => l.ok)
            .map((l) => `${l.usedBy.join(', ')}: ${l.numbers} numbers`)
            .join('; ')})${
            failed.length > 0
              ? `; could not read ${failed.map((l) => `${l.usedBy.join(', ')} (${l.error ?? ''}), keeping ${l.numbers} numbers`).join('; ')}`
              : ''
          }`;
    return this.done('reload lists', who, detail, {}, failed.length === 0);
  }

  /** The routing explanation, with each link's live health, operator state and the queue depth of the route. */
  async explain(account: string, to: string, smsc: string | undefined): Promise<LiveExplanation> {
    const config = this.g.config();
    const acct = config.accounts.find((a) => a.username === account);
    if (!acct)
      throw new UnknownError(
        'unknown_account',
        `no account ${account}`,
        config.accounts.map((a) => a.username),
      );
    const base = explainRoute({
      links: config.links,
      account: acct,
      receiver: to,
      requestedSmsc: smsc,
      sendsmsChars: config.http.sendsmsChars,
      unifiedPrefix: config.numbers.unifiedPrefix,
      lists: this.g.lists?.(),
    });
    let queued: number | undefined;
    if (base.route && this.g.routes().some((r) => r.key === base.route!.key))
      queued = (await this.g.inspector.snapshot(base.route.key)).counts.queued;
    const route = base.route && { key: base.route.key, preferred: [...base.route.preferred], fallback: [...base.route.fallback] };
    return {
      ...base,
      route,
      links: base.links.map((l) => ({
        ...l,
        healthy: this.g.linkHealthy(l.link),
        admin: this.g.operator.linkState(l.link),
        queued: l.tier === 'not-eligible' ? undefined : (queued ?? 0),
        ...smppOf(config.links, l.link),
      })),
    };
  }
}

/** A link's interop keys for an explanation, when the link is configured. */
function smppOf(links: readonly Link[], id: string): { smpp?: SmppKeys } {
  const link = links.find((l) => l.id === id);
  return link ? { smpp: interopKeys(link.interop) } : {};
}
