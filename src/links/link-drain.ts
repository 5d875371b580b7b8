/**
 * A link draining the queues of the routes it belongs to: a worker per route queue (queue/route-workers.ts), taking
 * jobs while the link may take work (may-take-work.ts: it can send and, for a fallback link, no preferred link of
 * that route is healthy anywhere, or the preferred links are saturated), and each batch taken run through the link
 * (batch-run.ts). Links of a route compete for its queue, so each takes what its window, throughput and SMSC speed
 * allow.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SubmitOutcomes } from '../domain/delivery.js';
import type { Link } from '../domain/link.js';
import type { LinkHealthView, OperatorView } from '../domain/link-health.js';
import type { QueuedMessage } from '../domain/message.js';
import type { RouteDirectory } from '../queue/route-directory.js';
import { RouteWorkers, type BatchConsumer, type HandBack, type RecordReader, type TakenBatch } from '../queue/route-workers.js';
import type { Route } from '../routing/compute-route.js';
import { BatchRun, type LinkSender, type RunContext, type RunCounters } from './batch-run.js';
import type { DeliveryPolicy } from './delivery-decision.js';
import { mayTakeWork, type LinkWorkState } from './may-take-work.js';

export type { LinkSender };

export interface DrainOptions extends DeliveryPolicy {
  readonly connection: Redis;
  readonly prefix: string;
  readonly lockDurationMs: number;
  /** How long a link may hold a batch's unsent messages before they go back to the queue for any link. */
  readonly timeShareMs: number;
  readonly outcomes: SubmitOutcomes;
  readonly records: RecordReader;
  readonly concatRefs: RunContext['concatRefs'];
  readonly health: LinkHealthView;
  readonly operator?: OperatorView;
  readonly logger: Logger;
  /** Every configured link, to read the preferred links' spillover setting. */
  readonly links: ReadonlyMap<string, Link>;
  /** Hears each message the SMSC accepted (metrics: the wait from accept to submit). */
  readonly onSubmitted?: (msg: QueuedMessage, now: number) => void;
}

/** Counts for status and metrics; every one of them only grows. */
export interface DrainCounters extends RunCounters {
  jobs: number;
  /** Messages that went back to their queue (link lost, time share used, waiting for a retry). */
  handedBack: number;
  /** Messages of jobs interrupted by a crash that may reach the SMSC twice (at most the window each). */
  possibleResends: number;
  interruptedJobs: number;
}

/** The link's place in a route it drains. */
interface RouteTier {
  readonly route: Route;
  readonly tier: 'preferred' | 'fallback';
  /** Fallback only: the preferred links are healthy but saturated, so this link helps (spillover). */
  spilling: boolean;
  /** Fallback only, when a preferred link has spillover-queue-age: how long the route's next message may wait. */
  readonly spillAfterMs: number;
}

export class LinkDrain<L extends LinkSender = LinkSender> implements BatchConsumer {
  private readonly routes = new Map<string, RouteTier>();
  private readonly workers: RouteWorkers;
  private readonly log: Logger;
  private readonly context: RunContext;
  private closed = false;
  private spillTimer: NodeJS.Timeout | undefined;
  private readonly runs = new Set<BatchRun>();
  readonly counters: DrainCounters = {
    jobs: 0,
    submitted: 0,
    failed: 0,
    handedBack: 0,
    resentUnanswered: 0,
    possibleResends: 0,
    interruptedJobs: 0,
  };

  constructor(
    readonly runtime: L,
    private readonly directory: RouteDirectory,
    private readonly opts: DrainOptions,
  ) {
    const id = runtime.link.id;
    this.log = opts.logger.child({ link: id });
    this.workers = new RouteWorkers(this, {
      connection: opts.connection,
      prefix: opts.prefix,
      lockDurationMs: opts.lockDurationMs,
      // Jobs in hand at once per route: enough to keep the windows fed while a batch's last answers come in, and no
      // more than a couple of seconds of work for a link with a throughput limit (a job holds about a second of it).
      concurrency: runtime.link.throughput > 0 ? 2 : 4,
      records: opts.records,
      logger: this.log,
      context: { link: id },
    });
    this.context = {
      runtime,
      policy: opts,
      outcomes: opts.outcomes,
      concatRefs: opts.concatRefs,
      timeShareMs: opts.timeShareMs,
      lockDurationMs: opts.lockDurationMs,
      counters: this.counters,
      logger: this.log,
      linkState: () => this.linkState(),
      onSubmitted: opts.onSubmitted,
    };
  }

  private readonly onRoute = (r: Route): void => this.ensureWorker(r);
  private readonly onHealth = (): void => this.update();
  private readonly onChange = (): void => {
    this.update();
    for (const run of this.runs) run.linkChanged();
  };

  start(): void {
    for (const r of this.directory.routes()) this.ensureWorker(r);
    this.directory.on('added', this.onRoute);
    this.runtime.on('available', this.onChange);
    this.runtime.on('health', this.onChange);
    this.runtime.on('bindState', this.onChange);
    this.opts.health.on('change', this.onHealth);
    this.opts.operator?.on('change', this.onChange);
  }

  /** A drain closed while the gateway runs (its link removed by a reload) hears nothing more. */
  private unlisten(): void {
    this.directory.off('added', this.onRoute);
    this.runtime.off('available', this.onChange);
    this.runtime.off('health', this.onChange);
    this.runtime.off('bindState', this.onChange);
    this.opts.health.off('change', this.onHealth);
    this.opts.operator?.off('change', this.onChange);
  }

  /** The link's state as may-take-work.ts reads it. */
  private linkState(): LinkWorkState {
    const op = this.opts.operator;
    const inService = !op || (op.linkInService(this.runtime.link.id) && op.gatewayState() !== 'suspended');
    return { stopped: this.closed || !inService, willSend: this.runtime.willSend() };
  }

  get linkId(): string {
    return this.runtime.link.id;
  }

  /** Routes this link drains now, for status output. */
  draining(): { route: string; tier: string; running: boolean }[] {
    return [...this.routes.values()].map((t) => ({ route: t.route.key, tier: t.tier, running: this.workers.running(t.route.key) }));
  }

  private ensureWorker(route: Route): void {
    if (this.closed || this.routes.has(route.key)) return;
    const id = this.runtime.link.id;
    const tier = route.preferred.includes(id) ? 'preferred' : route.fallback.includes(id) ? 'fallback' : undefined;
    if (!tier) return;
    this.workers.add(route.key);
    const ages = route.preferred.map((lid) => this.opts.links.get(lid)?.spilloverQueueAgeMs ?? 0).filter((ms) => ms > 0);
    const spillAfterMs = tier === 'fallback' && ages.length > 0 ? Math.min(...ages) : 0;
    this.routes.set(route.key, { route, tier, spilling: false, spillAfterMs });
    if (spillAfterMs > 0) this.watchSpillover();
    this.log.info({ route: route.key, tier }, 'draining route queue');
    this.update();
  }

  /**
   * Spillover: for fallback routes whose preferred links allow it, look at how long the route's next message has
   * waited; past the limit this link helps, and it stops again once the wait is back under half the limit.
   */
  private watchSpillover(): void {
    if (this.spillTimer) return;
    this.spillTimer = setInterval(() => void this.checkSpillover(), 250);
    this.spillTimer.unref();
  }

  private async checkSpillover(): Promise<void> {
    for (const t of this.routes.values()) {
      if (t.spillAfterMs === 0 || this.closed) continue;
      try {
        const waited = await this.workers.nextWaitedMs(t.route.key);
        const spill = t.spilling ? waited > t.spillAfterMs / 2 : waited > t.spillAfterMs;
        if (spill !== t.spilling) {
          t.spilling = spill;
          this.log.warn(
            { route: t.route.key, waitedMs: waited },
            spill ? 'preferred links saturated: fallback link helps drain the route' : 'route caught up: fallback link stops helping',
          );
          this.update();
        }
      } catch (e) {
        this.log.debug({ err: e }, 'cannot read the route queue for spillover');
      }
    }
  }

  /** Starts, resumes or pauses each route's worker to match whether the link may take that route's work. */
  private update(): void {
    const link = this.linkState();
    for (const t of this.routes.values()) {
      const turn = { tier: t.tier, spilling: t.spilling, preferredHealthy: this.opts.health.anyHealthy(t.route.preferred) };
      const run = mayTakeWork(link, turn);
      if (!this.workers.want(t.route.key, run) || t.tier !== 'fallback') continue;
      if (run && !t.spilling) this.log.warn({ route: t.route.key }, 'fallback link takes the route: no preferred link is healthy');
      else if (link.willSend)
        this.log.info({ route: t.route.key }, 'a preferred link is healthy again; fallback link stops taking the route');
    }
  }

  async consume(batch: TakenBatch): Promise<HandBack | undefined> {
    this.counters.jobs++;
    if (batch.interrupted) {
      // Those the crashed link may have written already are counted: at most what it held unconfirmed, a window per bind.
      const possible = Math.min(batch.items.length, this.runtime.maxUnconfirmed);
      this.counters.interruptedJobs++;
      this.counters.possibleResends += possible;
      this.log.warn(
        {
          route: batch.routeKey,
          job: batch.jobId,
          done: batch.interrupted.recorded,
          remaining: batch.items.length,
          possibleResends: possible,
        },
        'batch was interrupted by a crash: sending what is not recorded; up to possibleResends of them may reach the SMSC twice',
      );
    }
    const run = new BatchRun(this.context, batch);
    this.runs.add(run);
    let back: HandBack | undefined;
    try {
      back = await run.execute();
    } finally {
      this.runs.delete(run);
    }
    if (back) this.counters.handedBack += back.items.length;
    return back;
  }

  lockLost(jobIds: readonly string[]): void {
    for (const run of this.runs) if (jobIds.includes(run.jobId)) run.lockLost();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unlisten();
    clearInterval(this.spillTimer);
    for (const run of this.runs) run.linkChanged();
    await this.workers.close();
  }

  /** Stops taking jobs; the batches in hand give back what they have not started and finish the rest. */
  async pauseAll(): Promise<void> {
    this.closed = true;
    for (const run of this.runs) run.linkChanged();
    await this.workers.pauseAll();
  }
}
