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
import { aggregateStatus, reportsFor, type LongMessagePolicy, type Report } from './decide-reports.js';
import { DlrType, registeredDelivery } from './dlr-mask.js';
import { normalizeSubmitRespId } from './normalize-message-id.js';
import { planKey } from './receipt-plan.js';
import type { Receipt } from './parse-receipt.js';
import type { PlannedClaim, ReportRecords } from './report-records.js';

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
    private readonly reportRecords: ReportRecords,
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
    // A single-part message's receipts claim their reports in the call that matches them (receipt-plan.ts).
    const receiptPlan = correlate ? planKey(msg, parts.length) : undefined;
    this.outcomes.record(
      {
        kind: 'submitted',
        msg,
        link: { id: link.id, smscId: link.smscId },
        parts,
        correlate,
        reports: reports.length,
        receiptPlan,
        now,
      },
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
    const seq = await this.reportRecords.claimed(id, 'removed', report.onceKey);
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

  /**
   * Queues the reports a matched receipt calls for (the receipt is already recorded on `rec`, which still has the
   * status it had before): a single-part message's report was claimed with the match (`claimed`, by its plan:
   * dlr/receipt-plan.ts); others are claimed now (in the next call of dlr/report-records.ts, with the claims of the
   * receipts that came together). Then they are queued; `done` hears once they are in Redis, or what kept them out.
   */
  receipt(
    c: Correlation,
    rec: MessageRecord,
    r: Receipt,
    text: string,
    link: Link | undefined,
    now: number,
    claimed: PlannedClaim | undefined,
    done: (e: Error | null) => void,
  ): void {
    let status: MessageStatus;
    let reports: Report[];
    try {
      status = aggregateStatus(rec);
      reports =
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
    } catch (e) {
      done(e as Error);
      return;
    }
    if (status !== rec.status && (status === 'delivered' || status === 'undeliverable' || status === 'expired'))
      this.outcome(rec.account, status === 'delivered' ? 'delivered' : 'failed');
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
    const queue = (seqs: readonly number[]): void => {
      let jobs: (CallbackJob | ClientDeliverJob)[];
      try {
        jobs = reports.flatMap((rep, k) => (seqs[k]! > 0 ? this.jobs(msg, [rep], seqs[k]!, link, now) : []));
      } catch (err) {
        done(err as Error);
        return;
      }
      if (this.logger.isLevelEnabled('debug'))
        this.logger.debug({ message: rec.id, part: c.seq, state: r.state, reports: jobs.length }, 'receipt matched');
      if (jobs.length === 0) done(null);
      else
        this.callbacks.enqueue(jobs).then(
          () => done(null),
          (err: unknown) => done(err as Error),
        );
    };
    if (claimed) {
      // The plan and this decision are the same function (receipt-plan.ts tabulates reportsFor); should they ever
      // disagree, the reports are claimed as decided here, and the planned number, never queued, is skipped by the
      // message's later reports after callbacks.order-wait.
      const decided = reports.length === 0 ? '' : reports.length === 1 ? reports[0]!.onceKey : undefined;
      if (decided === claimed.onceKey) return queue([claimed.seq]);
      this.logger.error(
        { message: rec.id, planned: claimed.onceKey, decided: reports.map((x) => x.onceKey) },
        "a receipt's planned report claim differs from the decision; claiming as decided",
      );
    }
    if (reports.length === 0) {
      // The status is written with the first claim; with no report to claim, on its own.
      if (status === rec.status) queue([]);
      else this.reportRecords.claim(rec.id, status, '', (e) => (e ? done(e) : queue([])));
      return;
    }
    // Claimed in order (one script call runs them in the order posted), so their sequence numbers are too.
    const seqs: number[] = [];
    let left = reports.length;
    let failed: Error | null = null;
    reports.forEach((report, i) =>
      this.reportRecords.claim(rec.id, status, report.onceKey, (e, seq) => {
        failed ??= e;
        seqs[i] = seq;
        if (--left > 0) return;
        if (failed) done(failed);
        else queue(seqs);
      }),
    );
  }
}
