/**
 * Receipts from the SMSCs: parsed at the edge, queued durably before the SMSC gets its deliver_sm_resp, then
 * matched to their message by (smsc-id, normalised SMSC message id), so a receipt arriving on any bind of the
 * smsc-id matches, and one arriving before its submit_sm_resp was recorded is tried again for a bounded time.
 * One that never matches is counted and logged; nothing here crashes on a strange receipt.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Link } from '../domain/link.js';
import { decodeShortMessage } from '../encoding/index.js';
import type { MessageStore } from '../messages/message-store.js';
import type { InboundAnswer } from '../smpp/bind.js';
import type { InboundSm } from '../smpp/inbound.js';
import { normalizeReceiptId } from './normalize-message-id.js';
import { isReceipt, parseReceipt, type Receipt } from './parse-receipt.js';
import type { ReportDispatcher } from './report-dispatcher.js';

export { isReceipt };

interface ReceiptJob {
  readonly smscId: string;
  readonly link: string;
  /** Normalised SMSC message id. */
  readonly id: string;
  readonly receipt: Receipt;
  readonly text: string;
  readonly receivedAt: number;
}

export class NotMatchedYetError extends Error {
  override readonly name = 'NotMatchedYetError';
}

const QUEUE = 'receipts';
const RETRY_EVERY_MS = 1000;

export class ReceiptPipeline {
  private readonly queue: Queue<ReceiptJob>;
  private worker: Worker<ReceiptJob> | undefined;
  readonly counters = { received: 0, matched: 0, unmatched: 0, unreadable: 0, late: 0 };

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly store: MessageStore,
    private readonly dispatcher: ReportDispatcher,
    private readonly links: ReadonlyMap<string, Link>,
    private readonly unmatchedRetryMs: number,
    private readonly logger: Logger,
  ) {
    this.queue = new Queue<ReceiptJob>(QUEUE, { connection, prefix });
  }

  /** Answers the SMSC only once the receipt is queued in Redis. */
  async handle(sm: InboundSm, link: Link): Promise<InboundAnswer> {
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
      this.logger.warn({ link: link.id, from: sm.sourceAddr, text: decoded.text.slice(0, 160), reason: parsed.reason }, 'unreadable delivery receipt; acknowledged and dropped');
      return 'ok';
    }
    const job: ReceiptJob = {
      smscId: link.smscId,
      link: link.id,
      id: normalizeReceiptId(parsed.receipt.smscMessageId, link.msgIdType),
      receipt: parsed.receipt,
      text: decoded.text,
      receivedAt: Date.now(),
    };
    await this.queue.add('receipt', job, {
      attempts: Math.max(1, Math.ceil(this.unmatchedRetryMs / RETRY_EVERY_MS) + 1),
      backoff: { type: 'fixed', delay: RETRY_EVERY_MS },
      removeOnComplete: true,
      removeOnFail: true,
    });
    return 'ok';
  }

  start(): void {
    this.worker = new Worker<ReceiptJob>(QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: 50,
      maxStalledCount: 1_000_000,
    });
    this.worker.on('error', (e) => this.logger.error({ err: e }, 'receipt worker error'));
  }

  private async process(job: Job<ReceiptJob>): Promise<void> {
    const r = job.data;
    const c = await this.store.findCorrelation(r.smscId, r.id);
    if (!c) {
      if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw new NotMatchedYetError(`no message with SMSC id ${r.id} on ${r.smscId} yet`);
      this.counters.unmatched++;
      this.logger.warn({ smscId: r.smscId, link: r.link, smscMessageId: r.receipt.smscMessageId, normalized: r.id, state: r.receipt.state }, 'delivery receipt matches no message (expired, never asked for, or another gateway\'s)');
      return;
    }
    const applied = await this.dispatcher.receipt(c, r.receipt, r.text, this.links.get(r.link), Date.now());
    if (applied) this.counters.matched++;
    else this.counters.late++;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
