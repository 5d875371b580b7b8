/**
 * Where the gateway may send HTTP requests on a client's or a service's behalf (dlr-url, callbackUrl, MO get-url
 * and post-url): a deny list of networks and host names (callbacks.deny-networks, callbacks.deny-hosts), and per
 * account an allow list (callback-allow) that overrides it for that account's callbacks. Pure: the HTTP edge asks
 * before a request (the URL's host) and again for every address a host name resolves to (DNS rebinding).
 *
 * The default lists (in the schema) hold what a callback has no business reaching and an attacker would love to:
 * link-local networks and the cloud metadata services (credentials of the machine). Loopback and private networks
 * are not denied by default: gateways commonly call services on the same host or LAN.
 */
import { isIP } from 'node:net';
import { NO_IP_RULES, normalizeIp, parseIpRules, type IpRules } from './ip-rules.js';

/** Host names: exact (`metadata.google.internal`) or any name under a domain (`*.internal`). */
export interface HostPatterns {
  matches(host: string): boolean;
}

export interface OutboundRules {
  readonly networks: IpRules;
  readonly hosts: HostPatterns;
}

export interface OutboundPolicy {
  readonly deny: OutboundRules;
  /** Overrides deny (an account's callback-allow); empty for services and accounts without one. */
  readonly allow: OutboundRules;
}

export type OutboundVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

const OK: OutboundVerdict = { ok: true };

/** Lower case, no trailing dot, no brackets: how names and addresses are compared. */
export function canonicalHost(host: string): string {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

const HOST_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

export function parseHostPatterns(list: readonly string[]): Parsed<HostPatterns> {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const problems: string[] = [];
  for (const raw of list) {
    const p = canonicalHost(raw.trim());
    if (!HOST_NAME.test(p))
      problems.push(`${JSON.stringify(raw)} is not a host name (expected a name such as metadata.google.internal, or *.internal)`);
    else if (p.startsWith('*.')) suffixes.push(p.slice(1));
    else exact.add(p);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { matches: (host) => exact.has(host) || suffixes.some((s) => host.endsWith(s)) } };
}

const looksLikeNetwork = (entry: string): boolean =>
  entry.includes('/') || isIP(normalizeIp(entry)) !== 0 || /^[\d*]+(\.[\d*]+){3}$/.test(entry);

/** A list of networks and host names mixed (callback-allow): each entry is taken as what it looks like. */
export function parseTargets(list: readonly string[]): Parsed<OutboundRules> {
  const nets = list.filter((e) => looksLikeNetwork(e.trim()));
  const names = list.filter((e) => !looksLikeNetwork(e.trim()));
  return rulesOf(nets, names);
}

/** The deny lists: networks in one key, host names in the other. */
export function rulesOf(networks: readonly string[], hosts: readonly string[]): Parsed<OutboundRules> {
  const n = parseIpRules(networks);
  const h = parseHostPatterns(hosts);
  const problems = [...(n.ok ? [] : n.problems), ...(h.ok ? [] : h.problems)];
  if (!n.ok || !h.ok) return { ok: false, problems };
  return { ok: true, value: { networks: n.rules, hosts: h.value } };
}

/** An address the host name resolved to (or the URL's literal address, with no name). */
export function checkAddress(policy: OutboundPolicy, hostName: string | undefined, address: string): OutboundVerdict {
  if (hostName !== undefined && policy.allow.hosts.matches(hostName)) return OK;
  if (policy.allow.networks.matches(address)) return OK;
  if (policy.deny.networks.matches(address))
    return { ok: false, reason: `${normalizeIp(address)} is in a denied network (callbacks.deny-networks)` };
  return OK;
}

/** The host of a URL, before any DNS: an address literal is decided here, a name only when it is denied by name. */
export function checkHost(policy: OutboundPolicy, host: string): OutboundVerdict {
  const h = canonicalHost(host);
  if (isIP(h) !== 0) return checkAddress(policy, undefined, h);
  if (policy.allow.hosts.matches(h)) return OK;
  if (policy.deny.hosts.matches(h)) return { ok: false, reason: `the host ${h} is denied (callbacks.deny-hosts)` };
  return OK;
}

/**
 * At accept time: a URL that names a denied address or host is refused. A URL that does not parse (escape codes
 * in its host) is left for the check when it is sent, once the codes are filled in.
 */
export function checkUrl(policy: OutboundPolicy, url: string): OutboundVerdict {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return OK;
  }
  return checkHost(policy, u.hostname);
}

function must<T>(p: Parsed<T>, what: string): T {
  if (!p.ok) throw new Error(`invalid ${what}: ${p.problems.join('; ')}`);
  return p.value;
}

const NOTHING: OutboundRules = { networks: NO_IP_RULES, hosts: { matches: () => false } };

/** A policy with no allow list: MO services, and accounts without callback-allow. */
export function denyOnly(deny: OutboundRules): OutboundPolicy {
  return { deny, allow: NOTHING };
}

interface AccountAllowList {
  readonly username: string;
  readonly callbackAllow: readonly string[];
}

/** The policy of every account, from lists that validation already accepted. */
export class OutboundPolicies {
  /** For MO services and accounts without callback-allow. */
  readonly default: OutboundPolicy;
  private byAccount = new Map<string, OutboundPolicy>();

  constructor(deny: { readonly networks: readonly string[]; readonly hosts: readonly string[] }, accounts: readonly AccountAllowList[]) {
    this.default = denyOnly(must(rulesOf(deny.networks, deny.hosts), 'callbacks.deny-networks or deny-hosts'));
    this.replaceAccounts(accounts);
  }

  /** A reload's accounts (their callback-allow lists); the deny lists stay until a restart. */
  replaceAccounts(accounts: readonly AccountAllowList[]): void {
    const byAccount = new Map<string, OutboundPolicy>();
    for (const a of accounts) {
      if (a.callbackAllow.length > 0)
        byAccount.set(a.username, {
          deny: this.default.deny,
          allow: must(parseTargets(a.callbackAllow), `callback-allow of ${a.username}`),
        });
    }
    this.byAccount = byAccount;
  }

  forAccount(username: string | undefined): OutboundPolicy {
    return (username !== undefined ? this.byAccount.get(username) : undefined) ?? this.default;
  }

  /** At accept time: may this account's message ask for reports at this URL? */
  checkCallbackUrl(username: string, url: string): OutboundVerdict {
    return checkUrl(this.forAccount(username), url);
  }
}
