/**
 * Account lookup with Kannel's rules (smsbox.c authorise_user, gwlib is_allowed_ip), checked in a safer order: the
 * username must exist, then the client address must pass the account's lists, and only then is the password
 * checked. A client that may not use the account gets the same refusal whatever password it tried, so it learns
 * nothing about the password. Pure: the lists are compiled once here; the password check (scrypt, its cache) is
 * the Authenticator's.
 */
import type { Account } from '../domain/account.js';
import { clientAllowed, ipRules, type IpRules } from '../security/ip-rules.js';
import { parseStoredSecret, type StoredSecret } from '../security/password-hash.js';

export type AuthFailure = 'unknown-user' | 'ip-denied' | 'bad-password' | 'busy';

export type AuthResult = { readonly ok: true; readonly account: Account } | { readonly ok: false; readonly reason: AuthFailure };

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
