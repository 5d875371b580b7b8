/**
 * Stored passwords: plain text (Kannel's) or `$scrypt$ln=…,r=…,p=…$salt$hash`; parsing refuses malformed hashes and
 * other formats rather than taking them as plain-text passwords.
 */
import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT,
  formatScryptHash,
  hashPassword,
  parseStoredSecret,
  sameBytes,
  scryptOptions,
} from '../../../src/security/password-hash.js';

const SALT = Buffer.from('0123456789abcdef');
const FAST = { ln: 4, r: 8, p: 1 };

describe('hashPassword and parseStoredSecret', () => {
  it('formats the PHC-style string and parses it back to the same parameters, salt and hash', () => {
    const h = hashPassword('secret', SALT, FAST);
    expect(h).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$MDEyMzQ1Njc4OWFiY2RlZg\$[A-Za-z0-9+/]{43}$/);
    const parsed = parseStoredSecret(h);
    expect(parsed).toMatchObject({ ok: true, secret: { kind: 'scrypt', params: FAST } });
    if (parsed.ok && parsed.secret.kind === 'scrypt') {
      expect(parsed.secret.salt).toEqual(SALT);
      expect(parsed.secret.hash).toEqual(scryptSync('secret', SALT, 32, scryptOptions(FAST)));
    }
  });

  it('uses ln=15, r=8, p=1 by default (about 100 ms and 32 MiB)', () => {
    expect(DEFAULT_SCRYPT).toEqual({ ln: 15, r: 8, p: 1 });
    expect(scryptOptions(DEFAULT_SCRYPT)).toMatchObject({ N: 32768, r: 8, p: 1 });
    expect(scryptOptions(DEFAULT_SCRYPT).maxmem).toBeGreaterThan(32 * 1024 * 1024);
  });

  it('a different salt gives a different hash', () => {
    expect(hashPassword('secret', SALT, FAST)).not.toBe(hashPassword('secret', Buffer.from('fedcba9876543210'), FAST));
  });

  it('accepts base64 with padding too', () => {
    expect(parseStoredSecret(formatScryptHash(FAST, SALT, Buffer.alloc(32, 1)).replace(/\$([^$]+)$/, '$$$1=')).ok).toBe(true);
  });

  it.each([
    ['plain text', 'foobar'],
    ['empty', ''],
    ['a dollar sign that is no hash format', '$ecret'],
    ['dollars around an unknown word', '$money$talks'],
  ])('takes %s as a plain-text password', (_what, value) => {
    expect(parseStoredSecret(value)).toEqual({ ok: true, secret: { kind: 'plain', text: value } });
  });

  it.each([
    ['too few fields', '$scrypt$ln=4,r=8,p=1$c2FsdHNhbHQ', /expected an scrypt hash as/],
    ['parameters missing', '$scrypt$ln=4,r=8$c2FsdHNhbHQ$MDEyMzQ1Njc4OWFiY2RlZg', /ln=N,r=N,p=N/],
    ['parameters repeated', '$scrypt$ln=4,ln=5,p=1$c2FsdHNhbHQ$MDEyMzQ1Njc4OWFiY2RlZg', /ln=N,r=N,p=N/],
    ['cost out of range', '$scrypt$ln=0,r=8,p=1$c2FsdHNhbHQ$MDEyMzQ1Njc4OWFiY2RlZg', /out of range/],
    ['too much memory', '$scrypt$ln=20,r=16,p=1$c2FsdHNhbHQ$MDEyMzQ1Njc4OWFiY2RlZg', /2048 MiB per verification; at most 256/],
    ['a salt that is not base64', '$scrypt$ln=4,r=8,p=1$not*b64$MDEyMzQ1Njc4OWFiY2RlZg', /base64/],
    ['a short salt', '$scrypt$ln=4,r=8,p=1$c2FsdA$MDEyMzQ1Njc4OWFiY2RlZg', /salt must be at least 8 bytes/],
    ['a short hash', '$scrypt$ln=4,r=8,p=1$c2FsdHNhbHQ$MDEy', /hash must be 16 to 64 bytes/],
    ['an argon2 hash', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', /"\$argon2id\$" hash is not supported/],
    ['a bcrypt hash', '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW', /"\$2b\$" hash is not supported/],
  ])('refuses %s', (_what, value, message) => {
    const r = parseStoredSecret(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(message);
  });
});

describe('sameBytes', () => {
  it('is equality of content and length', () => {
    expect(sameBytes(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(sameBytes(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(sameBytes(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(sameBytes(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });
});
