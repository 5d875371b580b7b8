import { describe, expect, it } from 'vitest';
import { shapeText } from '../../../src/encoding/shape-text.js';

/** The reply the bench service gave Kannel 1.4.5: 40 six-letter words and 50 x, 330 characters. */
const WORDS = Array.from({ length: 40 }, (_, i) => `word${String(i).padStart(2, '0')}`).join(' ') + ' ' + 'x'.repeat(50);

describe('shapeText (Kannel sms_split)', () => {
  it('leaves a text that fits alone, with no framing', () => {
    expect(shapeText('thanks', 'gsm7', { maxMessages: 1, concatenate: false })).toEqual({ pieces: ['thanks'], truncated: false });
  });

  it('max-messages 1 truncates to one SMS (160 septets), as Kannel 1.4.5 did with this reply', () => {
    const r = shapeText(WORDS, 'gsm7', { maxMessages: 1, concatenate: false });
    expect(r.pieces).toEqual([WORDS.slice(0, 160)]);
    expect(r.truncated).toBe(true);
  });

  it('max-messages 3 without concatenation: independent SMS of 160, 160 and the rest (Kannel 1.4.5: 160, 160, 10)', () => {
    const r = shapeText(WORDS, 'gsm7', { maxMessages: 3, concatenate: false });
    expect(r.pieces.map((p) => p.length)).toEqual([160, 160, 10]);
    expect(r.pieces.join('')).toBe(WORDS);
    expect(r.truncated).toBe(false);
  });

  it('with concatenation each piece leaves room for the concatenation header: 153 septets (Kannel 1.4.5: 153, 153, 24)', () => {
    const r = shapeText(WORDS, 'gsm7', { maxMessages: 3, concatenate: true });
    expect(r.pieces.map((p) => p.length)).toEqual([153, 153, 24]);
  });

  it('a text that fits one SMS keeps the single-SMS size even with concatenation', () => {
    const text = 'y'.repeat(160);
    expect(shapeText(text, 'gsm7', { maxMessages: 3, concatenate: true }).pieces).toEqual([text]);
  });

  it('header, footer, split-chars and split-suffix as Kannel 1.4.5 sent them (footer before the suffix)', () => {
    const r = shapeText(WORDS, 'gsm7', {
      header: 'H:',
      footer: ':F',
      splitChars: ' ',
      splitSuffix: '+',
      maxMessages: 3,
      concatenate: false,
    });
    const words = WORDS.split(' ');
    expect(r.pieces).toEqual([`H:${words.slice(0, 22).join(' ')} :F+`, `H:${words.slice(22, 40).join(' ')} :F+`, `H:${'x'.repeat(50)}:F`]);
    expect(r.pieces.map((p) => p.length)).toEqual([159, 131, 54]);
  });

  it('the same keys on a sendsms-user text as Kannel 1.4.5 sent it (157 and 91 characters)', () => {
    const text = Array.from({ length: 60 }, (_, i) => `w${String(i).padStart(2, '0')}`).join(' ');
    const r = shapeText(text, 'gsm7', {
      header: 'H:',
      footer: ':F',
      splitChars: ' ',
      splitSuffix: '+',
      maxMessages: 3,
      concatenate: false,
    });
    expect(r.pieces.map((p) => p.length)).toEqual([157, 91]);
    expect(r.pieces[0]).toMatch(/^H:w00 .* w37 :F\+$/);
    expect(r.pieces[1]).toMatch(/^H:w38 .* w59:F$/);
  });

  it('without a split character within reach, cuts at the size limit', () => {
    const r = shapeText('z'.repeat(200), 'gsm7', { splitChars: ' ', maxMessages: 2, concatenate: false });
    expect(r.pieces.map((p) => p.length)).toEqual([160, 40]);
  });

  it('counts GSM extension characters as two septets and never cuts one', () => {
    const text = '€'.repeat(81);
    const r = shapeText(text, 'gsm7', { maxMessages: 2, concatenate: false });
    expect(r.pieces.map((p) => Array.from(p).length)).toEqual([80, 1]);
  });

  it('counts UCS-2 in octets (70 characters, 67 concatenated) and never cuts a surrogate pair', () => {
    expect(shapeText('я'.repeat(100), 'ucs2', { maxMessages: 2, concatenate: false }).pieces.map((p) => p.length)).toEqual([70, 30]);
    expect(shapeText('я'.repeat(100), 'ucs2', { maxMessages: 2, concatenate: true }).pieces.map((p) => p.length)).toEqual([67, 33]);
    const emoji = shapeText('😀'.repeat(36), 'ucs2', { maxMessages: 2, concatenate: false });
    expect(emoji.pieces.map((p) => Array.from(p).length)).toEqual([35, 1]);
  });

  it('counts binary data in octets, less a user data header', () => {
    const bytes = 'b'.repeat(200);
    expect(shapeText(bytes, 'binary', { maxMessages: 2, concatenate: false, udhOctets: 6 }).pieces.map((p) => p.length)).toEqual([134, 66]);
  });

  it('an empty text is one piece of header and footer', () => {
    expect(shapeText('', 'gsm7', { header: '<', footer: '>', maxMessages: 1, concatenate: false })).toEqual({
      pieces: ['<>'],
      truncated: false,
    });
  });

  it('stops instead of producing empty pieces when the framing fills an SMS', () => {
    const r = shapeText('abc', 'gsm7', { header: 'h'.repeat(160), maxMessages: 5, concatenate: false });
    expect(r.pieces).toEqual(['h'.repeat(160)]);
    expect(r.truncated).toBe(true);
  });
});
