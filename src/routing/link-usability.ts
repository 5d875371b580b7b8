/**
 * Kannel's eligibility test for one link and one message (smscconn_usable in smscconn.c), without the runtime
 * part (whether the link is up is not decided here: that is live state, read when draining).
 *
 * Rules users rely on, kept as Kannel has them:
 * - `allowed-smsc-id` set: only messages whose smsc-id is listed; a message without an smsc-id never uses it.
 * - otherwise `denied-smsc-id` excludes the listed smsc-ids (when both are set, denied is ignored).
 * - prefixes: with only `allowed-prefix`, a receiver must match; with only `denied-prefix`, it must not; with both,
 *   it is excluded only when it is denied and not allowed (allowed wins).
 * - `preferred-smsc-id` listing the message's smsc-id, or a `preferred-prefix` match, makes the link preferred.
 * Kept although it surprises people: a link's own `smsc-id` does not attract messages with that smsc-id; a
 * message with smsc=X may use any link that does not exclude it. To pin traffic, use allowed- or denied-smsc-id.
 */
import type { LinkRouting } from '../domain/link.js';
import type { ListRules } from '../domain/number-lists.js';
import { listRefusal, type ListRefusal } from './number-list.js';
import { ruleRegex } from './rule-regex.js';

/** -1: never; 0: may carry it; 1: preferred for it. */
export type Usability = -1 | 0 | 1;

/** The routing key that excluded a link from a message. */
export type ExclusionRule =
  | 'allowed-smsc-id'
  | 'denied-smsc-id'
  | 'allowed-smsc-id-regex'
  | 'denied-smsc-id-regex'
  | 'allowed-prefix'
  | 'denied-prefix'
  | 'allowed-prefix-regex'
  | 'denied-prefix-regex'
  | ListRefusal;
/** The routing key that made a link preferred for a message. */
export type PreferenceRule = 'preferred-smsc-id' | 'preferred-prefix' | 'preferred-prefix-regex' | 'preferred-smsc-id-regex';

/** A link's usability for one message, and the key that decided it (none when it may carry it and is not preferred). */
export type Eligibility =
  | { readonly usability: -1; readonly rule: ExclusionRule }
  | { readonly usability: 0; readonly rule: undefined }
  | { readonly usability: 1; readonly rule: PreferenceRule };

// One object per outcome, made once: this runs for every link and every receiver on the accept path.
const EXCLUDED_BY = Object.fromEntries(
  (
    [
      'allowed-smsc-id',
      'denied-smsc-id',
      'allowed-smsc-id-regex',
      'denied-smsc-id-regex',
      'allowed-prefix',
      'denied-prefix',
      'allowed-prefix-regex',
      'denied-prefix-regex',
      'white-list',
      'white-list-regex',
      'black-list',
      'black-list-regex',
    ] as const
  ).map((rule) => [rule, { usability: -1, rule }]),
) as { readonly [R in ExclusionRule]: Eligibility };
const MAY_CARRY: Eligibility = { usability: 0, rule: undefined };
const PREFERRED_BY = Object.fromEntries(
  (['preferred-smsc-id', 'preferred-prefix', 'preferred-prefix-regex', 'preferred-smsc-id-regex'] as const).map((rule) => [
    rule,
    { usability: 1, rule },
  ]),
) as { readonly [R in PreferenceRule]: Eligibility };

export function matchesPrefix(receiver: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (receiver.startsWith(p)) return true;
  return false;
}

const matches = (source: string, value: string): boolean => ruleRegex(source).test(value);

/**
 * Kannel's smscconn_usable, in its order: the smsc-id lists, then their regex forms; the prefix lists and their
 * regex forms (with allowed and denied both set, denied counts only where allowed does not match); then the
 * link's white and black lists (switchboard's: Kannel has lists per account and for the whole gateway only); then
 * what makes it preferred. `lists` are the link's loaded lists, when it has some.
 */
export function linkEligibility(r: LinkRouting, smscId: string | undefined, receiver: string, lists?: ListRules): Eligibility {
  if (r.allowedSmscId.length > 0) {
    if (smscId === undefined || !r.allowedSmscId.includes(smscId)) return EXCLUDED_BY['allowed-smsc-id'];
  } else if (r.deniedSmscId.length > 0 && smscId !== undefined && r.deniedSmscId.includes(smscId)) {
    return EXCLUDED_BY['denied-smsc-id'];
  }
  if (r.allowedSmscIdRegex !== undefined) {
    if (smscId === undefined || !matches(r.allowedSmscIdRegex, smscId)) return EXCLUDED_BY['allowed-smsc-id-regex'];
  } else if (r.deniedSmscIdRegex !== undefined && smscId !== undefined && matches(r.deniedSmscIdRegex, smscId)) {
    return EXCLUDED_BY['denied-smsc-id-regex'];
  }
  const hasAllowed = r.allowedPrefix.length > 0;
  const hasDenied = r.deniedPrefix.length > 0;
  if (hasAllowed && !hasDenied && !matchesPrefix(receiver, r.allowedPrefix)) return EXCLUDED_BY['allowed-prefix'];
  if (!hasAllowed && hasDenied && matchesPrefix(receiver, r.deniedPrefix)) return EXCLUDED_BY['denied-prefix'];
  if (hasAllowed && hasDenied && !matchesPrefix(receiver, r.allowedPrefix) && matchesPrefix(receiver, r.deniedPrefix))
    return EXCLUDED_BY['denied-prefix'];
  const allowedRe = r.allowedPrefixRegex;
  const deniedRe = r.deniedPrefixRegex;
  if (allowedRe !== undefined || deniedRe !== undefined) {
    const allowed = allowedRe !== undefined && matches(allowedRe, receiver);
    if (allowedRe !== undefined && deniedRe === undefined && !allowed) return EXCLUDED_BY['allowed-prefix-regex'];
    if (deniedRe !== undefined && !allowed && matches(deniedRe, receiver)) return EXCLUDED_BY['denied-prefix-regex'];
  }
  if (lists !== undefined) {
    const refused = listRefusal(lists, receiver);
    if (refused !== undefined) return EXCLUDED_BY[refused];
  }
  if (smscId !== undefined && r.preferredSmscId.includes(smscId)) return PREFERRED_BY['preferred-smsc-id'];
  if (matchesPrefix(receiver, r.preferredPrefix)) return PREFERRED_BY['preferred-prefix'];
  if (r.preferredPrefixRegex !== undefined && matches(r.preferredPrefixRegex, receiver)) return PREFERRED_BY['preferred-prefix-regex'];
  // Documented by Kannel, though 1.4.5 reads it only on a reload: honoured here from the start.
  if (r.preferredSmscIdRegex !== undefined && smscId !== undefined && matches(r.preferredSmscIdRegex, smscId))
    return PREFERRED_BY['preferred-smsc-id-regex'];
  return MAY_CARRY;
}

export function linkUsability(r: LinkRouting, smscId: string | undefined, receiver: string, lists?: ListRules): Usability {
  return linkEligibility(r, smscId, receiver, lists).usability;
}
