/**
 * A link draining the queues of the routes it belongs to: one bullmq worker per route queue, running while the
 * link can send and, for a fallback link, only while no preferred link of that route is healthy anywhere. Links
 * of a route compete for its queue, so each takes what its window, throughput and SMSC speed allow; failover and
 * failback move no message: whoever may drain the queue now simply takes the next job.
 *
 * A job is a batch of messages (see producer.ts). The link feeds them to its binds; each outcome is recorded as it
 * comes (submitted, or failed for good), and what the link could not finish goes back to the queue in the same job:
 * messages the link lost, or that waited past the link's share of time, or that must wait (a temporary error's
 * backoff, a long message's parts pinned to another link). Messages the SMSC accepted never go back.
 */
import { DelayedError, Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Link } from '../domain/link.js';
import type { LinkHealthView, OperatorView } from '../domain/link-health.js';
import type { QueuedMessage } from '../domain/message.js';
import type { AcceptedPart, SendAttempt, SendJob, SendProgress } from '../domain/delivery.js';
import type { MessageStatus } from '../domain/message-record.js';
import type { Route } from '../routing/compute-route.js';
import { decodeBatch, encodeItems, encodeMessage, type BatchData, type BatchItem, type DeliveryState } from './batch-codec.js';
import { cappedExponentialMs } from '../primitives/capped-backoff.js';
import { COMMIT_MARK_TTL_MS } from './producer.js';
import { RedisKeys, routeQueueName } from '../redis/keys.js';
import { redisErrorListener } from '../redis/redis-error-log.js';
import type { RouteDirectory } from './route-directory.js';

/**
 * The link the drain feeds (links/link-runtime.ts): it takes messages, says whether it will send them, and hears
 * when their outcomes are recorded so that it may take more.
 */
export interface LinkSender {
  readonly link: Link;
  /** Some bind will send what the link is given now (bound and answering, perhaps paused by throttling). */
  willSend(): boolean;
  /** Whether a message needs a concatenation reference before it is given to the link. */
  needsRef(msg: QueuedMessage, progress: SendProgress | undefined): boolean;
  enqueue(job: SendJob, front?: boolean): void;
  /** Takes back the messages given and not started yet that match. */
  withdraw(match: (job: SendJob) => boolean): SendJob[];
  /** Parts whose outcome is recorded: the link may take as many more. */
  confirm(parts: number): void;
  /** The most parts the link holds unconfirmed. */
  readonly maxUnconfirmed: number;
  on(event: 'available' | 'health' | 'bindState', listener: () => void): unknown;
  off(event: 'available' | 'health' | 'bindState', listener: () => void): unknown;
}

/** Where the outcome of each message goes (its record, and the reports its client asked for); `done` once durable. */
export interface SubmitOutcomes {
  submitted(msg: QueuedMessage, link: Link, parts: readonly AcceptedPart[], now: number, done: () => void): void;
  failed(
    msg: QueuedMessage,
    detail: string,
    status: number | undefined,
    link: Link | undefined,
    now: number,
    wire: string,
    done: () => void,
  ): void;
}

/** What the drain reads of message records: a job interrupted by a crash is checked against them. */
export interface RecordReader {
  statusAndJob(ids: readonly string[]): Promise<{ status: MessageStatus | undefined; job: string | undefined }[]>;
  nextConcatRefs(receivers: readonly string[]): Promise<number[]>;
}

export interface DrainOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly lockDurationMs: number;
  /** Submits answered with a temporary error before a message fails. */
  readonly maxAttempts: number;
  /** First delay before a temporary error is retried; doubles per attempt (capped at a minute). */
  readonly retryDelayMs: number;
  /** Submits that went unanswered before a message fails as "unanswered". */
  readonly maxUnanswered: number;
  /** How long a link may hold a batch's unsent messages before they go back to the queue for any link. */
  readonly timeShareMs: number;
  readonly outcomes: SubmitOutcomes;
  readonly records: RecordReader;
  readonly health: LinkHealthView;
  readonly operator?: OperatorView;
  readonly logger: Logger;
  /** How long the rest of a partly sent long message waits for its own link before any link resends it whole. */
  readonly pinWaitMs: number;
  /** Every configured link, to read the preferred links' spillover setting. */
  readonly links: ReadonlyMap<string, Link>;
  /** Hears each message the SMSC accepted (metrics: the wait from accept to submit). */
  readonly onSubmitted?: (msg: QueuedMessage, now: number) => void;
}

interface RouteWorker {
  readonly route: Route;
  readonly tier: 'preferred' | 'fallback';
  readonly worker: Worker<BatchData>;
  started: boolean;
  /** Whether it should be taking jobs; applied one change at a time (bullmq's pause and resume are async). */
  wanted: boolean;
  applying: Promise<void>;
  /** Fallback only: the preferred links are healthy but saturated, so this link helps (spillover). */
  spilling: boolean;
  /** Fallback only, when a preferred link has spillover-queue-age: how long the route's next message may wait. */
  readonly spillAfterMs: number;
}

/** Counts for status and metrics; every one of them only grows. */
export interface DrainCounters {
  jobs: number;
  submitted: number;
  failed: number;
  /** Messages that went back to their queue (link lost, time share used, waiting for a retry). */
  handedBack: number;
  /** Messages sent again after an unanswered submit (the SMSC may have the earlier one). */
  resentUnanswered: number;
  /** Messages of jobs interrupted by a crash that may reach the SMSC twice (at most the window each). */
  possibleResends: number;
  interruptedJobs: number;
}

export class LinkDrain<L extends LinkSender = LinkSender> {
  private readonly workers = new Map<string, RouteWorker>();
  private readonly log: Logger;
  private closed = false;
  private spillTimer: NodeJS.Timeout | undefined;
  private readonly inspectors = new Map<string, Queue>();
  private readonly runs = new Set<BatchRun>();
  private readonly keys: RedisKeys;
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
    readonly opts: DrainOptions,
  ) {
    this.log = opts.logger.child({ link: runtime.link.id });
    this.keys = new RedisKeys(opts.prefix);
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

  /** Whether operators let this link take messages: in service, and the gateway not suspended. */
  private allowed(): boolean {
    const op = this.opts.operator;
    return !op || (op.linkInService(this.runtime.link.id) && op.gatewayState() !== 'suspended');
  }

  get linkId(): string {
    return this.runtime.link.id;
  }

  get logger(): Logger {
    return this.log;
  }

  /** Routes this link drains now, for status output. */
  draining(): { route: string; tier: string; running: boolean }[] {
    return [...this.workers.values()].map((w) => ({ route: w.route.key, tier: w.tier, running: w.started && !w.worker.isPaused() }));
  }

  /**
   * Jobs in hand at once per route: enough to keep the windows fed while a batch's last answers come in, and no
   * more than a couple of seconds of work for a link with a throughput limit (a job holds about a second of it).
   */
  private concurrency(): number {
    return this.runtime.link.throughput > 0 ? 2 : 4;
  }

  private ensureWorker(route: Route): void {
    if (this.closed || this.workers.has(route.key)) return;
    const id = this.runtime.link.id;
    const tier = route.preferred.includes(id) ? 'preferred' : route.fallback.includes(id) ? 'fallback' : undefined;
    if (!tier) return;
    const worker = new Worker<BatchData>(routeQueueName(route.key), (job, token) => this.process(route, job, token), {
      connection: this.opts.connection,
      prefix: this.opts.prefix,
      autorun: false,
      concurrency: this.concurrency(),
      lockDuration: this.opts.lockDurationMs,
      stalledInterval: this.opts.lockDurationMs,
      // A crashed gateway must never turn into failed messages: stalled jobs are always handed out again.
      maxStalledCount: 1_000_000,
      // A worker waiting for jobs looks again at least this often (seconds): a job put back in front of its
      // priority wakes no waiting worker by itself (bullmq adds no marker for it).
      drainDelay: 0.25,
      settings: { backoffStrategy: (attemptsMade: number) => cappedExponentialMs(attemptsMade, 200, 10_000) },
    });
    worker.on('error', redisErrorListener(this.opts.connection, 'queue worker', { link: id, route: route.key }, this.log));
    const failed = redisErrorListener(
      this.opts.connection,
      'batch processing (it will be tried again)',
      { link: id, route: route.key },
      this.log,
    );
    worker.on('failed', (_job, e) => failed(e));
    // Redis came back after the job's lock expired: the job is no longer this link's, and whatever of it has not
    // been written to the SMSC yet is not sent (the gateway that takes the job next sends it).
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const run of this.runs) if (jobIds.includes(run.jobId)) run.lockLost();
    });
    const ages = route.preferred.map((lid) => this.opts.links.get(lid)?.spilloverQueueAgeMs ?? 0).filter((ms) => ms > 0);
    const spillAfterMs = tier === 'fallback' && ages.length > 0 ? Math.min(...ages) : 0;
    this.workers.set(route.key, {
      route,
      tier,
      worker,
      started: false,
      wanted: false,
      applying: Promise.resolve(),
      spilling: false,
      spillAfterMs,
    });
    if (spillAfterMs > 0) this.watchSpillover();
    this.log.info({ route: route.key, tier }, 'draining route queue');
    this.update();
  }

  private shouldRun(w: RouteWorker): boolean {
    if (this.closed || !this.allowed() || !this.runtime.willSend()) return false;
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
        q.on('error', redisErrorListener(this.opts.connection, 'route queue', { route: w.route.key }, this.log));
        this.inspectors.set(w.route.key, q);
      }
      try {
        const [next] = await q.getJobs(['prioritized', 'wait'], 0, 0, true);
        const waited = next ? Date.now() - next.timestamp : 0;
        const spill = w.spilling ? waited > w.spillAfterMs / 2 : waited > w.spillAfterMs;
        if (spill !== w.spilling) {
          w.spilling = spill;
          this.log.warn(
            { route: w.route.key, waitedMs: waited },
            spill ? 'preferred links saturated: fallback link helps drain the route' : 'route caught up: fallback link stops helping',
          );
          this.update();
        }
      } catch (e) {
        this.log.debug({ err: e }, 'cannot read the route queue for spillover');
      }
    }
  }

  /** Starts, resumes or pauses each worker to match the link's state and the route's tiers. */
  update(): void {
    for (const w of this.workers.values()) {
      const run = this.shouldRun(w);
      if (run === w.wanted) continue;
      w.wanted = run;
      if (w.tier === 'fallback') {
        if (run && !w.spilling) this.log.warn({ route: w.route.key }, 'fallback link takes the route: no preferred link is healthy');
        else if (this.runtime.willSend())
          this.log.info({ route: w.route.key }, 'a preferred link is healthy again; fallback link stops taking the route');
      }
      w.applying = w.applying
        .then(() => this.apply(w))
        .catch((e: unknown) => this.log.error({ err: e, route: w.route.key }, 'cannot pause or resume a queue worker'));
    }
  }

  /** Brings one worker to its wanted state; runs after the previous change has completed. */
  private async apply(w: RouteWorker): Promise<void> {
    if (w.wanted) {
      if (!w.started) {
        w.started = true;
        w.worker.run().catch((e: unknown) => this.log.error({ err: e, route: w.route.key }, 'queue worker stopped'));
      } else if (w.worker.isPaused()) w.worker.resume();
    } else if (w.started && !w.worker.isPaused()) {
      await w.worker.pause(true);
    }
  }

  /** Whether a worker of this route should hand jobs straight back (it is being paused). */
  private unwanted(routeKey: string): boolean {
    const w = this.workers.get(routeKey);
    return this.closed || !w || !w.wanted || !this.allowed();
  }

  /**
   * A young job of a commit that wrote several jobs goes only once the commit is marked whole (see producer.ts):
   * 'failed' drops it (its requests were refused), no mark yet waits a moment. A job older than the wait goes
   * anyway: its producer died between writing and marking, after the jobs were all written or not at all.
   */
  private async commitAllows(job: Job<BatchData>, token: string | undefined): Promise<boolean> {
    const commit = job.data.c;
    if (commit === undefined || Date.now() - job.timestamp > COMMIT_WAIT_MS) return true;
    const mark = await this.opts.connection.get(this.keys.commit(commit));
    if (mark === 'ok') return true;
    if (mark === 'failed') {
      this.log.warn(
        { job: job.id, messages: job.data.m.length },
        'job of a commit that failed as a whole: dropped (its requests were refused)',
      );
      return false;
    }
    await job.moveToDelayed(Date.now() + 20, token);
    throw new DelayedError();
  }

  private async process(route: Route, job: Job<BatchData>, token: string | undefined): Promise<void> {
    if (!(await this.commitAllows(job, token))) return;
    this.counters.jobs++;
    const run = new BatchRun(this, route, job);
    this.runs.add(run);
    let back: HandBack | undefined;
    try {
      back = await run.execute(this.unwanted(route.key));
    } finally {
      this.runs.delete(run);
    }
    // A run whose lock was lost hands nothing back: the job is someone else's now (completing it fails on the lock).
    if (!back || run.lost) return;
    await job.updateData(back.data);
    if (back.delayUntil > Date.now()) {
      await job.moveToDelayed(back.delayUntil, token);
      throw new DelayedError();
    }
    await job.moveToWait(token);
    throw new WaitingError();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unlisten();
    clearInterval(this.spillTimer);
    for (const run of this.runs) run.linkChanged();
    await Promise.all([...this.inspectors.values()].map((q) => q.close()));
    await Promise.all([...this.workers.values()].map((w) => w.worker.close()));
  }

  /** Stops taking jobs; the batches in hand give back what they have not started and finish the rest. */
  async pauseAll(): Promise<void> {
    this.closed = true;
    for (const run of this.runs) run.linkChanged();
    await Promise.all([...this.workers.values()].filter((w) => w.started).map((w) => w.worker.pause(false)));
  }

  /** Whether this drain still takes work (false once it is closing, or while operators hold the link). */
  get open(): boolean {
    return !this.closed && this.allowed();
  }
}

/** How long a link waits for the mark of a commit of several jobs (well within the mark's lifetime). */
const COMMIT_WAIT_MS = COMMIT_MARK_TTL_MS / 4;

/** Sends of one message within one batch run before it goes back to the queue instead. */
const MAX_RESENDS_PER_RUN = 20;

/** What goes back to the queue, in the same job. */
interface HandBack {
  readonly data: BatchData;
  /** 0: at once (back in front of its priority); otherwise not before this time. */
  readonly delayUntil: number;
}

/** One message of a batch while the link has it. */
interface Entry {
  readonly msg: QueuedMessage;
  state: DeliveryState;
  /** Not before this time (a temporary error's backoff, or a pinned long message), or 0. */
  notBefore: number;
  finished: boolean;
  /** Times given to the link again in this run (a guard against a link that refuses at once, forever). */
  resends: number;
}

/** A message of a batch as the link sees it. */
class EntryJob implements SendJob {
  constructor(
    readonly run: BatchRun,
    readonly entry: Entry,
    readonly progress: SendProgress | undefined,
    readonly ref: number | undefined,
    readonly done: (a: SendAttempt) => void,
  ) {}

  get msg(): QueuedMessage {
    return this.entry.msg;
  }
}

/**
 * One job's messages on their way through the link: dispatched, followed until each is recorded or goes back, and
 * what goes back gathered for the job.
 */
class BatchRun {
  private readonly entries: Entry[];
  private readonly link: Link;
  private readonly runtime: LinkSender;
  private readonly log: Logger;
  /** Entries given to the link and not finished. */
  private open = 0;
  /** Entries going back to the queue. */
  private readonly back: Entry[] = [];
  private settle: (() => void) | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private withdrawing = false;
  /** The job's lock expired (Redis was away longer than lock-duration): nothing more of it is sent. */
  lost = false;

  constructor(
    private readonly drain: LinkDrain,
    private readonly route: Route,
    private readonly job: Job<BatchData>,
  ) {
    this.runtime = drain.runtime;
    this.link = drain.runtime.link;
    this.log = drain.logger;
    this.entries = decodeBatch(job.data, route.key).map((i: BatchItem) => ({
      msg: i.msg,
      state: i.state,
      notBefore: 0,
      finished: false,
      resends: 0,
    }));
  }

  async execute(unwanted: boolean): Promise<HandBack | undefined> {
    const o = this.drain.opts;
    let entries = this.entries;
    if ((this.job.stalledCounter ?? 0) > (this.job.data.sc ?? 0)) entries = await this.recover(entries);
    const now = Date.now();
    const ready: Entry[] = [];
    for (const e of entries) {
      const m = e.msg;
      if (m.validUntil !== undefined && now > m.validUntil) {
        this.open++;
        this.fail(e, 'validity expired before it could be sent', undefined, undefined, 0);
        continue;
      }
      const p = e.state.progress;
      if (p && p.link !== this.link.id && now - p.since < o.pinWaitMs) {
        // The rest of a long message belongs to the link that sent its first parts; give that link the chance.
        e.notBefore = now + 200;
        this.back.push(e);
      } else if (p && p.link !== this.link.id) {
        // Its link did not come back in time: any link sends it again, whole, with a new reference.
        const { progress: _gone, ...rest } = e.state;
        e.state = rest;
        ready.push(e);
      } else ready.push(e);
    }
    if (unwanted || !this.runtime.willSend()) {
      // Taken while the worker is being paused: back at once, after a breath so that a worker not paused yet
      // does not spin taking and returning the same job.
      this.back.push(...ready);
      if (ready.length > 0) await new Promise((r) => setTimeout(r, 50));
    } else await this.dispatch(ready);
    if (this.open > 0) {
      // Never longer than half the job's lock: what a link sends is always under a lock it holds, even when
      // Redis stops answering and the lock can no longer be renewed (lock-duration < 2 × time-share otherwise).
      this.deadline = setTimeout(() => this.withdraw('its share of time is used'), Math.min(o.timeShareMs, o.lockDurationMs / 2));
      await new Promise<void>((r) => (this.settle = r));
      clearTimeout(this.deadline);
    }
    if (this.back.length === 0) return undefined;
    this.drain.counters.handedBack += this.back.length;
    const items = this.back.map((e) => ({ msg: e.msg, state: e.state }));
    const soonest = Math.min(...this.back.map((e) => e.notBefore));
    return { data: encodeItems(items, this.job.stalledCounter), delayUntil: soonest };
  }

  /** Gives the ready messages to the link, with the concatenation references long ones need. */
  private async dispatch(ready: readonly Entry[]): Promise<void> {
    const needRef = ready.filter((e) => this.runtime.needsRef(e.msg, e.state.progress));
    const refs = needRef.length > 0 ? await this.drain.opts.records.nextConcatRefs(needRef.map((e) => e.msg.to)) : [];
    const refOf = new Map(needRef.map((e, i) => [e, refs[i]]));
    for (const e of ready) {
      this.open++;
      this.send(e, refOf.get(e), false);
    }
  }

  private send(e: Entry, ref: number | undefined, front: boolean): void {
    const progress = e.state.progress;
    this.runtime.enqueue(
      new EntryJob(this, e, progress && progress.link === this.link.id ? progress : undefined, ref, (a) => this.sent(e, a)),
      front,
    );
  }

  /** What became of one message on the link. */
  private sent(e: Entry, a: SendAttempt): void {
    const o = this.drain.opts;
    const r = a.result;
    switch (r.kind) {
      case 'submitted': {
        this.drain.counters.submitted++;
        const now = Date.now();
        o.onSubmitted?.(e.msg, now);
        o.outcomes.submitted(e.msg, this.link, r.parts, now, () => this.finish(e, a.parts));
        return;
      }
      case 'failed':
        this.log.warn({ id: e.msg.id, to: e.msg.to, detail: r.detail, bind: a.bind }, 'message refused by the SMSC');
        this.fail(e, r.detail, r.status, this.link, a.parts);
        return;
      case 'retry':
        break;
    }
    this.runtime.confirm(a.parts);
    const progress = a.progress && a.progress.accepted.length > 0 ? { ...a.progress, since: Date.now() } : e.state.progress;
    e.state = { ...e.state, ...(progress ? { progress } : {}) };
    if (r.attempt) {
      const attempts = e.state.attempts + 1;
      e.state = { ...e.state, attempts };
      if (attempts >= o.maxAttempts) {
        this.log.warn({ id: e.msg.id, detail: r.detail, attempts }, 'message failed: attempts used up');
        this.fail(e, `${r.detail} (after ${attempts} attempts)`, undefined, this.link, 0);
        return;
      }
      e.notBefore = Date.now() + cappedExponentialMs(attempts, o.retryDelayMs, 60_000);
      this.goBack(e);
      return;
    }
    if (r.maybeDelivered) {
      const unanswered = e.state.unanswered + 1;
      e.state = { ...e.state, unanswered };
      if (unanswered >= o.maxUnanswered) {
        this.log.warn({ id: e.msg.id, to: e.msg.to, unanswered, bind: a.bind }, 'message failed: the SMSC never answered its submits');
        this.fail(e, `unanswered: no response to ${unanswered} submits (${r.detail})`, undefined, this.link, 0);
        return;
      }
      this.drain.counters.resentUnanswered++;
      this.log.warn(
        { id: e.msg.id, detail: r.detail, bind: a.bind, unanswered },
        'submit unanswered; sending again (the SMSC may have it)',
      );
    }
    if (!this.withdrawing && this.drain.open && this.runtime.willSend() && ++e.resends <= MAX_RESENDS_PER_RUN)
      this.send(e, undefined, true);
    else this.goBack(e);
  }

  /** Records the message as failed; `confirmParts` of its parts were written and are confirmed once recorded. */
  private fail(e: Entry, detail: string, status: number | undefined, link: Link | undefined, confirmParts: number): void {
    this.drain.counters.failed++;
    const wire = JSON.stringify(encodeMessage(e.msg.id, e.msg));
    this.drain.opts.outcomes.failed(e.msg, detail, status, link, Date.now(), wire, () => this.finish(e, confirmParts));
  }

  private finish(e: Entry, confirmParts: number): void {
    if (confirmParts > 0) this.runtime.confirm(confirmParts);
    this.close(e);
  }

  private goBack(e: Entry): void {
    this.back.push(e);
    this.close(e);
  }

  private close(e: Entry): void {
    if (e.finished) return;
    e.finished = true;
    if (--this.open === 0) this.settle?.();
  }

  get jobId(): string {
    return String(this.job.id);
  }

  lockLost(): void {
    this.lost = true;
    this.withdraw("the job's lock expired while Redis was unavailable; the gateway that takes the job sends them");
  }

  /** The link's state changed (or the drain closes): when it can no longer send, what has not started goes back. */
  linkChanged(): void {
    if (!this.drain.open) this.withdraw('the link was stopped or drained by an operator, or the gateway is stopping');
    else if (!this.runtime.willSend()) this.withdraw('the link cannot send');
  }

  private withdraw(why: string): void {
    this.withdrawing = true;
    const taken = this.runtime.withdraw((j) => j instanceof EntryJob && j.run === this);
    if (taken.length === 0) return;
    this.log.info({ route: this.route.key, messages: taken.length, why }, 'unsent messages go back to the route queue');
    for (const j of taken) if (j instanceof EntryJob) this.goBack(j.entry);
  }

  /**
   * The job was interrupted by a crash while a link held it. Messages already recorded (submitted, failed, or moved
   * to another job) are done; the rest are sent, and those the crashed link may have written already are counted:
   * at most what it held unconfirmed, a window per bind.
   */
  private async recover(entries: Entry[]): Promise<Entry[]> {
    const st = await this.drain.opts.records.statusAndJob(entries.map((e) => e.msg.id));
    const todo = entries.filter((_, i) => {
      const s = st[i]!;
      return s.status === undefined || (s.status === 'queued' && s.job === String(this.job.id));
    });
    const possible = Math.min(todo.length, this.runtime.maxUnconfirmed);
    this.drain.counters.interruptedJobs++;
    this.drain.counters.possibleResends += possible;
    this.log.warn(
      { route: this.route.key, job: this.job.id, done: entries.length - todo.length, remaining: todo.length, possibleResends: possible },
      'batch was interrupted by a crash: sending what is not recorded; up to possibleResends of them may reach the SMSC twice',
    );
    return todo;
  }
}
