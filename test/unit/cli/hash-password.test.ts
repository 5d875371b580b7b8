/** `switchboard hash-password`: the password from stdin (one trailing newline dropped), printed as an scrypt hash. */
import { scryptSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hashForConfig, readPasswordFrom } from '../../../src/cli/hash-password.js';
import { parseStoredSecret, scryptOptions } from '../../../src/security/password-hash.js';

describe('hash-password', () => {
  it.each([
    ['s3cret\n', 's3cret'],
    ['s3cret\r\n', 's3cret'],
    ['s3cret', 's3cret'],
    ['two words \n\n', 'two words \n'],
    ['пароль\n', 'пароль'],
  ])('reads %j from stdin as %j', async (input, expected) => {
    expect(await readPasswordFrom(Readable.from([Buffer.from(input, 'utf8')]))).toBe(expected);
  });

  it('prints a hash with the default cost and a fresh salt that verifies the password', () => {
    const line = hashForConfig('s3cret');
    expect(line).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    const parsed = parseStoredSecret(line);
    if (!parsed.ok || parsed.secret.kind !== 'scrypt') throw new Error('expected an scrypt hash');
    const { salt, hash, params } = parsed.secret;
    expect(scryptSync('s3cret', salt, hash.length, scryptOptions(params))).toEqual(hash);
    expect(hashForConfig('s3cret')).not.toBe(line);
  });

  it('refuses an empty password', () => {
    expect(() => hashForConfig('')).toThrow('the password is empty');
  });
});
