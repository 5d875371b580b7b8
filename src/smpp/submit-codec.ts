/**
 * submit_sm out and submit_sm_resp in, encoded and decoded by hand. These two PDUs are the hot path (one each per
 * message part); the package's generic codec walks its field tables and builds an object per PDU, which cost more
 * than everything else a submit does (profiled). Every other PDU still goes through codec.ts. The layout is SMPP 3.4
 * §4.4.1 and §4.4.2; the codec's tests check these bytes against the package's own encoder and decoder.
 */
import { HEADER_BYTES } from './codec.js';
import type { SubmitPart } from './submit-part.js';

export const SUBMIT_SM = 0x00000004;
export const SUBMIT_SM_RESP = 0x80000004;

const TLV_SAR_MSG_REF_NUM = 0x020c;
const TLV_SAR_TOTAL_SEGMENTS = 0x020e;
const TLV_SAR_SEGMENT_SEQNUM = 0x020f;
const TLV_MESSAGE_PAYLOAD = 0x0424;

/** Bytes a C-octet string takes: its latin1 bytes and the terminating NUL. */
const cstrLen = (s: string): number => Buffer.byteLength(s, 'latin1') + 1;

function writeCstr(buf: Buffer, s: string, at: number): number {
  const n = buf.write(s, at, 'latin1');
  buf[at + n] = 0;
  return at + n + 1;
}

export class SubmitEncodeError extends Error {
  override readonly name = 'SubmitEncodeError';
}

/**
 * The whole submit_sm frame with sequence number 0; the connection writes the real one at offset 12 when it sends
 * the frame. A frame is built once per part and reused when the part is sent again.
 */
export function encodeSubmitSm(p: SubmitPart): Buffer {
  if (p.shortMessage.length > 254)
    throw new SubmitEncodeError(
      `short_message of ${p.shortMessage.length} octets (at most 254; longer texts go in parts or message_payload)`,
    );
  let length =
    HEADER_BYTES +
    cstrLen(p.serviceType) +
    2 +
    cstrLen(p.sourceAddr) +
    2 +
    cstrLen(p.destAddr) +
    3 +
    cstrLen(p.scheduleDeliveryTime) +
    cstrLen(p.validityPeriod) +
    5 +
    p.shortMessage.length;
  if (p.sar) length += 6 + 5 + 5;
  if (p.messagePayload) {
    if (p.messagePayload.length > 0xffff)
      throw new SubmitEncodeError(`message_payload of ${p.messagePayload.length} octets (at most 65535)`);
    length += 4 + p.messagePayload.length;
  }
  if (p.tlvs) length += p.tlvs.length;
  const buf = Buffer.allocUnsafe(length);
  buf.writeUInt32BE(length, 0);
  buf.writeUInt32BE(SUBMIT_SM, 4);
  buf.writeUInt32BE(0, 8);
  buf.writeUInt32BE(0, 12);
  let at = writeCstr(buf, p.serviceType, HEADER_BYTES);
  buf[at++] = p.sourceTon;
  buf[at++] = p.sourceNpi;
  at = writeCstr(buf, p.sourceAddr, at);
  buf[at++] = p.destTon;
  buf[at++] = p.destNpi;
  at = writeCstr(buf, p.destAddr, at);
  buf[at++] = p.esmClass;
  buf[at++] = p.protocolId;
  buf[at++] = p.priorityFlag;
  at = writeCstr(buf, p.scheduleDeliveryTime, at);
  at = writeCstr(buf, p.validityPeriod, at);
  buf[at++] = p.registeredDelivery;
  buf[at++] = 0; // replace_if_present_flag
  buf[at++] = p.dataCoding;
  buf[at++] = 0; // sm_default_msg_id
  buf[at++] = p.shortMessage.length;
  at += p.shortMessage.copy(buf, at);
  if (p.sar) {
    at = buf.writeUInt16BE(TLV_SAR_MSG_REF_NUM, at);
    at = buf.writeUInt16BE(2, at);
    at = buf.writeUInt16BE(p.sar.ref & 0xffff, at);
    at = buf.writeUInt16BE(TLV_SAR_TOTAL_SEGMENTS, at);
    at = buf.writeUInt16BE(1, at);
    buf[at++] = p.sar.total;
    at = buf.writeUInt16BE(TLV_SAR_SEGMENT_SEQNUM, at);
    at = buf.writeUInt16BE(1, at);
    buf[at++] = p.sar.seq;
  }
  if (p.messagePayload) {
    at = buf.writeUInt16BE(TLV_MESSAGE_PAYLOAD, at);
    at = buf.writeUInt16BE(p.messagePayload.length, at);
    at += p.messagePayload.copy(buf, at);
  }
  if (p.tlvs) p.tlvs.copy(buf, at);
  return buf;
}

const DELIVER_SM_RESP = 0x80000005;

/**
 * A deliver_sm_resp: with an empty message_id (SMPP 3.4 §4.6.2: the ESME sets it to NULL), or only the header when
 * the status is an error (as for submit_sm_resp, the body is not returned then).
 */
export function encodeDeliverSmResp(sequence: number, status: number): Buffer {
  const length = status === 0 ? HEADER_BYTES + 1 : HEADER_BYTES;
  const buf = Buffer.allocUnsafe(length);
  buf.writeUInt32BE(length, 0);
  buf.writeUInt32BE(DELIVER_SM_RESP, 4);
  buf.writeUInt32BE(status, 8);
  buf.writeUInt32BE(sequence, 12);
  if (status === 0) buf[HEADER_BYTES] = 0;
  return buf;
}

/** The message_id of a submit_sm_resp frame: the C-octet string after the header (empty when absent). */
export function submitRespMessageId(frame: Buffer): string {
  const end = frame.indexOf(0, HEADER_BYTES);
  return frame.toString('latin1', HEADER_BYTES, end < 0 ? frame.length : end);
}
