/**
 * An optional SMPP parameter (TLV) the gateway may send and read, as a Kannel `smpp-tlv` group declares it: a name
 * used in meta-data (`?smpp?name=value`), the tag, how the value is written, and its length. Declared for given
 * smsc-ids, or for every link.
 */

/**
 * integer: big-endian unsigned in `length` octets; octetstring: the octets as given, at most `length`;
 * nulterminated (Kannel's name; `cstring` is taken as the same): the text and a NUL, at most `length` octets before it.
 */
export type TlvType = 'integer' | 'octetstring' | 'nulterminated';

export interface TlvDefinition {
  readonly name: string;
  readonly tag: number;
  readonly type: TlvType;
  readonly length: number;
}

/** Meta-data keys Kannel reads itself instead of sending them as TLVs (msg_to_pdu): the address TON and NPI. */
export const BUILTIN_SMPP_META_KEYS: ReadonlySet<string> = new Set([
  'source_addr_ton',
  'source_addr_npi',
  'dest_addr_ton',
  'dest_addr_npi',
]);
