/**
 * Account lookup with Kannel's rules (smsbox.c authorise_user, gwlib is_allowed_ip), checked in a safer order: the
 * username must exist, then the client address must pass the account's lists, and only then is the password
 * checked. A client that may not use the account gets the same refusal whatever password it tried, so it learns
 * nothing about the password. Pure: the lists are compiled once here; the password check (scrypt, its cache) is
 * the Authenticator's.
 */
import type { Account } from '../domain/account.js';
import { clientAllowed, ipRules, type IpRules } from '../security/ip-rules.js';
import { HASH_BYTES, parseStoredSecret, SALT_BYTES, type ScryptParams, type StoredSecret } from '../security/password-hash.js';

/** 'limited': the client address failed too often lately (failed-login-limit.ts); nothing was checked. */
export type AuthFailure = 'unknown-user' | 'ip-denied' | 'bad-password' | 'busy' | 'limited';

export type AuthResult =
  { readonly ok: true; readonly account: Account } | { readonly ok: false; readonly reason: AuthFailure; readonly retryAfterMs?: number };

export interface AccountAccess {
  readonly account: Account;
  readonly secret: StoredSecret;
  readonly allow: IpRules;
  readonly deny: IpRules;
  /** Names the credential in the password verifier's cache. */
  readonly credentialId: string;
}

/** From accounts that validation accepted (passwords and patterns parse); anything else is a bug and throws. */
export function compileAccounts(accounts: readonly Account[]): ReadonlyMap<string, AccountAccess> {
  return new Map(
    accounts.map((account) => {
      const parsed = parseStoredSecret(account.password);
      if (!parsed.ok) throw new Error(`account ${account.username}: ${parsed.problem}`);
      return [
        account.username,
        {
          account,
          secret: parsed.secret,
          allow: ipRules(account.allowIp),
          deny: ipRules(account.denyIp),
          credentialId: `account:${account.username}`,
        },
      ];
    }),
  );
}

/** Everything but the password: the account exists and may be used from this address. */
export function admit(
  accounts: ReadonlyMap<string, AccountAccess>,
  username: string | undefined,
  ip: string,
): { readonly ok: true; readonly access: AccountAccess } | { readonly ok: false; readonly reason: 'unknown-user' | 'ip-denied' } {
  const access = username === undefined ? undefined : accounts.get(username);
  if (!access) return { ok: false, reason: 'unknown-user' };
  if (!clientAllowed(access.allow, access.deny, ip)) return { ok: false, reason: 'ip-denied' };
  return { ok: true, access };
}

/**
 * What an unknown user name's password is checked against, so that it costs what a known one's does and the time
 * of a refusal does not tell which names exist: an scrypt hash with the parameters most of the accounts' hashes
 * have (random salt and hash, so nothing ever matches it), or, when no account is hashed, a plain text no client
 * can know (every account then answers at once anyway). `random` gives the salt and hash: at least 48 bytes.
 */
export function dummySecretFor(accounts: ReadonlyMap<string, AccountAccess>, random: Buffer): StoredSecret {
  const costs = new Map<string, { params: ScryptParams; n: number }>();
  for (const { secret } of accounts.values()) {
    if (secret.kind !== 'scrypt') continue;
    const key = `${secret.params.ln},${secret.params.r},${secret.params.p}`;
    const seen = costs.get(key);
    costs.set(key, { params: secret.params, n: (seen?.n ?? 0) + 1 });
  }
  const common = [...costs.values()].sort((a, b) => b.n - a.n)[0];
  if (!common) return { kind: 'plain', text: random.toString('base64') };
  return {
    kind: 'scrypt',
    params: common.params,
    salt: random.subarray(0, SALT_BYTES),
    hash: random.subarray(SALT_BYTES, SALT_BYTES + HASH_BYTES),
  };
}
