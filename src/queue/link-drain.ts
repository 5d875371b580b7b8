/**
 * A link draining the queues of the routes it belongs to: one bullmq worker per route queue, running while the
 * link can send and, for a fallback link, only while no preferred link of that route is healthy anywhere. Links
 * of a route compete for its queue, so each takes what its window, throughput and SMSC speed allow; failover and
 * failback move no message: whoever may drain the queue now simply takes the next one.
 */
import { DelayedError, Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Link } from '../domain/link.js';
import type { QueuedMessage } from '../domain/message.js';
import type { AcceptedPart } from '../links/classify-outcomes.js';
import type { LinkRuntime, SendProgress } from '../links/link-runtime.js';
import type { Route } from '../routing/compute-route.js';
import { routeQueueName } from './queue-names.js';
import type { RouteDirectory } from './route-directory.js';

/** Whether links are healthy, as seen across every gateway process sharing the Redis. */
export interface LinkHealthView {
  anyHealthy(linkIds: readonly string[]): boolean;
  on(event: 'change', listener: () => void): unknown;
}

/** Where the outcome of each message goes (its record, and the reports its client asked for). */
export interface SubmitOutcomes {
  submitted(msg: QueuedMessage, link: Link, parts: readonly AcceptedPart[], now: number): Promise<void>;
  failed(msg: QueuedMessage, detail: string, status: number | undefined, link: Link | undefined, now: number): Promise<void>;
}

export interface DrainOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly lockDurationMs: number;
  readonly maxAttempts: number;
  readonly outcomes: SubmitOutcomes;
  readonly health: LinkHealthView;
  readonly logger: Logger;
  /** How long the rest of a partly sent long message waits for its own link before any link resends it whole. */
  readonly pinWaitMs: number;
  /** Every configured link, to read the preferred links' spillover setting. */
  readonly links: ReadonlyMap<string, Link>;
}

type JobData = QueuedMessage & { readonly progress?: SendProgress & { readonly since: number } };

interface RouteWorker {
  readonly route: Route;
  readonly tier: 'preferred' | 'fallback';
  readonly worker: Worker<JobData>;
  started: boolean;
  /** Whether it should be taking jobs; applied one change at a time (bullmq's pause and resume are async). */
  wanted: boolean;
  applying: Promise<void>;
  /** Fallback only: the preferred links are healthy but saturated, so this link helps (spillover). */
  spilling: boolean;
  /** Fallback only, when a preferred link has spillover-queue-age: how long the route's next message may wait. */
  readonly spillAfterMs: number;
}

/** A temporary SMSC error: bullmq retries it with backoff and counts the attempt. */
export class TemporarySubmitError extends Error {
  override readonly name = 'TemporarySubmitError';
}

export class LinkDrain {
  private readonly workers = new Map<string, RouteWorker>();
  private readonly log: Logger;
  private closed = false;
  private spillTimer: NodeJS.Timeout | undefined;
  private readonly inspectors = new Map<string, Queue>();

  constructor(
    private readonly runtime: LinkRuntime,
    private readonly directory: RouteDirectory,
    private readonly opts: DrainOptions,
  ) {
    this.log = opts.logger.child({ link: runtime.link.id });
  }

  start(): void {
    for (const r of this.directory.routes()) this.ensureWorker(r);
    this.directory.on('added', (r) => this.ensureWorker(r));
    this.runtime.on('available', () => this.update());
    this.runtime.on('health', () => this.update());
    this.runtime.on('bindState', () => this.update());
    this.opts.health.on('change', () => this.update());
  }

  get linkId(): string {
    return this.runtime.link.id;
  }

  /** Routes this link drains now, for status output. */
  draining(): { route: string; tier: string; running: boolean }[] {
    return [...this.workers.values()].map((w) => ({ route: w.route.key, tier: w.tier, running: w.started && !w.worker.isPaused() }));
  }

  private ensureWorker(route: Route): void {
    if (this.closed || this.workers.has(route.key)) return;
    const id = this.runtime.link.id;
    const tier = route.preferred.includes(id) ? 'preferred' : route.fallback.includes(id) ? 'fallback' : undefined;
    if (!tier) return;
    const worker = new Worker<JobData>(routeQueueName(route.key), (job, token) => this.process(job, token), {
      connection: this.opts.connection,
      prefix: this.opts.prefix,
      autorun: false,
      concurrency: Math.max(1, this.runtime.capacity()),
      lockDuration: this.opts.lockDurationMs,
      stalledInterval: this.opts.lockDurationMs,
      // A crashed gateway must never turn into failed messages: stalled jobs are always handed out again.
      maxStalledCount: 1_000_000,
      drainDelay: 1,
      removeOnComplete: { count: 0 },
    });
    worker.on('error', (e) => this.log.error({ err: e, route: route.key }, 'queue worker error'));
    const ages = route.preferred.map((id) => this.opts.links.get(id)?.spilloverQueueAgeMs ?? 0).filter((ms) => ms > 0);
    const spillAfterMs = tier === 'fallback' && ages.length > 0 ? Math.min(...ages) : 0;
    this.workers.set(route.key, { route, tier, worker, started: false, wanted: false, applying: Promise.resolve(), spilling: false, spillAfterMs });
    if (spillAfterMs > 0) this.watchSpillover();
    this.log.info({ route: route.key, tier }, 'draining route queue');
    this.update();
  }

  private shouldRun(w: RouteWorker): boolean {
    if (this.closed || !this.runtime.available()) return false;
    return w.tier === 'preferred' || w.spilling || !this.opts.health.anyHealthy(w.route.preferred);
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
    for (const w of this.workers.values()) {
      if (w.spillAfterMs === 0 || this.closed) continue;
      let q = this.inspectors.get(w.route.key);
      if (!q) {
        q = new Queue(routeQueueName(w.route.key), { connection: this.opts.connection, prefix: this.opts.prefix });
        this.inspectors.set(w.route.key, q);
      }
      try {
        const [next] = await q.getJobs(['prioritized', 'wait'], 0, 0, true);
        const waited = next ? Date.now() - next.timestamp : 0;
        const spill = w.spilling ? waited > w.spillAfterMs / 2 : waited > w.spillAfterMs;
        if (spill !== w.spilling) {
          w.spilling = spill;
          this.log.warn({ route: w.route.key, waitedMs: waited }, spill ? 'preferred links saturated: fallback link helps drain the route' : 'route caught up: fallback link stops helping');
          this.update();
        }
      } catch (e) {
        this.log.debug({ err: e }, 'cannot read the route queue for spillover');
      }
    }
  }

  /** Starts, resumes or pauses each worker to match the link's state and the route's tiers. */
  update(): void {
    const capacity = Math.max(1, this.runtime.capacity());
    for (const w of this.workers.values()) {
      if (w.worker.concurrency !== capacity) w.worker.concurrency = capacity;
      const run = this.shouldRun(w);
      if (run === w.wanted) continue;
      w.wanted = run;
      if (w.tier === 'fallback') {
        if (run && !w.spilling) this.log.warn({ route: w.route.key }, 'fallback link takes the route: no preferred link is healthy');
        else if (this.runtime.available()) this.log.info({ route: w.route.key }, 'a preferred link is healthy again; fallback link stops taking the route');
      }
      w.applying = w.applying.then(() => this.apply(w)).catch((e: unknown) => this.log.error({ err: e, route: w.route.key }, 'cannot pause or resume a queue worker'));
    }
  }

  /** Brings one worker to its wanted state; runs after the previous change has completed. */
  private async apply(w: RouteWorker): Promise<void> {
    if (w.wanted) {
      if (!w.started) {
        w.started = true;
        w.worker.run().catch((e: unknown) => this.log.error({ err: e, route: w.route.key }, 'queue worker stopped'));
      } else if (w.worker.isPaused()) await w.worker.resume();
    } else if (w.started && !w.worker.isPaused()) {
      await w.worker.pause(true);
    }
  }

  private async process(job: Job<JobData>, token: string | undefined): Promise<void> {
    const msg = job.data;
    const link = this.runtime.link;
    const now = Date.now();
    const pinned = msg.progress;
    if (pinned && pinned.link !== link.id && now - pinned.since < this.opts.pinWaitMs) {
      // The rest of a long message belongs to the link that sent its first parts; give that link the chance.
      await job.moveToDelayed(now + 200, token);
      throw new DelayedError();
    }
    if (msg.validUntil !== undefined && now > msg.validUntil) {
      await this.opts.outcomes.failed(msg, 'validity expired before it could be sent', undefined, undefined, now);
      return;
    }
    if (!this.runtime.available()) {
      this.runtime.reevaluate();
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const attempt = await this.runtime.send(msg, pinned && pinned.link === link.id ? pinned : undefined);
    const r = attempt.result;
    const done = Date.now();
    switch (r.kind) {
      case 'submitted':
        await this.opts.outcomes.submitted(msg, link, r.parts, done);
        return;
      case 'failed':
        this.log.warn({ id: msg.id, to: msg.to, detail: r.detail, bind: attempt.bind }, 'message refused by the SMSC');
        await this.opts.outcomes.failed(msg, r.detail, r.status, link, done);
        return;
      case 'retry': {
        if (attempt.progress && attempt.progress.accepted.length > 0) {
          await job.updateData({ ...msg, progress: { ...attempt.progress, since: done } });
        }
        if (!r.attempt) {
          if (r.maybeDelivered) this.log.warn({ id: msg.id, detail: r.detail, bind: attempt.bind }, 'submit unanswered; sending again (the SMSC may have it)');
          await job.moveToWait(token);
          throw new WaitingError();
        }
        if (job.attemptsMade + 1 >= this.opts.maxAttempts) {
          this.log.warn({ id: msg.id, detail: r.detail, attempts: job.attemptsMade + 1 }, 'message failed: attempts used up');
          await this.opts.outcomes.failed(msg, `${r.detail} (after ${job.attemptsMade + 1} attempts)`, undefined, link, done);
          return;
        }
        throw new TemporarySubmitError(r.detail);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.spillTimer);
    await Promise.all([...this.inspectors.values()].map((q) => q.close()));
    await Promise.all([...this.workers.values()].map((w) => w.worker.close()));
  }

  /** Stops taking jobs, letting the ones in hand finish. */
  async pauseAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers.values()].filter((w) => w.started).map((w) => w.worker.pause(false)));
  }
}
