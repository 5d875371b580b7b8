/**
 * The values an incoming message (MO) takes on its way from the SMPP edge to a service. Both are stored in Redis as
 * JSON, so octets travel as hex and every field is a plain value.
 */
import type { LinkCharset } from '../domain/link.js';
import type { MessageClass } from '../encoding/index.js';

/** One received deliver_sm/data_sm as kept in Redis: a whole message, or one part of a concatenated one. */
export interface MoPart {
  readonly from: string;
  readonly to: string;
  readonly smscId: string;
  readonly linkId: string;
  /** The bind's system_id: Kannel's `account` (%o) for an MO. */
  readonly account: string;
  readonly receivedAtMs: number;
  readonly dataCoding: number;
  readonly protocolId: number;
  /** service_type: Kannel's `binfo` (%B). */
  readonly serviceType: string;
  /** The user data header as received (UDHL first), hex; absent when esm_class had no UDHI. */
  readonly udhHex?: string;
  /** The octets after the header, hex. */
  readonly bodyHex: string;
  /** Concatenation, when the part belongs to a longer message (from the UDH or the sar_* TLVs). */
  readonly concat?: { readonly ref: number; readonly total: number; readonly seq: number; readonly refBits: 8 | 16 };
  /** The header or the concatenation information did not add up when it was read. */
  readonly malformed?: true;
  /** The link's alt-charset: data_coding 0 is read in it instead of GSM 03.38. */
  readonly altCharset?: LinkCharset;
  /**
   * TLVs of the PDU that an smpp-tlv group declares for this link, by name (Kannel's meta-data group `smpp`): an
   * integer as decimal, a string or octets with one character per octet.
   */
  readonly tlvs?: Readonly<Record<string, string>>;
}

/** A message ready for its service: the job payload of the MO queue. */
export interface MoMessage {
  /** A UUID: the bullmq job id and Kannel's %I. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly smscId: string;
  readonly linkId: string;
  readonly account: string;
  /** When the (first) part arrived. */
  readonly receivedAtMs: number;
  /**
   * The text, as Kannel's smsbox hands it on with `mo-recode` on: GSM, IA5, Latin-1 and UCS-2 all become UTF-8 text
   * (coding 0). For binary or compressed data it is the octets read as Latin-1, and `binaryHex` holds them.
   */
  readonly text: string;
  /** Kannel's coding: 0 for text (delivered as UTF-8), 1 for 8-bit data. */
  readonly coding: 0 | 1;
  readonly binaryHex?: string;
  /** The UDH without its concatenation element (what is left: ports and the like), hex; absent when empty. */
  readonly udhHex?: string;
  /** The data_coding octet of the (first) part, as received. */
  readonly dataCoding: number;
  readonly mclass?: MessageClass;
  /** Kannel's mwi: 0–3 indication active (voice, fax, email, other), 4–7 the same inactive. */
  readonly mwi?: number;
  readonly protocolId: number;
  readonly serviceType: string;
  /** Parts the message was sent in (1 for a single SMS). */
  readonly parts: number;
  /** Part numbers that never arrived before the reassembly timeout; absent for a whole message. */
  readonly missing?: readonly number[];
  /** Something in the received octets did not add up; the rest was decoded. */
  readonly malformed?: true;
  /** Declared TLVs of the (first) part, as in MoPart: Kannel's meta-data group `smpp`, for %D and X-Kannel-Meta-Data. */
  readonly tlvs?: Readonly<Record<string, string>>;
}
