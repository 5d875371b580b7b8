/**
 * An account's own receiver rules (Kannel's sendsms-user allowed-prefix and denied-prefix, checked by smsbox before
 * any link is considered): with allowed-prefix, a receiver must match it; a denied-prefix match refuses it unless
 * allowed-prefix also matches.
 */
import type { Account } from '../domain/account.js';
import { matchesPrefix } from './link-usability.js';

/** The account key that refuses this receiver, or undefined when the account may send to it. */
export function receiverRefusal(account: Pick<Account, 'allowedPrefix' | 'deniedPrefix'>, receiver: string): 'allowed-prefix' | 'denied-prefix' | undefined {
  if (account.allowedPrefix.length > 0 && !matchesPrefix(receiver, account.allowedPrefix)) return 'allowed-prefix';
  if (account.deniedPrefix.length > 0 && matchesPrefix(receiver, account.deniedPrefix) && !matchesPrefix(receiver, account.allowedPrefix)) return 'denied-prefix';
  return undefined;
}
