/**
 * Records what became of messages that left their queue (submitted, or failed for good), with the receipt
 * correlations of a submit and the callback sequence numbers its reports need, through the one group commit
 * (primitives/group-commit.ts): outcomes that come together share one script call.
 *
 * The write never gives up: a submit the SMSC accepted must be recorded, not sent again, so a failed write is
 * retried (with a capped backoff, logged once per outage) until Redis takes it.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AcceptedPart } from '../domain/delivery.js';
import type { QueuedMessage } from '../domain/message.js';
import { GroupCommit } from '../primitives/group-commit.js';
import { ROUTE_QUEUED_COUNT, type RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import {
  correlationEntry,
  FIELDS,
  handsetDigits,
  infoOf,
  RECORD_CONSTANTS,
  STATUS_CODES,
  type FailedTuple,
  type SubmittedTuple,
} from './record-codec.js';

export const WRITE_OUTCOMES = LuaScript.load('write-outcomes', { F: RECORD_CONSTANTS.F, QUEUED_COUNT: ROUTE_QUEUED_COUNT });

/** The outcome of a message that left its queue, to be recorded. */
export type Outcome =
  | {
      readonly kind: 'submitted';
      readonly msg: QueuedMessage;
      readonly link: { readonly id: string; readonly smscId: string };
      readonly parts: readonly AcceptedPart[];
      /** Normalised SMSC ids to correlate receipts with, one per part; undefined when no receipt was asked for. */
      readonly correlate: readonly string[] | undefined;
      /** Callback sequence numbers to reserve (reports this outcome calls for). */
      readonly reports: number;
      readonly now: number;
    }
  | {
      readonly kind: 'failed';
      readonly msg: QueuedMessage;
      readonly error: string;
      readonly commandStatus: number | undefined;
      readonly link: string | undefined;
      readonly reports: number;
      readonly now: number;
      /** The message in the batch codec's form, kept so an operator can queue it again. */
      readonly wire: string;
    };

interface PendingWrite {
  readonly outcome: Outcome;
  /** Hears the first callback sequence number reserved (0 when none) once the outcome is in Redis. */
  readonly recorded: (firstSeq: number) => void;
  firstSeq: number;
}

export interface OutcomeWriterOptions {
  readonly lifetimeMs: number;
  readonly logger: Logger;
  /** Retry delays for a failed write: first, and cap. */
  readonly retryMs?: readonly [number, number];
  /**
   * Wraps each write of outcomes (redis.wait-replicas, redis/replica-ack.ts): resolves once replicas hold it, and
   * rejects when the write may be lost to a failover, so that it is written again. Unset: the write alone.
   */
  readonly replicated?: <T>(write: () => Promise<T>) => Promise<T>;
}

export class OutcomeWriter {
  private readonly lifetimeMs: number;
  private readonly log: Logger;
  private readonly retryMs: readonly [number, number];
  private readonly replicated: <T>(write: () => Promise<T>) => Promise<T>;
  private readonly commit: GroupCommit<PendingWrite>;
  /** Correlations being written now: a receipt for one of them waits for its record (see whenRecorded). */
  private readonly inFlightCorrelations = new Map<string, Promise<void>>();
  private failing = false;
  /** Outcomes written, the round trips that wrote them, and the round trips that failed and were tried again. */
  readonly counters = { writes: 0, flushes: 0, writeRetries: 0 };

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    opts: OutcomeWriterOptions,
  ) {
    this.lifetimeMs = opts.lifetimeMs;
    this.log = opts.logger;
    this.retryMs = opts.retryMs ?? [50, 2000];
    this.replicated = opts.replicated ?? ((write) => write());
    // Outcomes come in bursts (the SMSC's answers to a window arrive in one read): the write starts once the code
    // handling this burst has run, so the whole burst shares it instead of the first outcome going alone.
    this.commit = new GroupCommit((writes) => this.writeUntilTaken(writes), { gatherSameTurn: true });
  }

  /**
   * Records an outcome; `recorded` hears the first callback sequence number reserved for it (0 when it reserved
   * none) once Redis has it. Outcomes recorded at the same time share one round trip; a failed round trip is tried
   * again until it succeeds, so `recorded` may be called late, but it is called (once).
   */
  record(outcome: Outcome, recorded: (firstSeq: number) => void): void {
    this.commit.post({ outcome, recorded, firstSeq: 0 });
  }

  /** The write in flight of a submit that got this SMSC id, if any: a receipt that overtook it waits for it. */
  whenRecorded(smscId: string, normalizedId: string): Promise<void> | undefined {
    return this.inFlightCorrelations.get(`${smscId}\n${normalizedId}`);
  }

  private async writeUntilTaken(writes: PendingWrite[]): Promise<void> {
    let settle = (): void => undefined;
    const flushed = new Promise<void>((r) => (settle = r));
    const correlated: string[] = [];
    for (const w of writes) {
      if (w.outcome.kind !== 'submitted' || !w.outcome.correlate) continue;
      for (const id of w.outcome.correlate) {
        const k = `${w.outcome.link.smscId}\n${id}`;
        this.inFlightCorrelations.set(k, flushed);
        correlated.push(k);
      }
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.replicated(() => this.write(writes));
        break;
      } catch (e) {
        this.counters.writeRetries++;
        if (!this.failing) {
          this.failing = true;
          this.log.error(
            { err: (e as Error).message, outcomes: writes.length },
            'cannot record message outcomes; retrying until Redis takes them (nothing is sent again)',
          );
        }
        await new Promise((r) => setTimeout(r, Math.min(this.retryMs[1], this.retryMs[0] * 2 ** Math.min(attempt, 10))));
      }
    }
    if (this.failing) {
      this.failing = false;
      this.log.info({ outcomes: writes.length }, 'message outcomes recorded again');
    }
    for (const k of correlated) if (this.inFlightCorrelations.get(k) === flushed) this.inFlightCorrelations.delete(k);
    settle();
    this.counters.writes += writes.length;
    this.counters.flushes++;
    for (const w of writes) w.recorded(w.firstSeq);
  }

  /**
   * One script call for many outcomes: ioredis builds a Command, a promise and a reply per command, which cost more
   * than the writes themselves (profiled: half of the links process's time per message went to recording). Redis
   * runs a script whole, so a receipt that finds a correlation always finds its record too.
   */
  private async write(writes: readonly PendingWrite[]): Promise<void> {
    // Each operation's key goes in KEYS, in the order of the operations in ARGV (see write-outcomes.lua).
    const keys: string[] = [];
    const args: (string | number)[] = [this.lifetimeMs];
    const queuedDelta = new Map<string, number>();
    for (const w of writes) {
      const o = w.outcome;
      keys.push(this.keys.message(o.msg.id));
      if (o.kind === 'submitted') {
        const out: SubmittedTuple = [o.now, o.link.id, o.link.smscId, o.parts.map((p) => p.smscMessageId)];
        args.push(
          'R',
          o.reports,
          3,
          FIELDS.status,
          STATUS_CODES.submitted,
          FIELDS.info,
          infoOf(o.msg),
          FIELDS.outcome,
          JSON.stringify(out),
        );
        if (o.correlate) {
          const to = handsetDigits(o.msg.to);
          o.parts.forEach((p, i) => {
            const norm = o.correlate?.[i];
            if (norm === undefined) return;
            keys.push(this.keys.correlation(o.link.smscId, norm));
            args.push('C', correlationEntry(o.msg.id, p.seq, to));
          });
        }
      } else {
        const out: FailedTuple = [o.now, o.error, o.commandStatus ?? 0, o.link ?? 0];
        args.push(
          'R',
          o.reports,
          5,
          FIELDS.status,
          STATUS_CODES.failed,
          FIELDS.info,
          infoOf(o.msg),
          FIELDS.outcome,
          JSON.stringify(out),
          FIELDS.route,
          o.msg.route,
          FIELDS.wire,
          o.wire,
        );
        keys.push(this.keys.routeFailed(o.msg.route));
        args.push('F', o.now, o.msg.id);
      }
      queuedDelta.set(o.msg.route, (queuedDelta.get(o.msg.route) ?? 0) - 1);
    }
    for (const [route, d] of queuedDelta) {
      keys.push(this.keys.routeStats(route));
      args.push('S', d);
    }
    const reserved = (await WRITE_OUTCOMES.run(this.redis, keys, args)) as number[];
    writes.forEach((w, i) => {
      const q = Number(reserved[i] ?? 0);
      if (w.outcome.reports > 0) w.firstSeq = q - w.outcome.reports + 1;
    });
  }
}
