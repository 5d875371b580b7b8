import { describe, expect, it } from 'vitest';
import { ucs2Decode, ucs2Encode, ucs2Units } from '../../../src/encoding/ucs2.js';

describe('ucs2Encode', () => {
  it('writes UTF-16 big-endian', () => {
    expect(ucs2Encode('Привет').toString('hex')).toBe('041f04400438043204350442');
    expect(ucs2Encode('A€').toString('hex')).toBe('004120ac');
  });

  it('writes a character outside the BMP as a surrogate pair', () => {
    expect(ucs2Encode('😀').toString('hex')).toBe('d83dde00');
  });

  it('encodes the empty text as no octets', () => {
    expect(ucs2Encode('')).toHaveLength(0);
  });
});

describe('ucs2Decode', () => {
  it('reads UTF-16 big-endian, surrogate pairs included', () => {
    expect(ucs2Decode(Buffer.from('041f0440d83dde00', 'hex'))).toBe('Пр😀');
  });

  it('drops the dangling byte of an odd-length buffer instead of throwing', () => {
    expect(ucs2Decode(Buffer.from('0041004200', 'hex'))).toBe('AB');
    expect(ucs2Decode(Buffer.from('00', 'hex'))).toBe('');
    expect(ucs2Decode(Buffer.alloc(0))).toBe('');
  });

  it('does not modify the buffer it reads', () => {
    const bytes = Buffer.from('0041', 'hex');
    ucs2Decode(bytes);
    expect(bytes.toString('hex')).toBe('0041');
  });

  it('round-trips text with mixed scripts', () => {
    const text = 'Hello Мир 你好 😀👍🏽 ﷺ';
    expect(ucs2Decode(ucs2Encode(text))).toBe(text);
  });
});

describe('ucs2Units', () => {
  it('counts 16-bit units: two for a character outside the BMP', () => {
    expect(ucs2Units('Привет')).toBe(6);
    expect(ucs2Units('a😀')).toBe(3);
    expect(ucs2Units('')).toBe(0);
  });
});
