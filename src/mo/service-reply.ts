/**
 * What a service answered, turned into the SMS that go back to the handset, as Kannel's smsbox does it
 * (url_result_thread, fill_message, send_message): which answers count, how each content type is read, which
 * X-Kannel-* fields the service may set, who sends and who receives, and how the text is cut and framed
 * (encoding/shape-text.ts). Pure: the caller hands the messages to the accept path.
 *
 * Kannel's behaviour, measured on 1.4.5 where its documentation is silent:
 * - only 200 and 202 answers are read; text/plain as it is, text/html (and text/vnd.wap.wml) cut to what lies
 *   between `prefix` and `suffix` and stripped of its markup, text/xml as Kannel's XML document (its `<ud>`),
 *   application/octet-stream as 8-bit data; any other type answers "Result could not be represented as an SMS
 *   message." (without a type at all, `assume-plain-text` reads it as text/plain);
 * - the answer comes from `faked-sender`, else from the smsbox's `global-sender`, else from the number the MO was
 *   sent to, and goes to the MO's sender, tagged with the MO's smsc-id;
 * - `max-messages = 0` sends nothing; an empty answer sends "<Empty reply from service provider>" unless
 *   `omit-empty`; a delivery report is asked for the first SMS only.
 *
 * Deliberate differences:
 * - a 2xx answer other than 200 and 202 (204 No Content) sends nothing; Kannel sends "Could not fetch content,
 *   sorry.". Failures (non-2xx, timeouts) are retried with backoff instead of being answered with that text;
 * - without `accept-x-kannel-headers` every X-Kannel-* field is ignored (Kannel 1.4.5 still applies X-Kannel-Coding
 *   to the text and sends the UCS-2 octets as GSM, measured);
 * - a text that GSM cannot carry goes as UCS-2 when the service did not ask for a coding, as on sendsms.
 */
import type { Coding, MessageClass, ShapeAlphabet, TextRequest } from '../encoding/index.js';
import { decodeCharset, isGsm7, shapeText } from '../encoding/index.js';
import { DEFAULT_REPLY_OPTIONS, type ReplyOptions, type Service } from '../domain/service.js';
import { KANNEL_HEADER_PARAMS, parseKannelXml } from '../messages/kannel-fields.js';
import type { MoMessage } from './mo-message.js';

/** What a service gave back. */
export type ServiceAnswer =
  /** A get-url, post-url or post-xml service's HTTP answer (a 2xx: failures never get here). */
  | {
      readonly kind: 'http';
      readonly status: number;
      /** Header names in lower case. */
      readonly headers: Readonly<Record<string, string>>;
      readonly body: Buffer;
    }
  /** A text, file or exec service's answer: text, as UTF-8. */
  | { readonly kind: 'local'; readonly body: Buffer };

/** Kannel's smsbox replies (reply-emptymessage, reply-couldnotrepresent). */
export const EMPTY_REPLY = '<Empty reply from service provider>';
export const UNREPRESENTABLE_REPLY = 'Result could not be represented as an SMS message.';

/** One SMS (or one concatenated message) to send back, as the accept path takes it. */
export interface ReplyMessage {
  readonly from: string;
  readonly to: string;
  readonly text: TextRequest;
  /** The smsc-id the answer is routed with: the MO's, or X-Kannel-SMSC. */
  readonly smsc: string;
  /** The MO's smsc-id, whose links go first in the answer's route; absent when the service chose another smsc-id. */
  readonly preferSmscId: string | undefined;
  readonly validityMinutes: number | undefined;
  readonly deferredMinutes: number | undefined;
  readonly dlrMask: number | undefined;
  readonly dlrUrl: string | undefined;
  readonly protocolId: number | undefined;
  readonly replyPath: boolean | undefined;
  readonly priority: number | undefined;
  /** Kannel's account (X-Kannel-Account): carried to the record and the access log. */
  readonly billing: string | undefined;
  readonly binfo: string | undefined;
  readonly metaData: string | undefined;
}

export type ReplyPlan =
  | { readonly kind: 'none'; readonly reason: 'max-messages-0' | 'omit-empty' | 'not-200' }
  | {
      readonly kind: 'send';
      readonly messages: readonly ReplyMessage[];
      /** The answer was longer than max-messages SMS: the rest was dropped. */
      readonly truncated: boolean;
      /** X-Kannel-* fields the service set without accept-x-kannel-headers (Kannel warns about each). */
      readonly ignored: readonly string[];
    };

export interface ReplyContext {
  /** The smsbox's global-sender: Kannel sends answers from it when the service has no faked-sender. */
  readonly globalSender: string | undefined;
  /** mo.reply-emptymessage and mo.reply-couldnotrepresent; Kannel's texts when absent. */
  readonly emptyReply?: string;
  readonly unrepresentableReply?: string;
}

/** The type and charset of a Content-Type header, lower-cased. */
function contentType(value: string | undefined): { type: string | undefined; charset: string | undefined } {
  if (value === undefined || value.trim() === '') return { type: undefined, charset: undefined };
  const [type, ...params] = value.split(';');
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(p)?.[1]).find((c) => c !== undefined);
  return { type: type?.trim().toLowerCase(), charset };
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Kannel's html_to_sms: markup and comments dropped, entities decoded, runs of white space made one space. */
export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
      return HTML_ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** strip_prefix_and_suffix: the text between the first `prefix` and the next `suffix` (case-insensitive), if both are found. */
export function cutBetween(text: string, prefix: string | undefined, suffix: string | undefined): string {
  if (!prefix || !suffix) return text;
  const lower = text.toLowerCase();
  const start = lower.indexOf(prefix.toLowerCase());
  if (start < 0) return text;
  const from = start + prefix.length;
  const end = lower.indexOf(suffix.toLowerCase(), from);
  return end < 0 ? text : text.slice(from, end);
}

/** sscanf("%d"): the leading integer, or undefined. */
function leadingInt(value: Buffer | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*([-+]?\d+)/.exec(value.toString('latin1'));
  return m ? Number(m[1]) : undefined;
}

function inRange(n: number | undefined, min: number, max: number): number | undefined {
  return n !== undefined && n >= min && n <= max ? n : undefined;
}

const str = (b: Buffer | undefined): string | undefined => {
  const s = b?.toString('utf8').trim();
  return s ? s : undefined;
};

/** The fields and the text of an HTTP answer; undefined text: nothing an SMS can carry. */
interface ReadAnswer {
  readonly text: string | undefined;
  readonly binary: boolean;
  readonly fields: ReadonlyMap<string, Buffer>;
}

function headerFields(headers: Readonly<Record<string, string>>): Map<string, Buffer> {
  const fields = new Map<string, Buffer>();
  for (const [name, value] of Object.entries(headers)) {
    const param = KANNEL_HEADER_PARAMS[name.toLowerCase()];
    // The service cannot log in as someone through its answer.
    if (param === undefined || param === 'username' || param === 'password') continue;
    fields.set(param, param === 'udh' ? udhFromHeader(value) : Buffer.from(value.trim(), 'utf8'));
  }
  return fields;
}

/** X-Kannel-UDH: hex, or else URL-encoded (Kannel tries hex first). */
function udhFromHeader(value: string): Buffer {
  const compact = value.trim();
  if (/^(?:[0-9a-fA-F]{2})+$/.test(compact)) return Buffer.from(compact, 'hex');
  return Buffer.from(decodeURIComponent(compact.replace(/%(?![0-9a-fA-F]{2})/g, '%25')), 'latin1');
}

function decodeText(body: Buffer, charset: string | undefined): string | undefined {
  const r = decodeCharset(body, charset ?? 'utf-8');
  return r.ok ? r.text : undefined;
}

function readHttp(answer: Extract<ServiceAnswer, { kind: 'http' }>, opts: ReplyOptions): ReadAnswer {
  const declared = answer.headers['content-type'];
  const { type: given, charset } = contentType(declared);
  const type = given ?? (opts.assumePlainText ? 'text/plain' : undefined);
  const fields = headerFields(answer.headers);
  switch (type) {
    case 'text/html':
    case 'text/vnd.wap.wml': {
      const html = decodeText(answer.body, charset);
      return { text: html === undefined ? undefined : htmlToText(cutBetween(html, opts.prefix, opts.suffix)), binary: false, fields };
    }
    case 'text/plain':
      return { text: decodeText(answer.body, charset), binary: false, fields };
    case 'application/octet-stream':
      return { text: answer.body.toString('latin1'), binary: true, fields };
    case 'text/xml': {
      const parsed = parseKannelXml(answer.body);
      if (!parsed.ok) return { text: undefined, binary: false, fields: new Map() };
      const xml = new Map(parsed.fields.params);
      // The answer's XML cannot log in either; and its receivers are not read for a reply (Kannel reads them on sendsms only).
      xml.delete('username');
      xml.delete('password');
      const ud = xml.get('text') ?? Buffer.alloc(0);
      xml.delete('text');
      xml.delete('charset');
      const binary = leadingInt(xml.get('coding')) === 1;
      return { text: binary ? ud.toString('latin1') : decodeText(ud, 'utf-8'), binary, fields: xml };
    }
    default:
      return { text: undefined, binary: false, fields };
  }
}

/** Every piece of the answer as the accept path takes it. */
export function planReply(mo: MoMessage, service: Service, answer: ServiceAnswer, ctx: ReplyContext): ReplyPlan {
  const opts = service.reply ?? DEFAULT_REPLY_OPTIONS;
  if (opts.maxMessages === 0) return { kind: 'none', reason: 'max-messages-0' };
  if (answer.kind === 'http' && answer.status !== 200 && answer.status !== 202) return { kind: 'none', reason: 'not-200' };

  const read: ReadAnswer =
    answer.kind === 'http'
      ? readHttp(answer, opts)
      : { text: decodeText(answer.body, 'utf-8') ?? answer.body.toString('latin1'), binary: false, fields: new Map() };

  const accepted = opts.acceptXKannelHeaders ? read.fields : new Map<string, Buffer>();
  const ignored = opts.acceptXKannelHeaders ? [] : [...read.fields.keys()];
  const f = (name: string): Buffer | undefined => accepted.get(name);

  let coding = inRange(leadingInt(f('coding')), 0, 2) as Coding | undefined;
  let binary = read.binary;
  if (coding === 1) binary = true;
  else if (coding !== undefined) binary = false;
  else if (binary) coding = 1;

  let text = read.text ?? ctx.unrepresentableReply ?? UNREPRESENTABLE_REPLY;
  if (read.text === undefined) {
    binary = false;
    coding = undefined;
  }
  if (text.length === 0) {
    if (opts.omitEmpty) return { kind: 'none', reason: 'omit-empty' };
    text = ctx.emptyReply ?? EMPTY_REPLY;
    binary = false;
    coding = undefined;
  }

  const udhRaw = f('udh');
  const udh = udhRaw !== undefined && udhRaw.length > 0 ? udhRaw : undefined;
  const framing = `${opts.header ?? ''}${text}${opts.footer ?? ''}${opts.splitSuffix ?? ''}`;
  const alphabet: ShapeAlphabet = binary ? 'binary' : coding === 2 || (coding === undefined && !isGsm7(framing)) ? 'ucs2' : 'gsm7';
  const shaped = shapeText(text, alphabet, {
    header: opts.header,
    footer: opts.footer,
    splitChars: opts.splitChars,
    splitSuffix: opts.splitSuffix,
    maxMessages: opts.maxMessages,
    concatenate: opts.concatenation,
    udhOctets: udh?.length ?? 0,
  });
  const pieces = opts.concatenation ? [shaped.pieces.join('')] : shaped.pieces;

  const smscOverride = str(f('smsc'));
  const headerDlrMask = inRange(leadingInt(f('dlr-mask')), 0, 66);
  const rpi = inRange(leadingInt(f('rpi')), 0, 2);
  const mclass = inRange(leadingInt(f('mclass')), 0, 3) as MessageClass | undefined;
  const mwi = inRange(leadingInt(f('mwi')), 0, 7);
  const compress = inRange(leadingInt(f('compress')), 0, 1);
  const altDcs = inRange(leadingInt(f('alt-dcs')), 0, 1);
  const validity = leadingInt(f('validity'));
  const deferred = leadingInt(f('deferred'));
  // The service's own dlr-url (and dlr-mask) serve an answer whose headers set no dlr-url, as Kannel's send_message.
  const headerDlrUrl = str(f('dlr-url'));
  const dlrUrl = headerDlrUrl ?? opts.dlrUrl;
  const dlrMask = headerDlrMask ?? (headerDlrUrl === undefined && opts.dlrUrl !== undefined ? opts.dlrMask : undefined);

  const messages = pieces.map((piece, i): ReplyMessage => {
    const textRequest: TextRequest = {
      text: Buffer.from(piece, binary ? 'latin1' : 'utf8'),
      ...(binary ? {} : { charset: 'utf-8' }),
      ...(coding !== undefined ? { coding } : {}),
      ...(mclass !== undefined ? { mclass } : {}),
      ...(mwi !== undefined ? { mwi } : {}),
      ...(compress !== undefined ? { compress: compress === 1 } : {}),
      ...(altDcs !== undefined ? { altDcs: altDcs === 1 } : {}),
      ...(udh !== undefined ? { udh } : {}),
    };
    // sms_split asks for a report on the first piece only.
    const first = i === 0;
    return {
      from: str(f('from')) ?? opts.fakedSender ?? ctx.globalSender ?? mo.to,
      to: str(f('to')) ?? mo.from,
      text: textRequest,
      smsc: smscOverride ?? mo.smscId,
      preferSmscId: smscOverride === undefined ? mo.smscId : undefined,
      validityMinutes: validity !== undefined && validity > 0 ? validity : undefined,
      deferredMinutes: deferred !== undefined && deferred > 0 ? deferred : undefined,
      dlrMask: first ? dlrMask : undefined,
      dlrUrl: first ? dlrUrl : undefined,
      protocolId: inRange(leadingInt(f('pid')), 0, 255),
      replyPath: rpi === undefined ? undefined : rpi > 0,
      priority: inRange(leadingInt(f('priority')), 0, 3),
      billing: str(f('account')),
      binfo: str(f('binfo')),
      metaData: str(f('meta-data')),
    };
  });
  return { kind: 'send', messages, truncated: shaped.truncated, ignored };
}
