/**
 * Client address lists (an account's user-allow-ip / user-deny-ip, the admin port's admin-allow-ip /
 * admin-deny-ip) and network lists (callbacks.deny-networks). Pure: a list is parsed once, then matched.
 *
 * A pattern is one of:
 * - Kannel's IPv4 pattern, `*` standing for any one number (`192.168.*.*`, `*.0.0.1`), or an exact IPv4 address;
 * - `*.*.*.*`, which matches every address, IPv6 included: it is Kannel's idiom for "everyone", and an IPv6 client
 *   must not slip past `user-deny-ip = "*.*.*.*"` because Kannel never thought of one;
 * - CIDR (`10.0.0.0/8`, `2001:db8::/32`) or an exact IPv6 address.
 * An IPv4-mapped IPv6 client (`::ffff:10.1.2.3`, what a dual-stack socket reports) matches IPv4 patterns.
 *
 * node:net's BlockList does the address arithmetic (CIDR for both families, mapped addresses); it opens no socket.
 */
import { BlockList, isIP } from 'node:net';

/** Kannel's pattern with `*` in some places: four numbers or wildcards. */
type WildcardV4 = readonly [number | '*', number | '*', number | '*', number | '*'];

export interface IpRules {
  readonly size: number;
  /** True when the address matches one of the patterns; an unparseable address matches nothing. */
  matches(ip: string): boolean;
}

export type IpRulesResult = { readonly ok: true; readonly rules: IpRules } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * The address as the rules compare it: an IPv6 zone (`fe80::1%eth0`) dropped, brackets dropped, an IPv4-mapped IPv6
 * address (`::ffff:10.0.0.1`) as the IPv4 address it is.
 */
export function normalizeIp(ip: string): string {
  let a = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const lower = a.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
  if (isIP(lower) !== 6) return lower;
  // Any other spelling of an IPv6 address (expanded, or a mapped one in hex as URL hosts give it) in canonical form.
  const canonical = new URL(`http://[${lower}]/`).hostname.slice(1, -1);
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!hex) return canonical;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function parseWildcard(pattern: string): WildcardV4 | undefined {
  const parts = pattern.split('.');
  if (parts.length !== 4) return undefined;
  const out: (number | '*')[] = [];
  for (const p of parts) {
    if (p === '*') out.push('*');
    else if (/^\d{1,3}$/.test(p) && Number(p) <= 255) out.push(Number(p));
    else return undefined;
  }
  return out as unknown as WildcardV4;
}

function wildcardMatches(w: WildcardV4, ip: string): boolean {
  const parts = ip.split('.');
  for (let i = 0; i < 4; i++) {
    const seg = w[i];
    if (seg !== '*' && String(seg) !== parts[i]) return false;
  }
  return true;
}

/**
 * One BlockList per family: a BlockList checks an IPv4 address against IPv6 rules too (as ::ffff:a.b.c.d), so
 * `::/0` would deny every IPv4 client. Mapped clients are normalized to IPv4 before the check instead.
 */
interface Blocks {
  readonly ipv4: BlockList;
  readonly ipv6: BlockList;
}

const family = (ip: string): 'ipv4' | 'ipv6' | undefined => {
  const f = isIP(ip);
  return f === 4 ? 'ipv4' : f === 6 ? 'ipv6' : undefined;
};

/** Adds one pattern to the block list or the wildcards; returns its problem in words, or 'any' for `*.*.*.*`. */
function addPattern(raw: string, blocks: Blocks, wildcards: WildcardV4[]): string | 'any' | undefined {
  const pattern = raw.trim();
  if (pattern === '*.*.*.*') return 'any';
  const slash = pattern.indexOf('/');
  if (slash >= 0) {
    const written = pattern.slice(0, slash);
    const net = normalizeIp(written);
    const fam = family(net);
    if (!fam) return `${JSON.stringify(raw)} is not a network (expected CIDR such as 10.0.0.0/8 or 2001:db8::/32)`;
    // ::ffff:10.0.0.0/104 is the IPv4 network 10.0.0.0/8 written in IPv6.
    const mapped = fam === 'ipv4' && family(written) === 'ipv6';
    const max = fam === 'ipv6' || mapped ? 128 : 32;
    const bits = pattern.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max || (mapped && Number(bits) < 96)) {
      return `${JSON.stringify(raw)}: the prefix length must be ${mapped ? '96' : '0'} to ${max}`;
    }
    blocks[fam].addSubnet(net, mapped ? Number(bits) - 96 : Number(bits), fam);
    return undefined;
  }
  const addr = normalizeIp(pattern);
  const fam = family(addr);
  if (fam) {
    blocks[fam].addAddress(addr, fam);
    return undefined;
  }
  const w = parseWildcard(pattern);
  if (w) {
    wildcards.push(w);
    return undefined;
  }
  if (pattern === '*') return `"*" matches nothing in Kannel (a pattern has four parts); write "*.*.*.*" for every address`;
  return `${JSON.stringify(raw)} is not an address pattern (expected 10.1.*.*, 10.0.0.0/8, 2001:db8::1 or 2001:db8::/32)`;
}

const MAX_REMEMBERED_ADDRESSES = 4096;

/** Parses every pattern; all problems are reported, not only the first. */
export function parseIpRules(patterns: readonly string[]): IpRulesResult {
  const blocks: Blocks = { ipv4: new BlockList(), ipv6: new BlockList() };
  const wildcards: WildcardV4[] = [];
  const problems: string[] = [];
  let any = false;
  for (const p of patterns) {
    const r = addPattern(p, blocks, wildcards);
    if (r === 'any') any = true;
    else if (r !== undefined) problems.push(r);
  }
  if (problems.length > 0) return { ok: false, problems };
  const size = patterns.length;
  const decide = (ip: string): boolean => {
    const addr = normalizeIp(ip);
    const fam = family(addr);
    if (!fam) return false;
    if (any) return true;
    if (fam === 'ipv4' && wildcards.some((w) => wildcardMatches(w, addr))) return true;
    return blocks[fam].check(addr, fam);
  };
  // Every request asks about its client's address, and a gateway's clients are a few addresses: remember the
  // answers (a BlockList check builds a SocketAddress each time). Bounded: forgotten all at once when full.
  const known = new Map<string, boolean>();
  return {
    ok: true,
    rules: {
      size,
      matches(ip: string): boolean {
        if (size === 0) return false;
        let v = known.get(ip);
        if (v === undefined) {
          v = decide(ip);
          if (known.size >= MAX_REMEMBERED_ADDRESSES) known.clear();
          known.set(ip, v);
        }
        return v;
      },
    },
  };
}

/** Parses a list that validation already accepted; a problem here is a bug, so it throws. */
export function ipRules(patterns: readonly string[]): IpRules {
  const r = parseIpRules(patterns);
  if (!r.ok) throw new Error(`invalid address patterns: ${r.problems.join('; ')}`);
  return r.rules;
}

export const NO_IP_RULES: IpRules = { size: 0, matches: () => false };

/**
 * Kannel's is_allowed_ip: with no deny list every address is allowed (an allow list alone restricts nothing, which
 * surprises people: the gateway warns at start); an address on the allow list is allowed; one on the deny list is not.
 */
export function clientAllowed(allow: IpRules, deny: IpRules, ip: string): boolean {
  if (deny.size === 0) return true;
  if (allow.matches(ip)) return true;
  return !deny.matches(ip);
}
