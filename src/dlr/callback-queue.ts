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
import type { ClientDeliver } from '../domain/client-deliver.js';
import { httpCall } from '../http-client/http-call.js';
import { FIELDS } from '../messages/record-codec.js';
import type { OutboundGuard, OutboundGuards } from '../http-client/outbound-guard.js';
import { LogThrottle } from '../observability/log-throttle.js';
import { redactUrl } from '../observability/redact-url.js';
import { cappedExponentialMs } from '../primitives/capped-backoff.js';
import { DeferJob, JobQueue, type JobRun } from '../queue/job-queue.js';
import { CALLBACK_QUEUE, smppDeliverQueueName, type RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import type { CallbackRequest } from './callback-request.js';

export interface CallbackJob {
  readonly messageId: string;
  readonly seq: number;
  readonly request: CallbackRequest;
}

/**
 * A deliver_sm for an SMPP client (the report target of a message its account sent over SMPP, or an MO routed to
 * the account): queued per account, taken only by gateway processes that hold one of its receiving binds.
 */
export interface ClientDeliverJob {
  readonly messageId: string;
  /** Its place among the message's reports, ordered exactly as callbacks are; 0: not a report (an MO), no order. */
  readonly seq: number;
  readonly deliver: ClientDeliver;
}

/** How one try of a deliver_sm went. */
export type DeliverOutcome =
  | { readonly kind: 'ok' }
  /** The client answered with an error status: tried again with backoff, counting an attempt. */
  | { readonly kind: 'refused'; readonly status: number }
  /** No answer in time, or the session ended before it: tried again, counting an attempt. */
  | { readonly kind: 'failed'; readonly detail: string }
  /** No receiving bind of the account here any more: put back for whichever process has one, no attempt counted. */
  | { readonly kind: 'unbound' };

export type ClientDeliverer = (d: ClientDeliver) => Promise<DeliverOutcome>;

function isClientDeliverJob(j: CallbackJob | ClientDeliverJob): j is ClientDeliverJob {
  return (j as ClientDeliverJob).deliver !== undefined;
}

/** A worker on one account's deliver_sm queue, in this process. */
export interface ClientDeliverWorker {
  stop(): Promise<void>;
}

/** How long an item taken while the account has no receiving bind here waits before it is offered again. */
const UNBOUND_RETRY_MS = 1000;

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
  /** deliver_sm to SMPP clients: sent (answered OK), tried again, given up. */
  readonly smppCounters = { sent: 0, retried: 0, givenUp: 0 };
  /** A client that drops its session fails its whole window at once: one warning per account a minute. */
  private readonly smppFailureLog = new LogThrottle({ intervalMs: 60_000, maxKeys: 1000 });
  /** Each account's deliver_sm queue, for adding to (workers have their own: see serveSmpp). */
  private readonly smppQueues = new Map<string, JobQueue<ClientDeliverJob>>();

  constructor(
    private readonly connection: Redis,
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

  /** Resolves once the reports (HTTP callbacks, and deliver_sm for SMPP clients) are queued and their records say so. */
  async enqueue(jobs: readonly (CallbackJob | ClientDeliverJob)[]): Promise<void> {
    if (jobs.length === 0) return;
    const http: CallbackJob[] = [];
    const smpp = new Map<string, ClientDeliverJob[]>();
    for (const j of jobs) {
      if (!isClientDeliverJob(j)) http.push(j);
      else smpp.set(j.deliver.account, [...(smpp.get(j.deliver.account) ?? []), j]);
    }
    await Promise.all([
      http.length > 0 ? this.jobs.add(http.map((data) => ({ data, attempts: this.cfg.maxAttempts }))) : undefined,
      ...[...smpp].map(([account, list]) => this.smppQueue(account).add(list.map((data) => ({ data, attempts: this.cfg.maxAttempts })))),
    ]);
    // Auto-pipelined on the store connection (one write for the tick): an explicit pipeline object costs more to
    // build than these commands cost to send.
    // The jobs are queued already, so this must not fail the call (a retry would queue them twice). Without the count,
    // a later report of the message waits callbacks.order-wait for this one, then goes (see process()).
    const ordered = jobs.filter((j) => j.seq > 0);
    await Promise.all(ordered.map((j) => this.redis.hincrby(this.keys.message(j.messageId), QUEUED, 1))).catch((err: unknown) =>
      this.logger.warn({ err }, 'cannot count reports as queued; later reports of these messages wait callbacks.order-wait'),
    );
  }

  private smppQueue(account: string): JobQueue<ClientDeliverJob> {
    let q = this.smppQueues.get(account);
    if (!q) this.smppQueues.set(account, (q = this.smppJobQueue(account)));
    return q;
  }

  private smppJobQueue(account: string): JobQueue<ClientDeliverJob> {
    return new JobQueue<ClientDeliverJob>(smppDeliverQueueName(account), {
      connection: this.connection,
      prefix: this.keys.prefix,
      logger: this.logger,
      backoffMs: (n) => callbackBackoff(n, this.cfg),
    });
  }

  /**
   * Takes the account's deliver_sm from Redis and hands each to `deliver`, at most `concurrency` at once, until
   * stopped: a process runs this while it holds a receiving bind of the account, so its receipts and MO wait in Redis
   * while the client is not bound anywhere.
   */
  serveSmpp(account: string, deliver: ClientDeliverer, concurrency: number): ClientDeliverWorker {
    const queue = this.smppJobQueue(account);
    queue.work((run) => this.processSmpp(run, deliver), concurrency);
    return { stop: () => queue.close() };
  }

  /** deliver_sm of an account waiting (or being sent), and given up. */
  smppCounts(account: string): Promise<{ queued: number; givenUp: number }> {
    return this.smppQueue(account).counts();
  }

  private async processSmpp(run: JobRun<ClientDeliverJob>, deliver: ClientDeliverer): Promise<void> {
    const { messageId, seq, deliver: d } = run.data;
    if (seq > 0 && (await this.awaitTurn(run, messageId, seq)) === 'done') return;
    const outcome = await deliver(d);
    if (outcome.kind === 'unbound') throw new DeferJob(UNBOUND_RETRY_MS);
    if (outcome.kind === 'ok') {
      if (seq > 0) await RAISE_FIELD.run(this.redis, [this.keys.message(messageId)], [SENT, seq]);
      this.smppCounters.sent++;
      return;
    }
    const detail = outcome.kind === 'refused' ? `answered 0x${outcome.status.toString(16).padStart(8, '0')}` : outcome.detail;
    const context = { account: d.account, kind: d.kind, message: messageId, seq, detail, attempts: run.attempt };
    if (run.attempt >= run.maxAttempts) {
      this.smppCounters.givenUp++;
      this.logger.error(context, 'deliver_sm to an SMPP client given up after callbacks.max-attempts');
      if (seq > 0) await RAISE_FIELD.run(this.redis, [this.keys.message(messageId)], [SENT, seq]);
      return;
    }
    this.smppCounters.retried++;
    const say = this.smppFailureLog.hit(d.account, Date.now());
    if (say.log)
      this.logger.warn(
        { ...context, ...(say.suppressed > 0 ? { more: say.suppressed } : {}) },
        'deliver_sm to an SMPP client failed; retrying with backoff (more failures of this account within a minute are counted, not logged)',
      );
    throw new CallbackFailedError(`deliver_sm to ${d.account}: ${detail}`);
  }

  /**
   * Whether a report's predecessors are through (delivered or given up): 'go'; 'done' when this one was delivered
   * already (an item seen twice). Throws DeferJob while an earlier report of the message is still on its way.
   */
  private async awaitTurn(run: JobRun<unknown>, messageId: string, seq: number): Promise<'go' | 'done'> {
    // The first report of a message waits for nothing: no read before it.
    if (seq <= 1) return 'go';
    const key = this.keys.message(messageId);
    const [sentRaw, queuedRaw, reservedRaw] = await this.redis.hmget(key, SENT, QUEUED, RESERVED);
    const sent = Number(sentRaw ?? '0');
    if (seq <= sent) return 'done';
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
    return 'go';
  }

  start(): void {
    this.jobs.work((run) => this.process(run), this.cfg.concurrency);
  }

  private async process(run: JobRun<CallbackJob>): Promise<void> {
    const { messageId, seq, request } = run.data;
    const key = this.keys.message(messageId);
    if ((await this.awaitTurn(run, messageId, seq)) === 'done') return;
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
    await Promise.all([this.jobs.close(), ...[...this.smppQueues.values()].map((q) => q.close())]);
  }
}
