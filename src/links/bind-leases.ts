/**
 * Which process runs which bind: each bind instance is owned through a lease in Redis (SET NX with a TTL, renewed
 * by its owner). Gateway processes sharing a configuration and a Redis therefore open exactly `instances` binds
 * per link between them, and when one dies its leases expire and the others take its binds over.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import type { Bind } from '../smpp/bind.js';
import type { LinkRuntime } from './link-runtime.js';

/** What renewing a lease answers. */
export const LEASE_RENEWAL = { heldElsewhere: 0, renewed: 1, taken: 2, recentlyHeld: 3 } as const;

/**
 * How long a lease's last holder is remembered after its last renewal: longer than any failover (Sentinel waits
 * down-after-milliseconds, 30 s by default, before it even starts one).
 */
const HOLDER_REMEMBERED_MS = 5 * 60_000;

/** Renews a lease this node holds, or takes a free one (exported for its test). */
export const RENEW_LEASE = LuaScript.load('renew-lease', { RENEWAL: LEASE_RENEWAL });

/** Gives a lease back when this node holds it (exported for its test). */
export const RELEASE_LEASE = LuaScript.load('release-lease');

export interface BindLeaseOptions {
  readonly ttlMs: number;
  readonly renewMs: number;
  /** Whether a link may have binds now (an operator may have stopped or removed it; a draining one keeps them). */
  readonly inService?: (linkId: string) => boolean;
  /** How long a bind of a stopped link may take to let its window drain before it unbinds. */
  readonly drainMs?: number;
}

export class BindLeases {
  private readonly held = new Set<Bind>();
  private readonly retiring = new Set<Bind>();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = false;
  /** Set while renewals fail (Redis gone, frozen, failing over); when it ends, holders go first (see tick()). */
  private failing = false;
  /** Before this time (epoch ms) no lease this process does not hold is taken. */
  private takeNotBefore = 0;
  /** When start() ran (epoch ms). */
  private startedAt = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    /** The links this process may run; a reload adds and removes entries (see surrender()). */
    private readonly runtimes: ReadonlyMap<string, LinkRuntime>,
    private readonly logger: Logger,
    private readonly opts: BindLeaseOptions,
  ) {}

  private get binds(): Bind[] {
    return [...this.runtimes.values()].flatMap((r) => r.binds);
  }

  private leaseKeys(b: Bind): string[] {
    return [this.keys.bindLease(b.name), this.keys.bindLeaseHolder(b.name)];
  }

  /** Binds this process owns now. */
  owned(): readonly Bind[] {
    return [...this.held];
  }

  async start(): Promise<void> {
    this.startedAt = Date.now();
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.renewMs);
    this.timer.unref();
  }

  /**
   * Renews what we hold (stopping a bind whose lease was lost), then tries to take the free ones. A bind of a link
   * an operator stopped is unbound (its window drained first) and its lease given back; none is taken for it.
   */
  async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const inService = this.opts.inService ?? ((): boolean => true);
      for (const b of [...this.held]) {
        if (inService(b.link.id)) continue;
        this.held.delete(b);
        this.logger.warn({ bind: b.name }, 'link taken out of service by an operator: unbinding once the window drains');
        // Not awaited: the other leases must go on being renewed meanwhile.
        void b
          .stop(this.opts.drainMs ?? 5000)
          .then(() => RELEASE_LEASE.run(this.redis, this.leaseKeys(b), [this.nodeId]))
          .catch((e: unknown) =>
            this.logger.warn({ err: e, bind: b.name }, 'cannot release the lease of a stopped bind; it expires by itself'),
          );
      }
      // Retiring binds (removed by a reload, still unbinding) keep their leases alive, so no process still on the
      // old configuration takes them meanwhile. A lease that is free, or still ours from a retired bind of the same
      // name (a changed link), is taken: the renew script does both.
      // After an outage longer than a lease (a Sentinel failover takes seconds), every lease may have expired on the
      // primary that answers now. Whoever asked first would take a bind another process still has open, and two
      // processes would bind it at once for a moment. So holders go first: for two renewal intervals after Redis
      // answers again, this process only renews what it holds, and every live holder has renewed (or re-taken) its
      // own leases before anyone takes a free one. The lease connection never sends a command late (redis/connect.ts,
      // role 'leases'), so no take decided before the outage lands after it.
      const mayTake = !this.failing && Date.now() >= this.takeNotBefore;
      const binds = [...this.retiring, ...this.binds.filter((b) => this.held.has(b) || (mayTake && inService(b.link.id)))];
      const pipe = this.redis.pipeline();
      // A process that started a moment ago leaves alone a free lease that another node held last: after an outage
      // longer than the TTL (a failover) its holder may still have the bind open, and renews first. Processes that
      // were running before take it at once, so a crashed holder's binds are taken over after the TTL as before.
      const mayTakeRecent = Date.now() >= this.startedAt + 2 * this.opts.renewMs ? '1' : '0';
      for (const b of binds)
        RENEW_LEASE.queue(pipe, this.leaseKeys(b), [this.nodeId, this.opts.ttlMs, HOLDER_REMEMBERED_MS, mayTakeRecent]);
      // With nothing to renew or take, only an answer to something says Redis is back.
      const results = binds.length > 0 ? ((await pipe.exec()) ?? []) : (await this.redis.ping(), []);
      const error = results.find(([err]) => err)?.[0];
      if (error) throw error;
      if (this.failing) {
        this.failing = false;
        this.takeNotBefore = Date.now() + 2 * this.opts.renewMs;
        this.logger.info(
          { held: this.held.size, holdersFirstMs: 2 * this.opts.renewMs },
          'Redis answers bind leases again: renewing the leases held here first; free ones are taken after the holders had their turn',
        );
      }
      // A reload may have removed a link while the pipeline was out: a lease just taken for one of its binds is
      // never opened; it expires by itself (surrender() is stopping that bind).
      const current = new Set(this.binds);
      binds.forEach((b, i) => {
        const [err, value] = results[i] ?? [new Error('no result'), null];
        if (err || this.stopped || !current.has(b)) return;
        if (this.held.has(b)) {
          if (value === LEASE_RENEWAL.heldElsewhere) {
            this.held.delete(b);
            this.logger.warn({ bind: b.name }, 'lease lost to another gateway; stopping this bind');
            void b.stop(0);
          } else if (value === LEASE_RENEWAL.taken) {
            this.logger.info({ bind: b.name }, 'lease had expired while Redis did not answer; nobody took it, so this bind stays up');
          }
        } else if (value === LEASE_RENEWAL.taken || value === LEASE_RENEWAL.renewed) {
          // renewed: still ours from a retiring bind of the same name (a changed link).
          this.held.add(b);
          this.logger.info({ bind: b.name, node: this.nodeId }, 'lease taken; opening this bind');
          this.startWhenIdle(b);
        }
      });
    } catch (e) {
      // Redis unavailable: keep running what we hold; nobody else can take it while Redis is down.
      if (!this.failing)
        this.logger.warn({ err: (e as Error).message, held: this.held.size }, 'cannot renew bind leases; binds held here stay up');
      this.failing = true;
    } finally {
      this.ticking = false;
    }
  }

  /** A bind still unbinding from a lease lost a moment ago starts again once it has stopped. */
  private startWhenIdle(b: Bind): void {
    const s = b.state.kind;
    if (s === 'idle' || s === 'stopped') {
      b.start();
      return;
    }
    const onState = (): void => {
      const k = b.state.kind;
      if (k !== 'stopped' && k !== 'idle') return;
      b.off('state', onState);
      if (this.held.has(b) && !this.stopped) b.start();
    };
    b.on('state', onState);
  }

  /**
   * A link removed or changed by a reload (already out of the runtimes map): its binds let their windows drain and
   * unbind. Their leases are kept alive meanwhile and then left to expire, not given back: the other processes are
   * reloading too, and one still on the old configuration must not bind the link again in between. A changed link's
   * new binds, in this process, take the leases back at once (they are still ours).
   */
  async surrender(runtime: LinkRuntime, drainMs: number): Promise<void> {
    await Promise.all(
      runtime.binds.map(async (b) => {
        if (this.held.delete(b)) this.retiring.add(b);
        try {
          await b.stop(drainMs);
        } finally {
          this.retiring.delete(b);
        }
      }),
    );
  }

  /** Stops renewing; the caller stops the binds, then release() hands them to the other processes at once. */
  halt(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  async release(): Promise<void> {
    const pipe = this.redis.pipeline();
    for (const b of this.held) RELEASE_LEASE.queue(pipe, this.leaseKeys(b), [this.nodeId]);
    this.held.clear();
    await pipe.exec().catch((e: unknown) => this.logger.warn({ err: e }, 'cannot release bind leases; they expire by themselves'));
  }
}
