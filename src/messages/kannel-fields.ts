/**
 * Kannel's message fields as they travel outside the query string: in X-Kannel-* headers (a sendsms POST, a
 * service's answer) and in Kannel's XML document `<message><submit>…` (a sendsms POST of text/xml, a service's
 * text/xml answer, and what a post-xml service is sent). Fields are named as sendsms names its parameters and kept as
 * bytes, so every caller checks them as it checks the query. Pure.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeCharset } from '../encoding/index.js';

/** X-Kannel-* header (lower case) → the sendsms parameter it carries (smsbox.c get_x_kannel_from_headers). */
export const KANNEL_HEADER_PARAMS: Readonly<Record<string, string>> = {
  'x-kannel-username': 'username',
  'x-kannel-password': 'password',
  'x-kannel-from': 'from',
  'x-kannel-to': 'to',
  'x-kannel-udh': 'udh',
  'x-kannel-smsc': 'smsc',
  'x-kannel-mclass': 'mclass',
  'x-kannel-mwi': 'mwi',
  'x-kannel-compress': 'compress',
  'x-kannel-coding': 'coding',
  'x-kannel-validity': 'validity',
  'x-kannel-deferred': 'deferred',
  'x-kannel-dlr-mask': 'dlr-mask',
  'x-kannel-dlr-url': 'dlr-url',
  'x-kannel-account': 'account',
  'x-kannel-pid': 'pid',
  'x-kannel-alt-dcs': 'alt-dcs',
  'x-kannel-rpi': 'rpi',
  'x-kannel-binfo': 'binfo',
  'x-kannel-priority': 'priority',
  'x-kannel-meta-data': 'meta-data',
};

/** The fields of a `<message><submit>` document, by sendsms parameter name; `to` holds every `<da><number>`. */
export interface KannelXmlFields {
  readonly params: ReadonlyMap<string, Buffer>;
  readonly receivers: readonly string[];
}

export type KannelXmlResult = { readonly ok: true; readonly fields: KannelXmlFields } | { readonly ok: false; readonly detail: string };

type Node = string | number | boolean | { readonly [k: string]: Node | readonly Node[] } | readonly Node[] | undefined;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Every value stays a string: the callers check numbers the way sendsms does.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (_name, jpath) => jpath === 'message.submit.da',
});

/** The encoding named by `<?xml … encoding="…"?>`, read before the document can be decoded. */
function declaredEncoding(body: Buffer): string | undefined {
  const head = body.subarray(0, 200).toString('latin1');
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
}

/** An element's text, as XPath's string() gives it for the simple elements Kannel reads. */
function textOf(node: Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (Array.isArray(node)) return textOf(node[0] as Node);
  const text = (node as Record<string, Node>)['#text'];
  return text === undefined ? '' : textOf(text);
}

function child(node: Node | undefined, name: string): Node | undefined {
  if (node === undefined || typeof node !== 'object' || Array.isArray(node)) return undefined;
  return (node as Record<string, Node>)[name];
}

function decodeUrl(value: string): Buffer {
  // octstr_url_decode: '+' is a space, %XX an octet; a malformed escape stays as written.
  const bytes: number[] = [];
  const raw = Buffer.from(value, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] ?? 0;
    if (b === 0x2b) bytes.push(0x20);
    else if (b === 0x25 && i + 2 < raw.length && /^[0-9a-fA-F]{2}$/.test(raw.subarray(i + 1, i + 3).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 3).toString('latin1'), 16));
      i += 2;
    } else bytes.push(b);
  }
  return Buffer.from(bytes);
}

/** A UDH written as hex, or else URL-encoded (Kannel tries hex first). */
function decodeUdh(value: string): Buffer {
  const compact = value.replace(/\s+/g, '');
  return /^(?:[0-9a-fA-F]{2})+$/.test(compact) ? Buffer.from(compact, 'hex') : decodeUrl(value);
}

/**
 * Reads Kannel's XML document: `/message/submit/` `da/number` (several), `oa/number`, `ud` (URL-encoded text, or
 * hex with `type="binary"`), `udh`, `smsc` (else `to`), `pid`, `rpi`, `dcs/{mclass,mwi,coding,compress,alt-dcs}`,
 * `statusrequest/{dlr-mask,dlr-url}`, `vp/delay`, `timing/delay`, `priority`, `meta-data`, and `from/{user or
 * username, pass or password, account, binfo}`. The document's own encoding declaration says how it is written; the
 * text comes out as UTF-8 (its `charset` field says so). A document that does not parse, or declares entities, is
 * refused.
 */
export function parseKannelXml(body: Buffer): KannelXmlResult {
  const encoding = declaredEncoding(body) ?? 'utf-8';
  const decoded = decodeCharset(body, encoding);
  if (!decoded.ok) return { ok: false, detail: `cannot read the document as ${encoding}: ${decoded.detail}` };
  const xml = decoded.text;
  // Entity declarations buy nothing here and are the classic way to make a parser do too much.
  if (/<!ENTITY/i.test(xml)) return { ok: false, detail: 'the document declares entities' };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, detail: `not XML: ${valid.err.msg} (line ${valid.err.line})` };
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    return { ok: false, detail: `not XML: ${(e as Error).message}` };
  }
  const submit = child(child(doc, 'message'), 'submit');
  if (submit === undefined || typeof submit !== 'object') return { ok: false, detail: 'no /message/submit element' };

  const params = new Map<string, Buffer>();
  const put = (name: string, value: string | undefined): void => {
    if (value !== undefined) params.set(name, Buffer.from(value, 'utf8'));
  };
  const from = child(submit, 'from');
  put('username', textOf(child(from, 'username')) ?? textOf(child(from, 'user')));
  put('password', textOf(child(from, 'password')) ?? textOf(child(from, 'pass')));
  put('account', textOf(child(from, 'account')));
  put('binfo', textOf(child(from, 'binfo')));
  put('from', textOf(child(child(submit, 'oa'), 'number')));
  const udh = textOf(child(submit, 'udh'));
  if (udh !== undefined) params.set('udh', decodeUdh(udh));
  put('smsc', textOf(child(submit, 'smsc')) ?? textOf(child(submit, 'to')));
  put('pid', textOf(child(submit, 'pid')));
  put('rpi', textOf(child(submit, 'rpi')));
  const dcs = child(submit, 'dcs');
  for (const name of ['mclass', 'mwi', 'coding', 'compress', 'alt-dcs']) put(name, textOf(child(dcs, name)));
  const status = child(submit, 'statusrequest');
  put('dlr-mask', textOf(child(status, 'dlr-mask')));
  put('dlr-url', textOf(child(status, 'dlr-url')));
  put('validity', textOf(child(child(submit, 'vp'), 'delay')));
  put('deferred', textOf(child(child(submit, 'timing'), 'delay')));
  put('priority', textOf(child(submit, 'priority')));
  put('meta-data', textOf(child(submit, 'meta-data')));
  const ud = child(submit, 'ud');
  const text = textOf(ud);
  if (text !== undefined) {
    const binary = textOf(child(ud, '@_type'))?.toLowerCase() === 'binary';
    params.set('text', binary ? Buffer.from(text.replace(/\s+/g, ''), 'hex') : decodeUrl(text));
    params.set('charset', Buffer.from('UTF-8'));
  }

  const da = child(submit, 'da');
  const receivers = (Array.isArray(da) ? (da as Node[]) : da === undefined ? [] : [da])
    .map((d) => textOf(child(d, 'number')))
    .filter((n): n is string => n !== undefined && n !== '');
  return { ok: true, fields: { params, receivers } };
}

/** What a post-xml service is sent about an MO. */
export interface XmlMoFields {
  /** The MO's sender; written as `<oa>` only when given (Kannel's send-sender). */
  readonly sender: string | undefined;
  /** The number the MO was sent to. */
  readonly receiver: string;
  readonly udh: Buffer | undefined;
  /** The text (UTF-8) or the 8-bit data. */
  readonly data: Buffer;
  readonly pid: number;
  readonly coding: number;
  readonly mclass: number | undefined;
  readonly mwi: number | undefined;
  readonly timeMs: number;
  readonly smscId: string;
  readonly service: string;
  readonly metaData: string | undefined;
}

/** What libxml's xmlEncodeEntitiesReentrant escapes in text. */
function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** octstr_url_encode, which Kannel applies to the text and the UDH before writing them. */
function encodeUrl(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (b === 0x20) out += '+';
    else if (/[A-Za-z0-9\-_.!~*'()]/.test(c)) out += c;
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const pad = (n: number, width = 2): string => n.toString().padStart(width, '0');

/**
 * The document smsbox's post-xml sends (smsbox.c obey_request, TRANSTYPE_POST_XML), with its whitespace, which some
 * services parse by line: checked against what Kannel 1.4.5 sent. The text is declared UTF-8 (Kannel declares
 * ISO-8859-1 unless the message had a charset); the URL-encoded fields are ASCII either way.
 */
export function formatKannelXml(f: XmlMoFields): string {
  const tag = (name: string, inner: string): string => `  \t\t<${name}>${inner}</${name}>\n`;
  const d = new Date(f.timeMs);
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<message cid="1">\n\t<submit>\n';
  if (f.sender !== undefined) xml += tag('oa', tag('number', escapeXml(f.sender)));
  xml += tag('da', tag('number', escapeXml(f.receiver)));
  if (f.udh !== undefined && f.udh.length > 0) xml += tag('udh', escapeXml(encodeUrl(f.udh)));
  if (f.data.length > 0) xml += tag('ud', escapeXml(encodeUrl(f.data)));
  xml += tag('pid', String(f.pid));
  let dcs = tag('coding', String(f.coding));
  if (f.mclass !== undefined) dcs += tag('mclass', String(f.mclass));
  dcs += tag('alt-dcs', '0');
  if (f.mwi !== undefined) dcs += tag('mwi', String(f.mwi));
  dcs += tag('compress', '0');
  xml += tag('dcs', dcs);
  xml += tag(
    'at',
    `<year>${pad(d.getUTCFullYear(), 4)}</year><month>${pad(d.getUTCMonth() + 1)}</month><day>${pad(d.getUTCDate())}</day>` +
      `<hour>${pad(d.getUTCHours())}</hour><minute>${pad(d.getUTCMinutes())}</minute><second>${pad(d.getUTCSeconds())}</second>` +
      '<timezone>0</timezone>',
  );
  // Kannel writes the smsc-id as the account of `from`, and the service's name under `to`.
  if (f.smscId !== '') xml += tag('from', tag('account', escapeXml(f.smscId)));
  if (f.service !== '') xml += tag('to', tag('service', escapeXml(f.service)));
  if (f.metaData !== undefined && f.metaData !== '') xml += tag('meta-data', escapeXml(f.metaData));
  return `${xml}\t</submit>\n</message>\n`;
}
