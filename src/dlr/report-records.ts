/**
 * What receipts and reports write in message records, batched: a receipt matched to its message and recorded on
 * it, a report claimed (its callback sequence number reserved once), reports counted as queued, a report counted as
 * sent. Whatever comes together goes in one script call (report-records.lua) through the one group commit
 * (primitives/group-commit.ts): a window's receipts arrive in one read, so they are matched together; the claims
 * their reports need follow in the next call, with the receipts that arrived meanwhile. Per operation, ioredis
 * would build a command, a promise and a reply; here a call costs that once, whatever it carries.
 *
 * Each operation hears its own reply (or its own error: one operation's failure, such as a key of the wrong type,
 * does not fail the others in its call), through callbacks rather than a promise each: the receipt path runs
 * once per message, and its callbacks post the next operations at once, so that they join the call that follows.
 */
import type { Redis } from 'ioredis';
import type { Correlation, MessageRecord, MessageStatus, ReceiptState } from '../domain/message-record.js';
import { handsetDigits, hashOf, RECORD_CONSTANTS, STATUS_CODES, toRecord } from '../messages/record-codec.js';
import { GroupCommit } from '../primitives/group-commit.js';
import type { RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import { receiptPlans } from './receipt-plan.js';

export const REPORT_RECORDS = LuaScript.load('report-records', { F: RECORD_CONSTANTS.F, ...receiptPlans() });

export type ReceiptMatch =
  | { readonly kind: 'unmatched' }
  /** The correlation was there, the record no longer (its lifetime ended first). */
  | { readonly kind: 'expired'; readonly c: Correlation }
  | {
      readonly kind: 'matched';
      readonly c: Correlation;
      /** The record after the receipt, with the status it had before. */
      readonly record: MessageRecord;
      /**
       * The report claimed with the match, by the record's plan (dlr/receipt-plan.ts): its once-key ('' when the
       * receipt calls for none) and sequence number (0 when claimed before); the status is written too. Undefined
       * when the record has no plan: the receipt's reports are still to be claimed.
       */
      readonly claimed: PlannedClaim | undefined;
    };

export interface PlannedClaim {
  readonly onceKey: string;
  readonly seq: number;
}

/** A receipt to match and record on its message's part. */
export interface ReceiptToMatch {
  readonly smscId: string;
  /** The normalised SMSC message id. */
  readonly normalizedId: string;
  /** The receipt's source address: the handset the message went to. */
  readonly handset: string;
  readonly state: ReceiptState;
  /** A final receipt consumes its correlation (a duplicate id on the smsc-id then matches the next submit). */
  readonly final: boolean;
  /** The receipt's text, for the record's history. */
  readonly detail: string;
  readonly now: number;
}

/** Hears how one operation went: its reply, or the error it (or its whole call) failed with. */
export interface Replied<T> {
  (e: Error | null, reply: T): void;
}

interface Op {
  readonly code: 'M' | 'C' | 'Q' | 'S';
  readonly key: string;
  readonly args: readonly (string | number)[];
  readonly replied: Replied<unknown>;
}

/** The reply of a match operation (see report-records.lua), read into a ReceiptMatch. */
export function readMatch(res: unknown): ReceiptMatch {
  if (!Array.isArray(res)) return { kind: 'unmatched' };
  const c: Correlation = { id: String(res[0]), seq: Number(res[1]) };
  if (res.length <= 2) return { kind: 'expired', c };
  const claim = res[2] as [string, number] | null;
  const record = toRecord(c.id, hashOf(res as string[], 3));
  if (!record) return { kind: 'expired', c };
  return { kind: 'matched', c, record, claimed: claim ? { onceKey: String(claim[0]), seq: Number(claim[1]) } : undefined };
}

export class ReportRecords {
  private readonly commit: GroupCommit<Op>;
  /** Operations written, and the script calls that wrote them. */
  readonly counters = { operations: 0, calls: 0 };

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    // A window's receipts arrive in one read: the call starts once the code handling the read has run.
    this.commit = new GroupCommit((ops) => this.write(ops), { gatherSameTurn: true });
  }

  /** Finds the message a receipt is about and records the part's receipt state on it. */
  match(r: ReceiptToMatch, replied: Replied<ReceiptMatch>): void {
    this.commit.post({
      code: 'M',
      key: this.keys.correlation(r.smscId, r.normalizedId),
      args: [handsetDigits(r.handset), r.state, r.final ? '1' : '0', r.detail, r.now],
      replied: (e, res) => replied(e, e ? { kind: 'unmatched' } : readMatch(res)),
    });
  }

  /**
   * Sets the message's status and, the first time `onceKey` is seen, reserves its next callback sequence number:
   * `replied` hears it, or 0 (claimed before; or onceKey '', which only sets the status).
   */
  claim(id: string, status: MessageStatus, onceKey: string, replied: Replied<number>): void {
    this.commit.post({
      code: 'C',
      key: this.keys.message(id),
      args: [STATUS_CODES[status], onceKey],
      replied: (e, res) => replied(e, Number(res ?? 0)),
    });
  }

  /** The same, as a promise. */
  claimed(id: string, status: MessageStatus, onceKey: string): Promise<number> {
    return new Promise((resolve, reject) => this.claim(id, status, onceKey, (e, seq) => (e ? reject(e) : resolve(seq))));
  }

  /** Counts reports as queued, one for each time a message's id is given; resolves once all are counted. */
  queued(messageIds: readonly string[]): Promise<void> {
    const perMessage = new Map<string, number>();
    for (const id of messageIds) perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
    if (perMessage.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let left = perMessage.size;
      let failed: Error | null = null;
      const replied = (e: Error | null): void => {
        failed ??= e;
        if (--left > 0) return;
        if (failed) reject(failed);
        else resolve();
      };
      for (const [id, n] of perMessage) this.commit.post({ code: 'Q', key: this.keys.message(id), args: [n], replied });
    });
  }

  /** Raises the message's count of reports sent (delivered or given up) to `seq`, never lowering it. */
  sent(id: string, seq: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.commit.post({ code: 'S', key: this.keys.message(id), args: [seq], replied: (e) => (e ? reject(e) : resolve()) }),
    );
  }

  /** One call for every operation gathered; never throws (each operation hears its own error). */
  private async write(ops: Op[]): Promise<void> {
    const keys: string[] = [];
    const args: (string | number)[] = [this.keys.recordPrefix];
    for (const op of ops) {
      keys.push(op.key);
      args.push(op.code, ...op.args);
    }
    let replies: unknown[];
    try {
      replies = (await REPORT_RECORDS.run(this.redis, keys, args)) as unknown[];
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      for (const op of ops) op.replied(err, undefined);
      return;
    }
    this.counters.calls++;
    this.counters.operations += ops.length;
    for (let i = 0; i < ops.length; i++) {
      const r = replies[i];
      // A callback that throws must not keep the others from hearing their replies.
      try {
        if (r instanceof Error) ops[i]!.replied(r, undefined);
        else ops[i]!.replied(null, r);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }
}
