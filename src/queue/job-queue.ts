/**
 * A durable queue for the gateway's background work (receipts to match again, callbacks to make, MO to forward),
 * so that only queue/ knows bullmq. Several items travel in one bullmq job (bullmq's cost is per job, about thirty
 * Redis commands): concurrent adds share one job (group commit), and a worker runs a job's items side by side, at
 * most `concurrency` items at once across its jobs.
 *
 * Items survive a crash (a stalled job is handed out again, never failed). A failed item is retried with the
 * caller's backoff, up to the attempts given per item, by putting it back as a new delayed job before its job
 * completes; a handler can also put its item back for later without using an attempt. A crash between the two runs
 * an item twice, never loses one: handlers are written to be safe to run again.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { cappedExponentialMs } from '../primitives/capped-backoff.js';
import { GroupCommit } from '../primitives/group-commit.js';
import { RedisKeys } from '../redis/keys.js';
import { redisErrorListener } from '../redis/redis-error-log.js';

/** Thrown by a handler: run this item again after `delayMs`, without counting an attempt. */
export class DeferJob extends Error {
  override readonly name = 'DeferJob';
  constructor(readonly delayMs: number) {
    super(`deferred by ${delayMs} ms`);
  }
}

/** Thrown by a handler: this item can never succeed; give it up now whatever attempts are left. */
export class GiveUpJob extends Error {
  override readonly name = 'GiveUpJob';
}

export interface JobRun<T> {
  readonly data: T;
  /** 1 on the first try. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** How many times the item was taken before, deferrals included. */
  readonly taken: number;
  /** When the item was first queued (epoch ms). */
  readonly firstQueuedAt: number;
}

export interface NewJob<T> {
  readonly data: T;
  /**
   * An id: adding an item whose id is already queued adds nothing. Such an item travels in a job of its own (the
   * id is the job's), so give ids only where duplicates must be refused.
   */
  readonly id?: string;
  readonly attempts: number;
  /** Run it no sooner than this. */
  readonly delayMs?: number;
}

export interface JobQueueOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly logger: Logger;
  /** Delay before retry number `attemptsMade` (1 after the first failure). */
  readonly backoffMs: (attemptsMade: number) => number;
  /** Most items in one job. */
  readonly batchSize?: number;
  /** Items given up (attempts used up, or GiveUpJob) kept for an operator to see, newest first; 0 keeps none. */
  readonly keepGivenUp?: number;
}

/** An item as it travels: its data and what earlier tries left. */
interface WireItem<T> {
  d: T;
  /** Attempts made. */
  a: number;
  /** Max attempts. */
  m: number;
  /** Times taken. */
  t: number;
  /** First queued at. */
  f: number;
}

interface BatchJob<T> {
  i: WireItem<T>[];
}

interface Pending<T> {
  readonly item: WireItem<T>;
  readonly id: string | undefined;
  readonly delayMs: number;
}

const JOB_NAME = 'batch';

export class JobQueue<T> {
  private readonly queue: Queue<BatchJob<T>>;
  private worker: Worker<BatchJob<T>> | undefined;
  private readonly commit: GroupCommit<Pending<T>>;
  private readonly batchSize: number;
  /** Items running now, and the ones waiting for a slot. */
  private running = 0;
  private readonly slots: (() => void)[] = [];
  private limit = 1;

  constructor(
    private readonly name: string,
    private readonly opts: JobQueueOptions,
  ) {
    this.queue = new Queue<BatchJob<T>>(name, { connection: opts.connection, prefix: opts.prefix, streams: { events: { maxLen: 100 } } });
    this.queue.on('error', redisErrorListener(opts.connection, 'queue', { queue: name }, opts.logger));
    // Items added in one run of code share a job: the receipts of one read queue their reports together.
    this.commit = new GroupCommit<Pending<T>>((items) => this.write(items), { gatherSameTurn: true });
    this.batchSize = opts.batchSize ?? 500;
  }

  /** Resolves once every item is in Redis; concurrent adds share round trips and jobs. */
  add(jobs: readonly NewJob<T>[]): Promise<void> {
    const now = Date.now();
    return this.commit.add(
      jobs.map((j) => ({ item: { d: j.data, a: 0, m: j.attempts, t: 0, f: now }, id: j.id, delayMs: j.delayMs ?? 0 })),
    );
  }

  private put(items: readonly Pending<T>[]): Promise<void> {
    return this.commit.add(items);
  }

  private async write(items: Pending<T>[]): Promise<void> {
    const jobs: {
      name: string;
      data: BatchJob<T>;
      opts: { jobId?: string; delay?: number; removeOnComplete: true; removeOnFail: true; attempts: number; backoff: { type: string } };
    }[] = [];
    // A job fails only when putting its retried items back fails (Redis trouble): it is run again then, never dropped.
    const base = { removeOnComplete: true as const, removeOnFail: true as const, attempts: 1_000_000, backoff: { type: 'switchboard' } };
    const byDelay = new Map<number, WireItem<T>[]>();
    for (const p of items) {
      if (p.id !== undefined) {
        jobs.push({
          name: JOB_NAME,
          data: { i: [p.item] },
          opts: { ...base, jobId: p.id, ...(p.delayMs > 0 ? { delay: p.delayMs } : {}) },
        });
        continue;
      }
      const list = byDelay.get(p.delayMs) ?? [];
      list.push(p.item);
      byDelay.set(p.delayMs, list);
    }
    for (const [delay, list] of byDelay) {
      for (let from = 0; from < list.length; from += this.batchSize) {
        jobs.push({
          name: JOB_NAME,
          data: { i: list.slice(from, from + this.batchSize) },
          opts: { ...base, ...(delay > 0 ? { delay } : {}) },
        });
      }
    }
    // bullmq's generic job names are string literals of the data type; one name per queue is all we use.
    const typed = jobs as Parameters<Queue<BatchJob<T>>['addBulk']>[0];
    // One job (the usual case) as a plain add: addBulk's pipeline copies every bullmq script onto itself first.
    if (typed.length === 1) await this.queue.add(typed[0]!.name, typed[0]!.data, typed[0]!.opts);
    else await this.queue.addBulk(typed);
  }

  /** Runs `handler` on every item, at most `concurrency` at once. */
  work(handler: (run: JobRun<T>) => Promise<void>, concurrency: number): void {
    if (this.worker) return;
    this.limit = Math.max(1, concurrency);
    this.worker = new Worker<BatchJob<T>>(this.name, (job) => this.run(job, handler), {
      connection: this.opts.connection,
      prefix: this.opts.prefix,
      // A few jobs side by side so a slow item (a callback to a slow client) does not hold the rest back.
      concurrency: 4,
      maxStalledCount: 1_000_000,
      settings: { backoffStrategy: (attemptsMade: number) => cappedExponentialMs(attemptsMade, 500, 10_000) },
    });
    this.worker.on('error', redisErrorListener(this.opts.connection, 'queue worker', { queue: this.name }, this.opts.logger));
  }

  private async slot(): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return;
    }
    await new Promise<void>((r) => this.slots.push(r));
  }

  private release(): void {
    const next = this.slots.shift();
    if (next) next();
    else this.running--;
  }

  private async run(job: Job<BatchJob<T>>, handler: (run: JobRun<T>) => Promise<void>): Promise<void> {
    const again: Pending<T>[] = [];
    const given: { at: number; error: string; attempts: number; data: T }[] = [];
    await Promise.all(
      job.data.i.map(async (item) => {
        await this.slot();
        try {
          await handler({ data: item.d, attempt: item.a + 1, maxAttempts: item.m, taken: item.t, firstQueuedAt: item.f });
        } catch (e) {
          const next = { ...item, t: item.t + 1 };
          if (e instanceof DeferJob) again.push({ item: next, id: undefined, delayMs: e.delayMs });
          else if (!(e instanceof GiveUpJob) && item.a + 1 < item.m) {
            next.a = item.a + 1;
            again.push({ item: next, id: undefined, delayMs: this.opts.backoffMs(next.a) });
          } else given.push({ at: Date.now(), error: (e as Error).message, attempts: item.a + 1, data: item.d });
        } finally {
          this.release();
        }
      }),
    );
    if (again.length > 0) await this.put(again);
    const keep = this.opts.keepGivenUp ?? 10_000;
    if (given.length > 0 && keep > 0) {
      const key = new RedisKeys(this.opts.prefix).givenUp(this.name);
      await this.opts.connection
        .multi()
        .lpush(key, ...given.map((g) => JSON.stringify(g)))
        .ltrim(key, 0, keep - 1)
        .exec();
    }
  }

  /**
   * Items waiting or being worked on (read from at most `maxJobs` jobs; beyond them, estimated from their average),
   * and items given up and kept.
   */
  async counts(maxJobs = 500): Promise<{ queued: number; givenUp: number }> {
    const [counts, jobs, givenUp] = await Promise.all([
      this.queue.getJobCounts('wait', 'prioritized', 'delayed', 'active'),
      this.queue.getJobs(['wait', 'prioritized', 'delayed', 'active'], 0, maxJobs - 1),
      this.opts.connection.llen(new RedisKeys(this.opts.prefix).givenUp(this.name)),
    ]);
    const totalJobs = Object.values(counts).reduce((a, b) => a + b, 0);
    const items = jobs.reduce((n, j) => n + (j.data?.i?.length ?? 0), 0);
    const queued = jobs.length === 0 ? 0 : totalJobs <= jobs.length ? items : Math.round((items / jobs.length) * totalJobs);
    return { queued, givenUp };
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
