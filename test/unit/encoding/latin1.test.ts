import { describe, expect, it } from 'vitest';
import { latin1Decode, latin1Encode } from '../../../src/encoding/latin1.js';

describe('latin1Encode', () => {
  it('writes one octet per character up to U+00FF', () => {
    const result = latin1Encode('Grüße ÿ\u0080');
    expect(result).toEqual({ ok: true, bytes: Buffer.from('4772fcdf6520ff80', 'hex') });
  });

  it('refuses anything above U+00FF and reports where, never replacing it', () => {
    expect(latin1Encode('price 5€')).toEqual({ ok: false, char: '€', index: 7 });
    expect(latin1Encode('a😀')).toEqual({ ok: false, char: '😀', index: 1 });
  });
});

describe('latin1Decode', () => {
  it('reads every octet as the code point of the same value', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const text = latin1Decode(all);
    expect(text).toHaveLength(256);
    for (let i = 0; i < 256; i++) expect(text.charCodeAt(i)).toBe(i);
  });

  it('round-trips with latin1Encode', () => {
    const result = latin1Encode('Ça coûte 5 £ à Paris');
    expect(result.ok && latin1Decode(result.bytes)).toBe('Ça coûte 5 £ à Paris');
  });
});
