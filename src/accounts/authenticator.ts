/**
 * Authentication for both HTTP interfaces: the account and client address first (authenticate.ts), then the
 * password through the verifier (constant time, scrypt hashes cached once verified). Failed attempts are logged,
 * one line per account and client address per minute carrying how many more there were, so a flood of wrong
 * passwords does not flood the log; at most 1000 such pairs are tracked, the rest share one line.
 *
 * An unknown user name's password is checked too, against a dummy hash of the accounts' cost (dummySecretFor), with
 * the same budget per name a known one has: a refusal takes as long, and is as often 'busy', whether the name exists
 * or not. With a LoginGuard, an address that failed too often is refused before anything is looked at, and every
 * failure is counted for /metrics.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Account } from '../domain/account.js';
import { LogThrottle } from '../observability/log-throttle.js';
import type { StoredSecret } from '../security/password-hash.js';
import type { PasswordVerifier } from '../security/password-verifier.js';
import { admit, compileAccounts, dummySecretFor, type AccountAccess, type AuthFailure, type AuthResult } from './authenticate.js';
import type { LoginFailureReason, LoginGuard } from './login-guard.js';

const FAILURE_LOG_INTERVAL_MS = 60_000;

const METRIC_REASONS: Readonly<Record<Exclude<AuthFailure, 'limited'>, Exclude<LoginFailureReason, 'limited'>>> = {
  'unknown-user': 'unknown_user',
  'ip-denied': 'ip_denied',
  'bad-password': 'bad_password',
  busy: 'busy',
};
/** Longest user name written to the log: it is whatever the client sent. */
const MAX_LOGGED_NAME = 64;

export class Authenticator {
  private accounts: ReadonlyMap<string, AccountAccess>;
  private dummy: StoredSecret;
  private readonly throttle = new LogThrottle({ intervalMs: FAILURE_LOG_INTERVAL_MS, maxKeys: 1000 });

  constructor(
    accounts: readonly Account[],
    private readonly verifier: PasswordVerifier,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly guard?: LoginGuard,
  ) {
    this.accounts = compileAccounts(accounts);
    this.dummy = dummySecretFor(this.accounts, randomBytes(64));
  }

  /**
   * A reload's accounts, at once. A changed password gets a new stored secret, so a password remembered as verified
   * for the old one is not taken for the new one (see PasswordVerifier).
   */
  replaceAccounts(accounts: readonly Account[]): void {
    this.accounts = compileAccounts(accounts);
    this.dummy = dummySecretFor(this.accounts, randomBytes(64));
  }

  /** Answers at once when it can (a password verified before): only a scrypt verification is asynchronous. */
  authenticate(username: string | undefined, password: string | undefined, ip: string): AuthResult | Promise<AuthResult> {
    const allowed = this.guard?.admit(ip);
    if (this.guard && allowed && !allowed.ok) return this.guard.hold({ ok: false, reason: 'limited', retryAfterMs: allowed.retryAfterMs });
    const admitted = admit(this.accounts, username, ip);
    if (!admitted.ok && admitted.reason === 'unknown-user' && password !== undefined) {
      // Checked like a known name's password (same cost, same budget per name), and refused whatever it says.
      const dummy = this.verifier.verify(`account:${username ?? ''}`, this.dummy, password);
      const refuse = (v: Awaited<typeof dummy>): AuthResult | Promise<AuthResult> =>
        this.failed(username, ip, v === 'busy' ? 'busy' : 'unknown-user');
      return dummy instanceof Promise ? dummy.then(refuse) : refuse(dummy);
    }
    if (!admitted.ok) return this.failed(username, ip, admitted.reason);
    if (password === undefined) return this.failed(username, ip, 'bad-password');
    const { access } = admitted;
    const verdict = this.verifier.verify(access.credentialId, access.secret, password);
    const conclude = (v: Awaited<typeof verdict>): AuthResult | Promise<AuthResult> =>
      v === 'ok' ? this.succeeded(access.account, ip) : this.failed(username, ip, v === 'busy' ? 'busy' : 'bad-password');
    return verdict instanceof Promise ? verdict.then(conclude) : conclude(verdict);
  }

  private succeeded(account: Account, ip: string): AuthResult {
    this.guard?.succeeded(ip);
    return { ok: true, account };
  }

  /** A refusal: logged, counted; held a moment when it checked nothing (busy; see LoginGuard). */
  private failed(username: string | undefined, ip: string, reason: Exclude<AuthFailure, 'limited'>): AuthResult | Promise<AuthResult> {
    const result = this.refused(username, ip, reason);
    return reason === 'busy' && this.guard ? this.guard.hold(result) : result;
  }

  private refused(username: string | undefined, ip: string, reason: Exclude<AuthFailure, 'limited'>): AuthResult {
    this.guard?.failed(ip, METRIC_REASONS[reason]);
    const now = this.now();
    for (const s of this.throttle.sweep(now)) {
      const [who, from] = s.overflow ? [undefined, undefined] : (JSON.parse(s.key) as [string | null, string]);
      this.logger.warn(
        { username: who ?? undefined, ip: from, more: s.suppressed, ...(s.overflow ? { tooManyClients: true } : {}) },
        'authorization failures not logged one by one in the last minute',
      );
    }
    const user =
      username === undefined ? undefined : username.length > MAX_LOGGED_NAME ? `${username.slice(0, MAX_LOGGED_NAME)}…` : username;
    // An unknown user name is whatever the client made up: counted per address alone, so cycling names is no flood.
    const d = this.throttle.hit(JSON.stringify([reason === 'unknown-user' ? null : (user ?? null), ip]), now);
    if (d.log) {
      this.logger.warn(
        {
          username: user,
          ip,
          reason,
          ...(d.suppressed > 0 ? { more: d.suppressed } : {}),
          ...(d.overflow ? { tooManyClients: true } : {}),
        },
        'authorization failed (more failures of this user, or of unknown users, from this address within a minute are counted, not logged)',
      );
    }
    return { ok: false, reason };
  }
}
