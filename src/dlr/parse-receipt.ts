/**
 * Delivery receipt parsing (pure). The SMPP layer hands us the already decoded short_message (or
 * message_payload) text and the receipt TLVs; we return one typed receipt or a reason why it is not one.
 *
 * Behaviour follows Kannel's `handle_dlr` (gw/smsc/smsc_smpp.c, trunk as in vaska94/kannel@45cbf0e) and then
 * goes further where real SMSCs are sloppier than Kannel's `sscanf` format: any field order, any key case,
 * `submit_date`/`done_date`, missing fields, runs of spaces, a `stat` value without its `stat:` key.
 */
import type { ReceiptState } from '../domain/message-record.js';

/** GSM and friends: octet 1 is the network type (3 = GSM), octets 2-3 the error (SMPP v5.0 §4.8.4.42). */
export interface NetworkError {
  readonly type: number;
  readonly code: number;
}

export interface Receipt {
  /** The SMSC message id exactly as the SMSC wrote it (trimmed); normalise it with normalizeReceiptId. */
  readonly smscMessageId: string;
  readonly state: ReceiptState;
  /** The `stat:` word as written, also when it is one we do not know (then state is 'unknown'). */
  readonly stat?: string;
  readonly err?: string;
  readonly sub?: string;
  readonly dlvrd?: string;
  /** Digits as written (YYMMDDhhmm or YYMMDDhhmmss); no clock or time zone is assumed here. */
  readonly submitDate?: string;
  readonly doneDate?: string;
  readonly text?: string;
  /**
   * From the network_error_code TLV; failing that, the decimal `err:` read as a GSM (type 3) code, which is
   * what Kannel stores as meta-data `smpp/dlr_err`.
   */
  readonly networkError?: NetworkError;
}

export interface ReceiptInput {
  readonly esmClass: number;
  readonly shortMessageText: string | undefined;
  readonly receiptedMessageId?: string;
  readonly messageState?: number;
  /** A Buffer is a Uint8Array, so the SMPP layer can pass the TLV value as it gets it. */
  readonly networkErrorCode?: Uint8Array;
}

export type ReceiptParseResult = { readonly ok: true; readonly receipt: Receipt } | { readonly ok: false; readonly reason: string };

/**
 * esm_class message-type bits that Kannel treats as a receipt: 0x04 SMSC delivery receipt, 0x08 SME delivery
 * acknowledgement, 0x20 intermediate notification. Only these bits are looked at, because SMSCs set UDHI (0x40)
 * and others alongside (Kannel's comment mentions 0x44).
 */
const RECEIPT_ESM_BITS = 0x04 | 0x08 | 0x20;

export function isReceipt(esmClass: number): boolean {
  return (esmClass & RECEIPT_ESM_BITS) !== 0;
}

/**
 * SMPP message_state values. 0 (SCHEDULED) and 9 (SKIPPED) exist only in v5.0; Kannel honours them only on a
 * v5.0 bind, but an SMSC that sends them means them, so we accept them on any version.
 */
const MESSAGE_STATES: ReadonlyMap<number, ReceiptState> = new Map<number, ReceiptState>([
  [0, 'buffered'],
  [1, 'enroute'],
  [2, 'delivered'],
  [3, 'expired'],
  [4, 'deleted'],
  [5, 'undeliverable'],
  [6, 'accepted'],
  [7, 'unknown'],
  [8, 'rejected'],
  // Kannel reports SKIPPED as a failure: the message will never reach the handset.
  [9, 'undeliverable'],
]);

/**
 * `stat:` words. The seven-letter forms are SMPP 3.4 Appendix B; ACKED, BUFFRED and BUFFERD are the extras
 * Kannel accepts; the long SMPP state names show up from SMSCs that print the enum name instead.
 */
const STAT_WORDS: ReadonlyMap<string, ReceiptState> = new Map<string, ReceiptState>([
  ['DELIVRD', 'delivered'],
  ['DELIVERED', 'delivered'],
  ['EXPIRED', 'expired'],
  ['DELETED', 'deleted'],
  ['UNDELIV', 'undeliverable'],
  ['UNDELIVERABLE', 'undeliverable'],
  ['ACCEPTD', 'accepted'],
  ['ACCEPTED', 'accepted'],
  ['ACKED', 'accepted'],
  ['UNKNOWN', 'unknown'],
  ['REJECTD', 'rejected'],
  ['REJECTED', 'rejected'],
  ['ENROUTE', 'enroute'],
  ['BUFFRED', 'buffered'],
  ['BUFFERD', 'buffered'],
  ['BUFFERED', 'buffered'],
]);

type FieldName = 'id' | 'sub' | 'dlvrd' | 'submitDate' | 'doneDate' | 'stat' | 'err' | 'text';

/**
 * A key counts only at the start or after whitespace, so `dlvrd:` never yields an `id:` and a colon inside a
 * value is not a key. Spaces are allowed before the colon because some SMSCs pad keys.
 */
const KEY_PATTERN = /(?<!\S)(id|sub|dlvrd|submit[ _-]?date|done[ _-]?date|stat|err|text)[ \t]*:/gi;

function fieldOf(key: string): FieldName {
  const compact = key.toLowerCase().replace(/[ _-]/g, '');
  switch (compact) {
    case 'submitdate':
      return 'submitDate';
    case 'donedate':
      return 'doneDate';
    case 'id':
    case 'sub':
    case 'dlvrd':
    case 'stat':
    case 'err':
    case 'text':
      return compact;
    default:
      // The pattern admits nothing else; 'text' keeps an impossible key harmless.
      return 'text';
  }
}

interface KeyHit {
  readonly field: FieldName;
  readonly start: number;
  readonly end: number;
}

interface TextFields {
  readonly values: Partial<Record<FieldName, string>>;
  /** Words that followed a value but belong to no key, e.g. the bare `DELIVRD` some SMSCs write. */
  readonly strayWords: readonly string[];
}

function splitWords(segment: string): string[] {
  const trimmed = segment.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

function parseTextFields(raw: string): TextFields {
  const hits: KeyHit[] = [];
  for (const match of raw.matchAll(KEY_PATTERN)) {
    const key = match[1];
    if (key === undefined) continue;
    hits.push({ field: fieldOf(key), start: match.index, end: match.index + match[0].length });
  }

  const values: Partial<Record<FieldName, string>> = {};
  const strayWords: string[] = splitWords(raw.slice(0, hits[0]?.start ?? raw.length));

  let i = 0;
  while (i < hits.length) {
    const hit = hits[i];
    if (hit === undefined) break;
    if (values[hit.field] !== undefined) {
      // First occurrence wins, like Kannel's left-to-right search; a repeat is noise.
      i += 1;
      continue;
    }
    if (hit.field === 'text') {
      // text: usually ends the receipt and may contain anything, "id:" included. It stops only at a key we
      // have not seen yet, so a receipt that puts text: before stat: still yields its stat.
      let next = i + 1;
      while (next < hits.length) {
        const candidate = hits[next];
        if (candidate !== undefined && candidate.field !== 'text' && values[candidate.field] === undefined) break;
        next += 1;
      }
      const stop = hits[next]?.start ?? raw.length;
      values.text = raw.slice(hit.end, stop).trim();
      i = next;
      continue;
    }
    const stop = hits[i + 1]?.start ?? raw.length;
    const [first, ...rest] = splitWords(raw.slice(hit.end, stop));
    if (first !== undefined) values[hit.field] = first;
    strayWords.push(...rest);
    i += 1;
  }
  return { values, strayWords };
}

const NO_TEXT: TextFields = { values: {}, strayWords: [] };

function stateOfStat(stat: string): ReceiptState | undefined {
  return STAT_WORDS.get(stat.toUpperCase());
}

/** C strings from the PDU may keep their NUL terminator. */
function cleanId(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const cleaned = id.replace(/\0+$/, '').trim();
  return cleaned === '' ? undefined : cleaned;
}

function networkErrorOf(tlv: Uint8Array | undefined, err: string | undefined): NetworkError | undefined {
  if (tlv !== undefined && tlv.length === 3) {
    const [type = 0, high = 0, low = 0] = tlv;
    const isAsciiDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
    if (isAsciiDigit(type) && isAsciiDigit(high) && isAsciiDigit(low)) {
      // Some SMSCs write the TLV as three ASCII digits; Kannel reads those as a decimal code.
      return { type: 3, code: (type - 0x30) * 100 + (high - 0x30) * 10 + (low - 0x30) };
    }
    return { type, code: (high << 8) | low };
  }
  if (err !== undefined && /^\d{1,5}$/.test(err)) {
    // Kannel's fallback: "we assume here its a GSM error due to lack of other information".
    return { type: 3, code: Number.parseInt(err, 10) & 0xffff };
  }
  return undefined;
}

export function parseReceipt(input: ReceiptInput): ReceiptParseResult {
  if (!isReceipt(input.esmClass)) {
    return { ok: false, reason: `esm_class 0x${input.esmClass.toString(16).padStart(2, '0')} is not a receipt` };
  }

  const rawText = input.shortMessageText?.replace(/\0+$/, '');
  const { values: fields, strayWords } = rawText === undefined ? NO_TEXT : parseTextFields(rawText);

  const smscMessageId = cleanId(input.receiptedMessageId) ?? cleanId(fields.id);
  if (smscMessageId === undefined) {
    return {
      ok: false,
      reason:
        rawText === undefined || rawText.trim() === ''
          ? 'receipt has neither a receipted_message_id TLV nor text'
          : 'receipt has no message id (no receipted_message_id TLV and no id: in the text)',
    };
  }

  // A `stat` value that lost its key (e.g. "done date:180903120816 DELIVRD err:000") is still the state.
  const stat = fields.stat ?? strayWords.find((word) => stateOfStat(word) !== undefined);

  const stateFromTlv = input.messageState === undefined ? undefined : MESSAGE_STATES.get(input.messageState);
  const state: ReceiptState = stateFromTlv ?? (stat === undefined ? undefined : stateOfStat(stat)) ?? 'unknown';

  const networkError = networkErrorOf(input.networkErrorCode, fields.err);

  const receipt: Receipt = {
    smscMessageId,
    state,
    ...(stat !== undefined && { stat }),
    ...(fields.err !== undefined && { err: fields.err }),
    ...(fields.sub !== undefined && { sub: fields.sub }),
    ...(fields.dlvrd !== undefined && { dlvrd: fields.dlvrd }),
    ...(fields.submitDate !== undefined && { submitDate: fields.submitDate }),
    ...(fields.doneDate !== undefined && { doneDate: fields.doneDate }),
    ...(fields.text !== undefined && { text: fields.text }),
    ...(networkError !== undefined && { networkError }),
  };
  return { ok: true, receipt };
}
