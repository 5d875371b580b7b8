/**
 * Reports to clients go through a durable queue: retried with exponential backoff (capped) up to a limit, and
 * delivered in order per message. Each report of a message carries a sequence number reserved in the message's
 * record; a report waits until the one before it was delivered (or given up), so "buffered" never arrives after
 * "delivered" and an ACK never after the receipt, even across retries and gateway restarts.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { httpCall } from '../http/http-call.js';
import type { OutboundGuard, OutboundGuards } from '../http/outbound-guard.js';
import { redactUrl } from '../observability/redact-url.js';
import { cappedExponentialMs, DeferJob, JobQueue, type JobRun } from '../queue/job-queue.js';
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

/** `refused`: the outbound policy does not allow the destination, so the callback is given up at once. */
export async function sendCallback(req: CallbackRequest, timeoutMs: number, guard: OutboundGuard): Promise<{ ok: true; status: number } | { ok: false; detail: string; refused: boolean }> {
  const r = await httpCall(
    { url: req.url, method: req.method, guard, ...(req.body !== undefined ? { body: req.body, headers: { 'content-type': req.contentType ?? 'text/plain' } } : {}) },
    timeoutMs,
  );
  return r.ok ? r : { ok: false, detail: r.detail, refused: r.kind === 'refused' };
}

/** Exponential from retryDelayMs, capped at retryDelayMaxMs (MO forwarding uses the same). */
export function callbackBackoff(attemptsMade: number, cfg: Pick<Config['callbacks'], 'retryDelayMs' | 'retryDelayMaxMs'>): number {
  return cappedExponentialMs(attemptsMade, cfg.retryDelayMs, cfg.retryDelayMaxMs);
}

export class CallbackQueue {
  private readonly jobs: JobQueue<CallbackJob>;
  readonly counters = { sent: 0, retried: 0, givenUp: 0, refused: 0 };

  constructor(
    connection: Redis,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly cfg: Config['callbacks'],
    private readonly logger: Logger,
    private readonly outbound: OutboundGuards,
  ) {
    this.jobs = new JobQueue<CallbackJob>(QUEUE, { connection, prefix: keys.prefix, logger, backoffMs: (n) => callbackBackoff(n, cfg) });
  }

  async enqueue(jobs: readonly CallbackJob[]): Promise<void> {
    await this.jobs.add(jobs.map((data) => ({ data, id: `${data.messageId}-${data.seq}`, attempts: this.cfg.maxAttempts })));
  }

  start(): void {
    this.jobs.work((run) => this.process(run), this.cfg.concurrency);
  }

  private async process(run: JobRun<CallbackJob>): Promise<void> {
    const { messageId, seq, request } = run.data;
    const key = this.keys.message(messageId);
    const sent = Number((await this.redis.hget(key, 'cbsent')) ?? '0');
    if (seq <= sent) return; // delivered already (a job seen twice)
    // An earlier report of this message is still on its way; wait for it, backing off while it retries.
    if (seq > sent + 1) throw new DeferJob(Math.min(5000, 100 * 2 ** Math.min(run.taken, 6)));
    const result = await sendCallback(request, this.cfg.timeoutMs, this.outbound.forAccount(request.account));
    if (result.ok) {
      await this.redis.eval(MARK_SENT, 1, key, seq);
      this.counters.sent++;
      return;
    }
    const url = redactUrl(request.url);
    if (result.refused || run.attempt >= run.maxAttempts) {
      this.counters.givenUp++;
      if (result.refused) this.counters.refused++;
      this.logger.error({ message: messageId, seq, url, detail: result.detail, attempts: run.attempt }, result.refused ? 'callback refused by callbacks.deny-networks/deny-hosts; given up' : 'callback given up after max-attempts');
      await this.redis.eval(MARK_SENT, 1, key, seq);
      return;
    }
    this.counters.retried++;
    if (run.attempt === 1) this.logger.warn({ message: messageId, seq, url, detail: result.detail }, 'callback failed; retrying with backoff');
    throw new CallbackFailedError(`${request.method} ${url}: ${result.detail}`);
  }

  async close(): Promise<void> {
    await this.jobs.close();
  }
}
