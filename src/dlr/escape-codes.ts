/**
 * Kannel escape codes for dlr-url and get-url templates, as `urltrans_fill_escape_codes` (gw/urltrans.c)
 * fills them, byte for byte: which codes are URL-encoded, how, and what an unknown code turns into.
 *
 * Deliberate differences from Kannel:
 * - a field that is not given prints nothing; Kannel prints its sentinel (-1 for an unset coding, mclass, mwi,
 *   priority or dlr-mask, 1969-12-31+23:59:59 for an unset time);
 * - `%N` and, for a DLR, `%B` are filled as the user guide documents them; Kannel 1.4.5 leaves `%N` in the URL
 *   and `%B` empty. `compat: 'kannel-1.4.5'` reproduces that.
 * Pure.
 */

/** Kannel's message coding: 0 GSM 7-bit, 1 8-bit binary, 2 UCS-2. */
export type Coding = 0 | 1 | 2;

/** Meta-data groups (`smpp`, `smpp_resp`, ...) of key/value pairs; values may be binary (e.g. `dlr_err`). */
export type MetaData = Readonly<Record<string, Readonly<Record<string, string | Uint8Array>>>>;

export interface EscapeContext {
  /** `%d`. Giving it marks the context as a DLR (for `%N` and `%B`). */
  readonly dlrType?: number;
  /**
   * The message data: for a DLR the receipt text or `ACK/…`/`NACK/…` (`%A`, `%b`), for an MO the text
   * (`%a %b %e %k %r %s %S`). A string is taken as UTF-8; bytes (e.g. UCS-2 as UTF-16BE) are used as they are.
   */
  readonly text?: string | Uint8Array;
  /** `%F`: the SMSC's message id. */
  readonly foreignId?: string;
  /** `%p`/`%q`: the handset: the MT's receiver for a DLR, the MO's sender for an MO. */
  readonly handsetAddress?: string;
  /** `%P`/`%Q`: our side: the MT's sender for a DLR, the MO's receiver (short code) for an MO. */
  readonly serviceAddress?: string;
  /** `%i` */
  readonly smscId?: string;
  /** `%I`: the internal message id (a UUID). */
  readonly internalId?: string;
  /** `%n`: the sendsms-user or sms-service name. */
  readonly service?: string;
  /** `%t`, `%T`: when the message (for a DLR: the DLR) was created, in ms since the epoch. */
  readonly timeMs?: number;
  /** `%u`, `%U` */
  readonly udh?: Uint8Array;
  /** `%c`, and `%C` when no charset is given. */
  readonly coding?: Coding;
  /** `%C` */
  readonly charset?: string;
  /** `%m` */
  readonly mclass?: number;
  /** `%M` */
  readonly mwi?: number;
  /** `%O`: the data coding scheme byte. */
  readonly dcs?: number;
  /** `%B`: billing information (the MO's service_type). */
  readonly binfo?: string;
  /** `%B` for a DLR when binfo is empty: the receipt's `err:` (user guide). */
  readonly receiptErr?: string;
  /** `%o`: the account (for an SMPP DLR, the bind's system_id). */
  readonly account?: string;
  /** `%f`: the originating SMSC number (AT modems only). */
  readonly smscNumber?: string;
  /** `%R` */
  readonly dlrUrl?: string;
  /** `%D`, `%#group#key#` */
  readonly metaData?: MetaData;
  /** `%v`: validity as an absolute time in ms since the epoch; printed as minutes from now. */
  readonly validityAtMs?: number;
  /** `%V`: deferred delivery as an absolute time in ms since the epoch; printed as minutes from now. */
  readonly deferredAtMs?: number;
  /** `%x` */
  readonly smsboxId?: string;
  /** `%y` */
  readonly priority?: number;
}

export type EscapeCompat = 'documented' | 'kannel-1.4.5';

export interface FillOptions {
  /** For `%v` and `%V`; without it they print nothing. */
  readonly nowMs?: number;
  /** Default 'documented'. */
  readonly compat?: EscapeCompat;
}

const utf8 = new TextEncoder();
const utf8Lenient = new TextDecoder('utf-8', { fatal: false });

function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? utf8.encode(value) : value;
}

const HEXITS = '0123456789ABCDEF';

function isUrlSafe(byte: number): boolean {
  // octstr_url_encode's safe set: letters, digits and -_.!~*'() (space is turned into '+').
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d || // -
    byte === 0x5f || // _
    byte === 0x2e || // .
    byte === 0x21 || // !
    byte === 0x7e || // ~
    byte === 0x2a || // *
    byte === 0x27 || // '
    byte === 0x28 || // (
    byte === 0x29 // )
  );
}

/**
 * Kannel's octstr_url_encode on the bytes: space becomes '+', unsafe bytes %XX with upper-case hex. Works on
 * bytes rather than encodeURIComponent because the data may be binary or hold lone surrogates, which
 * encodeURIComponent throws on.
 */
export function kannelUrlEncode(value: string | Uint8Array): string {
  // Nearly every value is ASCII text (numbers, addresses, ids, receipt text): its characters are its UTF-8 bytes,
  // so it is encoded from them directly, without an encoded copy per value (a callback URL encodes a dozen).
  if (typeof value === 'string') {
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return encodeBytes(bytesOf(value));
      if (c === 0x20) out += '+';
      else if (isUrlSafe(c)) out += value[i];
      else out += `%${HEXITS[c >> 4] ?? '0'}${HEXITS[c & 0x0f] ?? '0'}`;
    }
    return out;
  }
  return encodeBytes(value);
}

function encodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x20) out += '+';
    else if (isUrlSafe(byte)) out += String.fromCharCode(byte);
    else out += `%${HEXITS[byte >> 4] ?? '0'}${HEXITS[byte & 0x0f] ?? '0'}`;
  }
  return out;
}

function upperHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += `${HEXITS[byte >> 4] ?? '0'}${HEXITS[byte & 0x0f] ?? '0'}`;
  return out;
}

/** octstr_split_words: runs of C isspace() separate words. */
function splitWords(bytes: Uint8Array): Uint8Array[] {
  const words: Uint8Array[] = [];
  let start = -1;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = bytes[i];
    const space = byte === undefined || byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
    if (space) {
      if (start >= 0) words.push(bytes.subarray(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  return words;
}

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}

/** `%t`: Kannel prints UTC with a literal '+' between date and time, not URL-encoded, so a server reads it as a space. */
function kannelTime(timeMs: number): string {
  const d = new Date(timeMs);
  return (
    `${d.getUTCFullYear().toString().padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `+${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  );
}

function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** C's `(t - time(NULL)) / 60` on time_t seconds: integer division truncating towards zero. */
function minutesFromNow(atMs: number, nowMs: number): string {
  return Math.trunc((epochSeconds(atMs) - epochSeconds(nowMs)) / 60).toString();
}

function encodeNumber(n: number | undefined): string {
  return n === undefined ? '' : kannelUrlEncode(Math.trunc(n).toString());
}

/** `%q`/`%Q`: a leading 00 becomes an encoded '+'. */
function internationalised(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('00') ? `%2B${kannelUrlEncode(address.slice(2))}` : kannelUrlEncode(address);
}

function metaValue(metaData: MetaData | undefined, group: string, key: string): string | Uint8Array | undefined {
  if (metaData === undefined) return undefined;
  // Kannel matches the group case-insensitively (octstr_str_case_compare) and the key exactly (a Dict).
  const wanted = group.toLowerCase();
  for (const [name, values] of Object.entries(metaData)) {
    if (name.toLowerCase() === wanted) return Object.hasOwn(values, key) ? values[key] : undefined;
  }
  return undefined;
}

/** meta_data_pack: `?group?key=value&key=value&` with each part URL-encoded. */
export function packMetaData(metaData: MetaData): string {
  let out = '';
  for (const [group, values] of Object.entries(metaData)) {
    out += `?${kannelUrlEncode(group)}?`;
    for (const [key, value] of Object.entries(values)) out += `${kannelUrlEncode(key)}=${kannelUrlEncode(value)}&`;
  }
  return out;
}

function charsetOf(ctx: EscapeContext): string {
  if (ctx.charset !== undefined && ctx.charset !== '') return ctx.charset;
  // Kannel's DC_UNDEF falls into the 7-bit case, so an unset coding still names UTF-8.
  switch (ctx.coding) {
    case 1:
      return '8-BIT';
    case 2:
      return 'UTF-16BE';
    default:
      return 'UTF-8';
  }
}

/**
 * Fill a dlr-url or get-url template. Never throws; an unknown code is kept as written (`%z` stays `%z`), a
 * lone '%' at the end is kept, and `%%` gives '%'.
 */
export function fillEscapeCodes(template: string, ctx: EscapeContext, options: FillOptions = {}): string {
  const compat = options.compat ?? 'documented';
  const isDlr = ctx.dlrType !== undefined;
  const text = ctx.text;
  // The text's bytes and words only for a template that uses them (%a %e %k %r %s %S): most dlr-urls do not.
  let split: Uint8Array[] | undefined;
  const wordsOf = (): Uint8Array[] => (split ??= text === undefined ? [] : splitWords(bytesOf(text)));
  let nextWord = 1;

  let out = '';
  let pos = 0;
  const length = template.length;
  for (;;) {
    // The literal text up to the next code, in one piece (a '%' that ends the template is literal).
    const at = template.indexOf('%', pos);
    const stop = at < 0 || at + 1 >= length ? length : at;
    if (stop > pos) out += template.slice(pos, stop);
    pos = stop;
    if (pos >= length) break;

    const code = template[pos + 1] ?? '';
    switch (code) {
      case 'a':
        out += wordsOf()
          .map((w) => kannelUrlEncode(w))
          .join('+');
        break;
      case 'A':
      case 'b':
        if (text !== undefined) out += kannelUrlEncode(text);
        break;
      case 'B':
        if (ctx.binfo !== undefined && ctx.binfo !== '') out += kannelUrlEncode(ctx.binfo);
        else if (compat === 'documented' && isDlr && ctx.receiptErr !== undefined) out += kannelUrlEncode(ctx.receiptErr);
        break;
      case 'c':
        if (ctx.coding !== undefined) out += ctx.coding.toString();
        break;
      case 'C':
        out += charsetOf(ctx);
        break;
      case 'd':
        out += encodeNumber(ctx.dlrType);
        break;
      case 'D':
        if (ctx.metaData !== undefined) out += kannelUrlEncode(packMetaData(ctx.metaData));
        break;
      case 'e':
        if (text !== undefined) out += upperHex(bytesOf(text));
        break;
      case 'f':
        if (ctx.smscNumber !== undefined) out += kannelUrlEncode(ctx.smscNumber);
        break;
      case 'F':
        if (ctx.foreignId !== undefined) out += kannelUrlEncode(ctx.foreignId);
        break;
      case 'i':
        if (ctx.smscId !== undefined) out += kannelUrlEncode(ctx.smscId);
        break;
      case 'I':
        // A UUID needs no encoding, and Kannel adds none.
        if (ctx.internalId !== undefined) out += ctx.internalId;
        break;
      case 'k': {
        const first = wordsOf()[0];
        if (first !== undefined) out += kannelUrlEncode(first);
        break;
      }
      case 'm':
        out += encodeNumber(ctx.mclass);
        break;
      case 'M':
        out += encodeNumber(ctx.mwi);
        break;
      case 'n':
        if (ctx.service !== undefined) out += kannelUrlEncode(ctx.service);
        break;
      case 'N':
        // User guide: "the delivery report notification message"; never implemented in urltrans.c. The one
        // Kannel-derived implementation (the access-log `%N` in vaska94/Kannel gw/bb_alog.c) prints the DLR's
        // message data, so that is what it means here: the receipt or ACK/NACK text, for DLRs only.
        if (compat === 'kannel-1.4.5') out += '%N';
        else if (isDlr && text !== undefined) out += kannelUrlEncode(text);
        break;
      case 'o':
        if (ctx.account !== undefined) out += kannelUrlEncode(ctx.account);
        break;
      case 'O':
        if (ctx.dcs !== undefined) out += pad2(Math.trunc(ctx.dcs));
        break;
      case 'p':
        if (ctx.handsetAddress !== undefined) out += kannelUrlEncode(ctx.handsetAddress);
        break;
      case 'P':
        if (ctx.serviceAddress !== undefined) out += kannelUrlEncode(ctx.serviceAddress);
        break;
      case 'q':
        out += internationalised(ctx.handsetAddress);
        break;
      case 'Q':
        out += internationalised(ctx.serviceAddress);
        break;
      case 'r':
        out += wordsOf()
          .slice(nextWord)
          .map((w) => kannelUrlEncode(w))
          .join('+');
        break;
      case 'R':
        if (ctx.dlrUrl !== undefined) out += kannelUrlEncode(ctx.dlrUrl);
        break;
      case 's': {
        const word = wordsOf()[nextWord];
        if (word !== undefined) {
          out += kannelUrlEncode(word);
          nextWord += 1;
        }
        break;
      }
      case 'S': {
        // Not URL-encoded on purpose (the user guide: "useful when user enters a URL"); '*' stands for '~'.
        const word = wordsOf()[nextWord];
        if (word !== undefined) {
          out += utf8Lenient.decode(word).replaceAll('*', '~');
          nextWord += 1;
        }
        break;
      }
      case 't':
        if (ctx.timeMs !== undefined) out += kannelTime(ctx.timeMs);
        break;
      case 'T':
        if (ctx.timeMs !== undefined) out += epochSeconds(ctx.timeMs).toString();
        break;
      case 'u':
        if (ctx.udh !== undefined) out += kannelUrlEncode(ctx.udh);
        break;
      case 'U':
        if (ctx.udh !== undefined) out += upperHex(ctx.udh);
        break;
      case 'v':
        if (ctx.validityAtMs !== undefined && options.nowMs !== undefined) {
          out += minutesFromNow(ctx.validityAtMs, options.nowMs);
        }
        break;
      case 'V':
        if (ctx.deferredAtMs !== undefined && options.nowMs !== undefined) {
          out += minutesFromNow(ctx.deferredAtMs, options.nowMs);
        }
        break;
      case 'x':
        if (ctx.smsboxId !== undefined) out += kannelUrlEncode(ctx.smsboxId);
        break;
      case 'y':
        out += encodeNumber(ctx.priority);
        break;
      case '#': {
        // Same index arithmetic as Kannel, so even a malformed %#… consumes the same characters.
        const groupEnd = template.indexOf('#', pos + 2);
        if (groupEnd >= 0) {
          const group = template.slice(pos + 2, groupEnd);
          pos = groupEnd + 1;
          const keyEnd = template.indexOf('#', pos);
          if (keyEnd >= 0) {
            const value = metaValue(ctx.metaData, group, template.slice(pos, keyEnd));
            if (value !== undefined) out += kannelUrlEncode(value);
            pos = keyEnd - 1;
          } else {
            pos += 1;
          }
        }
        break;
      }
      case '%':
        out += '%';
        break;
      default:
        out += `%${code}`;
        break;
    }
    pos += 2;
  }
  return out;
}
