/**
 * Turns what happens to a message (the SMSC accepted or refused it, a receipt came) into its recorded state and
 * the reports its client asked for, queued in order.
 */
import type { Logger } from 'pino';
import type { Link } from '../domain/link.js';
import type { QueuedMessage } from '../domain/message.js';
import type { AcceptedPart } from '../domain/delivery.js';
import type { OutcomeWriter } from '../messages/outcome-writer.js';
import type { RecordStore } from '../messages/record-store.js';
import type { Correlation, MessageRecord, MessageStatus } from '../domain/message-record.js';
import { smppTargetAccount } from '../domain/client-deliver.js';
import { callbackRequest, type ReportedMessage } from './callback-request.js';
import type { CallbackJob, CallbackQueue, ClientDeliverJob } from './callback-queue.js';
import { smppReceipt } from './smpp-receipt.js';
import { isFinal, reportsFor, type LongMessagePolicy, type Report } from './decide-reports.js';
import { DlrType, registeredDelivery } from './dlr-mask.js';
import { normalizeSubmitRespId } from './normalize-message-id.js';
import type { Receipt } from './parse-receipt.js';

/** The message's overall status from its parts' receipts. */
export function aggregateStatus(rec: Pick<MessageRecord, 'parts' | 'status'>): MessageStatus {
  const states = rec.parts.map((p) => p.receipt);
  if (states.every((s) => s !== undefined && isFinal(s))) {
    if (states.every((s) => s === 'delivered')) return 'delivered';
    if (states.some((s) => s === 'expired')) return 'expired';
    return 'undeliverable';
  }
  if (states.some((s) => s !== undefined)) return 'buffered';
  return rec.status;
}

/** A reported message, with its accept time (the receipt's submit date for SMPP clients). */
type Reported = ReportedMessage & { readonly acceptedAt?: number };

function reported(msg: QueuedMessage, status: string): Reported {
  return {
    acceptedAt: msg.acceptedAt,
    id: msg.id,
    account: msg.account,
    from: msg.from,
    to: msg.to,
    service: msg.service,
    dlrUrl: msg.dlrUrl,
    callbackUrl: msg.callbackUrl,
    status,
    billing: msg.billing,
  };
}

export class ReportDispatcher {
  private enqueueFailing = false;

  constructor(
    private readonly outcomes: OutcomeWriter,
    private readonly records: RecordStore,
    private readonly callbacks: CallbackQueue,
    private readonly policy: LongMessagePolicy,
    private readonly logger: Logger,
    /** Hears each message's final outcome once, for the account statistics (not awaited). */
    private readonly outcome: (account: string, final: 'delivered' | 'failed') => void = () => undefined,
  ) {}

  /**
   * The jobs of reports whose sequence numbers start at firstSeq: HTTP callbacks, or deliver_sm for a client that
   * sent over SMPP. The SMSC's ACK has no receipt form, and the dlr-mask an SMPP client gets never asks for it
   * (smpp-receipt.ts), so no reserved report goes missing.
   */
  private jobs(
    msg: Reported,
    reports: readonly Report[],
    firstSeq: number,
    link: Link | undefined,
    now: number,
  ): (CallbackJob | ClientDeliverJob)[] {
    const out: (CallbackJob | ClientDeliverJob)[] = [];
    const smppAccount = smppTargetAccount(msg.callbackUrl);
    reports.forEach((r, i) => {
      const seq = firstSeq + i;
      if (smppAccount !== undefined) {
        const deliver = smppReceipt(r, { id: msg.id, account: smppAccount, from: msg.from, to: msg.to, acceptedAt: msg.acceptedAt }, now);
        if (deliver) out.push({ messageId: msg.id, seq, deliver });
        return;
      }
      const request = callbackRequest(r, msg, link, now);
      if (request) out.push({ messageId: msg.id, seq, request });
    });
    return out;
  }

  /**
   * Queues reports whose sequence numbers are already reserved, retrying until Redis takes them: the outcome they
   * report is recorded, so giving up here would leave a reserved report that never comes.
   */
  private enqueueDurably(jobs: readonly (CallbackJob | ClientDeliverJob)[], done: () => void, attempt = 0): void {
    if (jobs.length === 0) {
      done();
      return;
    }
    this.callbacks.enqueue(jobs).then(
      () => {
        if (this.enqueueFailing) {
          this.enqueueFailing = false;
          this.logger.info('reports queued again');
        }
        done();
      },
      (e: unknown) => {
        if (!this.enqueueFailing) {
          this.enqueueFailing = true;
          this.logger.error({ err: (e as Error).message }, 'cannot queue reports; retrying until Redis takes them');
        }
        setTimeout(() => this.enqueueDurably(jobs, done, attempt + 1), Math.min(2000, 50 * 2 ** Math.min(attempt, 6)));
      },
    );
  }

  /**
   * Records the SMSC's acceptance (and the receipt correlations), then queues the ACK report if asked for; calls
   * `done` once both are in Redis.
   */
  submitted(msg: QueuedMessage, link: Link, parts: readonly AcceptedPart[], now: number, done: () => void): void {
    const mask = msg.dlrMask ?? 0;
    const correlate = registeredDelivery(mask) !== 0 ? parts.map((p) => normalizeSubmitRespId(p.smscMessageId, link.msgIdType)) : undefined;
    const hasTarget = Boolean(msg.dlrUrl || msg.callbackUrl);
    const reports = hasTarget
      ? reportsFor(
          { dlrMask: mask, policy: this.policy, totalParts: parts.length, partStates: [] },
          { kind: 'smsc-ack', smscMessageId: parts[0]?.smscMessageId ?? '' },
        )
      : [];
    this.outcomes.record(
      { kind: 'submitted', msg, link: { id: link.id, smscId: link.smscId }, parts, correlate, reports: reports.length, now },
      (first) =>
        reports.length === 0 ? done() : this.enqueueDurably(this.jobs(reported(msg, 'submitted'), reports, first, link, now), done),
    );
  }

  /** Records a message that will not be sent, and queues the NACK report if asked for; `done` once both are in Redis. */
  failed(
    msg: QueuedMessage,
    detail: string,
    status: number | undefined,
    link: Link | undefined,
    now: number,
    wire: string,
    done: () => void,
  ): void {
    this.outcome(msg.account, 'failed');
    const hasTarget = Boolean(msg.dlrUrl || msg.callbackUrl);
    const reports = hasTarget
      ? reportsFor({ dlrMask: msg.dlrMask ?? 0, policy: this.policy, totalParts: 1, partStates: [] }, { kind: 'smsc-nack', status, detail })
      : [];
    this.outcomes.record(
      { kind: 'failed', msg, error: detail, commandStatus: status, link: link?.id, reports: reports.length, now, wire },
      (first) => (reports.length === 0 ? done() : this.enqueueDurably(this.jobs(reported(msg, 'failed'), reports, first, link, now), done)),
    );
  }

  /**
   * An operator removed a failed message for good: its record says so, and its client gets the final report it
   * asked for (DLR type 2, failed), once. False when the message is not a failed one (nothing is done).
   */
  async removed(id: string, who: string, now: number): Promise<boolean> {
    const rec = await this.records.markRemoved(id, who, now);
    if (!rec) return false;
    const mask = rec.dlrMask ?? 0;
    if (!(rec.dlrUrl || rec.callbackUrl) || (mask & DlrType.fail) === 0) return true;
    const report: Report = {
      type: DlrType.fail,
      text: `NACK/removed by an operator: ${rec.error ?? 'failed'}`,
      smscMessageId: '',
      onceKey: 'final',
    };
    const seq = await this.records.claimReport(id, 'removed', report.onceKey);
    const msg: Reported = {
      acceptedAt: rec.acceptedAt,
      id: rec.id,
      account: rec.account,
      from: rec.from,
      to: rec.to,
      service: rec.service,
      dlrUrl: rec.dlrUrl,
      callbackUrl: rec.callbackUrl,
      status: 'removed',
      billing: rec.billing,
    };
    if (seq > 0) await this.callbacks.enqueue(this.jobs(msg, [report], seq, undefined, now));
    return true;
  }

  /** Queues the reports a matched receipt calls for (the receipt is already recorded on `rec`). */
  async receipt(c: Correlation, rec: MessageRecord, r: Receipt, text: string, link: Link | undefined, now: number): Promise<void> {
    const status = aggregateStatus(rec);
    if (status !== rec.status && (status === 'delivered' || status === 'undeliverable' || status === 'expired'))
      this.outcome(rec.account, status === 'delivered' ? 'delivered' : 'failed');
    const reports =
      rec.dlrUrl || rec.callbackUrl
        ? reportsFor(
            { dlrMask: rec.dlrMask ?? 0, policy: this.policy, totalParts: rec.totalParts, partStates: rec.parts.map((p) => p.receipt) },
            {
              kind: 'receipt',
              seq: c.seq,
              state: r.state,
              text,
              smscMessageId: r.smscMessageId,
              ...(r.err !== undefined ? { err: r.err } : {}),
            },
          )
        : [];
    const msg: Reported = {
      acceptedAt: rec.acceptedAt,
      id: rec.id,
      account: rec.account,
      from: rec.from,
      to: rec.to,
      service: rec.service,
      dlrUrl: rec.dlrUrl,
      callbackUrl: rec.callbackUrl,
      status,
      billing: rec.billing,
    };
    const jobs: (CallbackJob | ClientDeliverJob)[] = [];
    // The status is written with the first claim; with no report to claim, on its own.
    if (reports.length === 0 && status !== rec.status) await this.records.claimReport(rec.id, status, '');
    for (const report of reports) {
      const seq = await this.records.claimReport(rec.id, status, report.onceKey);
      if (seq > 0) jobs.push(...this.jobs(msg, [report], seq, link, now));
    }
    await this.callbacks.enqueue(jobs);
    this.logger.debug({ message: rec.id, part: c.seq, state: r.state, reports: jobs.length }, 'receipt matched');
  }
}
