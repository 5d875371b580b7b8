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

/** -1: never; 0: may carry it; 1: preferred for it. */
export type Usability = -1 | 0 | 1;

/** The routing key that excluded a link from a message. */
export type ExclusionRule = 'allowed-smsc-id' | 'denied-smsc-id' | 'allowed-prefix' | 'denied-prefix';
/** The routing key that made a link preferred for a message. */
export type PreferenceRule = 'preferred-smsc-id' | 'preferred-prefix';

/** A link's usability for one message, and the key that decided it (none when it may carry it and is not preferred). */
export type Eligibility =
  | { readonly usability: -1; readonly rule: ExclusionRule }
  | { readonly usability: 0; readonly rule: undefined }
  | { readonly usability: 1; readonly rule: PreferenceRule };

// One object per outcome, made once: this runs for every link and every receiver on the accept path.
const EXCLUDED_BY: { readonly [R in ExclusionRule]: Eligibility } = {
  'allowed-smsc-id': { usability: -1, rule: 'allowed-smsc-id' },
  'denied-smsc-id': { usability: -1, rule: 'denied-smsc-id' },
  'allowed-prefix': { usability: -1, rule: 'allowed-prefix' },
  'denied-prefix': { usability: -1, rule: 'denied-prefix' },
};
const MAY_CARRY: Eligibility = { usability: 0, rule: undefined };
const PREFERRED_BY: { readonly [R in PreferenceRule]: Eligibility } = {
  'preferred-smsc-id': { usability: 1, rule: 'preferred-smsc-id' },
  'preferred-prefix': { usability: 1, rule: 'preferred-prefix' },
};

export function matchesPrefix(receiver: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (receiver.startsWith(p)) return true;
  return false;
}

export function linkEligibility(r: LinkRouting, smscId: string | undefined, receiver: string): Eligibility {
  if (r.allowedSmscId.length > 0) {
    if (smscId === undefined || !r.allowedSmscId.includes(smscId)) return EXCLUDED_BY['allowed-smsc-id'];
  } else if (r.deniedSmscId.length > 0 && smscId !== undefined && r.deniedSmscId.includes(smscId)) {
    return EXCLUDED_BY['denied-smsc-id'];
  }
  const hasAllowed = r.allowedPrefix.length > 0;
  const hasDenied = r.deniedPrefix.length > 0;
  if (hasAllowed && !hasDenied && !matchesPrefix(receiver, r.allowedPrefix)) return EXCLUDED_BY['allowed-prefix'];
  if (!hasAllowed && hasDenied && matchesPrefix(receiver, r.deniedPrefix)) return EXCLUDED_BY['denied-prefix'];
  if (hasAllowed && hasDenied && !matchesPrefix(receiver, r.allowedPrefix) && matchesPrefix(receiver, r.deniedPrefix))
    return EXCLUDED_BY['denied-prefix'];
  if (smscId !== undefined && r.preferredSmscId.includes(smscId)) return PREFERRED_BY['preferred-smsc-id'];
  if (matchesPrefix(receiver, r.preferredPrefix)) return PREFERRED_BY['preferred-prefix'];
  return MAY_CARRY;
}

export function linkUsability(r: LinkRouting, smscId: string | undefined, receiver: string): Usability {
  return linkEligibility(r, smscId, receiver).usability;
}
