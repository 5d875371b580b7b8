/**
 * Canonical SMSC message ids, so that the id from submit_sm_resp and the id in the receipt for the same message
 * give the same string (used as part of the Redis correlation key).
 *
 * Kannel's `msg-id-type` (smsc_smpp.c, submit_sm_resp and handle_dlr): bit 0 says submit_sm_resp ids are hex,
 * bit 1 says receipt ids are hex; both sides are then printed as decimal. Unset (-1) compares the strings as
 * they are. Our MsgIdType has the two bits as booleans; both false is Kannel's -1.
 *
 * Rules, per side:
 * - declared hex: a valid hex id (an optional 0x prefix allowed, as strtoll allows it) becomes its decimal
 *   value, computed with BigInt because SMSC ids exceed 2^53 and even 2^63 (see below);
 * - not declared hex, all decimal digits: the decimal value, i.e. leading zeros dropped;
 * - not declared hex, but the other side is: a hex-looking id is read as hex, as Kannel does, since an SMSC
 *   that is set to "decimal" but sends letters is sending hex;
 * - anything else, including an id that is invalid in its declared base: the as-is form.
 *
 * The as-is form lowercases the id and, when it is all hex digits, drops leading zeros. Why that is safe: an
 * SMSC id identifies one message on one link, so two live ids that differ only in case or in zero padding
 * would have to be issued by the same SMSC as different messages, which fixed-width numeric and hex id schemes
 * never do; the real-world mismatches go the other way (Jasmin #1129: `00B8BE19` vs `B8BE19`; #916 and #514:
 * case). The cost is that an SMSC with a case-sensitive alphabet (base62) could in theory issue `aB3` and `Ab3`
 * as two messages; the correlation key also carries the link, and the receipt's destination can be checked,
 * which bounds the damage to a wrong receipt between two messages of one link. Ids with other characters
 * (dashes, dots) keep their zeros: `0e99-…` and `e99-…` are different strings, not different spellings.
 *
 * Never throws. An empty id gives ''.
 */
import type { MsgIdType } from '../domain/link.js';

const DECIMAL = /^[0-9]+$/;
const HEX = /^(?:0[xX])?([0-9a-fA-F]+)$/;
const HEX_DIGITS = /^[0-9a-f]+$/;

function clean(id: string): string {
  // C strings from the PDU may keep their NUL terminator.
  return id.replace(/\0+$/, '').trim();
}

function hexToDecimal(id: string): string | undefined {
  const digits = HEX.exec(id)?.[1];
  return digits === undefined ? undefined : BigInt(`0x${digits}`).toString(10);
}

function decimalToDecimal(id: string): string | undefined {
  return DECIMAL.test(id) ? BigInt(id).toString(10) : undefined;
}

function asIs(id: string): string {
  const lower = id.toLowerCase();
  if (!HEX_DIGITS.test(lower)) return lower;
  const stripped = lower.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

function canonical(id: string, sideIsHex: boolean, linkDeclaresHex: boolean): string {
  const cleaned = clean(id);
  if (cleaned === '') return '';
  if (sideIsHex) return hexToDecimal(cleaned) ?? asIs(cleaned);
  const decimal = decimalToDecimal(cleaned);
  if (decimal !== undefined) return decimal;
  if (linkDeclaresHex) return hexToDecimal(cleaned) ?? asIs(cleaned);
  return asIs(cleaned);
}

function declaresHex(msgIdType: MsgIdType): boolean {
  return msgIdType.submitRespHex || msgIdType.deliverHex;
}

/** The canonical form of the message_id of a submit_sm_resp (Kannel msg-id-type bit 0). */
export function normalizeSubmitRespId(id: string, msgIdType: MsgIdType): string {
  return canonical(id, msgIdType.submitRespHex, declaresHex(msgIdType));
}

/** The canonical form of a receipt's id (receipted_message_id or `id:`; Kannel msg-id-type bit 1). */
export function normalizeReceiptId(id: string, msgIdType: MsgIdType): string {
  return canonical(id, msgIdType.deliverHex, declaresHex(msgIdType));
}

/** Whether a submit_sm_resp id and a receipt id name the same message on a link. Empty ids never match. */
export function messageIdsMatch(submitRespId: string, receiptId: string, msgIdType: MsgIdType): boolean {
  const a = normalizeSubmitRespId(submitRespId, msgIdType);
  return a !== '' && a === normalizeReceiptId(receiptId, msgIdType);
}
