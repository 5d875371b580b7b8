/**
 * A submit_sm as the rest of the gateway describes it (typed, already encoded), and its mapping to the fields of
 * the package's PDU encoder. Nothing outside smpp/ names PDU fields.
 */
/** The two addresses of a short message, with their type of number and numbering plan. */
export interface SmAddresses {
  readonly sourceAddr: string;
  readonly sourceTon: number;
  readonly sourceNpi: number;
  readonly destAddr: string;
  readonly destTon: number;
  readonly destNpi: number;
}

export interface SubmitPart extends SmAddresses {
  readonly serviceType: string;
  readonly esmClass: number;
  readonly protocolId: number;
  readonly priorityFlag: number;
  /** SMPP time strings ("YYMMDDhhmmsstnnp"), or "" for none. */
  readonly scheduleDeliveryTime: string;
  readonly validityPeriod: string;
  readonly registeredDelivery: number;
  readonly dataCoding: number;
  /** Already encoded, UDH included when esmClass has UDHI. */
  readonly shortMessage: Buffer;
  readonly sar: { readonly ref: number; readonly total: number; readonly seq: number } | undefined;
  /** The whole text in one PDU, with an empty shortMessage. */
  readonly messagePayload: Buffer | undefined;
  /** Further optional parameters, already encoded (tag, length, value each): the message's declared TLVs. */
  readonly tlvs?: Buffer | undefined;
}

export function submitFields(p: SubmitPart): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    service_type: p.serviceType,
    source_addr_ton: p.sourceTon,
    source_addr_npi: p.sourceNpi,
    source_addr: p.sourceAddr,
    dest_addr_ton: p.destTon,
    dest_addr_npi: p.destNpi,
    destination_addr: p.destAddr,
    esm_class: p.esmClass,
    protocol_id: p.protocolId,
    priority_flag: p.priorityFlag,
    schedule_delivery_time: p.scheduleDeliveryTime,
    validity_period: p.validityPeriod,
    registered_delivery: p.registeredDelivery,
    replace_if_present_flag: 0,
    data_coding: p.dataCoding,
    sm_default_msg_id: 0,
    short_message: p.shortMessage,
  };
  if (p.sar) {
    fields.sar_msg_ref_num = p.sar.ref;
    fields.sar_total_segments = p.sar.total;
    fields.sar_segment_seqnum = p.sar.seq;
  }
  if (p.messagePayload) fields.message_payload = p.messagePayload;
  return fields;
}
