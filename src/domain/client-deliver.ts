/**
 * A deliver_sm for a client ESME bound to the SMPP server (a receipt of one of its messages, or an MO routed to its
 * account), as it waits durably in its account's queue until one of the account's receiver or transceiver binds
 * answers it. Octets travel as hex: the value is stored in Redis as JSON.
 */
export interface ClientDeliver {
  readonly kind: 'receipt' | 'mo';
  /** The account whose binds take it. */
  readonly account: string;
  readonly sourceAddr: string;
  readonly destAddr: string;
  readonly esmClass: number;
  readonly dataCoding: number;
  readonly protocolId?: number;
  readonly serviceType?: string;
  /** short_message, hex (UDH first when esmClass has UDHI). */
  readonly shortMessageHex: string;
  /** The whole text in message_payload (short_message empty), hex, for what does not fit in 254 octets. */
  readonly messagePayloadHex?: string;
  readonly receiptedMessageId?: string;
  readonly messageState?: number;
}

/**
 * Where a message's reports go when its client is an SMPP account: the record's callback field holds this URI
 * (`smpp:<account>`) in place of an HTTP URL, so records, lookups and the per-message report ordering need no field
 * of their own for it.
 */
const SMPP_TARGET = 'smpp:';

export function smppReportTarget(account: string): string {
  return `${SMPP_TARGET}${account}`;
}

/** The account of an `smpp:` report target, or undefined for an HTTP URL (or none). */
export function smppTargetAccount(callbackUrl: string | undefined): string | undefined {
  return callbackUrl !== undefined && callbackUrl.startsWith(SMPP_TARGET) ? callbackUrl.slice(SMPP_TARGET.length) : undefined;
}
