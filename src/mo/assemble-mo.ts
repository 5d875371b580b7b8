/**
 * From received deliver_sm/data_sm to the message a service gets: what one part keeps (`moPartFrom`), and how parts
 * are joined (`assembleMo`). Pure: the clock and the id come in as arguments.
 */
import type { Link, LinkCharset } from '../domain/link.js';
import { decodeAlt } from '../encoding/alt-charset.js';
import { decodeShortMessage, parseUdh, type DecodedShortMessage } from '../encoding/index.js';
import { IEI_CONCAT_16, IEI_CONCAT_8 } from '../encoding/udh.js';
import type { InboundSm } from '../smpp/inbound.js';
import type { MoMessage, MoPart } from './mo-message.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What is kept of one received message. A concatenation element that is out of range counts as none (23.040). */
export function moPartFrom(sm: InboundSm, link: Link, receivedAtMs: number): MoPart {
  const decoded = decodeShortMessage({
    dataCoding: sm.dataCoding,
    esmClass: sm.esmClass,
    shortMessage: sm.body,
    ...(sm.sar !== undefined ? { sar: sm.sar } : {}),
  });
  const udhLength = decoded.udh?.length ?? 0;
  const part: Mutable<MoPart> = {
    from: sm.sourceAddr,
    to: sm.destAddr,
    smscId: link.smscId,
    linkId: link.id,
    account: link.systemId,
    receivedAtMs,
    dataCoding: sm.dataCoding,
    protocolId: sm.protocolId,
    serviceType: sm.serviceType,
    bodyHex: sm.body.subarray(udhLength).toString('hex'),
  };
  if (decoded.udh !== undefined) part.udhHex = decoded.udh.toString('hex');
  if (decoded.malformed === true) part.malformed = true;
  if (link.interop.altCharset !== undefined && link.interop.altCharset !== 'gsm') part.altCharset = link.interop.altCharset;
  if (sm.tlvs !== undefined) part.tlvs = sm.tlvs;
  if (decoded.concat !== undefined) {
    const { ref, total, seq, refBits } = decoded.concat;
    part.concat = { ref, total, seq, refBits };
  }
  return part;
}

/** Whether the part has to wait for others before it can be handed on. */
export function needsReassembly(part: MoPart): boolean {
  return part.concat !== undefined && part.concat.total > 1;
}

/** The header without its concatenation elements, for the joined message; undefined when nothing else was in it. */
export function withoutConcat(udh: Buffer): Buffer | undefined {
  const { elements } = parseUdh(udh);
  const kept = elements.filter((e) => e.iei !== IEI_CONCAT_8 && e.iei !== IEI_CONCAT_16);
  if (kept.length === 0) return undefined;
  const body = Buffer.concat(kept.flatMap((e) => [Buffer.of(e.iei, e.data.length), e.data]));
  return Buffer.concat([Buffer.of(body.length), body]);
}

function decodeBody(dataCoding: number, body: Buffer, altCharset?: LinkCharset): DecodedShortMessage {
  const decoded = decodeShortMessage({ dataCoding, esmClass: 0, shortMessage: body });
  // Kannel's alt-charset reads data_coding 0 in the link's charset instead of GSM 03.38.
  if (dataCoding !== 0 || altCharset === undefined || decoded.bytes !== undefined) return decoded;
  const { malformed: _ignored, ...rest } = decoded;
  return { ...rest, text: decodeAlt(body, altCharset) };
}

/**
 * One message from its parts, which must be in seq order (a single message is one part). Parts that share a
 * data_coding are joined as octets before decoding, so a UCS-2 surrogate pair or a GSM escape split across two
 * parts still reads right; parts of mixed codings are decoded one by one.
 */
export function assembleMo(parts: readonly MoPart[], id: string, missing: readonly number[] = []): MoMessage {
  const first = parts[0];
  if (first === undefined) throw new RangeError('assembleMo needs at least one part');
  const concatenated = first.concat !== undefined;
  const bodies = parts.map((p) => Buffer.from(p.bodyHex, 'hex'));
  const sameCoding = parts.every((p) => p.dataCoding === first.dataCoding);

  let decoded: DecodedShortMessage;
  let malformed: boolean;
  let text: string;
  let binary: Buffer | undefined;
  if (sameCoding) {
    decoded = decodeBody(first.dataCoding, Buffer.concat(bodies), first.altCharset);
    malformed = decoded.malformed === true || parts.some((p) => p.malformed === true);
    text = decoded.text;
    binary = decoded.bytes;
  } else {
    const each = parts.map((p, i) => decodeBody(p.dataCoding, bodies[i] ?? Buffer.alloc(0), p.altCharset));
    decoded = each[0] ?? decodeBody(first.dataCoding, Buffer.alloc(0));
    malformed = true;
    text = each.map((d) => d.text).join('');
    // Octets only make sense when every part is data; a mix of text and data goes on as text.
    binary = each.every((d) => d.bytes !== undefined) ? Buffer.concat(each.map((d) => d.bytes ?? Buffer.alloc(0))) : undefined;
  }

  const udh = first.udhHex === undefined ? undefined : Buffer.from(first.udhHex, 'hex');
  const keptUdh = udh === undefined ? undefined : concatenated ? withoutConcat(udh) : udh;

  const mo: Mutable<MoMessage> = {
    id,
    from: first.from,
    to: first.to,
    smscId: first.smscId,
    linkId: first.linkId,
    account: first.account,
    receivedAtMs: Math.min(...parts.map((p) => p.receivedAtMs)),
    text,
    coding: binary !== undefined ? 1 : 0,
    dataCoding: first.dataCoding,
    protocolId: first.protocolId,
    serviceType: first.serviceType,
    parts: first.concat?.total ?? 1,
  };
  if (binary !== undefined) mo.binaryHex = binary.toString('hex');
  if (keptUdh !== undefined) mo.udhHex = keptUdh.toString('hex');
  if (decoded.mclass !== undefined) mo.mclass = decoded.mclass;
  if (decoded.mwi !== undefined) mo.mwi = decoded.mwi.kind + (decoded.mwi.active ? 0 : 4);
  if (missing.length > 0) mo.missing = [...missing];
  if (first.tlvs !== undefined) mo.tlvs = first.tlvs;
  if (malformed) mo.malformed = true;
  return mo;
}
