/**
 * What happened to a message after it left its queue, as the rest of the gateway reads it: its status, its parts
 * with their SMSC ids and receipts, its history. Types only; the record's Redis form is messages/record-codec.ts.
 */

/** A receipt's state, from its message_state TLV or its `stat:` word (dlr/parse-receipt.ts). */
export type ReceiptState =
  'delivered' | 'expired' | 'deleted' | 'undeliverable' | 'accepted' | 'unknown' | 'rejected' | 'enroute' | 'buffered';

export type MessageStatus = 'queued' | 'submitted' | 'failed' | 'buffered' | 'delivered' | 'undeliverable' | 'expired' | 'removed';

export interface HistoryEntry {
  readonly at: number;
  readonly event: string;
  readonly part?: number;
  readonly detail?: string;
}

export interface PartRecord {
  readonly seq: number;
  readonly smscMessageId: string | undefined;
  readonly receipt: ReceiptState | undefined;
}

export interface MessageRecord {
  readonly id: string;
  readonly status: MessageStatus;
  readonly account: string;
  readonly service: string;
  readonly from: string;
  readonly to: string;
  readonly acceptedAt: number;
  readonly updatedAt: number;
  readonly link: string | undefined;
  readonly smscId: string | undefined;
  readonly totalParts: number;
  readonly parts: readonly PartRecord[];
  readonly error: string | undefined;
  readonly commandStatus: number | undefined;
  readonly dlrMask: number | undefined;
  readonly dlrUrl: string | undefined;
  readonly callbackUrl: string | undefined;
  /** Kannel's `account` parameter (a billing reference), when the request gave one. */
  readonly billing?: string;
  /** For a queued record: the route and the job the message waits in. */
  readonly route: string | undefined;
  readonly job: string | undefined;
  readonly submittedAt: number | undefined;
}

/** Where a receipt points: the message and the part. */
export interface Correlation {
  readonly id: string;
  readonly seq: number;
}
