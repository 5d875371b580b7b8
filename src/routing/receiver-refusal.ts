/**
 * The receiver checks made before any link is considered (Kannel's smsbox): the receiver is made only of the
 * gateway's sendsms-chars, and the account's own allowed-prefix and denied-prefix hold. With allowed-prefix, a
 * receiver must match it; a denied-prefix match refuses it unless allowed-prefix also matches.
 */
import type { Account } from '../domain/account.js';
import { matchesPrefix } from './link-usability.js';

export type ReceiverRefusal = 'sendsms-chars' | 'allowed-prefix' | 'denied-prefix';

/**
 * The key that refuses this receiver, or undefined when it may be sent to. Without `sendsmsChars` only the account's
 * prefix rules are checked.
 */
export function receiverRefusal(
  account: Pick<Account, 'allowedPrefix' | 'deniedPrefix'>,
  receiver: string,
  sendsmsChars?: string,
): ReceiverRefusal | undefined {
  if (sendsmsChars !== undefined) {
    if (receiver.length === 0) return 'sendsms-chars';
    for (const c of receiver) if (!sendsmsChars.includes(c)) return 'sendsms-chars';
  }
  if (account.allowedPrefix.length > 0 && !matchesPrefix(receiver, account.allowedPrefix)) return 'allowed-prefix';
  if (account.deniedPrefix.length > 0 && matchesPrefix(receiver, account.deniedPrefix) && !matchesPrefix(receiver, account.allowedPrefix))
    return 'denied-prefix';
  return undefined;
}
