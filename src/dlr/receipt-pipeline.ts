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
import type { ReceiptMatcher } from './receipt-matcher.js';
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
    private readonly matcher: ReceiptMatcher,
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

  private async take(sm: InboundSm, link: Link, receipt: Receipt, text: string): Promise<InboundAnswer> {
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
    if (await this.apply(job)) return 'ok';
    const retries = Math.ceil(this.unmatchedRetryMs / RETRY_EVERY_MS);
    if (retries === 0) {
      this.unmatched(job);
      return 'ok';
    }
    await this.jobs.add([{ data: job, attempts: retries, delayMs: RETRY_EVERY_MS }]);
    return 'ok';
  }

  /** Matches and records one receipt; false when no message has its SMSC id (yet). */
  private async apply(r: ReceiptJob): Promise<boolean> {
    // A receipt that overtook the record of its own submit (the SMSC sends it right after the submit_sm_resp)
    // waits for that write, which this process has in flight, instead of a second later from the retry queue.
    const writing = this.matcher.whenRecorded(r.smscId, r.id);
    if (writing) await writing;
    const now = Date.now();
    const m = await this.matcher.match(r.smscId, r.id, r.handset ?? '', r.receipt.state, isFinal(r.receipt.state), r.text, now);
    if (m.kind === 'unmatched') return false;
    if (m.kind === 'expired') {
      this.counters.late++;
      return true;
    }
    await this.dispatcher.receipt(m.c, m.record, r.receipt, r.text, this.links.get(r.link), now);
    this.counters.matched++;
    return true;
  }

  private unmatched(r: ReceiptJob): void {
    this.counters.unmatched++;
    this.logger.warn(
      { smscId: r.smscId, link: r.link, smscMessageId: r.receipt.smscMessageId, normalized: r.id, state: r.receipt.state },
      "delivery receipt matches no message (expired, never asked for, or another gateway's)",
    );
  }

  start(): void {
    this.jobs.work((run) => this.process(run), 50);
  }

  private async process(run: JobRun<ReceiptJob>): Promise<void> {
    if (await this.apply(run.data)) return;
    if (run.attempt < run.maxAttempts) throw new NotMatchedYetError(`no message with SMSC id ${run.data.id} on ${run.data.smscId} yet`);
    this.unmatched(run.data);
  }

  async close(): Promise<void> {
    await this.jobs.close();
  }
}
