/**
 * A report for a client bound over SMPP, as the deliver_sm it gets: the SMPP 3.4 receipt format (Appendix B)
 * `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:` with the receipted_message_id and
 * message_state TLVs, addressed from the handset to the sender, as an SMSC sends it. The id is Switchboard's, the
 * one the client got in its submit_sm_resp. Pure.
 */
import type { ClientDeliver } from '../domain/client-deliver.js';
import type { ReceiptState } from '../domain/message-record.js';
import type { Report } from './decide-reports.js';
import { DlrMask, DlrType } from './dlr-mask.js';

/** esm_class of an SMSC delivery receipt, and of an intermediate notification (SMPP 3.4 §5.2.12). */
const ESM_RECEIPT = 0x04;
const ESM_INTERMEDIATE = 0x20;

/** The stat word and message_state value of each receipt state (SMPP 3.4 §5.2.28 and Appendix B). */
const STATES: Readonly<Record<ReceiptState, { readonly stat: string; readonly messageState: number }>> = {
  enroute: { stat: 'ENROUTE', messageState: 1 },
  delivered: { stat: 'DELIVRD', messageState: 2 },
  expired: { stat: 'EXPIRED', messageState: 3 },
  deleted: { stat: 'DELETED', messageState: 4 },
  undeliverable: { stat: 'UNDELIV', messageState: 5 },
  accepted: { stat: 'ACCEPTD', messageState: 6 },
  buffered: { stat: 'ENROUTE', messageState: 1 },
  unknown: { stat: 'UNKNOWN', messageState: 7 },
  rejected: { stat: 'REJECTD', messageState: 8 },
};

/**
 * The dlr-mask an SMPP client asks for with registered_delivery (bits 0–1: 1 receipt on success or failure, 2 on
 * failure only; bit 4: intermediate notifications). A failure includes the SMSC refusing the message after the
 * client was answered (Kannel's type 16), which the client hears as stat:REJECTD. 0 asks for nothing.
 */
export function dlrMaskForRegisteredDelivery(registeredDelivery: number): number {
  const receipt = registeredDelivery & 0x03;
  let mask = 0;
  if (receipt === 1 || receipt === 3) mask = DlrMask.success | DlrMask.fail | DlrMask.smscFail;
  else if (receipt === 2) mask = DlrMask.fail | DlrMask.smscFail;
  if ((registeredDelivery & 0x10) !== 0) mask |= DlrMask.buffered;
  return mask;
}

/** YYMMDDhhmm in UTC, the receipt's date format. */
export function receiptDate(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

export interface ReceiptSubject {
  /** Switchboard's message id: the client's submit_sm_resp message_id. */
  readonly id: string;
  readonly account: string;
  readonly from: string;
  readonly to: string;
  readonly acceptedAt: number | undefined;
}

/** The state a report says, for those that become a receipt; undefined for the SMSC's acceptance (no receipt). */
function stateOf(report: Report): ReceiptState | undefined {
  if (report.state !== undefined) return report.state;
  switch (report.type) {
    case DlrType.smscFail:
      return 'rejected';
    case DlrType.fail:
      // An operator removed a failed message for good: the client hears it was deleted.
      return report.text.startsWith('NACK/removed') ? 'deleted' : 'undeliverable';
    case DlrType.expired:
      return 'expired';
    case DlrType.success:
      return 'delivered';
    default:
      return undefined;
  }
}

/** The three-digit `err:` of a receipt: the SMSC's, else the refusal's command_status, else 000. */
function errOf(report: Report): string {
  if (report.receiptErr !== undefined && /^\d{1,3}$/.test(report.receiptErr)) return report.receiptErr.padStart(3, '0');
  const nack = /^NACK\/0x([0-9a-f]{8})\//i.exec(report.text);
  if (nack) return String(parseInt(nack[1]!, 16) % 1000).padStart(3, '0');
  return '000';
}

/** The deliver_sm of a report to an SMPP client, or undefined when the report has no receipt form (the SMSC's ACK). */
export function smppReceipt(report: Report, msg: ReceiptSubject, nowMs: number): ClientDeliver | undefined {
  const state = stateOf(report);
  if (state === undefined) return undefined;
  const { stat, messageState } = STATES[state];
  const delivered = state === 'delivered' ? '001' : '000';
  const submitted = receiptDate(msg.acceptedAt ?? nowMs);
  const text = `id:${msg.id} sub:001 dlvrd:${delivered} submit date:${submitted} done date:${receiptDate(nowMs)} stat:${stat} err:${errOf(report)} text:`;
  const intermediate = state === 'enroute' || state === 'accepted' || state === 'buffered';
  return {
    kind: 'receipt',
    account: msg.account,
    sourceAddr: msg.to,
    destAddr: msg.from,
    esmClass: intermediate ? ESM_INTERMEDIATE : ESM_RECEIPT,
    dataCoding: 0,
    shortMessageHex: Buffer.from(text, 'latin1').toString('hex'),
    receiptedMessageId: msg.id,
    messageState,
  };
}
