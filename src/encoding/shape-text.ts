/**
 * Kannel's text shaping of an outgoing message (gw/sms.c `sms_split`, as smsbox 1.4.5 runs it for sms-service
 * replies and sendsms-users): the text is cut into at most `max-messages` SMS-sized pieces, at the last of the
 * `split-chars` that fits when there are any, each piece framed by `header` and `footer`, every piece but the last
 * followed by `split-suffix`; the last piece allowed takes what fits and the rest of the text is dropped.
 *
 * Sizes are counted as the SMS counts them: GSM septets (an extension character is two), UCS-2 octets (a surrogate
 * pair is four), octets for binary data, given as a string of one character per octet. A piece never ends inside an
 * extension character or a surrogate pair. When the text needs more than one SMS and `concatenate` is set, a piece
 * leaves room for the concatenation header, as Kannel does, so that the pieces joined again split on the same
 * boundaries.
 *
 * Deliberate differences from Kannel:
 * - header, footer and suffix are counted in the message's own units (Kannel counts their UTF-8 octets, so an
 *   accented header made its pieces shorter than they had to be);
 * - a piece that could hold nothing (a header and footer as long as an SMS) ends the split instead of producing
 *   empty pieces up to max-messages.
 *
 * Measured against Kannel 1.4.5 (sms-service and sendsms-user, `header = "H:"`, `footer = ":F"`,
 * `split-chars = " "`, `split-suffix = "+"`): the footer comes before the suffix (`H:…:F+`), and the split
 * character stays at the end of the piece it ends.
 * Pure.
 */
import { gsm7Length } from './gsm7.js';
import { SMS_USER_DATA_OCTETS } from './segment.js';

export type ShapeAlphabet = 'gsm7' | 'ucs2' | 'binary';

export interface ShapeOptions {
  readonly header?: string | undefined;
  readonly footer?: string | undefined;
  /** Appended to every piece but the last (Kannel's `split-suffix`). */
  readonly splitSuffix?: string | undefined;
  /** A piece ends after the last of these characters that fits (Kannel's `split-chars`); none: at the size limit. */
  readonly splitChars?: string | undefined;
  /** Most pieces; at least 1. */
  readonly maxMessages: number;
  /** The pieces will be joined and sent as one concatenated message: each leaves room for the concatenation header. */
  readonly concatenate: boolean;
  /** Octets of the message's own user data header (UDHL included), sent with every piece. */
  readonly udhOctets?: number;
}

export interface ShapedText {
  /** At least one piece (an empty text gives one piece: the header and footer). */
  readonly pieces: readonly string[];
  /** Text was left over once max-messages pieces were full, and dropped. */
  readonly truncated: boolean;
}

/** Kannel's CATENATE_UDH_LEN: the 8-bit concatenation element (IEI, length, reference, total, sequence). */
const CONCAT_ELEMENT_OCTETS = 5;

/** A character's size in the alphabet's units; Infinity for a character GSM cannot carry (the caller chose gsm7). */
function unitSize(alphabet: ShapeAlphabet, char: string): number {
  if (alphabet === 'gsm7') return gsm7Length(char) ?? Number.POSITIVE_INFINITY;
  if (alphabet === 'ucs2') return char.length * 2;
  return 1;
}

function sizeOf(alphabet: ShapeAlphabet, text: string | undefined): number {
  if (!text) return 0;
  let n = 0;
  for (const char of text) n += unitSize(alphabet, char);
  return n;
}

/** What one SMS holds beside a header of `udhOctets`, in the alphabet's units (sms_split's max_part_len before framing). */
function capacity(alphabet: ShapeAlphabet, udhOctets: number): number {
  const room = SMS_USER_DATA_OCTETS - udhOctets;
  if (room <= 0) return 0;
  return alphabet === 'gsm7' ? Math.floor((room * 8) / 7) : room;
}

/** How many of `chars` from `start` fit in `room` units. */
function fitting(alphabet: ShapeAlphabet, chars: readonly string[], start: number, room: number): number {
  let used = 0;
  let end = start;
  while (end < chars.length) {
    const size = unitSize(alphabet, chars[end] ?? '');
    if (used + size > room) break;
    used += size;
    end++;
  }
  return end - start;
}

export function shapeText(text: string, alphabet: ShapeAlphabet, opts: ShapeOptions): ShapedText {
  const header = opts.header ?? '';
  const footer = opts.footer ?? '';
  const suffix = opts.splitSuffix ?? '';
  const splitChars = opts.splitChars ?? '';
  const maxMessages = Math.max(1, opts.maxMessages);
  const frame = sizeOf(alphabet, header) + sizeOf(alphabet, footer);
  const suffixSize = sizeOf(alphabet, suffix);
  const udh = opts.udhOctets ?? 0;
  const chars = Array.from(text);

  let room = Math.max(0, capacity(alphabet, udh) - frame);
  if (opts.concatenate && sizeOf(alphabet, text) > room) {
    // Kannel counts one UDHL octet even when the message had no header of its own.
    room = Math.max(0, capacity(alphabet, (udh === 0 ? 1 : udh) + CONCAT_ELEMENT_OCTETS) - frame);
  }

  const pieces: string[] = [];
  let at = 0;
  for (;;) {
    const remaining = chars.length - at;
    const fitsWhole = fitting(alphabet, chars, at, room) === remaining;
    if (fitsWhole || pieces.length + 1 === maxMessages) {
      const n = fitting(alphabet, chars, at, room);
      pieces.push(header + chars.slice(at, at + n).join('') + footer);
      return { pieces, truncated: at + n < chars.length };
    }
    let n = fitting(alphabet, chars, at, Math.max(0, room - suffixSize));
    if (splitChars !== '') {
      for (let i = n; i > 0; i--) {
        if (splitChars.includes(chars[at + i - 1] ?? '')) {
          n = i;
          break;
        }
      }
    }
    if (n === 0) {
      // Nothing fits beside the framing: going on would only add empty pieces.
      pieces.push(header + footer);
      return { pieces, truncated: true };
    }
    pieces.push(header + chars.slice(at, at + n).join('') + footer + suffix);
    at += n;
  }
}
