/**
 * After a configuration change, messages already waiting in a route queue are routed again with the new
 * configuration, and only with it: a route whose links were removed (an orphan), or whose links' settings changed,
 * has its waiting messages moved to the queues the new configuration gives them. Messages it gives no link stay
 * where they are, shown as waiting with no link, until a later reload gives them one, an operator moves or removes
 * them, or their validity ends: a reload never fails a message by itself. Failover and failback never move messages;
 * this is the one case where a message changes queue by itself.
 *
 * One rehomer per process, made once: it reads the running configuration when it acts, so nothing of an earlier
 * configuration survives a reload (no listener or closure keeps old links). A process still on an older
 * configuration never re-homes: each process writes the fingerprint of the links it runs when it starts and when it
 * applies a reload (the process that takes a reload writes it before it announces it), and a process re-homes only
 * while the fingerprint in Redis is its own.
 *
 * A route is re-homed by one process at a time, under a lock, with its queue paused for every process
 * (route-moves.ts). During a reload the affected routes are paused BEFORE the links change: the old links finish
 * their windows and hand back what they did not send, the new ones cannot take a job meanwhile, and only then are
 * the waiting messages routed again. So no message is moved twice, and none goes through a link the new
 * configuration forbids for it.
 */
import type { Logger } from 'pino';
import { linksFingerprint } from '../config/config-diff.js';
import type { Link } from '../domain/link.js';
import type { RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import { computeRoute, type Route } from '../routing/compute-route.js';
import type { RouteDirectory } from './route-directory.js';
import { forEachWaiting, rerouteWaiting, type RerouteCounts, type RerouteDeps } from './route-moves.js';

const RELEASE_LOCK = LuaScript.load('release-lease');

/** How often a busy lock is tried again, and a route looked at again while another process's link holds its jobs. */
const RETRY_MS = 200;

export interface RehomeDeps extends RerouteDeps {
  readonly directory: RouteDirectory;
  /** The running configuration's links, read each time (never a copy of an earlier configuration's). */
  readonly links: () => readonly Link[];
  readonly keys: RedisKeys;
  readonly nodeId: string;
  readonly logger: Logger;
  /** How long a process may hold a route (lock and pause); one that dies holding it frees it after this. */
  readonly holdMs?: number;
}

/** Whether none of the route's links is configured any more. */
export function isOrphan(route: Route, links: ReadonlyMap<string, Link>): boolean {
  return ![...route.preferred, ...route.fallback].some((id) => links.has(id));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export class RouteRehomer {
  /** A route another process created: one still on an older configuration may create one that has no link now. */
  private readonly onAdded = (route: Route): void => {
    const byId = new Map(this.deps.links().map((l) => [l.id, l]));
    if (isOrphan(route, byId)) void this.rehomeRoutes([route], () => undefined);
  };
  private started = false;

  constructor(private readonly deps: RehomeDeps) {}

  private get holdMs(): number {
    return this.deps.holdMs ?? 60_000;
  }

  /** Listens for routes other processes create (one listener, whatever the number of reloads) and re-homes orphans. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.declareCurrent();
    this.deps.directory.on('added', this.onAdded);
    const byId = new Map(this.deps.links().map((l) => [l.id, l]));
    await this.rehomeRoutes(
      this.deps.directory.routes().filter((r) => isOrphan(r, byId)),
      () => undefined,
    );
  }

  stop(): void {
    this.started = false;
    this.deps.directory.off('added', this.onAdded);
  }

  /** Listeners the directory has for this rehomer (one while started, whatever the number of reloads). */
  listenerCount(): number {
    return this.deps.directory.listeners('added').filter((l) => l === this.onAdded).length;
  }

  /** Says in Redis that `links` (by default those this process runs now) are the running configuration's. */
  async declareCurrent(links: readonly Link[] = this.deps.links()): Promise<void> {
    await this.deps.redis.set(this.deps.keys.linksConfig, linksFingerprint(links));
  }

  /** Waiting messages the given links could not carry, per route (what a reload to them would leave without a link). */
  async stranded(links: readonly Link[]): Promise<{ route: string; messages: number }[]> {
    const byId = new Map(links.map((l) => [l.id, l]));
    const out: { route: string; messages: number }[] = [];
    for (const route of this.deps.directory.routes()) {
      if (!isOrphan(route, byId)) continue;
      let messages = 0;
      await forEachWaiting(this.deps.producer, route.key, ({ msg }) => {
        if (computeRoute(links, msg.smscId, msg.to).kind === 'reject') messages++;
      });
      if (messages > 0) out.push({ route: route.key, messages });
    }
    return out;
  }

  /**
   * A reload applied here: `changeLinks` unbinds removed and changed links and binds the new ones. Routes that lose
   * a link or have one whose settings change (`affected`: ids of removed and changed links), and orphans (whose
   * messages a new link may carry now), are held (locked and paused) across it and re-homed after it with the
   * running links (already the new ones).
   */
  async switchLinks(affected: ReadonlySet<string>, changeLinks: () => Promise<void>): Promise<void> {
    await this.declareCurrent();
    const byId = new Map(this.deps.links().map((l) => [l.id, l]));
    const routes = this.started
      ? this.deps.directory.routes().filter((r) => isOrphan(r, byId) || [...r.preferred, ...r.fallback].some((id) => affected.has(id)))
      : [];
    await this.rehomeRoutes(routes, changeLinks);
  }

  /**
   * Holds the routes (when this process runs the latest configuration), runs `during`, then re-homes what it holds
   * and lets it go.
   */
  private async rehomeRoutes(chosen: readonly Route[], during: () => Promise<void> | void): Promise<void> {
    const links = this.deps.links();
    const byId = new Map(links.map((l) => [l.id, l]));
    const held: { route: Route; pausedHere: boolean }[] = [];
    try {
      if (chosen.length > 0 && (await this.isCurrent(links))) for (const route of chosen) held.push(await this.hold(route));
    } catch (e) {
      this.deps.logger.error({ err: e }, 'cannot hold route queues for a configuration change; their messages are re-homed later');
    }
    try {
      await during();
    } finally {
      for (const h of held) await this.rehomeHeld(h, byId);
    }
  }

  private async isCurrent(links: readonly Link[]): Promise<boolean> {
    const current = await this.deps.redis.get(this.deps.keys.linksConfig);
    if (current === linksFingerprint(links)) return true;
    this.deps.logger.info('not re-homing routes: this process does not run the latest configuration');
    return false;
  }

  /** Takes the route's lock (waiting while another process holds it, bounded) and pauses its queue. */
  private async hold(route: Route): Promise<{ route: Route; pausedHere: boolean }> {
    const lock = this.deps.keys.rehomeLock(route.key);
    const until = Date.now() + this.holdMs;
    while ((await this.deps.redis.set(lock, this.deps.nodeId, 'PX', this.holdMs, 'NX')) !== 'OK') {
      if (Date.now() > until) throw new Error(`route ${route.key} has been held by another process for ${this.holdMs} ms`);
      await sleep(RETRY_MS);
    }
    const q = this.deps.producer.queueFor(route.key);
    const pausedHere = !(await q.isPaused());
    if (pausedHere) await q.pause();
    return { route, pausedHere };
  }

  /**
   * Re-homes a held route, then resumes it (unless an operator had paused it) and releases its lock. Jobs a link of
   * another process still holds are waited for (bounded): what that link hands back is re-homed too.
   */
  private async rehomeHeld(h: { route: Route; pausedHere: boolean }, byId: ReadonlyMap<string, Link>): Promise<void> {
    const { route } = h;
    const links = [...byId.values()];
    const until = Date.now() + this.holdMs / 2;
    const total = { moved: 0, stayed: 0, skippedActive: 0 };
    try {
      for (;;) {
        const counts: RerouteCounts = await rerouteWaiting(
          this.deps,
          route.key,
          (item) => {
            const decision = computeRoute(links, item.msg.smscId, item.msg.to);
            return decision.kind === 'reject' ? 'stay' : { route: decision.route, msg: item.msg };
          },
          (to) => `routed again after a configuration change (route ${to.key})`,
        );
        total.moved += counts.moved;
        total.stayed = counts.stayed;
        total.skippedActive = counts.skippedActive;
        if (counts.skippedActive === 0 || Date.now() > until) break;
        await sleep(RETRY_MS);
      }
      const orphan = isOrphan(route, byId);
      if (total.moved > 0 || (orphan && total.stayed > 0) || total.skippedActive > 0)
        this.deps.logger.warn(
          { route: route.key, links: [...route.preferred, ...route.fallback], ...total },
          orphan
            ? 'route has no configured link: what the configuration can carry was routed again; the rest waits for a link'
            : 'route changed: its waiting messages were routed again with the new configuration',
        );
    } catch (e) {
      this.deps.logger.error({ err: e, route: route.key }, 'cannot re-home a route after a configuration change');
    } finally {
      try {
        if (h.pausedHere) await this.deps.producer.queueFor(route.key).resume();
      } finally {
        const lock = this.deps.keys.rehomeLock(route.key);
        await RELEASE_LOCK.run(this.deps.redis, [lock], [this.deps.nodeId]).catch((e: unknown) =>
          this.deps.logger.warn({ err: e, route: route.key }, 'cannot release a route lock; it expires by itself'),
        );
      }
    }
  }
}
