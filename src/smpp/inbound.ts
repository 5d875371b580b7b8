/**
 * deliver_sm and data_sm from an SMSC, validated into a typed value at the edge. A PDU whose fields are not of the
 * expected types is reported, never passed inward half-read.
 */
import { buffer, cstring, int, optionalInt, type RawPdu } from './codec.js';
import type { SmAddresses, SubmitPart } from './submit-part.js';

/** Reads the address fields every short-message PDU has. */
export function readAddresses(pdu: RawPdu): SmAddresses {
  return {
    sourceAddr: cstring(pdu, 'source_addr'),
    sourceTon: int(pdu, 'source_addr_ton'),
    sourceNpi: int(pdu, 'source_addr_npi'),
    destAddr: cstring(pdu, 'destination_addr'),
    destTon: int(pdu, 'dest_addr_ton'),
    destNpi: int(pdu, 'dest_addr_npi'),
  };
}

/** The SAR TLVs, when all three are present. */
export function readSar(pdu: RawPdu): { ref: number; total: number; seq: number } | undefined {
  const ref = optionalInt(pdu, 'sar_msg_ref_num');
  const total = optionalInt(pdu, 'sar_total_segments');
  const seq = optionalInt(pdu, 'sar_segment_seqnum');
  return ref !== undefined && total !== undefined && seq !== undefined ? { ref, total, seq } : undefined;
}

/** The message fields of a submit a session receives (submit_sm, data_sm, submit_multi), besides its addresses. */
export type SubmitBody = Omit<SubmitPart, keyof SmAddresses | 'tlvs'>;

export function readSubmitBody(pdu: RawPdu): SubmitBody {
  return {
    serviceType: cstring(pdu, 'service_type'),
    esmClass: int(pdu, 'esm_class'),
    protocolId: int(pdu, 'protocol_id'),
    priorityFlag: int(pdu, 'priority_flag'),
    scheduleDeliveryTime: cstring(pdu, 'schedule_delivery_time'),
    validityPeriod: cstring(pdu, 'validity_period'),
    registeredDelivery: int(pdu, 'registered_delivery'),
    dataCoding: int(pdu, 'data_coding'),
    shortMessage: buffer(pdu, 'short_message') ?? Buffer.alloc(0),
    messagePayload: buffer(pdu, 'message_payload'),
    sar: readSar(pdu),
  };
}

export interface InboundSm extends SmAddresses {
  readonly command: 'deliver_sm' | 'data_sm';
  readonly serviceType: string;
  readonly esmClass: number;
  readonly protocolId: number;
  readonly dataCoding: number;
  /** short_message, or message_payload when short_message is empty (SMPP 3.4 §5.3.2.32). */
  readonly body: Buffer;
  readonly receiptedMessageId: string | undefined;
  readonly messageState: number | undefined;
  readonly networkErrorCode: Buffer | undefined;
  readonly sar: { readonly ref: number; readonly total: number; readonly seq: number } | undefined;
  /** The TLVs an smpp-tlv group declares for the link, by name (filled by the bind, which knows the link). */
  readonly tlvs?: Readonly<Record<string, string>>;
}

/**
 * undefined when the PDU is not a deliver_sm/data_sm or stops before its last mandatory field (the package reads
 * what it can and leaves the rest unset; a body that ends early is malformed, not an empty message).
 */
export function parseInbound(pdu: RawPdu): InboundSm | undefined {
  if (pdu.command !== 'deliver_sm' && pdu.command !== 'data_sm') return undefined;
  if (pdu[pdu.command === 'deliver_sm' ? 'short_message' : 'data_coding'] === undefined) return undefined;
  const shortMessage = buffer(pdu, 'short_message') ?? Buffer.alloc(0);
  const payload = buffer(pdu, 'message_payload');
  const receipted = pdu['receipted_message_id'];
  return {
    command: pdu.command,
    serviceType: cstring(pdu, 'service_type'),
    ...readAddresses(pdu),
    esmClass: int(pdu, 'esm_class'),
    protocolId: int(pdu, 'protocol_id'),
    dataCoding: int(pdu, 'data_coding'),
    body: shortMessage.length === 0 && payload ? payload : shortMessage,
    receiptedMessageId: typeof receipted === 'string' && receipted.length > 0 ? receipted.replace(/\0+$/, '') : undefined,
    messageState: optionalInt(pdu, 'message_state'),
    networkErrorCode: buffer(pdu, 'network_error_code'),
    sar: readSar(pdu),
  };
}
