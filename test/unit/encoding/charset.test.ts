import { describe, expect, it } from 'vitest';
import { decodeCharset, isKnownCharset } from '../../../src/encoding/charset.js';

const hex = (value: string): Buffer => Buffer.from(value.replace(/\s/g, ''), 'hex');

describe('decodeCharset', () => {
  it.each([
    ['utf-8', hex('d09fd180d0b8 f09f9880'), 'При😀'],
    ['UTF8', hex('c3a9'), 'é'],
    ['utf-16be', hex('041f 0440 d83d de00'), 'Пр😀'],
    ['UCS-2', hex('0041 20ac'), 'A€'],
    ['ucs2', hex('0041'), 'A'],
    ['utf-16le', hex('1f04 4004'), 'Пр'],
    ['utf-16', hex('feff 0041'), 'A'],
    ['utf-16', hex('fffe 4100'), 'A'],
    ['utf-16', hex('0041'), 'A'],
    ['iso-8859-1', hex('e9 80 ff'), 'é\u0080ÿ'],
    ['latin1', hex('47 72 fc df 65'), 'Grüße'],
    ['windows-1252', hex('80 99 e9 9f'), '€™éŸ'],
    ['cp1252', hex('93 41 94'), '“A”'],
    ['ascii', hex('48 69 7e'), 'Hi~'],
    [' US-ASCII ', hex('41'), 'A'],
  ])('decodes %s', (charset, bytes, text) => {
    expect(decodeCharset(bytes, charset)).toEqual({ ok: true, text });
  });

  it('drops a UTF-8 byte-order mark', () => {
    expect(decodeCharset(hex('efbbbf 41'), 'utf-8')).toEqual({ ok: true, text: 'A' });
  });

  it.each([
    ['utf-8', hex('c3'), 'a truncated sequence'],
    ['utf-8', hex('ff fe'), 'bytes that never occur in UTF-8'],
    ['utf-8', hex('eda080'), 'an encoded surrogate'],
    ['utf-16be', hex('0041 00'), 'an odd length'],
    ['utf-16be', hex('d83d 0041'), 'a lone surrogate'],
    ['ascii', hex('41 80'), 'an octet above 0x7F'],
    ['windows-1252', hex('41 81'), 'an octet windows-1252 leaves undefined'],
  ])('refuses %s with %s', (charset, bytes) => {
    const result = decodeCharset(bytes, charset);
    expect(result.ok).toBe(false);
  });

  it('refuses a charset it does not know', () => {
    expect(decodeCharset(hex('41'), 'klingon')).toEqual({ ok: false, detail: 'unknown charset "klingon"' });
    expect(isKnownCharset('klingon')).toBe(false);
    expect(isKnownCharset('ISO-8859-1')).toBe(true);
  });
});
