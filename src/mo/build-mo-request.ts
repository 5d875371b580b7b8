/**
 * The HTTP request that hands an MO to its service, as Kannel's smsbox builds it (smsbox.c, obey_request): get-url
 * is a GET of the URL with the escape codes filled in; post-url POSTs the text with X-Kannel-* headers, escape
 * codes filled in the URL too. Pure: the caller sends it.
 *
 * Deliberate differences from Kannel:
 * - text is always UTF-8 (Kannel's `mo-recode = true`, which also reports such a message as coding 0); without it
 *   Kannel passes UCS-2 on as UTF-16BE octets, which few services expect;
 * - X-Kannel-From is always sent (Kannel only with `send-sender`, a key the Service type does not carry);
 * - a message handed on incomplete after the reassembly timeout says so: `%#switchboard#missing#` and
 *   `%#switchboard#parts#` in the URL, and the X-Switchboard-Missing-Parts header on a POST.
 *
 * post-xml POSTs Kannel's XML document (messages/kannel-fields.ts). `send-sender` adds X-Kannel-From to a get-url
 * request and `<oa>` to the document; `strip-keyword` sends a POST's text without its first word, as Kannel's
 * strip_keyword cuts it (only leading white space when the text starts with some).
 */
import { serviceKind, type Service } from '../domain/service.js';
import { fillEscapeCodes, kannelUrlEncode, packMetaData, type EscapeContext, type MetaData } from '../dlr/escape-codes.js';
import { formatKannelXml } from '../messages/kannel-fields.js';
import type { MoMessage } from './mo-message.js';

export interface MoRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

export const USER_AGENT = 'switchboard';

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}

/** X-Kannel-Time: `YYYY-MM-DD HH:MM:SS` in UTC (gw_gmtime), unlike %t which joins date and time with '+'. */
export function kannelHeaderTime(timeMs: number): string {
  const d = new Date(timeMs);
  return (
    `${d.getUTCFullYear().toString().padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  );
}

/** The octets a service receives: the 8-bit data as it came, or the text as UTF-8. */
export function moPayload(mo: MoMessage): Buffer {
  return mo.coding === 1 && mo.binaryHex !== undefined ? Buffer.from(mo.binaryHex, 'hex') : Buffer.from(mo.text, 'utf8');
}

/** Kannel's meta-data of an MO: the declared TLVs in group `smpp` (values as octets), and what switchboard adds. */
function metaData(mo: MoMessage): MetaData | undefined {
  const incomplete = mo.missing !== undefined && mo.missing.length > 0;
  if (!incomplete && mo.tlvs === undefined) return undefined;
  const meta: Record<string, Record<string, string | Uint8Array>> = {};
  if (mo.tlvs !== undefined) {
    const smpp: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(mo.tlvs)) smpp[k] = Buffer.from(v, 'latin1');
    meta['smpp'] = smpp;
  }
  if (incomplete) meta['switchboard'] = { missing: mo.missing!.join(','), parts: mo.parts.toString() };
  return meta;
}

export function escapeContext(mo: MoMessage, service: Service): EscapeContext {
  const meta = metaData(mo);
  return {
    text: mo.coding === 1 ? moPayload(mo) : mo.text,
    handsetAddress: mo.from,
    serviceAddress: mo.to,
    smscId: mo.smscId,
    internalId: mo.id,
    service: service.name,
    timeMs: mo.receivedAtMs,
    coding: mo.coding,
    ...(mo.coding === 0 ? { charset: 'UTF-8' } : {}),
    dcs: mo.dataCoding,
    binfo: mo.serviceType,
    account: mo.account,
    ...(mo.udhHex !== undefined ? { udh: Buffer.from(mo.udhHex, 'hex') } : {}),
    ...(mo.mclass !== undefined ? { mclass: mo.mclass } : {}),
    ...(mo.mwi !== undefined ? { mwi: mo.mwi } : {}),
    ...(meta !== undefined ? { metaData: meta } : {}),
  };
}

/**
 * A header value must be printable ASCII: fetch refuses anything else (a failure no retry would fix), and CR or LF
 * would split the header. Anything else (an alphanumeric sender in another script, a control octet) is URL-encoded.
 */
export function headerValue(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : kannelUrlEncode(value);
}

/** Kannel's strip_keyword: everything up to the first white space, then the white space, is cut (C isspace). */
export function stripKeyword(body: Buffer): Buffer {
  let at = 0;
  const space = (b: number | undefined): boolean => b === 0x20 || (b !== undefined && b >= 0x09 && b <= 0x0d);
  while (at < body.length && !space(body[at])) at++;
  while (at < body.length && space(body[at])) at++;
  return body.subarray(at);
}

/**
 * Never throws. For a get-url, post-url or post-xml service (the config guarantees one of them is set, for a service
 * that calls a URL); the URL is checked where it is sent, so a bad one fails that job with its context.
 */
export function buildMoRequest(mo: MoMessage, service: Service): MoRequest {
  const ctx = escapeContext(mo, service);
  const kind = serviceKind(service);
  const payload = service.stripKeyword === true ? stripKeyword(moPayload(mo)) : moPayload(mo);
  if (kind === 'post-xml') {
    const body = formatKannelXml({
      sender: service.sendSender === true ? mo.from : undefined,
      receiver: mo.to,
      udh: mo.udhHex === undefined ? undefined : Buffer.from(mo.udhHex, 'hex'),
      data: payload,
      pid: mo.protocolId,
      coding: mo.coding,
      mclass: mo.mclass,
      mwi: mo.mwi,
      timeMs: mo.receivedAtMs,
      smscId: mo.smscId,
      service: service.name,
      metaData: undefined,
    });
    return {
      method: 'POST',
      url: fillEscapeCodes(service.postXml ?? '', ctx),
      headers: { 'User-Agent': USER_AGENT, 'Content-Type': 'text/xml; charset="UTF-8"' },
      body: Buffer.from(body, 'utf8'),
    };
  }
  if (service.postUrl === undefined) {
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
    if (service.sendSender === true) headers['X-Kannel-From'] = headerValue(mo.from);
    return { method: 'GET', url: fillEscapeCodes(service.getUrl ?? '', ctx), headers };
  }
  const headers: Record<string, string> = {
    'User-Agent': USER_AGENT,
    'Content-Type': mo.coding === 1 ? 'application/octet-stream' : 'text/plain; charset=utf-8',
    'X-Kannel-From': headerValue(mo.from),
    'X-Kannel-To': headerValue(mo.to),
    'X-Kannel-Time': kannelHeaderTime(mo.receivedAtMs),
    'X-Kannel-SMSC': headerValue(mo.smscId),
    'X-Kannel-PID': mo.protocolId.toString(),
    'X-Kannel-Coding': mo.coding.toString(),
    'X-Kannel-Service': headerValue(service.name),
  };
  // Kannel (1.4.5 onwards) URL-encodes the UDH in this header.
  if (mo.udhHex !== undefined) headers['X-Kannel-UDH'] = kannelUrlEncode(Buffer.from(mo.udhHex, 'hex'));
  if (mo.mclass !== undefined) headers['X-Kannel-MClass'] = mo.mclass.toString();
  if (mo.mwi !== undefined) headers['X-Kannel-MWI'] = mo.mwi.toString();
  if (mo.serviceType !== '') headers['X-Kannel-BInfo'] = headerValue(mo.serviceType);
  // Kannel sends the packed meta-data as it is (its parts url-encoded, so the header stays ASCII).
  if (ctx.metaData !== undefined) headers['X-Kannel-Meta-Data'] = packMetaData(ctx.metaData);
  if (mo.missing !== undefined && mo.missing.length > 0) headers['X-Switchboard-Missing-Parts'] = mo.missing.join(',');
  return { method: 'POST', url: fillEscapeCodes(service.postUrl, ctx), headers, body: payload };
}
