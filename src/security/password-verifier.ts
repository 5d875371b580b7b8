/**
 * Checks a given password against a stored one, in constant time, without paying scrypt on every request: sendsms
 * sees thousands of requests a second with the same credentials, and one scrypt verification costs about 100 ms.
 *
 * Every comparison is between two SHA-256 digests (of equal length, so neither the content nor the length of the
 * password leaks through timing), keyed with a random per-process secret so a digest in memory is useless
 * elsewhere. A successful scrypt verification is remembered per credential id (an account, the status password):
 * the digest of the password that verified. Only a password that verified is ever remembered, one per id, so the
 * cache is as large as the configuration. Wrong passwords always go to scrypt; at most `maxPending` scrypt
 * verifications wait for the thread pool at once, and beyond that the answer is 'busy' (the client hears "try
 * again later"): a flood of wrong passwords then costs the gateway bounded work, and the event loop never blocks.
 */
import { hash as digestOf, randomBytes, scrypt } from 'node:crypto';
import { sameBytes, scryptOptions, type StoredSecret } from './password-hash.js';

export type VerifyResult = 'ok' | 'wrong' | 'busy';

export interface PasswordVerifierOptions {
  /** scrypt verifications queued or running at once; more are answered 'busy'. Default 16. */
  readonly maxPending?: number;
}

export class PasswordVerifier {
  /** A one-shot SHA-256 over key + password: half the CPU of an Hmac object, and equality is all it is used for. */
  private readonly key = randomBytes(32).toString('base64');
  private readonly verified = new Map<string, { readonly secret: StoredSecret; readonly digest: Buffer }>();
  private readonly plainDigests = new WeakMap<StoredSecret, Buffer>();
  private readonly maxPending: number;
  private pending = 0;

  constructor(opts: PasswordVerifierOptions = {}) {
    this.maxPending = opts.maxPending ?? 16;
  }

  private digest(password: string): Buffer {
    return digestOf('sha256', this.key + password, 'buffer');
  }

  /** `id` names the credential (e.g. `account:demo`) for the cache of verified passwords. */
  verify(id: string, secret: StoredSecret, given: string): VerifyResult | Promise<VerifyResult> {
    const digest = this.digest(given);
    if (secret.kind === 'plain') {
      let stored = this.plainDigests.get(secret);
      if (!stored) {
        stored = this.digest(secret.text);
        this.plainDigests.set(secret, stored);
      }
      return sameBytes(stored, digest) ? 'ok' : 'wrong';
    }
    const hit = this.verified.get(id);
    if (hit && hit.secret === secret && sameBytes(hit.digest, digest)) return 'ok';
    if (this.pending >= this.maxPending) return 'busy';
    this.pending++;
    return new Promise<VerifyResult>((resolve, reject) => {
      scrypt(given, secret.salt, secret.hash.length, scryptOptions(secret.params), (err, derived) => {
        this.pending--;
        if (err) return reject(err);
        const ok = sameBytes(derived, secret.hash);
        if (ok) this.verified.set(id, { secret, digest });
        resolve(ok ? 'ok' : 'wrong');
      });
    });
  }

  /** Verifications waiting for scrypt now (for tests and metrics). */
  get inFlight(): number {
    return this.pending;
  }
}
