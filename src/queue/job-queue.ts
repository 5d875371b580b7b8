/**
 * A durable job queue for the gateway's background work (receipts to match, callbacks to make, MO to forward),
 * so that only queue/ knows bullmq. Jobs survive a crash (a stalled job is handed out again, never failed),
 * failures are retried with the caller's backoff up to the attempts given per job, and a handler can put its
 * job back for later without using an attempt.
 */
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { GroupCommit } from './group-commit.js';

/** Backoff for retry number `attemptsMade` (1 after the first failure): `baseMs` doubling, capped at `maxMs`. */
export function cappedExponentialMs(attemptsMade: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attemptsMade - 1), 30));
}

/** Thrown by a handler: run this job again after `delayMs`, without counting an attempt. */
export class DeferJob extends Error {
  override readonly name = 'DeferJob';
  constructor(readonly delayMs: number) {
    super(`deferred by ${delayMs} ms`);
  }
}

/** Thrown by a handler: this job can never succeed; fail it now whatever attempts are left. */
export class GiveUpJob extends Error {
  override readonly name = 'GiveUpJob';
}

export interface JobRun<T> {
  readonly data: T;
  /** 1 on the first try. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** How many times the job was taken, deferrals included. */
  readonly taken: number;
}

export interface NewJob<T> {
  readonly data: T;
  /** A job id: adding one that is already waiting adds nothing. */
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
  /** Failed jobs kept for inspection. */
  readonly keepFailed?: number;
}

export class JobQueue<T> {
  private readonly queue: Queue<T>;
  private worker: Worker<T> | undefined;
  private readonly commit: GroupCommit<NewJob<T>>;

  constructor(
    private readonly name: string,
    private readonly opts: JobQueueOptions,
  ) {
    this.queue = new Queue<T>(name, { connection: opts.connection, prefix: opts.prefix });
    this.queue.on('error', (e) => opts.logger.error({ err: e, queue: name }, 'queue error'));
    this.commit = new GroupCommit<NewJob<T>>((jobs) => this.addBulk(jobs));
  }

  /** Resolves once every job is in Redis; concurrent adds share round trips. */
  add(jobs: readonly NewJob<T>[]): Promise<void> {
    return this.commit.add(jobs);
  }

  private async addBulk(jobs: readonly NewJob<T>[]): Promise<void> {
    await this.queue.addBulk(
      // Bullmq's generic job names are string literals of the data type; one name per queue is all we use.
      jobs.map((j) => ({
        name: this.name,
        data: j.data,
        opts: {
          ...(j.id !== undefined ? { jobId: j.id } : {}),
          ...(j.delayMs !== undefined ? { delay: j.delayMs } : {}),
          attempts: j.attempts,
          backoff: { type: 'switchboard' },
          removeOnComplete: true,
          removeOnFail: { count: this.opts.keepFailed ?? 10_000 },
        },
      })) as Parameters<Queue<T>['addBulk']>[0],
    );
  }

  work(handler: (run: JobRun<T>) => Promise<void>, concurrency: number): void {
    if (this.worker) return;
    this.worker = new Worker<T>(this.name, (job, token) => this.run(job, token, handler), {
      connection: this.opts.connection,
      prefix: this.opts.prefix,
      concurrency,
      settings: { backoffStrategy: (attemptsMade: number) => this.opts.backoffMs(attemptsMade) },
      maxStalledCount: 1_000_000,
    });
    this.worker.on('error', (e) => this.opts.logger.error({ err: e, queue: this.name }, 'queue worker error'));
  }

  private async run(job: Job<T>, token: string | undefined, handler: (run: JobRun<T>) => Promise<void>): Promise<void> {
    try {
      await handler({ data: job.data, attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1, taken: job.attemptsStarted ?? 0 });
    } catch (e) {
      if (e instanceof DeferJob) {
        await job.moveToDelayed(Date.now() + e.delayMs, token);
        throw new DelayedError();
      }
      if (e instanceof GiveUpJob) throw new UnrecoverableError(e.message);
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
