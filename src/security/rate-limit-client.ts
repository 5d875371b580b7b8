/**
 * Who a client-address rate limit counts: an IPv4 address (an IPv4-mapped IPv6 one as the IPv4 address it is), or
 * the /64 an IPv6 address belongs to: one host commonly holds a whole /64, and would otherwise get a fresh limit
 * with every address it picks from it. Pure.
 */
import { isIP } from 'node:net';
import { normalizeIp } from './ip-rules.js';

/** The eight groups of an IPv6 address written in any form (`::` expanded), or undefined. */
function groupsOf(v6: string): string[] | undefined {
  const [head, tail, more] = v6.split('::');
  if (more !== undefined) return undefined;
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
}

export function rateLimitClient(ip: string): string {
  const a = normalizeIp(ip);
  if (isIP(a) !== 6) return a;
  const groups = groupsOf(a);
  if (!groups) return a;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
