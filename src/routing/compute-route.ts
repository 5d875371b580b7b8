/**
 * Routes a message once, at accept time, to a route: the links that may carry it, in two tiers. Preferred links
 * drain the route's queue together; fallback links drain it only while no preferred link of the route is healthy.
 * Routing by live state happens when draining, so nothing is re-queued on failover or failback.
 */
import { createHash } from 'node:crypto';
import type { Account } from '../domain/account.js';
import type { Link } from '../domain/link.js';
import type { LoadedLists } from '../domain/number-lists.js';
import { linkEligibility, type Eligibility } from './link-usability.js';
import { unifyNumber } from './unified-prefix.js';

export interface Route {
  /** Stable name of the route: the same tiers always give the same key, across processes and restarts. */
  readonly key: string;
  readonly preferred: readonly string[];
  readonly fallback: readonly string[];
}

export type RouteDecision =
  | { readonly kind: 'send'; readonly route: Route }
  /** No configured link could ever carry this message (Kannel: "Not routable. Do not try again."). */
  | { readonly kind: 'reject'; readonly reason: string };

/** Where a message's smsc-id came from. */
export type SmscIdOrigin = 'forced-smsc' | 'request' | 'default-smsc' | 'none';

/** The message's smsc-id and where it came from: forced-smsc wins, then the request's smsc, then default-smsc (Kannel's order). */
export function resolveSmscIdOrigin(
  account: Pick<Account, 'forcedSmsc' | 'defaultSmsc'>,
  requested: string | undefined,
): { readonly smscId: string | undefined; readonly origin: SmscIdOrigin } {
  if (account.forcedSmsc) return { smscId: account.forcedSmsc, origin: 'forced-smsc' };
  if (requested) return { smscId: requested, origin: 'request' };
  if (account.defaultSmsc) return { smscId: account.defaultSmsc, origin: 'default-smsc' };
  return { smscId: undefined, origin: 'none' };
}

/** The message's smsc-id: forced-smsc wins, then the request's smsc, then default-smsc (Kannel's order). */
export function resolveSmscId(account: Pick<Account, 'forcedSmsc' | 'defaultSmsc'>, requested: string | undefined): string | undefined {
  return resolveSmscIdOrigin(account, requested).smscId;
}

/** A link with no transmit port (`port = 0`) only receives: it carries no MT, whatever its routing keys say. */
export type LinkEligibility = Eligibility | { readonly usability: -1; readonly rule: 'receive-only' };

const RECEIVE_ONLY: LinkEligibility = { usability: -1, rule: 'receive-only' };

/**
 * Whether one link may carry a message with this smsc-id to this receiver, and the key that decided it. The link's
 * rules and lists see the receiver as its unified-prefix makes it (the number it would send); `lists` are the loaded
 * lists, when there are some.
 */
export function linkEligibilityFor(
  link: Pick<Link, 'id' | 'port' | 'routing'>,
  smscId: string | undefined,
  receiver: string,
  lists?: LoadedLists,
): LinkEligibility {
  if (link.port === 0) return RECEIVE_ONLY;
  const unified = link.routing.unifiedPrefix === undefined ? receiver : unifyNumber(link.routing.unifiedPrefix, receiver);
  return linkEligibility(link.routing, smscId, unified, lists?.links.get(link.id));
}

export function routeKey(preferred: readonly string[], fallback: readonly string[]): string {
  return createHash('sha1')
    .update(JSON.stringify([preferred, fallback]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Routes by their tiers, so that a route is built (and its key hashed) once per distinct set of links rather than
 * per message: there are as many as the configuration has link combinations, a handful.
 */
const routes = new Map<string, Route>();

export function makeRoute(preferred: readonly string[], fallback: readonly string[]): Route {
  const p = [...preferred].sort();
  const f = [...fallback].sort();
  const name = `${p.join('\n')}\t${f.join('\n')}`;
  let route = routes.get(name);
  if (!route) {
    route = { key: routeKey(p, f), preferred: p, fallback: f };
    if (routes.size < 10_000) routes.set(name, route);
  }
  return route;
}

export function describeRoute(r: Pick<Route, 'preferred' | 'fallback'>): string {
  return r.fallback.length ? `${r.preferred.join(', ')} (fallback ${r.fallback.join(', ')})` : r.preferred.join(', ');
}

/** A pure function of the configured links, the message's smsc-id, its receiver and the loaded lists. */
export function computeRoute(links: readonly Link[], smscId: string | undefined, receiver: string, lists?: LoadedLists): RouteDecision {
  const preferred: string[] = [];
  const ok: string[] = [];
  for (const link of links) {
    const u = linkEligibilityFor(link, smscId, receiver, lists).usability;
    if (u === 1) preferred.push(link.id);
    else if (u === 0) ok.push(link.id);
  }
  if (preferred.length === 0 && ok.length === 0) {
    return {
      kind: 'reject',
      reason: smscId ? `no link may carry smsc-id "${smscId}" to ${receiver}` : `no link may carry a message to ${receiver}`,
    };
  }
  return { kind: 'send', route: preferred.length > 0 ? makeRoute(preferred, ok) : makeRoute(ok, []) };
}

/**
 * The same links with those of `smscId` first: an answer to an MO goes back through the SMSC the MO came from when
 * that SMSC may carry it, and through the route's other links while it cannot. Unchanged when none of its links is
 * of that smsc-id.
 */
export function preferSmscId(route: Route, linksById: ReadonlyMap<string, Pick<Link, 'smscId'>>, smscId: string): Route {
  const all = [...route.preferred, ...route.fallback];
  const own = all.filter((id) => linksById.get(id)?.smscId === smscId);
  if (own.length === 0) return route;
  return makeRoute(
    own,
    all.filter((id) => !own.includes(id)),
  );
}
