import { describe, expect, it } from 'vitest';
import { decodeAlt, encodeAlt, parseAltCharset, septetsToAlt } from '../../../src/encoding/alt-charset.js';
import { buildParts, encodeText, gsm7Encode } from '../../../src/encoding/index.js';
import { assembleMo, moPartFrom } from '../../../src/mo/assemble-mo.js';
import { DEFAULT_INTEROP } from '../../../src/domain/link.js';
import { makeLink } from '../domain-builders.js';
import { inbound } from '../mo/builders.js';

describe("Kannel's alt-charset names", () => {
  it.each([
    ['ISO-8859-1', 'latin1'],
    ['latin1', 'latin1'],
    ['ASCII', 'ascii'],
    ['us-ascii', 'ascii'],
    ['WINDOWS-1252', 'windows-1252'],
    ['cp1252', 'windows-1252'],
    ['GSM', 'gsm'],
  ])('%s is %s', (name, cs) => expect(parseAltCharset(name)).toBe(cs));

  it('refuses multi-octet and unknown charsets (a part would no longer fit its octets)', () => {
    expect(parseAltCharset('UTF-8')).toBeUndefined();
    expect(parseAltCharset('KOI8-R')).toBeUndefined();
  });
});

describe('encodeAlt / decodeAlt', () => {
  it('writes one octet per character, ? for what the charset lacks', () => {
    expect(encodeAlt('aé€', 'latin1')).toEqual(Buffer.from([0x61, 0xe9, 0x3f]));
    expect(encodeAlt('aé€', 'ascii')).toEqual(Buffer.from([0x61, 0x3f, 0x3f]));
    expect(encodeAlt('aé€', 'windows-1252')).toEqual(Buffer.from([0x61, 0xe9, 0x80]));
    expect(encodeAlt('a@€ж', 'gsm')).toEqual(Buffer.from([0x61, 0x00, 0x1b, 0x65, 0x3f]));
  });

  it('reads them back', () => {
    expect(decodeAlt(Buffer.from([0x61, 0xe9]), 'latin1')).toBe('aé');
    expect(decodeAlt(Buffer.from([0x61, 0xe9]), 'ascii')).toBe('a?');
    expect(decodeAlt(Buffer.from([0x80, 0x81]), 'windows-1252')).toBe('€?');
    expect(decodeAlt(Buffer.from([0x00, 0x1b, 0x65]), 'gsm')).toBe('@€');
  });

  it('re-encodes stored GSM septets, escapes included', () => {
    const g = gsm7Encode('é{ü');
    if (!g.ok) throw new Error('not GSM');
    expect(septetsToAlt(g.septets, 'latin1')).toEqual(Buffer.from([0xe9, 0x7b, 0xfc]));
    expect(septetsToAlt(g.septets, 'gsm')).toBe(g.septets);
  });

  it('buildParts re-encodes each part alone, so an escape never splits across parts', () => {
    const text = `${'a'.repeat(152)}{${'b'.repeat(10)}`;
    const e = encodeText({ text: Buffer.from(text, 'utf8') });
    if (!e.ok) throw new Error(e.detail);
    const built = buildParts(e.alphabet, e.payload, 'udh8', 7, undefined, false, 'latin1');
    if (!built.ok) throw new Error('split failed');
    const bodies = built.parts.map((p) => p.shortMessage.subarray(6).toString('latin1'));
    expect(bodies.join('')).toBe(text);
    expect(bodies[0]).toBe('a'.repeat(152));
  });
});

describe('MO on a link with alt-charset', () => {
  it('reads data_coding 0 in the link charset; other codings as before', () => {
    const link = makeLink('x', { interop: { ...DEFAULT_INTEROP, altCharset: 'latin1' } });
    const latin = assembleMo([moPartFrom(inbound({ dataCoding: 0, body: Buffer.from([0x68, 0xe9, 0x7b]) }), link, 1)], 'id');
    expect(latin.text).toBe('hé{');
    const ascii = assembleMo([moPartFrom(inbound({ dataCoding: 1, body: Buffer.from('plain') }), link, 1)], 'id');
    expect(ascii.text).toBe('plain');
  });
});
