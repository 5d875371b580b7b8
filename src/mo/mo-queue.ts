/**
 * The durable MO queue (bullmq): one job per message, taken by workers that hand it to its service and send what the
 * service answers back to the handset (reply-sender.ts). A failed callback is retried with exponential backoff from
 * retry-delay, capped at retry-delay-max, up to max-attempts; then the job stays in the failed set (the last
 * 10 000) and the give-up is logged.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { cappedExponentialMs } from '../primitives/capped-backoff.js';
import { GiveUpJob, JobQueue, type JobRun } from '../queue/job-queue.js';
import { MoRequestError } from './mo-errors.js';
import type { MoForwarder, Served } from './mo-forwarder.js';
import type { ReplySink } from './reply-sender.js';
import type { MoRerouter } from './reroute.js';
import { MO_QUEUE } from '../redis/keys.js';
import type { MoMessage } from './mo-message.js';

export type CallbackSettings = Config['callbacks'];

/** Delay before retry number `attemptsMade`: the callbacks' capped exponential backoff. */
export const moRetryDelayMs = (attemptsMade: number, cfg: Pick<CallbackSettings, 'retryDelayMs' | 'retryDelayMaxMs'>): number =>
  cappedExponentialMs(attemptsMade, cfg.retryDelayMs, cfg.retryDelayMaxMs);

export interface MoQueueOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly callbacks: CallbackSettings;
  readonly logger: Logger;
  /** Where services' answers go; without it they are read and dropped. */
  readonly replies?: ReplySink;
  /** Sends MO from links with reroute keys straight out as MT (Kannel's SMS hub mode); without it none is. */
  readonly reroute?: Pick<MoRerouter, 'reroute'>;
}

export interface MoQueueCounters {
  /** Accepted by their service (2xx). */
  forwarded: number;
  /** Matched no service (and there is no default that accepts their smsc-id): logged and dropped. */
  noService: number;
  /** Failed attempts that will be tried again. */
  retried: number;
  /** Given up: max-attempts reached, or a request that can never be made. */
  gaveUp: number;
  /** Of those given up: the service URL goes where callbacks.deny-networks or deny-hosts forbid. */
  refused: number;
  /** Services' answers queued to go back to the handset (one per answer, whatever its SMS). */
  replied: number;
  /** Answers that could not be sent (not routable, not encodable): logged and dropped. */
  repliesDropped: number;
  /** Sent straight out as MT by a link's reroute keys (not given to a service). */
  rerouted: number;
  /** Of those, the ones that could not be sent (not routable): logged and dropped. */
  rerouteDropped: number;
}

export class MoQueue {
  readonly counters: MoQueueCounters = {
    forwarded: 0,
    noService: 0,
    retried: 0,
    gaveUp: 0,
    refused: 0,
    replied: 0,
    repliesDropped: 0,
    rerouted: 0,
    rerouteDropped: 0,
  };
  private readonly jobs: JobQueue<MoMessage>;
  private started = false;
  private readonly log: Logger;

  constructor(
    private readonly opts: MoQueueOptions,
    private readonly forwarder: MoForwarder,
  ) {
    this.log = opts.logger;
    this.jobs = new JobQueue<MoMessage>(MO_QUEUE, {
      connection: opts.connection,
      prefix: opts.prefix,
      logger: opts.logger,
      backoffMs: (n) => moRetryDelayMs(n, opts.callbacks),
    });
  }

  /**
   * Resolves once the job is in Redis. The MO id is the job id, so adding a message that is already queued (a
   * recovered group its first taker queued after all) adds nothing.
   */
  async add(mo: MoMessage): Promise<void> {
    await this.jobs.add([{ data: mo, id: mo.id, attempts: this.opts.callbacks.maxAttempts }]);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.jobs.work((run) => this.process(run), this.opts.callbacks.concurrency);
  }

  private async process(run: JobRun<MoMessage>): Promise<void> {
    const mo = run.data;
    const attempt = run.attempt;
    const context = { mo: mo.id, from: mo.from, to: mo.to, smsc: mo.smscId, attempt };
    let result: Served['result'];
    try {
      const rerouted = await this.opts.reroute?.reroute(mo);
      if (rerouted !== undefined) {
        this.counters.rerouted++;
        if (rerouted.kind === 'dropped') this.counters.rerouteDropped++;
        return;
      }
      const served = await this.forwarder.serve(mo);
      result = served.result;
      if (served.service !== undefined && served.answer !== undefined && this.opts.replies !== undefined) {
        const reply = await this.opts.replies.send(mo, served.service, served.answer);
        if (reply.kind === 'queued') {
          this.counters.replied++;
          this.log.debug(
            { ...context, service: served.service.name, replies: reply.ids, truncated: reply.truncated },
            "the service's answer is queued",
          );
        } else if (reply.kind === 'dropped') this.counters.repliesDropped++;
      }
    } catch (e) {
      if (e instanceof MoRequestError) {
        this.counters.gaveUp++;
        if (e.reason === 'refused') this.counters.refused++;
        this.log.error(
          { ...context, err: e },
          e.reason === 'refused'
            ? 'MO given up: its service URL is refused by callbacks.deny-networks/deny-hosts'
            : e.reason === 'unreadable'
              ? "MO given up: its service's file or command cannot be read"
              : 'MO given up: its service URL is invalid',
        );
        throw new GiveUpJob(e.message);
      }
      const max = this.opts.callbacks.maxAttempts;
      if (attempt >= max) {
        this.counters.gaveUp++;
        this.log.error({ ...context, err: e, maxAttempts: max }, 'MO given up after max-attempts');
      } else {
        this.counters.retried++;
        // One warning per message, not one per attempt: an outage of the service would otherwise flood the log.
        const level = attempt === 1 ? 'warn' : 'debug';
        this.log[level](
          { ...context, err: e, retryInMs: moRetryDelayMs(attempt, this.opts.callbacks) },
          'MO callback failed; retrying with backoff',
        );
      }
      throw e;
    }
    if (result.kind === 'no-service') {
      this.counters.noService++;
      this.log.warn({ ...context, keyword: result.keyword }, 'no sms-service takes this MO (and no default accepts its smsc-id); dropped');
      return;
    }
    this.counters.forwarded++;
    // After failures the warning above is the last word in the log unless the recovery is said at the same level.
    const level = attempt > 1 ? 'info' : 'debug';
    if (result.kind === 'smpp')
      this.log[level]({ ...context, service: result.service, account: result.account }, 'MO queued for its SMPP account');
    else this.log[level]({ ...context, service: result.service, status: result.status }, 'MO delivered to its service');
  }

  async close(): Promise<void> {
    await this.jobs.close();
  }
}
