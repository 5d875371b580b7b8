/**
 * Form/query decoding to raw bytes (parseRawQuery, percentDecode): Kannel hands smsbox the bytes of `text` as they
 * came (reference/kannel.md §1.1: text is converted from `charset`, so %E9 must stay the one byte 0xE9).
 */
import { describe, it, expect } from 'vitest';
import { parseRawQuery, percentDecode } from '../../../src/http/raw-query.js';

const hex = (b: Buffer | undefined): string | undefined => b?.toString('hex');

describe('percentDecode', () => {
  it.each([
    ['', ''],
    ['abc', '616263'],
    // one byte per %XX, whatever it would mean in UTF-8
    ['%E9', 'e9'],
    ['%e9', 'e9'],
    ['%C3%A9', 'c3a9'],
    ['%00', '00'],
    ['%FF%fe', 'fffe'],
    ['caf%E9', '636166e9'],
    // '+' is a space; an encoded plus is a plus
    ['+', '20'],
    ['a+b', '612062'],
    ['%2B', '2b'],
    ['%20', '20'],
    ['++', '2020'],
    // malformed escapes are kept as written
    ['%', '25'],
    ['a%', '6125'],
    ['%4', '2534'],
    ['%4g', '253467'],
    ['%GG', '254747'],
    ['%%41', '2541'],
    ['100%', '31303025'],
    ['%%', '2525'],
    // characters that arrive unencoded (latin1 strings from the HTTP layer) are one byte each
    ['é', 'e9'],
    ['é+%E9', 'e920e9'],
  ])('%j → %s', (input, expected) => {
    expect(percentDecode(input).toString('hex')).toBe(expected);
  });
});

describe('parseRawQuery', () => {
  it('an empty query has no parameters', () => {
    expect(parseRawQuery('').size).toBe(0);
  });

  it('keeps each value as bytes: %E9 is one byte 0xE9 and "+" is a space', () => {
    const q = parseRawQuery('username=u&text=%E9t%E9+ok&charset=ISO-8859-1');
    expect(hex(q.get('text'))).toBe('e974e9206f6b');
    expect(q.get('charset')?.toString()).toBe('ISO-8859-1');
    expect(q.get('username')?.toString()).toBe('u');
  });

  it.each([
    // http_cgi_variable returns the first of several values with one name
    ['to=1&to=2', 'to', '1'],
    ['text=a&x=1&text=b', 'text', 'a'],
    // a name without "=" has an empty value
    ['flag&to=1', 'flag', ''],
    ['to=', 'to', ''],
    // only the first "=" separates name and value
    ['meta-data=%3Fsmpp%3Fa%3D1%26b%3D2', 'meta-data', '?smpp?a=1&b=2'],
    ['a=b=c', 'a', 'b=c'],
    // names are decoded too
    ['dlr%2Dmask=31', 'dlr-mask', '31'],
    ['my+name=v', 'my name', 'v'],
    ['%74o=46700', 'to', '46700'],
    // receivers separated by "+" become spaces
    ['to=46700000001+46700000002', 'to', '46700000001 46700000002'],
    ['to=%2B46700000001', 'to', '+46700000001'],
    // empty pairs are skipped
    ['&&to=1&', 'to', '1'],
    ['=x&to=1', '', 'x'],
  ])('%s: %s = %j', (query, name, value) => {
    expect(parseRawQuery(query).get(name)?.toString('latin1')).toBe(value);
  });

  it('a name that appears first without a value still wins', () => {
    expect(parseRawQuery('to&to=1').get('to')?.length).toBe(0);
  });

  it('names are compared exactly (case-sensitive, like Kannel)', () => {
    const q = parseRawQuery('To=1&to=2');
    expect(q.get('To')?.toString()).toBe('1');
    expect(q.get('to')?.toString()).toBe('2');
  });

  it('a large binary body round-trips byte for byte', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const encoded = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    expect(parseRawQuery(`text=${encoded}`).get('text')?.equals(bytes)).toBe(true);
  });
});
