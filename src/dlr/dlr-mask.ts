/**
 * Kannel's dlr-mask bits and DLR type values (gw/dlr.h), and the mapping to SMPP registered_delivery.
 * Pure.
 */
import type { ReceiptState } from '../domain/message-record.js';

/** The bits a client sets in `dlr-mask`. */
export const DlrMask = {
  /** Delivered to the handset. */
  success: 0x01,
  /** Not delivered to the handset. */
  fail: 0x02,
  /** Buffered or en route at the SMSC (intermediate). */
  buffered: 0x04,
  /** Accepted by the SMSC (submit_sm_resp OK). */
  smscSuccess: 0x08,
  /** Rejected by the SMSC or never submitted. */
  smscFail: 0x10,
} as const;

/**
 * The type of one DLR, as Kannel passes it in `%d`. EXPIRED and UNKNOWN carry the fail bit plus a marker bit
 * (DLR_EXPIRED 0x22, DLR_UNKNOWN 0x42 in Kannel trunk's dlr.h), so a mask with the fail bit receives them.
 */
export const DlrType = {
  success: 0x01,
  fail: 0x02,
  buffered: 0x04,
  smscSuccess: 0x08,
  smscFail: 0x10,
  expired: 0x22,
  unknown: 0x42,
} as const;

export type DlrTypeValue = (typeof DlrType)[keyof typeof DlrType];

/** Kannel's DLR_UNDEFINED: no mask given. Kannel's DLR_IS_* macros are all false for it. */
const UNDEFINED_MASK = -1;

function isDefined(mask: number): boolean {
  return Number.isInteger(mask) && mask !== UNDEFINED_MASK && mask >= 0;
}

/**
 * SMPP registered_delivery for a dlr-mask, the expression of Kannel's msg_to_pdu (gw/smsc/smsc_smpp.c):
 * 2 (receipt on failure only) when the mask has fail but not success, 1 when it has success (or both),
 * plus 16 (intermediate notifications) when it has buffered. The SMSC-level bits 8 and 16 need no receipt:
 * they come from submit_sm_resp, so a mask of 8 or 16 alone asks for nothing.
 */
export function registeredDelivery(mask: number): number {
  if (!isDefined(mask)) return 0;
  const success = (mask & DlrMask.success) !== 0;
  const fail = (mask & DlrMask.fail) !== 0;
  let value = 0;
  if (fail && !success) value = 2;
  else if (success || fail) value = 1;
  if ((mask & DlrMask.buffered) !== 0) value += 16;
  return value;
}

/**
 * The DLR type for a receipt state, as Kannel's handle_dlr maps message_state: delivered → 1; enroute,
 * accepted and buffered (ACKED, BUFFRED, SCHEDULED too) → 4; expired → 0x22; the other failures → 2.
 * Kannel maps UNKNOWN (state 7, or a stat word it does not know) to plain 2, never to its own DLR_UNKNOWN 0x42,
 * and so do we; 0x42 stays available in DlrType for callers that want it.
 */
export function dlrTypeForState(state: ReceiptState): DlrTypeValue {
  switch (state) {
    case 'delivered':
      return DlrType.success;
    case 'expired':
      return DlrType.expired;
    case 'deleted':
    case 'undeliverable':
    case 'rejected':
    case 'unknown':
      return DlrType.fail;
    case 'accepted':
    case 'enroute':
    case 'buffered':
      return DlrType.buffered;
  }
}

/** Whether a client with this dlr-mask gets a DLR of this type: Kannel's dlr_find test `(type & mask) > 0`. */
export function wants(mask: number, type: number): boolean {
  return isDefined(mask) && (mask & type) !== 0;
}

/** Intermediate types (buffered, SMSC ACK) leave the message waiting for a final outcome. */
export function isIntermediate(type: number): boolean {
  return (type & (DlrType.buffered | DlrType.smscSuccess)) !== 0;
}

/**
 * Whether the correlation record must outlive a DLR of this type. Kannel's dlr_find keeps it only while a
 * final receipt can still come and is wanted (DLR_IS_NOT_FINAL(type) && DLR_IS_SUCCESS_OR_FAIL(mask));
 * otherwise the record is removed, wanted or not.
 */
export function keepsCorrelation(mask: number, type: number): boolean {
  return isIntermediate(type) && isDefined(mask) && (mask & (DlrMask.success | DlrMask.fail)) !== 0;
}
