/**
 * Which reports a client gets for an event of its message, from its dlr-mask and the long-message policy. Pure.
 * Kannel's types: 8 SMSC accepted (ACK), 16 SMSC refused (NACK), then from the receipts 4 buffered, 1 delivered,
 * 2 failed (0x22 expired). For a message in several parts, 'all-parts-final' reports one final outcome when every
 * part has one (delivered only if every part was), 'per-part' reports each part's receipt.
 */
import { DlrType, dlrTypeForState, isIntermediate, wants } from './dlr-mask.js';
import type { ReceiptState } from '../domain/message-record.js';

export type LongMessagePolicy = 'all-parts-final' | 'per-part';

export type MessageEvent =
  | { readonly kind: 'smsc-ack'; readonly smscMessageId: string }
  | { readonly kind: 'smsc-nack'; readonly status: number | undefined; readonly detail: string }
  | {
      readonly kind: 'receipt';
      readonly seq: number;
      readonly state: ReceiptState;
      readonly text: string;
      readonly smscMessageId: string;
      readonly err?: string;
    };

export interface Report {
  /** Kannel's DLR type (%d). */
  readonly type: number;
  /** %A: `ACK/`, `NACK/0x…/reason`, or the receipt text. */
  readonly text: string;
  readonly smscMessageId: string;
  /** The part it is about (per-part policy), or undefined for the whole message. */
  readonly seq?: number;
  readonly receiptErr?: string;
  /** The receipt state it reports (receipts only; the first failure's state for an all-parts-final outcome). */
  readonly state?: ReceiptState;
  /** A key so a report is enqueued once, even when its event is handled twice (a retried job). */
  readonly onceKey: string;
}

const FINAL_STATES: ReadonlySet<ReceiptState> = new Set(['delivered', 'expired', 'deleted', 'undeliverable', 'rejected', 'unknown']);

export function isFinal(state: ReceiptState): boolean {
  return FINAL_STATES.has(state);
}

export interface ReportContext {
  readonly dlrMask: number;
  readonly policy: LongMessagePolicy;
  readonly totalParts: number;
  /** Receipt state of each part after this event (index 0 = part 1); undefined where none arrived yet. */
  readonly partStates: readonly (ReceiptState | undefined)[];
}

function nackText(status: number | undefined, detail: string): string {
  return status === undefined ? `NACK/${detail}` : `NACK/0x${status.toString(16).padStart(8, '0')}/${detail}`;
}

export function reportsFor(ctx: ReportContext, event: MessageEvent): Report[] {
  const { dlrMask: mask } = ctx;
  switch (event.kind) {
    case 'smsc-ack':
      return wants(mask, DlrType.smscSuccess)
        ? [{ type: DlrType.smscSuccess, text: 'ACK/', smscMessageId: event.smscMessageId, onceKey: 'ack' }]
        : [];
    case 'smsc-nack':
      return wants(mask, DlrType.smscFail)
        ? [{ type: DlrType.smscFail, text: nackText(event.status, event.detail), smscMessageId: '', onceKey: 'nack' }]
        : [];
    case 'receipt': {
      const type = dlrTypeForState(event.state);
      const base = {
        text: event.text,
        smscMessageId: event.smscMessageId,
        state: event.state,
        ...(event.err !== undefined ? { receiptErr: event.err } : {}),
      };
      if (ctx.totalParts <= 1 || ctx.policy === 'per-part') {
        if (!wants(mask, type)) return [];
        return [{ type, ...base, ...(ctx.totalParts > 1 ? { seq: event.seq } : {}), onceKey: `r${event.seq}:${type}` }];
      }
      // all-parts-final: an intermediate state is reported once for the message; the final outcome once, when
      // every part has one, as the first failure if any part failed.
      if (isIntermediate(type)) return wants(mask, type) ? [{ type, ...base, onceKey: `intermediate:${type}` }] : [];
      const states = Array.from({ length: ctx.totalParts }, (_, i) => ctx.partStates[i]);
      if (!states.every((s) => s !== undefined && isFinal(s))) return [];
      const failed = states.find((s) => s !== 'delivered');
      const finalType = failed ? dlrTypeForState(failed) : DlrType.success;
      return wants(mask, finalType) ? [{ type: finalType, ...base, state: failed ?? 'delivered', onceKey: 'final' }] : [];
    }
  }
}
