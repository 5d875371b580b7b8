/**
 * A sendsms-user's text shaping (Kannel's header, footer, split-chars, split-suffix and concatenation of a
 * sendsms-user: encoding/shape-text.ts) applied to a submission's text: the texts to send, in order. Pure.
 *
 * Deliberate differences from Kannel:
 * - a text that needs more than max-messages pieces is refused, as every text is here, rather than cut;
 * - 8-bit data is sent as it came, unshaped (Kannel would frame octets with the header's bytes).
 */
import type { Account } from '../domain/account.js';
import { decodeCharset, isGsm7, MAX_PARTS, shapeText, type ShapeAlphabet, type TextRequest } from '../encoding/index.js';

export type ShapedSubmission =
  | { readonly ok: true; readonly texts: readonly TextRequest[] }
  | { readonly ok: false; readonly error: { readonly code: 'charset'; readonly detail: string } }
  | { readonly ok: false; readonly error: { readonly code: 'too-many-parts'; readonly parts: number; readonly max: number } };

export function shapeSubmission(text: TextRequest, account: Pick<Account, 'shaping' | 'maxMessages'>): ShapedSubmission {
  const shaping = account.shaping;
  if (shaping === undefined) return { ok: true, texts: [text] };
  const hasUdh = text.udh !== undefined && text.udh.length > 0;
  const coding = text.coding ?? (hasUdh ? 1 : undefined);
  if (coding === 1) return { ok: true, texts: [text] };
  const decoded = decodeCharset(text.text, text.charset ?? (coding === 2 ? 'utf-16be' : 'utf-8'));
  if (!decoded.ok) return { ok: false, error: { code: 'charset', detail: decoded.detail } };
  const framed = `${shaping.header ?? ''}${decoded.text}${shaping.footer ?? ''}${shaping.splitSuffix ?? ''}`;
  const gsm = isGsm7(framed);
  // coding=0 with a character GSM cannot carry: encodeText refuses the text as it came, with its own words.
  if (coding === 0 && !gsm) return { ok: true, texts: [text] };
  const alphabet: ShapeAlphabet = coding === 2 || !gsm ? 'ucs2' : 'gsm7';
  const opts = {
    header: shaping.header,
    footer: shaping.footer,
    splitChars: shaping.splitChars,
    splitSuffix: shaping.splitSuffix,
    maxMessages: account.maxMessages,
    concatenate: shaping.concatenation,
    udhOctets: text.udh?.length ?? 0,
  };
  const shaped = shapeText(decoded.text, alphabet, opts);
  if (shaped.truncated) {
    const needed = shapeText(decoded.text, alphabet, { ...opts, maxMessages: MAX_PARTS }).pieces.length;
    return { ok: false, error: { code: 'too-many-parts', parts: Math.max(needed, account.maxMessages + 1), max: account.maxMessages } };
  }
  const pieces = shaping.concatenation ? [shaped.pieces.join('')] : shaped.pieces;
  return {
    ok: true,
    texts: pieces.map((piece) => ({
      ...text,
      text: Buffer.from(piece, 'utf8'),
      charset: 'utf-8',
      ...(alphabet === 'ucs2' ? { coding: 2 as const } : {}),
    })),
  };
}
