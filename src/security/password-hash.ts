/**
 * Stored passwords (an account's `password`, admin-password, status-password): plain text as Kannel has them, or an
 * scrypt hash in a self-describing form, `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64, PHC style), as
 * `switchboard hash-password` prints it. scrypt because node:crypto has it (no native dependency) and it is
 * memory-hard; the parameters travel with the hash, so raising them later leaves old hashes valid.
 *
 * Pure: parsing, formatting, the derivation itself (deterministic) and constant-time comparison. Salts come from
 * the caller; the cache of verified passwords lives in password-verifier.ts.
 */
import { scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the cost N. */
  readonly ln: number;
  /** Block size. */
  readonly r: number;
  /** Parallelism. */
  readonly p: number;
}

/** About 110 ms and 32 MiB per hash on a 2-vCPU VM (2026): the RFC 7914 interactive-login figures. */
export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 1 };
export const SALT_BYTES = 16;
export const HASH_BYTES = 32;
/** The most memory one verification may take; a hash that asks for more is refused at load. */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

export type StoredSecret =
  | { readonly kind: 'plain'; readonly text: string }
  | { readonly kind: 'scrypt'; readonly params: ScryptParams; readonly salt: Buffer; readonly hash: Buffer };

export type ParsedSecret = { readonly ok: true; readonly secret: StoredSecret } | { readonly ok: false; readonly problem: string };

/** Scheme ids of other hash formats: such a value is refused rather than taken as a plain-text password. */
const OTHER_SCHEMES = new Set([
  'argon2i',
  'argon2d',
  'argon2id',
  '2a',
  '2b',
  '2x',
  '2y',
  '1',
  '5',
  '6',
  '7',
  'y',
  'gy',
  'pbkdf2',
  'pbkdf2-sha256',
  'pbkdf2-sha512',
  'bcrypt',
  'bcrypt-sha256',
  'sha1',
  'md5',
]);

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function scryptMemory(p: ScryptParams): number {
  return 128 * 2 ** p.ln * p.r * p.p;
}

/** The options node:crypto needs, with room for the memory the parameters take (its default allows 32 MiB). */
export function scryptOptions(p: ScryptParams): ScryptOptions {
  return { N: 2 ** p.ln, r: p.r, p: p.p, maxmem: scryptMemory(p) + 1024 * 1024 };
}

function parseParams(text: string): ScryptParams | string {
  const fields = new Map<string, number>();
  for (const part of text.split(',')) {
    const m = /^(ln|r|p)=(\d{1,3})$/.exec(part);
    if (!m || fields.has(m[1]!)) return `expected the parameters as ln=N,r=N,p=N, got ${JSON.stringify(text)}`;
    fields.set(m[1]!, Number(m[2]));
  }
  const ln = fields.get('ln');
  const r = fields.get('r');
  const p = fields.get('p');
  if (ln === undefined || r === undefined || p === undefined) return `expected the parameters as ln=N,r=N,p=N, got ${JSON.stringify(text)}`;
  if (ln < 1 || ln > 24 || r < 1 || r > 64 || p < 1 || p > 16) return 'scrypt parameters out of range (ln 1-24, r 1-64, p 1-16)';
  const params = { ln, r, p };
  if (scryptMemory(params) > MAX_SCRYPT_MEMORY)
    return `scrypt parameters need ${scryptMemory(params) / 1024 / 1024} MiB per verification; at most 256 MiB`;
  return params;
}

/** A configured password: a `$scrypt$…` hash, plain text, or a problem (a malformed hash, another hash format). */
export function parseStoredSecret(value: string): ParsedSecret {
  if (!value.startsWith('$')) return { ok: true, secret: { kind: 'plain', text: value } };
  const fields = value.split('$');
  const scheme = fields[1] ?? '';
  if (scheme !== 'scrypt') {
    if (OTHER_SCHEMES.has(scheme))
      return { ok: false, problem: `a "$${scheme}$" hash is not supported; give an scrypt hash from \`switchboard hash-password\`` };
    return { ok: true, secret: { kind: 'plain', text: value } };
  }
  if (fields.length !== 5 || fields[0] !== '')
    return { ok: false, problem: 'expected an scrypt hash as $scrypt$ln=N,r=N,p=N$<salt>$<hash> (from `switchboard hash-password`)' };
  const params = parseParams(fields[2]!);
  if (typeof params === 'string') return { ok: false, problem: params };
  const [salt64, hash64] = [fields[3]!, fields[4]!];
  if (!B64.test(salt64) || !B64.test(hash64)) return { ok: false, problem: 'the salt and the hash must be base64' };
  const salt = Buffer.from(salt64, 'base64');
  const hash = Buffer.from(hash64, 'base64');
  if (salt.length < 8) return { ok: false, problem: 'the salt must be at least 8 bytes' };
  if (hash.length < 16 || hash.length > 64) return { ok: false, problem: 'the hash must be 16 to 64 bytes' };
  return { ok: true, secret: { kind: 'scrypt', params, salt, hash } };
}

const b64 = (b: Buffer): string => b.toString('base64').replace(/=+$/, '');

export function formatScryptHash(params: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

/** The hash of `password` with this salt, formatted. Synchronous: for the CLI and tests, not for a server. */
export function hashPassword(password: string, salt: Buffer, params: ScryptParams = DEFAULT_SCRYPT): string {
  return formatScryptHash(params, salt, scryptSync(password, salt, HASH_BYTES, scryptOptions(params)));
}

/** Equal bytes, in time that depends only on the length; give it digests of one length so that leaks nothing. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
