import { describe, expect, it } from 'vitest';
import { encodeText } from '../../../src/encoding/encode-text.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('encodeText: choosing the alphabet', () => {
  it('sends text that fits GSM as unpacked GSM septets with data_coding 0', () => {
    expect(encodeText({ text: utf8('Hi {there} €') })).toEqual({
      ok: true,
      alphabet: 'gsm7',
      dataCoding: 0x00,
      payload: Buffer.from('4869201b2874686572651b29201b65', 'hex'),
    });
  });

  it('switches to UCS-2 when coding is unset and a character does not fit (where Kannel would send "?")', () => {
    expect(encodeText({ text: utf8('Привет 😀') })).toEqual({
      ok: true,
      alphabet: 'ucs2',
      dataCoding: 0x08,
      payload: Buffer.from('041f04400438043204350442 0020 d83dde00'.replace(/ /g, ''), 'hex'),
    });
  });

  it('switches to UCS-2 for a single ç, which GSM cannot write', () => {
    const result = encodeText({ text: utf8('garçon') });
    expect(result.ok && result.alphabet).toBe('ucs2');
  });

  it('refuses explicit coding=0 with a character outside GSM, naming it, and never alters the text', () => {
    expect(encodeText({ text: utf8('Tschüß Привет'), coding: 0 })).toEqual({
      ok: false,
      error: 'unencodable',
      detail: 'character "П" (U+041F) at index 7 is not in the GSM 7-bit alphabet; send it with coding=2 (UCS-2) or leave coding unset',
    });
  });

  it('names a character outside the BMP by its code point', () => {
    const result = encodeText({ text: utf8('ok 😀'), coding: 0 });
    expect(result.ok === false && result.detail).toContain('"😀" (U+1F600) at index 3');
  });

  it('sends coding=2 as UCS-2 even when the text would fit GSM', () => {
    expect(encodeText({ text: utf8('hi'), charset: 'utf-8', coding: 2 })).toEqual({
      ok: true,
      alphabet: 'ucs2',
      dataCoding: 0x08,
      payload: Buffer.from('00680069', 'hex'),
    });
  });

  it('sends coding=1 bytes exactly as they came, whatever the charset says', () => {
    const bytes = Buffer.from('c3a9ff00', 'hex');
    expect(encodeText({ text: bytes, coding: 1, charset: 'klingon' })).toEqual({
      ok: true,
      alphabet: 'binary',
      dataCoding: 0x04,
      payload: bytes,
    });
  });

  it('makes a UDH default to 8-bit, as Kannel does', () => {
    const result = encodeText({ text: Buffer.from('0102', 'hex'), udh: Buffer.from('0605040b8423f0', 'hex') });
    expect(result).toEqual({ ok: true, alphabet: 'binary', dataCoding: 0x04, payload: Buffer.from('0102', 'hex') });
  });

  it('keeps GSM with a UDH when coding=0 is explicit, and leaves the UDH out of the payload', () => {
    const result = encodeText({ text: utf8('abc'), coding: 0, udh: Buffer.from('050003010201', 'hex') });
    expect(result).toEqual({ ok: true, alphabet: 'gsm7', dataCoding: 0x00, payload: Buffer.from('616263', 'hex') });
  });

  it('encodes the empty text', () => {
    expect(encodeText({ text: Buffer.alloc(0) })).toEqual({ ok: true, alphabet: 'gsm7', dataCoding: 0, payload: Buffer.alloc(0) });
  });
});

describe('encodeText: charsets', () => {
  it('reads coding 0 and unset as UTF-8 by default', () => {
    const result = encodeText({ text: utf8('é') });
    expect(result.ok && result.payload).toEqual(Buffer.of(0x05));
  });

  it('reads coding 2 as UTF-16BE by default, as Kannel does', () => {
    // Kannel 1.4.5 measured: text=hi&coding=2 with no charset is sent as the single UCS-2 unit 0x6869.
    const result = encodeText({ text: Buffer.from('hi', 'latin1'), coding: 2 });
    expect(result.ok && result.payload.toString('hex')).toBe('6869');
  });

  it('reads Latin-1 input', () => {
    const result = encodeText({ text: Buffer.from('47 72 fc df 65'.replace(/ /g, ''), 'hex'), charset: 'ISO-8859-1' });
    expect(result.ok && result.alphabet).toBe('gsm7');
    expect(result.ok && result.payload).toEqual(Buffer.from('47727e1e65', 'hex'));
  });

  it('reads UTF-16BE input into GSM when it fits', () => {
    const result = encodeText({ text: Buffer.from('00480069', 'hex'), charset: 'utf-16be' });
    expect(result).toEqual({ ok: true, alphabet: 'gsm7', dataCoding: 0, payload: Buffer.from('4869', 'hex') });
  });

  it('reads windows-1252 curly quotes, which then need UCS-2', () => {
    const result = encodeText({ text: Buffer.from('934194', 'hex'), charset: 'windows-1252' });
    expect(result.ok && result.payload.toString('hex')).toBe('201c0041201d');
  });

  it('fails with "charset" on bytes that are not valid in the named charset', () => {
    expect(encodeText({ text: Buffer.from('c328', 'hex') })).toMatchObject({ ok: false, error: 'charset' });
    expect(encodeText({ text: Buffer.from('004100', 'hex'), coding: 2 })).toMatchObject({ ok: false, error: 'charset' });
    expect(encodeText({ text: Buffer.from('41', 'hex'), charset: 'ascii', coding: 0 })).toMatchObject({ ok: true });
    expect(encodeText({ text: Buffer.from('e9', 'hex'), charset: 'ascii' })).toMatchObject({ ok: false, error: 'charset' });
  });

  it('fails with "charset" on an unknown charset', () => {
    expect(encodeText({ text: utf8('hi'), charset: 'ebcdic-fr' })).toEqual({
      ok: false,
      error: 'charset',
      detail: 'unknown charset "ebcdic-fr"',
    });
  });
});

describe('encodeText: data_coding follows the alphabet actually chosen', () => {
  it('puts a class on automatic UCS-2 in the 00xx form', () => {
    const result = encodeText({ text: utf8('Привет'), mclass: 1 });
    expect(result.ok && result.dataCoding).toBe(0x19);
  });

  it('uses the UCS-2 MWI group for automatic UCS-2 with an active indication', () => {
    const result = encodeText({ text: utf8('Привет'), mwi: 0 });
    expect(result.ok && result.dataCoding).toBe(0xe8);
  });

  it('uses the 0xFX form for GSM with a class', () => {
    const result = encodeText({ text: utf8('flash'), mclass: 0 });
    expect(result.ok && result.dataCoding).toBe(0xf0);
  });
});
