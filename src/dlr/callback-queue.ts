/**
 * Reports to clients go through a durable queue: retried with exponential backoff (capped) up to a limit, and
 * delivered in order per message. Each report of a message carries a sequence number reserved in the message's
 * record; a report waits until the one before it was delivered (or given up), so "buffered" never arrives after
 * "delivered" and an ACK never after the receipt, even across retries and gateway restarts.
 */
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { RedisKeys } from '../queue/queue-names.js';
import type { CallbackRequest } from './callback-request.js';

export interface CallbackJob {
  readonly messageId: string;
  readonly seq: number;
  readonly request: CallbackRequest;
}

export class CallbackFailedError extends Error {
  override readonly name = 'CallbackFailedError';
}

const QUEUE = 'callbacks';

/** Marks `seq` delivered when it is the next one; returns the count delivered so far. */
const MARK_SENT = `
local sent = tonumber(redis.call('hget', KEYS[1], 'cbsent') or '0')
if tonumber(ARGV[1]) == sent + 1 then redis.call('hset', KEYS[1], 'cbsent', ARGV[1]) return sent + 1 end
return sent`;

export async function sendCallback(req: CallbackRequest, timeoutMs: number): Promise<{ ok: true; status: number } | { ok: false; detail: string }> {
  try {
    const res = await fetch(req.url, {
      method: req.method,
      ...(req.body !== undefined ? { body: req.body, headers: { 'content-type': req.contentType ?? 'text/plain' } } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.status >= 200 && res.status < 300 ? { ok: true, status: res.status } : { ok: false, detail: `HTTP ${res.status}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { ok: false, detail: err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.message) };
  }
}

/** Exponential from retryDelayMs, capped at retryDelayMaxMs. */
export function callbackBackoff(attemptsMade: number, cfg: Pick<Config['callbacks'], 'retryDelayMs' | 'retryDelayMaxMs'>): number {
  return Math.min(cfg.retryDelayMaxMs, cfg.retryDelayMs * 2 ** Math.max(0, attemptsMade - 1));
}

export class CallbackQueue {
  private readonly queue: Queue<CallbackJob>;
  private worker: Worker<CallbackJob> | undefined;
  readonly counters = { sent: 0, retried: 0, givenUp: 0 };

  constructor(
    private readonly connection: Redis,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly cfg: Config['callbacks'],
    private readonly logger: Logger,
  ) {
    this.queue = new Queue<CallbackJob>(QUEUE, { connection, prefix: keys.prefix });
  }

  async enqueue(jobs: readonly CallbackJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: 'callback',
        data,
        opts: { jobId: `${data.messageId}-${data.seq}`, attempts: this.cfg.maxAttempts, backoff: { type: 'capped' }, removeOnComplete: true, removeOnFail: { count: 10_000 } },
      })),
    );
  }

  start(): void {
    this.worker = new Worker<CallbackJob>(QUEUE, (job, token) => this.process(job, token), {
      connection: this.connection,
      prefix: this.keys.prefix,
      concurrency: this.cfg.concurrency,
      settings: { backoffStrategy: (attemptsMade: number) => callbackBackoff(attemptsMade, this.cfg) },
      maxStalledCount: 1_000_000,
    });
    this.worker.on('error', (e) => this.logger.error({ err: e }, 'callback worker error'));
  }

  private async process(job: Job<CallbackJob>, token: string | undefined): Promise<void> {
    const { messageId, seq, request } = job.data;
    const key = this.keys.message(messageId);
    const sent = Number((await this.redis.hget(key, 'cbsent')) ?? '0');
    if (seq <= sent) return; // delivered already (a job seen twice)
    if (seq > sent + 1) {
      // An earlier report of this message is still on its way; wait for it, backing off while it retries.
      const wait = Math.min(5000, 100 * 2 ** Math.min(job.attemptsStarted ?? 0, 6));
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    const result = await sendCallback(request, this.cfg.timeoutMs);
    if (result.ok) {
      await this.redis.eval(MARK_SENT, 1, key, seq);
      this.counters.sent++;
      return;
    }
    if (job.attemptsMade + 1 >= this.cfg.maxAttempts) {
      this.counters.givenUp++;
      this.logger.error({ message: messageId, seq, url: request.url, detail: result.detail, attempts: job.attemptsMade + 1 }, 'callback given up after max-attempts');
      await this.redis.eval(MARK_SENT, 1, key, seq);
      return;
    }
    this.counters.retried++;
    if (job.attemptsMade === 0) this.logger.warn({ message: messageId, seq, url: request.url, detail: result.detail }, 'callback failed; retrying with backoff');
    throw new CallbackFailedError(`${request.method} ${request.url}: ${result.detail}`);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
