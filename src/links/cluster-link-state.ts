/**
 * Link state shared through Redis. Every bind this process runs publishes its state (binding, bound, unhealthy
 * with the reason, down with the reason) under a key with a short TTL, refreshed every second and at once on any
 * change, with an event so the others re-read now. Each process merges its own binds (live) with the others'
 * (from Redis) into one view: whether a link is healthy anywhere. A process that dies stops refreshing, and its
 * binds' states expire within the TTL.
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Link } from '../domain/link.js';
import type { LinkHealthView } from '../domain/link-health.js';
import type { RedisKeys } from '../redis/keys.js';
import type { EventBus } from '../redis/event-bus.js';
import type { BindView } from '../domain/admin-views.js';
import { describeDown, type Bind } from '../smpp/bind.js';
import type { LinkRuntime } from './link-runtime.js';
import { LuaScript } from '../redis/lua-script.js';

/** The field of a published state that names the node that published it. */
const OWNER_FIELD = 'node' satisfies keyof BindStatus;

/** Removes a bind's state only when this node published it (exported for its test). */
export const RELEASE_BIND_STATE = LuaScript.load('release-bind-state', { OWNER_FIELD });

/** A bind's state as published (the admin port's BindView), and when it was published. */
export interface BindStatus extends BindView {
  readonly updatedAt: number;
}

export interface ClusterLinkStateOptions {
  readonly ttlMs: number;
  readonly refreshMs: number;
  /** Whether an operator lets the link carry traffic (not stopped, draining or removed). */
  readonly inService?: (linkId: string) => boolean;
}

/** Every bind name a configuration can open, so the view can read them all with one MGET. */
export function allBindNames(links: readonly Link[]): { link: Link; name: string }[] {
  const out: { link: Link; name: string }[] = [];
  for (const link of links) {
    for (let i = 1; i <= link.instances; i++) {
      if (link.port !== 0) out.push({ link, name: `${link.id}/${link.transceiver ? 'trx' : 'tx'}${i}` });
      if (link.receivePort !== 0) out.push({ link, name: `${link.id}/rx${i}` });
    }
  }
  return out;
}

export class ClusterLinkState extends EventEmitter<{ change: [] }> implements LinkHealthView {
  private remote = new Map<string, BindStatus>();
  private names: { link: Link; name: string }[];
  private timer: NodeJS.Timeout | undefined;
  private lastView = '';
  private linkIds: readonly string[];

  constructor(
    private readonly redis: Redis,
    private readonly bus: EventBus,
    private readonly keys: RedisKeys,
    readonly nodeId: string,
    links: readonly Link[],
    private readonly runtimes: ReadonlyMap<string, LinkRuntime>,
    private readonly logger: Logger,
    private readonly opts: ClusterLinkStateOptions,
  ) {
    super();
    this.names = allBindNames(links);
    this.linkIds = links.map((l) => l.id);
  }

  /** A reload changed the configured links: the view reads their binds from now on. */
  setLinks(links: readonly Link[]): void {
    this.names = allBindNames(links);
    this.linkIds = links.map((l) => l.id);
    void this.refresh();
  }

  /** Publishes the state changes of a link this process runs (at start, and for a link a reload added). */
  watch(runtime: LinkRuntime): void {
    runtime.on('bindState', (bind) => void this.publish(bind, true));
    runtime.on('health', () => this.changed());
    for (const bind of runtime.binds) bind.on('health', () => void this.publish(bind, true));
  }

  async start(): Promise<void> {
    for (const runtime of this.runtimes.values()) this.watch(runtime);
    this.bus.on('link', () => void this.refresh());
    await this.refresh();
    this.timer = setInterval(() => {
      for (const r of this.runtimes.values())
        for (const b of r.binds) if (b.state.kind !== 'idle' && b.state.kind !== 'stopped') void this.publish(b, false);
      void this.refresh();
    }, this.opts.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private statusOf(bind: Bind): BindStatus {
    const s = bind.state;
    const now = Date.now();
    const c = bind.counters;
    const p50 = bind.recent.latencyMs.percentile(now, 0.5);
    const p99 = bind.recent.latencyMs.percentile(now, 0.99);
    return {
      link: bind.link.id,
      smscId: bind.link.smscId,
      bind: bind.name,
      node: this.nodeId,
      state: s.kind === 'bound' && !bind.healthy(now) ? 'unhealthy' : s.kind,
      healthy: bind.canSubmit && bind.healthy(now),
      probation: bind.onProbation,
      since: 'since' in s ? s.since : now,
      ...(s.kind === 'down'
        ? { reason: describeDown(s.reason) }
        : s.kind === 'bound' && !bind.healthy(now)
          ? { reason: bind.onProbation ? 'on probation after unanswered submits' : 'responses overdue' }
          : {}),
      window: { inUse: bind.outstanding, size: bind.window },
      throughput: { limit: bind.link.throughput, actual: Math.round(bind.recent.submits.rate(now) * 10) / 10 },
      counters: {
        submitted: c.submitted,
        accepted: c.accepted,
        refused: c.refused,
        throttled: c.throttled,
        unanswered: c.unanswered,
        receipts: { ...c.receipts },
        mo: c.mo,
      },
      latencyMs: { p50, p99 },
      updatedAt: now,
    };
  }

  /** Writes this bind's state with a TTL; `announce` also tells the other processes to re-read now. */
  private async publish(bind: Bind, announce: boolean): Promise<void> {
    try {
      const key = this.keys.bindState(bind.name);
      if (bind.state.kind === 'stopped' || bind.state.kind === 'idle') {
        // Only remove what this node wrote: another node may own the bind now.
        await RELEASE_BIND_STATE.run(this.redis, [key], [this.nodeId]);
      } else {
        await this.redis.set(key, JSON.stringify(this.statusOf(bind)), 'PX', this.opts.ttlMs);
      }
      if (announce) await this.bus.publish('link', bind.link.id);
    } catch (e) {
      this.logger.debug({ err: e, bind: bind.name }, 'cannot publish the bind state (Redis unavailable?)');
    }
  }

  async refresh(): Promise<void> {
    try {
      if (this.names.length === 0) return;
      const values = await this.redis.mget(...this.names.map((n) => this.keys.bindState(n.name)));
      const next = new Map<string, BindStatus>();
      values.forEach((v, i) => {
        if (!v) return;
        try {
          const st = JSON.parse(v) as BindStatus;
          if (st.node !== this.nodeId) next.set(this.names[i]!.name, st);
        } catch {
          this.logger.warn({ bind: this.names[i]?.name }, 'unreadable bind state in Redis; ignored');
        }
      });
      this.remote = next;
      this.changed();
    } catch (e) {
      this.logger.debug({ err: e }, 'cannot read bind states (Redis unavailable?)');
    }
  }

  private changed(): void {
    const view = this.linkIds.map((id) => (this.linkHealthy(id) ? '1' : '0')).join('');
    if (view !== this.lastView) {
      this.lastView = view;
      this.emit('change');
    }
  }

  linkHealthy(id: string): boolean {
    if (this.opts.inService && !this.opts.inService(id)) return false;
    if (this.runtimes.get(id)?.healthy()) return true;
    for (const st of this.remote.values()) if (st.link === id && st.healthy) return true;
    return false;
  }

  anyHealthy(ids: readonly string[]): boolean {
    return ids.some((id) => this.linkHealthy(id));
  }

  /** Every bind of every link, wherever it runs (for the API and status). */
  snapshot(): BindStatus[] {
    const out: BindStatus[] = [];
    for (const { link, name } of this.names) {
      const local = this.runtimes.get(link.id)?.binds.find((b) => b.name === name);
      if (local && local.state.kind !== 'idle' && local.state.kind !== 'stopped') out.push(this.statusOf(local));
      else {
        const r = this.remote.get(name);
        out.push(r ?? unowned(link, name));
      }
    }
    return out;
  }
}

/** A bind no process runs (no lease holder, or its state expired). */
function unowned(link: Link, name: string): BindStatus {
  return {
    link: link.id,
    smscId: link.smscId,
    bind: name,
    node: '',
    state: 'unowned',
    healthy: false,
    probation: false,
    since: 0,
    window: { inUse: 0, size: link.maxPendingSubmits },
    throughput: { limit: link.throughput, actual: 0 },
    counters: { submitted: 0, accepted: 0, refused: 0, throttled: 0, unanswered: 0, receipts: {}, mo: 0 },
    latencyMs: { p50: undefined, p99: undefined },
    updatedAt: 0,
  };
}
