/**
 * Reports to clients go through a durable queue (batched: many reports per queue job): retried with exponential
 * backoff (capped) up to a limit, and delivered in order per message. Each report of a message carries a sequence
 * number reserved in the message's record; a report waits until the one before it was delivered (or given up), so
 * "buffered" never arrives after "delivered" and an ACK never after the receipt, even across retries and restarts.
 *
 * A wait must end. The record counts the reports reserved (q) and the reports queued (y): while every reserved
 * report is queued, a report waits for its predecessor (that one ends delivered or given up). When fewer are queued
 * than reserved (the gateway died between reserving one and queueing it), a report that waited `order-wait` skips
 * as many missing predecessors as there are reports missing, no more, and the gap is logged and counted.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { httpCall } from '../http-client/http-call.js';
import { FIELDS } from '../messages/record-codec.js';
import type { OutboundGuard, OutboundGuards } from '../http-client/outbound-guard.js';
import { redactUrl } from '../observability/redact-url.js';
import { cappedExponentialMs } from '../primitives/capped-backoff.js';
import { DeferJob, JobQueue, type JobRun } from '../queue/job-queue.js';
import { CALLBACK_QUEUE, type RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import type { CallbackRequest } from './callback-request.js';

export interface CallbackJob {
  readonly messageId: string;
  readonly seq: number;
  readonly request: CallbackRequest;
}

export class CallbackFailedError extends Error {
  override readonly name = 'CallbackFailedError';
}

/** Record fields: reports reserved, queued, and delivered (or given up) so far, in sequence order. */
const RESERVED = FIELDS.reportsReserved;
const QUEUED = FIELDS.reportsQueued;
const SENT = FIELDS.reportsSent;

/** Raises a record's counter, never lowering it (exported for its test). */
export const RAISE_FIELD = LuaScript.load('raise-field');

/** `refused`: the outbound policy does not allow the destination, so the callback is given up at once. */
export async function sendCallback(
  req: CallbackRequest,
  timeoutMs: number,
  guard: OutboundGuard,
): Promise<{ ok: true; status: number } | { ok: false; detail: string; refused: boolean }> {
  const r = await httpCall(
    {
      url: req.url,
      method: req.method,
      guard,
      ...(req.body !== undefined ? { body: req.body, headers: { 'content-type': req.contentType ?? 'text/plain' } } : {}),
    },
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
  readonly counters = { sent: 0, retried: 0, givenUp: 0, refused: 0, gapsSkipped: 0 };

  constructor(
    connection: Redis,
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly cfg: Config['callbacks'],
    private readonly logger: Logger,
    private readonly outbound: OutboundGuards,
  ) {
    this.jobs = new JobQueue<CallbackJob>(CALLBACK_QUEUE, {
      connection,
      prefix: keys.prefix,
      logger,
      backoffMs: (n) => callbackBackoff(n, cfg),
    });
  }

  /** Resolves once the reports are queued and their records say so. */
  async enqueue(jobs: readonly CallbackJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.jobs.add(jobs.map((data) => ({ data, attempts: this.cfg.maxAttempts })));
    // Auto-pipelined on the store connection (one write for the tick): an explicit pipeline object costs more to
    // build than these commands cost to send.
    // The jobs are queued already, so this must not fail the call (a retry would queue them twice). Without the count,
    // a later report of the message waits callbacks.order-wait for this one, then goes (see process()).
    await Promise.all(jobs.map((j) => this.redis.hincrby(this.keys.message(j.messageId), QUEUED, 1))).catch((err: unknown) =>
      this.logger.warn({ err }, 'cannot count reports as queued; later reports of these messages wait callbacks.order-wait'),
    );
  }

  start(): void {
    this.jobs.work((run) => this.process(run), this.cfg.concurrency);
  }

  private async process(run: JobRun<CallbackJob>): Promise<void> {
    const { messageId, seq, request } = run.data;
    const key = this.keys.message(messageId);
    // The first report of a message waits for nothing: no read before it.
    if (seq > 1) {
      const [sentRaw, queuedRaw, reservedRaw] = await this.redis.hmget(key, SENT, QUEUED, RESERVED);
      const sent = Number(sentRaw ?? '0');
      if (seq <= sent) return; // delivered already (an item seen twice)
      if (seq > sent + 1) {
        const missing = Number(reservedRaw ?? '0') - Number(queuedRaw ?? '0');
        if (seq - 1 - sent > missing || Date.now() - run.firstQueuedAt < this.cfg.orderWaitMs) {
          // An earlier report of this message is still on its way; wait for it, backing off while it retries.
          throw new DeferJob(Math.min(5000, 100 * 2 ** Math.min(run.taken, 6)));
        }
        this.counters.gapsSkipped += seq - 1 - sent;
        this.logger.warn(
          { message: messageId, seq, skipped: seq - 1 - sent, waitedMs: Date.now() - run.firstQueuedAt },
          'reports reserved but never queued (the gateway stopped in between): skipped so later reports flow',
        );
        await RAISE_FIELD.run(this.redis, [key], [SENT, seq - 1]);
      }
    }
    const result = await sendCallback(request, this.cfg.timeoutMs, this.outbound.forAccount(request.account));
    if (result.ok) {
      await RAISE_FIELD.run(this.redis, [key], [SENT, seq]);
      this.counters.sent++;
      return;
    }
    const url = redactUrl(request.url);
    if (result.refused || run.attempt >= run.maxAttempts) {
      this.counters.givenUp++;
      if (result.refused) this.counters.refused++;
      this.logger.error(
        { message: messageId, seq, url, detail: result.detail, attempts: run.attempt },
        result.refused ? 'callback refused by callbacks.deny-networks/deny-hosts; given up' : 'callback given up after max-attempts',
      );
      await RAISE_FIELD.run(this.redis, [key], [SENT, seq]);
      return;
    }
    this.counters.retried++;
    if (run.attempt === 1)
      this.logger.warn({ message: messageId, seq, url, detail: result.detail }, 'callback failed; retrying with backoff');
    throw new CallbackFailedError(`${request.method} ${url}: ${result.detail}`);
  }

  /** Reports waiting to be sent (or being sent), and reports given up. */
  async counts(): Promise<{ queued: number; failed: number }> {
    const c = await this.jobs.counts();
    return { queued: c.queued, failed: c.givenUp };
  }

  async close(): Promise<void> {
    await this.jobs.close();
  }
}
