/**
 * The receiver checks made before any link is considered (Kannel's smsbox): the receiver is made only of the
 * gateway's sendsms-chars, the account's own allowed-prefix and denied-prefix hold (with allowed-prefix, a receiver
 * must match it; a denied-prefix match refuses it unless allowed-prefix also matches), so do their -regex forms, and
 * then the account's white and black lists and the sendsms port's own (Kannel's smsbox white-list, black-list).
 */
import type { Account } from '../domain/account.js';
import type { ListRules } from '../domain/number-lists.js';
import { matchesPrefix } from './link-usability.js';
import { listRefusal, type ListRefusal } from './number-list.js';
import { ruleRegex } from './rule-regex.js';

export type ReceiverRefusal =
  | 'sendsms-chars'
  | 'allowed-prefix'
  | 'denied-prefix'
  | 'allowed-prefix-regex'
  | 'denied-prefix-regex'
  | ListRefusal
  | `global ${ListRefusal}`;

/** The lists that apply to one account's receivers: its own, and the sendsms port's. */
export interface ReceiverLists {
  readonly account?: ListRules | undefined;
  readonly sendsms?: ListRules | undefined;
}

/**
 * The key that refuses this receiver, or undefined when it may be sent to. Without `sendsmsChars` only the account's
 * rules and the lists are checked.
 */
export function receiverRefusal(
  account: Pick<Account, 'allowedPrefix' | 'deniedPrefix'> & Partial<Pick<Account, 'allowedPrefixRegex' | 'deniedPrefixRegex'>>,
  receiver: string,
  sendsmsChars?: string,
  lists?: ReceiverLists,
): ReceiverRefusal | undefined {
  if (sendsmsChars !== undefined) {
    if (receiver.length === 0) return 'sendsms-chars';
    for (const c of receiver) if (!sendsmsChars.includes(c)) return 'sendsms-chars';
  }
  if (account.allowedPrefix.length > 0 && !matchesPrefix(receiver, account.allowedPrefix)) return 'allowed-prefix';
  if (account.deniedPrefix.length > 0 && matchesPrefix(receiver, account.deniedPrefix) && !matchesPrefix(receiver, account.allowedPrefix))
    return 'denied-prefix';
  const allowedRe = account.allowedPrefixRegex;
  const deniedRe = account.deniedPrefixRegex;
  if (allowedRe !== undefined || deniedRe !== undefined) {
    const allowed = allowedRe !== undefined && ruleRegex(allowedRe).test(receiver);
    if (allowedRe !== undefined && !allowed) return 'allowed-prefix-regex';
    if (deniedRe !== undefined && !allowed && ruleRegex(deniedRe).test(receiver)) return 'denied-prefix-regex';
  }
  if (lists?.account !== undefined) {
    const refused = listRefusal(lists.account, receiver);
    if (refused !== undefined) return refused;
  }
  if (lists?.sendsms !== undefined) {
    const refused = listRefusal(lists.sendsms, receiver);
    if (refused !== undefined) return `global ${refused}`;
  }
  return undefined;
}
