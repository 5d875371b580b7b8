import { describe, expect, it } from 'vitest';
import { gsm7Decode, gsm7Encode, gsm7Length, isGsm7 } from '../../../src/encoding/gsm7.js';
import { DEFAULT_ALPHABET, EXTENSION_TABLE } from './gsm7-tables.js';

function encodeOk(text: string): Buffer {
  const result = gsm7Encode(text);
  if (!result.ok) throw new Error(`expected "${text}" to encode, failed at ${result.index}`);
  return result.septets;
}

describe('GSM 7-bit tables (23.038 §6.2.1)', () => {
  it('the reference tables are complete: 127 characters plus 10 extension characters', () => {
    expect(DEFAULT_ALPHABET).toHaveLength(127);
    expect(new Set(DEFAULT_ALPHABET.map(([septet]) => septet)).size).toBe(127);
    expect(EXTENSION_TABLE).toHaveLength(10);
  });

  it.each(DEFAULT_ALPHABET.map(([septet, cp]) => [septet.toString(16).padStart(2, '0'), septet, cp] as const))(
    'default septet 0x%s encodes and decodes as its character',
    (_hex, septet, codePoint) => {
      const char = String.fromCodePoint(codePoint);
      expect(encodeOk(char)).toEqual(Buffer.of(septet));
      expect(gsm7Decode(Buffer.of(septet))).toBe(char);
      expect(gsm7Length(char)).toBe(1);
    },
  );

  it.each(EXTENSION_TABLE.map(([code, cp]) => [code.toString(16).padStart(2, '0'), code, cp] as const))(
    'extension code 0x%s encodes as ESC + code and counts two septets',
    (_hex, code, codePoint) => {
      const char = String.fromCodePoint(codePoint);
      expect(encodeOk(char)).toEqual(Buffer.of(0x1b, code));
      expect(gsm7Decode(Buffer.of(0x1b, code))).toBe(char);
      expect(gsm7Length(char)).toBe(2);
    },
  );

  it('no other BMP character encodes', () => {
    const allowed = new Set([...DEFAULT_ALPHABET, ...EXTENSION_TABLE].map(([, cp]) => cp));
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const encodes = gsm7Encode(String.fromCharCode(cp)).ok;
      if (encodes !== allowed.has(cp)) wrong.push(cp.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  it('the whole alphabet round-trips in one text', () => {
    const text = [...DEFAULT_ALPHABET, ...EXTENSION_TABLE].map(([, cp]) => String.fromCodePoint(cp)).join('');
    const septets = encodeOk(text);
    expect(septets).toHaveLength(127 + 2 * 10);
    expect(gsm7Decode(septets)).toBe(text);
  });
});

describe('gsm7Encode', () => {
  it('writes unpacked septets, extension characters as escape pairs', () => {
    expect(encodeOk('Hi {x} €5')).toEqual(Buffer.from([0x48, 0x69, 0x20, 0x1b, 0x28, 0x78, 0x1b, 0x29, 0x20, 0x1b, 0x65, 0x35]));
  });

  it('encodes the empty text as no septets', () => {
    expect(encodeOk('')).toHaveLength(0);
  });

  it.each([
    ['ç', 'lower-case c cedilla: 23.038 gives 0x09 to Ç only', 3],
    ['\t', 'tab', 3],
    ['\u001b', 'ESC itself would start an escape sequence', 3],
    ['\u0391', 'Greek capital Alpha is not Latin A', 3],
    ['\u2126', 'the Ohm sign is not Greek Omega', 3],
    ['\u00a0', 'no-break space', 3],
    ['`', 'grave accent', 3],
    ['Я', 'Cyrillic', 3],
  ])('refuses %j (%s) and reports where', (char, _why, index) => {
    expect(gsm7Encode(`abc${char}def`)).toEqual({ ok: false, char, index });
  });

  it('reports a character outside the BMP whole, at its UTF-16 index', () => {
    expect(gsm7Encode('ok 😀!')).toEqual({ ok: false, char: '😀', index: 3 });
  });

  it('reports the first offending character', () => {
    expect(gsm7Encode('aЯb😀')).toEqual({ ok: false, char: 'Я', index: 1 });
  });
});

describe('gsm7Length / isGsm7', () => {
  it('counts extension characters twice', () => {
    expect(gsm7Length('a{b}c€')).toBe(9);
    expect(gsm7Length('')).toBe(0);
  });

  it('is undefined for text that does not fit', () => {
    expect(gsm7Length('naïve')).toBeUndefined();
    expect(isGsm7('naïve')).toBe(false);
    expect(isGsm7('Grüße')).toBe(true);
  });
});

describe('gsm7Decode never throws', () => {
  it('shows an escape followed by a code without extension symbol as the default-table character', () => {
    expect(gsm7Decode(Buffer.of(0x1b, 0x41))).toBe('A');
    expect(gsm7Decode(Buffer.of(0x1b, 0x00))).toBe('@');
    expect(gsm7Decode(Buffer.of(0x1b, 0x0d))).toBe('\r');
  });

  it('shows ESC ESC and a dangling escape as a space', () => {
    expect(gsm7Decode(Buffer.of(0x41, 0x1b, 0x1b, 0x42))).toBe('A B');
    expect(gsm7Decode(Buffer.of(0x41, 0x1b))).toBe('A ');
  });

  it('shows an octet above 0x7F as U+FFFD', () => {
    expect(gsm7Decode(Buffer.of(0x41, 0x80, 0xff, 0x1b, 0x90))).toBe('A\ufffd\ufffd\ufffd');
  });

  it('decodes every possible octet pair without throwing', () => {
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) expect(typeof gsm7Decode(Buffer.of(a, b))).toBe('string');
    }
  });
});
