/**
 * Receipts from the SMSCs: parsed at the edge, matched to their message by (smsc-id, normalised SMSC message id)
 * and recorded before the SMSC gets its deliver_sm_resp, so a receipt arriving on any bind of the smsc-id matches;
 * one arriving before its submit_sm_resp was recorded is queued durably and tried again for a bounded time.
 * One that never matches is counted and logged; nothing here crashes on a strange receipt.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Link } from '../domain/link.js';
import { decodeShortMessage } from '../encoding/index.js';
import { JobQueue, type JobRun } from '../queue/job-queue.js';
import { Deadlines } from '../redis/deadlines.js';
import { RECEIPT_QUEUE } from '../redis/keys.js';
import { FaultLog } from '../redis/fault-log.js';
import type { InboundAnswer } from '../smpp/bind.js';
import type { InboundSm } from '../smpp/inbound.js';
import { normalizeReceiptId } from './normalize-message-id.js';
import { isFinal } from './decide-reports.js';
import { isReceipt, parseReceipt, type Receipt } from './parse-receipt.js';
import type { Replied, ReportRecords } from './report-records.js';
import type { ReportDispatcher } from './report-dispatcher.js';

export { isReceipt };

interface ReceiptJob {
  readonly smscId: string;
  readonly link: string;
  /** The receipt's source address: the handset the message went to. */
  readonly handset: string;
  /** Normalised SMSC message id. */
  readonly id: string;
  readonly receipt: Receipt;
  readonly text: string;
  readonly receivedAt: number;
}

/** Submits whose record is being written now (messages/outcome-writer.ts). */
export interface CorrelationsInFlight {
  /** The write in flight of a submit that got this SMSC id, if any: a receipt that overtook it waits for it. */
  whenRecorded(smscId: string, normalizedId: string): Promise<void> | undefined;
}

export class NotMatchedYetError extends Error {
  override readonly name = 'NotMatchedYetError';
}

const RETRY_EVERY_MS = 1000;

export class ReceiptPipeline {
  private readonly jobs: JobQueue<ReceiptJob>;
  /** `retryLater`: answered ESME_RX_T_APPN because Redis could not take the receipt in time (the SMSC resends it). */
  readonly counters = { received: 0, matched: 0, unmatched: 0, unreadable: 0, late: 0, retryLater: 0 };
  private readonly deadlines: Deadlines;
  private readonly faults: FaultLog;

  constructor(
    private readonly connection: Redis,
    prefix: string,
    private readonly records: ReportRecords,
    private readonly inFlight: CorrelationsInFlight,
    private readonly dispatcher: ReportDispatcher,
    private readonly links: ReadonlyMap<string, Link>,
    private readonly unmatchedRetryMs: number,
    private readonly logger: Logger,
    /**
     * Longest a receipt waits for Redis before the SMSC hears ESME_RX_T_APPN (redis.deliver-sm-timeout). The write
     * may still land afterwards, and the SMSC's resend then matches a message that has its state already: the
     * report goes once more at worst, never lost.
     */
    answerTimeoutMs = 5000,
  ) {
    this.jobs = new JobQueue<ReceiptJob>(RECEIPT_QUEUE, { connection, prefix, logger, backoffMs: () => RETRY_EVERY_MS, keepGivenUp: 0 });
    this.deadlines = new Deadlines(answerTimeoutMs);
    this.faults = new FaultLog(logger.child({ component: 'receipts' }), {
      activity: 'delivery receipts',
      meanwhile: 'are answered ESME_RX_T_APPN (the SMSC sends them again)',
    });
  }

  /**
   * Answers the SMSC 'ok' only once the receipt is in Redis, and 'retry-later' when Redis is not connected or does
   * not take it within the answer timeout; `counted` hears the receipt's state once it is read.
   */
  async handle(sm: InboundSm, link: Link, counted?: (state: string) => void): Promise<InboundAnswer> {
    this.counters.received++;
    const decoded = decodeShortMessage({ dataCoding: sm.dataCoding, esmClass: sm.esmClass, shortMessage: sm.body });
    const parsed = parseReceipt({
      esmClass: sm.esmClass,
      shortMessageText: decoded.text,
      ...(sm.receiptedMessageId !== undefined ? { receiptedMessageId: sm.receiptedMessageId } : {}),
      ...(sm.messageState !== undefined ? { messageState: sm.messageState } : {}),
      ...(sm.networkErrorCode !== undefined ? { networkErrorCode: sm.networkErrorCode } : {}),
    });
    if (!parsed.ok) {
      // Asking the SMSC to resend an unreadable receipt would only bring it back; acknowledge and say so.
      this.counters.unreadable++;
      this.logger.warn(
        { link: link.id, from: sm.sourceAddr, text: decoded.text.slice(0, 160), reason: parsed.reason },
        'unreadable delivery receipt; acknowledged and dropped',
      );
      return 'ok';
    }
    counted?.(parsed.receipt.state);
    if (this.connection.status !== 'ready') {
      // With maxRetriesPerRequest null a command would wait for Redis to come back; the SMSC should hear "later" now.
      this.counters.retryLater++;
      this.faults.refused('unreachable');
      return 'retry-later';
    }
    try {
      const outcome = await this.deadlines.race(this.take(sm, link, parsed.receipt, decoded.text));
      if (outcome === 'timeout') {
        this.counters.retryLater++;
        this.faults.refused('timeout');
        return 'retry-later';
      }
      this.faults.succeeded();
      return outcome;
    } catch (e) {
      this.counters.retryLater++;
      this.faults.failed(e);
      return 'retry-later';
    }
  }

  private take(sm: InboundSm, link: Link, receipt: Receipt, text: string): Promise<InboundAnswer> {
    const job: ReceiptJob = {
      smscId: link.smscId,
      link: link.id,
      handset: sm.sourceAddr,
      id: normalizeReceiptId(receipt.smscMessageId, link.msgIdType),
      receipt,
      text,
      receivedAt: Date.now(),
    };
    // Most receipts match at once: record them (and queue their reports) before answering, with no job at all.
    // Only one that matches nothing yet goes to the queue, to be tried again for unmatched-retry; either way the
    // SMSC hears "ok" only once the receipt is in Redis.
    return new Promise<InboundAnswer>((resolve, reject) =>
      this.apply(job, (e, matched) => {
        if (e) return reject(e);
        if (matched) return resolve('ok');
        const retries = Math.ceil(this.unmatchedRetryMs / RETRY_EVERY_MS);
        if (retries === 0) {
          this.unmatched(job);
          return resolve('ok');
        }
        this.jobs.add([{ data: job, attempts: retries, delayMs: RETRY_EVERY_MS }]).then(() => resolve('ok'), reject);
      }),
    );
  }

  /**
   * Matches and records one receipt and queues its reports; `done` hears false when no message has its SMSC id
   * (yet). Receipts that come together are matched in one call, and their reports claimed in the next
   * (dlr/report-records.ts).
   */
  private apply(r: ReceiptJob, done: Replied<boolean>): void {
    // A receipt that overtook the record of its own submit (the SMSC sends it right after the submit_sm_resp)
    // waits for that write, which this process has in flight, instead of a second later from the retry queue.
    const writing = this.inFlight.whenRecorded(r.smscId, r.id);
    if (writing)
      writing.then(
        () => this.match(r, done),
        (e: unknown) => done(e as Error, false),
      );
    else this.match(r, done);
  }

  private match(r: ReceiptJob, done: Replied<boolean>): void {
    const now = Date.now();
    const state = r.receipt.state;
    const receipt = { smscId: r.smscId, normalizedId: r.id, handset: r.handset ?? '', state, final: isFinal(state), detail: r.text, now };
    this.records.match(receipt, (e, m) => {
      if (e) return done(e, false);
      if (m.kind === 'unmatched') return done(null, false);
      if (m.kind === 'expired') {
        this.counters.late++;
        return done(null, true);
      }
      // Counted once found: its report may reach the client before the count of reports queued is written.
      this.counters.matched++;
      this.dispatcher.receipt(m.c, m.record, r.receipt, r.text, this.links.get(r.link), now, m.claimed, (err) => done(err, !err));
    });
  }

  private unmatched(r: ReceiptJob): void {
    this.counters.unmatched++;
    this.logger.warn(
      { smscId: r.smscId, link: r.link, smscMessageId: r.receipt.smscMessageId, normalized: r.id, state: r.receipt.state },
      "delivery receipt matches no message (expired, never asked for, or another gateway's)",
    );
  }

  /**
   * Kannel's flush-dlr: every receipt still awaited is given up. Each correlation's submits are recorded as if the
   * SMSC had reported them with state unknown (final: failed, and the reports their masks ask for go out), and the
   * correlations are dropped. Returns how many were flushed. Operators run it while suspended, so nothing new comes.
   */
  async flush(keys: { correlationPattern: string; correlationPrefix(smscId: string): string }, now = Date.now()): Promise<number> {
    const smscIds = [...new Set([...this.links.values()].map((l) => l.smscId))].sort((a, b) => b.length - a.length);
    let flushed = 0;
    let cursor = '0';
    do {
      const [next, found] = await this.connection.scan(cursor, 'MATCH', keys.correlationPattern, 'COUNT', 500);
      cursor = next;
      for (const key of found) {
        // The key is prefix:c:<smsc-id>:<id>; smsc-ids may hold ':' themselves, so the configured ones are tried, longest first.
        const smscId = smscIds.find((id) => key.startsWith(keys.correlationPrefix(id)));
        const link = [...this.links.values()].find((l) => l.smscId === smscId);
        if (smscId === undefined || link === undefined) {
          await this.connection.del(key);
          continue;
        }
        const id = key.slice(keys.correlationPrefix(smscId).length);
        const receipt: Receipt = { smscMessageId: id, state: 'unknown', stat: 'UNKNOWN' };
        // One final match takes one submit off the correlation: until it is gone (bounded, in case it keeps growing).
        for (let i = 0; i < 100; i++) {
          const job: ReceiptJob = {
            smscId,
            link: link.id,
            handset: '',
            id,
            receipt,
            text: 'flushed by an operator (flush-dlr)',
            receivedAt: now,
          };
          const applied = await this.applied(job);
          if (!applied) break;
          flushed++;
        }
      }
    } while (cursor !== '0');
    this.logger.warn({ flushed }, 'flush-dlr: awaited receipts given up');
    return flushed;
  }

  /** apply() as a promise, for the paths that wait on one receipt (retries, flush-dlr), not the hot one. */
  private applied(job: ReceiptJob): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => this.apply(job, (e, m) => (e ? reject(e) : resolve(m))));
  }

  start(): void {
    this.jobs.work((run) => this.process(run), 50);
  }

  private async process(run: JobRun<ReceiptJob>): Promise<void> {
    const matched = await this.applied(run.data);
    if (matched) return;
    if (run.attempt < run.maxAttempts) throw new NotMatchedYetError(`no message with SMSC id ${run.data.id} on ${run.data.smscId} yet`);
    this.unmatched(run.data);
  }

  async close(): Promise<void> {
    await this.jobs.close();
  }
}
