/**
 * Checks a given password against a stored one, in constant time, without paying scrypt on every request: sendsms
 * sees thousands of requests a second with the same credentials, and one scrypt verification costs about 100 ms.
 *
 * Every comparison is between two SHA-256 digests (of equal length, so neither the content nor the length of the
 * password leaks through timing), keyed with a random per-process secret so a digest in memory is useless
 * elsewhere. A successful scrypt verification is remembered per credential id (an account, the status password):
 * the digest of the password that verified. Only a password that verified is ever remembered, one per id, so the
 * cache is as large as the configuration.
 *
 * Wrong passwords always go to scrypt, and that is what a flood of guesses attacks. The budget is therefore kept
 * per credential id, not for the whole process: at most `maxPending` verifications of one id wait or run at once,
 * and beyond that that id alone is answered 'busy' (the client hears "try again later"). The scrypt computations
 * themselves run `concurrency` at a time, taken from the waiting ids in turn (round robin), so a flood against
 * one name holds at most one turn in front of another account's login, however many guesses it sends. Identical
 * verifications (one id, one password) in flight at once share one computation: a client opening ten connections
 * with its right password pays one scrypt, not ten, and does not use up its own budget. A cap on everything
 * waiting (`maxWaiting`) bounds memory when the guesses are spread over many names.
 *
 * The admin port has a verifier of its own (its own budget and turns), so no flood on the sendsms port reaches
 * the operators' logins.
 */
import { hash as digestOf, randomBytes, scrypt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { sameBytes, scryptOptions, type StoredSecret } from './password-hash.js';

export type VerifyResult = 'ok' | 'wrong' | 'busy';

export interface PasswordVerifierOptions {
  /** Verifications of one credential id waiting or running at once; more of that id are answered 'busy'. Default 4. */
  readonly maxPending?: number;
  /**
   * scrypt computations running at once (each holds a libuv thread and a core for ~100 ms). Default: the cores
   * but one (at least 1, at most 3), so the event loop keeps a core and the thread pool (4) keeps a thread.
   */
  readonly concurrency?: number;
  /** Verifications waiting or running in all, every id together; more are answered 'busy'. Default 1024. */
  readonly maxWaiting?: number;
}

interface Job {
  readonly given: string;
  readonly secret: StoredSecret & { readonly kind: 'scrypt' };
  readonly digest: Buffer;
  readonly settle: (r: VerifyResult | Error) => void;
}

export class PasswordVerifier {
  /** A one-shot SHA-256 over key + password: half the CPU of an Hmac object, and equality is all it is used for. */
  private readonly key = randomBytes(32).toString('base64');
  private readonly verified = new Map<string, { readonly secret: StoredSecret; readonly digest: Buffer }>();
  private readonly plainDigests = new WeakMap<StoredSecret, Buffer>();
  private readonly maxPending: number;
  private readonly concurrency: number;
  private readonly maxWaiting: number;
  /** Waiting jobs per id; the map's order is the turn order (an id served goes to the back). */
  private readonly waiting = new Map<string, Job[]>();
  /** Verifications waiting or running, per id. */
  private readonly pendingPerId = new Map<string, number>();
  /** Verifications in flight by id and digest, shared by identical requests. */
  private readonly shared = new Map<string, Promise<VerifyResult>>();
  private pending = 0;
  private running = 0;

  constructor(opts: PasswordVerifierOptions = {}) {
    this.maxPending = opts.maxPending ?? 4;
    this.concurrency = Math.max(1, opts.concurrency ?? Math.min(3, availableParallelism() - 1));
    this.maxWaiting = opts.maxWaiting ?? 1024;
  }

  private digest(password: string): Buffer {
    return digestOf('sha256', this.key + password, 'buffer');
  }

  /** `id` names the credential (e.g. `account:demo`) for the cache of verified passwords and for its budget. */
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
    const sharedKey = `${id}\u0000${digest.toString('base64')}`;
    const same = this.shared.get(sharedKey);
    if (same) return same;
    const perId = this.pendingPerId.get(id) ?? 0;
    if (perId >= this.maxPending || this.pending >= this.maxWaiting) return 'busy';
    this.pendingPerId.set(id, perId + 1);
    this.pending++;
    const result = new Promise<VerifyResult>((resolve, reject) => {
      const settle = (r: VerifyResult | Error): void => {
        this.shared.delete(sharedKey);
        const left = (this.pendingPerId.get(id) ?? 1) - 1;
        if (left > 0) this.pendingPerId.set(id, left);
        else this.pendingPerId.delete(id);
        this.pending--;
        if (r instanceof Error) reject(r);
        else {
          if (r === 'ok') this.verified.set(id, { secret, digest });
          resolve(r);
        }
      };
      const queue = this.waiting.get(id);
      const job: Job = { given, secret, digest, settle };
      if (queue) queue.push(job);
      else this.waiting.set(id, [job]);
    });
    this.shared.set(sharedKey, result);
    this.pump();
    return result;
  }

  /** Starts waiting jobs while threads are free, one id's job at a time, in turn. */
  private pump(): void {
    while (this.running < this.concurrency) {
      const next = this.waiting.entries().next();
      if (next.done) return;
      const [id, queue] = next.value;
      const job = queue.shift()!;
      // To the back of the turn order (or out of it when nothing of this id waits any more).
      this.waiting.delete(id);
      if (queue.length > 0) this.waiting.set(id, queue);
      this.running++;
      const { secret } = job;
      scrypt(job.given, secret.salt, secret.hash.length, scryptOptions(secret.params), (err, derived) => {
        this.running--;
        job.settle(err ?? (sameBytes(derived, secret.hash) ? 'ok' : 'wrong'));
        this.pump();
      });
    }
  }

  /** Verifications waiting for scrypt or running now (for tests and metrics). */
  get inFlight(): number {
    return this.pending;
  }
}
