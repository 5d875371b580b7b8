/**
 * From a queued message and one of its encoded parts to the submit_sm a link sends, with Kannel's addressing rules
 * (smsc_smpp.c msg_to_pdu). Pure.
 */
import type { Link, LinkInterop } from '../domain/link.js';
import { encodeAlt } from '../encoding/alt-charset.js';
import type { QueuedMessage } from '../domain/message.js';
import { registeredDelivery } from '../dlr/dlr-mask.js';
import type { SubmitPart } from '../smpp/submit-part.js';
import type { TlvDefinition } from '../domain/tlv.js';
import { encodeTlv, parseMetaData, tlvValueProblem } from '../smpp/tlv.js';
import { unifyNumber } from '../routing/unified-prefix.js';

const TON_INTERNATIONAL = 1;
const TON_NATIONAL = 2;
const TON_ALPHANUMERIC = 5;
const NPI_E164 = 1;
const NPI_UNKNOWN = 0;
const ESM_UDHI = 0x40;
const ESM_REPLY_PATH = 0x80;

const isDigits = (s: string): boolean => s.length > 0 && /^[0-9]+$/.test(s);

/** Sender address with Kannel's autodetection: +digits is international (the + dropped), letters alphanumeric. */
export function sourceAddress(
  link: Pick<Link, 'sourceAddrTon' | 'sourceAddrNpi'> & { readonly interop?: Pick<LinkInterop, 'altAddrCharset'> },
  from: string,
): { addr: string; ton: number; npi: number } {
  let ton = link.sourceAddrTon !== undefined && link.sourceAddrNpi !== undefined ? link.sourceAddrTon : TON_NATIONAL;
  let npi = link.sourceAddrTon !== undefined && link.sourceAddrNpi !== undefined ? link.sourceAddrNpi : NPI_E164;
  let addr = from;
  if (from.startsWith('+')) {
    if (isDigits(from.slice(1))) {
      addr = from.slice(1);
      ton = TON_INTERNATIONAL;
    } else {
      ton = TON_ALPHANUMERIC;
      npi = NPI_UNKNOWN;
    }
  } else if (!isDigits(from)) {
    ton = TON_ALPHANUMERIC;
    npi = NPI_UNKNOWN;
  }
  const charset = link.interop?.altAddrCharset;
  if (ton === TON_ALPHANUMERIC && charset !== undefined) {
    // Kannel's alt-addr-charset: the SMSC reads alphanumeric senders in this charset ('@' would be a NUL in GSM).
    addr = encodeAlt(charset === 'gsm' ? addr.replace(/@/g, '?') : addr, charset).toString('latin1');
  }
  return { addr, ton, npi };
}

/** Receiver address: the link's TON/NPI, except that a leading + makes it international and is dropped. */
export function destAddress(link: Pick<Link, 'destAddrTon' | 'destAddrNpi'>, to: string): { addr: string; ton: number; npi: number } {
  if (to.startsWith('+')) return { addr: to.slice(1), ton: TON_INTERNATIONAL, npi: link.destAddrNpi };
  return { addr: to, ton: link.destAddrTon, npi: link.destAddrNpi };
}

/** SMPP absolute time "YYMMDDhhmmsstnnp" in UTC. */
export function smppAbsoluteTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}000+`;
}

export interface EncodedPart {
  readonly shortMessage: Buffer;
  readonly udhi: boolean;
  readonly sar?: { readonly ref: number; readonly total: number; readonly seq: number };
  readonly messagePayload?: Buffer;
}

/**
 * `nowMs` is read only for the link's validityperiod, when the message has no validity of its own. The link's
 * interop keys fill what the message left open: service_type (a binfo wins), the base esm_class, priority_flag (a
 * priority the request gave wins, as in Kannel), validity_period.
 */
export function submitPdu(link: Link, msg: QueuedMessage, part: EncodedPart, nowMs = Date.now()): SubmitPart {
  const interop = link.interop;
  // Most messages carry no meta-data: then nothing below reads it.
  const smpp = msg.metaData === undefined ? undefined : smppMeta(msg.metaData);
  // Kannel's smscconn_send: the link's unified-prefix, then its addressing rules ('+' → international).
  const to = link.routing.unifiedPrefix === undefined ? msg.to : unifyNumber(link.routing.unifiedPrefix, msg.to);
  const src = smpp === undefined ? sourceAddress(link, msg.from) : withAddressMeta(sourceAddress(link, msg.from), smpp, 'source', msg.from);
  const dst = smpp === undefined ? destAddress(link, to) : withAddressMeta(destAddress(link, to), smpp, 'dest', to);
  let esm = interop.esmClass;
  if (part.udhi) esm |= ESM_UDHI;
  if (msg.replyPath) esm |= ESM_REPLY_PATH;
  const validUntil = msg.validUntil ?? (interop.validityMinutes !== undefined ? nowMs + interop.validityMinutes * 60_000 : undefined);
  return {
    serviceType: msg.binfo ?? interop.serviceType,
    sourceAddr: src.addr,
    sourceTon: src.ton,
    sourceNpi: src.npi,
    destAddr: dst.addr,
    destTon: dst.ton,
    destNpi: dst.npi,
    esmClass: esm,
    protocolId: msg.protocolId ?? 0,
    priorityFlag: msg.priority > 0 || msg.priorityGiven ? msg.priority : interop.priority,
    scheduleDeliveryTime: msg.deliverAt !== undefined ? smppAbsoluteTime(msg.deliverAt) : '',
    validityPeriod: validUntil !== undefined ? smppAbsoluteTime(validUntil) : '',
    registeredDelivery: msg.dlrMask !== undefined ? registeredDelivery(msg.dlrMask) : 0,
    dataCoding: msg.dataCoding,
    shortMessage: part.shortMessage,
    sar: part.sar,
    messagePayload: part.messagePayload,
    tlvs: smpp === undefined ? undefined : encodeDeclaredTlvs(link, smpp),
  };
}

/** The `smpp` group of a stored message's meta-data (packed by the accept path, so it reads). */
function smppMeta(metaData: string): Readonly<Record<string, string>> | undefined {
  const parsed = parseMetaData(metaData);
  return parsed.ok ? parsed.groups['smpp'] : undefined;
}

/**
 * Kannel's meta-data TON/NPI (msg_to_pdu): either key forces the address's type as given and turns off what the link
 * would have detected; the address itself is then sent as written (a '+' is not stripped).
 */
function withAddressMeta(
  detected: { addr: string; ton: number; npi: number },
  smpp: Readonly<Record<string, string>>,
  side: 'source' | 'dest',
  written: string,
): { addr: string; ton: number; npi: number } {
  const ton = smpp[`${side}_addr_ton`];
  const npi = smpp[`${side}_addr_npi`];
  if (ton === undefined && npi === undefined) return detected;
  return {
    addr: side === 'dest' ? written : detected.addr,
    ton: ton === undefined ? detected.ton : Number(ton),
    npi: npi === undefined ? detected.npi : Number(npi),
  };
}

const tlvsByName = new WeakMap<Link, ReadonlyMap<string, TlvDefinition>>();

/** The TLVs this link declares, from the message's meta-data; names it does not declare are not sent (as Kannel). */
function encodeDeclaredTlvs(link: Link, smpp: Readonly<Record<string, string>>): Buffer | undefined {
  let byName = tlvsByName.get(link);
  if (byName === undefined) tlvsByName.set(link, (byName = new Map(link.tlvs.map((t) => [t.name, t]))));
  const out: Buffer[] = [];
  for (const [name, value] of Object.entries(smpp)) {
    const def = byName.get(name);
    if (def !== undefined && tlvValueProblem(def, value) === undefined) out.push(encodeTlv(def, value));
  }
  return out.length === 0 ? undefined : Buffer.concat(out);
}
