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

export function matchesPrefix(receiver: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (receiver.startsWith(p)) return true;
  return false;
}

export function linkUsability(r: LinkRouting, smscId: string | undefined, receiver: string): Usability {
  if (r.allowedSmscId.length > 0) {
    if (smscId === undefined || !r.allowedSmscId.includes(smscId)) return -1;
  } else if (r.deniedSmscId.length > 0 && smscId !== undefined && r.deniedSmscId.includes(smscId)) {
    return -1;
  }
  const hasAllowed = r.allowedPrefix.length > 0;
  const hasDenied = r.deniedPrefix.length > 0;
  if (hasAllowed && !hasDenied && !matchesPrefix(receiver, r.allowedPrefix)) return -1;
  if (!hasAllowed && hasDenied && matchesPrefix(receiver, r.deniedPrefix)) return -1;
  if (hasAllowed && hasDenied && !matchesPrefix(receiver, r.allowedPrefix) && matchesPrefix(receiver, r.deniedPrefix)) return -1;
  if (smscId !== undefined && r.preferredSmscId.includes(smscId)) return 1;
  if (matchesPrefix(receiver, r.preferredPrefix)) return 1;
  return 0;
}
