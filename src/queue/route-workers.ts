/**
 * The bullmq side of draining route queues: one worker per route queue for one consumer (a link: links/link-drain.ts),
 * started, paused and resumed as the consumer wants. Links of a route compete for its queue, so each takes what it
 * can; failover and failback move no message: whoever may drain the queue now simply takes the next job.
 *
 * A job is a batch of messages (see producer.ts). Before the consumer gets it, a young job of a commit of several jobs
 * waits for the commit's mark, and a job interrupted by a crash has its messages checked against their records. What
 * the consumer could not finish goes back to the queue in the same job, at once or delayed. Nothing here knows what
 * a link is: the consumer takes a batch and says what comes back.
 */
import { DelayedError, Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { MessageStatus } from '../domain/message-record.js';
import { cappedExponentialMs } from '../primitives/capped-backoff.js';
import { RedisKeys, routeQueueName } from '../redis/keys.js';
import { redisErrorListener } from '../redis/redis-error-log.js';
import { decodeBatch, encodeItems, type BatchData, type BatchItem } from './batch-codec.js';
import { COMMIT_MARK_TTL_MS } from './producer.js';

/** One job's messages, as the consumer gets them. */
export interface TakenBatch {
  readonly routeKey: string;
  readonly jobId: string;
  /** Oldest first; of a job interrupted by a crash, only those not recorded yet. */
  readonly items: readonly BatchItem[];
  /** Taken while the route's worker is being paused or the workers close: the consumer no longer wants it. */
  readonly unwanted: boolean;
  /** Set when the job was interrupted by a crash while a consumer held it: how many of its messages were recorded. */
  readonly interrupted: { readonly recorded: number } | undefined;
}

/** What goes back to the queue, in the same job. */
export interface HandBack {
  readonly items: readonly BatchItem[];
  /** 0: at once (back in front of its priority); otherwise not before this time. */
  readonly delayUntil: number;
}

export interface BatchConsumer {
  /** Sends a batch; what it could not finish comes back (undefined: nothing). */
  consume(batch: TakenBatch): Promise<HandBack | undefined>;
  /**
   * Redis came back after these jobs' locks expired: they are no longer this consumer's, and whatever of them has
   * not been written to the SMSC yet is not sent (whoever takes the job next sends it). What it hands back is dropped.
   */
  lockLost(jobIds: readonly string[]): void;
}

/** What the workers read of message records: a job interrupted by a crash is checked against them. */
export interface RecordReader {
  statusAndJob(ids: readonly string[]): Promise<{ status: MessageStatus | undefined; job: string | undefined }[]>;
}

export interface RouteWorkersOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly lockDurationMs: number;
  /** Jobs in hand at once per route. */
  readonly concurrency: number;
  readonly records: RecordReader;
  /** Logs with the consumer's name in each line; `context` names it to the Redis error log. */
  readonly logger: Logger;
  readonly context: Readonly<Record<string, string>>;
}

interface RouteWorker {
  readonly routeKey: string;
  readonly worker: Worker<BatchData>;
  started: boolean;
  /** Whether it should be taking jobs; applied one change at a time (bullmq's pause and resume are async). */
  wanted: boolean;
  applying: Promise<void>;
}

/** How long a consumer waits for the mark of a commit of several jobs (well within the mark's lifetime). */
const COMMIT_WAIT_MS = COMMIT_MARK_TTL_MS / 4;

export class RouteWorkers {
  private readonly workers = new Map<string, RouteWorker>();
  private readonly inspectors = new Map<string, Queue>();
  private readonly keys: RedisKeys;
  private closed = false;
  /** Jobs being consumed, and those of them whose lock was lost meanwhile. */
  private readonly inHand = new Set<string>();
  private readonly lost = new Set<string>();

  constructor(
    private readonly consumer: BatchConsumer,
    private readonly opts: RouteWorkersOptions,
  ) {
    this.keys = new RedisKeys(opts.prefix);
  }

  has(routeKey: string): boolean {
    return this.workers.has(routeKey);
  }

  /** Makes the route queue's worker, not taking jobs until wanted. */
  add(routeKey: string): void {
    if (this.closed || this.workers.has(routeKey)) return;
    const o = this.opts;
    const context = { ...o.context, route: routeKey };
    const worker = new Worker<BatchData>(routeQueueName(routeKey), (job, token) => this.process(routeKey, job, token), {
      connection: o.connection,
      prefix: o.prefix,
      autorun: false,
      concurrency: o.concurrency,
      lockDuration: o.lockDurationMs,
      stalledInterval: o.lockDurationMs,
      // A crashed gateway must never turn into failed messages: stalled jobs are always handed out again.
      maxStalledCount: 1_000_000,
      // A worker waiting for jobs looks again at least this often (seconds): a job put back in front of its
      // priority wakes no waiting worker by itself (bullmq adds no marker for it).
      drainDelay: 0.25,
      settings: { backoffStrategy: (attemptsMade: number) => cappedExponentialMs(attemptsMade, 200, 10_000) },
    });
    worker.on('error', redisErrorListener(o.connection, 'queue worker', context, o.logger));
    const failed = redisErrorListener(o.connection, 'batch processing (it will be tried again)', context, o.logger);
    worker.on('failed', (_job, e) => failed(e));
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const id of jobIds) if (this.inHand.has(id)) this.lost.add(id);
      this.consumer.lockLost(jobIds);
    });
    this.workers.set(routeKey, { routeKey, worker, started: false, wanted: false, applying: Promise.resolve() });
  }

  /** Starts, resumes or pauses the route's worker; false when it wanted that already (nothing changes). */
  want(routeKey: string, wanted: boolean): boolean {
    const w = this.workers.get(routeKey);
    if (!w || w.wanted === wanted) return false;
    w.wanted = wanted;
    w.applying = w.applying
      .then(() => this.apply(w))
      .catch((e: unknown) => this.opts.logger.error({ err: e, route: routeKey }, 'cannot pause or resume a queue worker'));
    return true;
  }

  /** Brings one worker to its wanted state; runs after the previous change has completed. */
  private async apply(w: RouteWorker): Promise<void> {
    if (w.wanted) {
      if (!w.started) {
        w.started = true;
        w.worker.run().catch((e: unknown) => this.opts.logger.error({ err: e, route: w.routeKey }, 'queue worker stopped'));
      } else if (w.worker.isPaused()) w.worker.resume();
    } else if (w.started && !w.worker.isPaused()) {
      await w.worker.pause(true);
    }
  }

  /** Whether the route's worker is taking jobs now, for status output. */
  running(routeKey: string): boolean {
    const w = this.workers.get(routeKey);
    return !!w && w.started && !w.worker.isPaused();
  }

  /** How long the route's next waiting message has waited (ms; 0 when none waits). */
  async nextWaitedMs(routeKey: string): Promise<number> {
    let q = this.inspectors.get(routeKey);
    if (!q) {
      q = new Queue(routeQueueName(routeKey), { connection: this.opts.connection, prefix: this.opts.prefix });
      q.on('error', redisErrorListener(this.opts.connection, 'route queue', { route: routeKey }, this.opts.logger));
      this.inspectors.set(routeKey, q);
    }
    const [next] = await q.getJobs(['prioritized', 'wait'], 0, 0, true);
    return next ? Date.now() - next.timestamp : 0;
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
      this.opts.logger.warn(
        { job: job.id, messages: job.data.m.length },
        'job of a commit that failed as a whole: dropped (its requests were refused)',
      );
      return false;
    }
    await job.moveToDelayed(Date.now() + 20, token);
    throw new DelayedError();
  }

  private async process(routeKey: string, job: Job<BatchData>, token: string | undefined): Promise<void> {
    if (!(await this.commitAllows(job, token))) return;
    const jobId = String(job.id);
    const unwanted = this.closed || !this.workers.get(routeKey)?.wanted;
    this.inHand.add(jobId);
    let back: HandBack | undefined;
    let lost: boolean;
    try {
      let items = decodeBatch(job.data, routeKey);
      let interrupted: TakenBatch['interrupted'];
      if ((job.stalledCounter ?? 0) > (job.data.sc ?? 0)) {
        const todo = await this.notRecorded(items, jobId);
        interrupted = { recorded: items.length - todo.length };
        items = todo;
      }
      back = await this.consumer.consume({ routeKey, jobId, items, unwanted, interrupted });
    } finally {
      this.inHand.delete(jobId);
      lost = this.lost.delete(jobId);
    }
    // A job whose lock was lost hands nothing back: it is someone else's now (completing it fails on the lock).
    if (!back || lost) return;
    await job.updateData(encodeItems(back.items, job.stalledCounter));
    if (back.delayUntil > Date.now()) {
      await job.moveToDelayed(back.delayUntil, token);
      throw new DelayedError();
    }
    await job.moveToWait(token);
    throw new WaitingError();
  }

  /**
   * The job was interrupted by a crash while a consumer held it. Messages already recorded (submitted, failed, or
   * moved to another job) are done; the rest are sent.
   */
  private async notRecorded(items: BatchItem[], jobId: string): Promise<BatchItem[]> {
    const st = await this.opts.records.statusAndJob(items.map((i) => i.msg.id));
    return items.filter((_, i) => {
      const s = st[i]!;
      return s.status === undefined || (s.status === 'queued' && s.job === jobId);
    });
  }

  /** Stops taking jobs; the jobs in hand finish (their consumer gives back what it has not started). */
  async pauseAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers.values()].filter((w) => w.started).map((w) => w.worker.pause(false)));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.inspectors.values()].map((q) => q.close()));
    await Promise.all([...this.workers.values()].map((w) => w.worker.close()));
  }
}
