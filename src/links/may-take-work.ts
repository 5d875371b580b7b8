/**
 * Whether a link may take work now: the one rule behind starting or pausing a route queue's worker, sending a batch
 * just taken, and sending a message again after an answer that settled nothing. Pure.
 *
 * A link takes nothing while it is stopped (its drain closing, operators having stopped or drained it, or the gateway
 * suspended) or while no bind of it will send. A route's queue is drained by its preferred links; a fallback link
 * takes it only while no preferred link is healthy anywhere in the cluster, or while it helps saturated preferred
 * links (spillover). Work a link holds already is not a route's question: it goes on while the link may send.
 */

export interface LinkWorkState {
  /** The drain is closing, or operators stopped or drained the link, or suspended the gateway. */
  readonly stopped: boolean;
  /** Some bind will send what the link is given now (bound and answering, perhaps paused by throttling). */
  readonly willSend: boolean;
}

/** The link's place in one route. */
export interface RouteTurn {
  readonly tier: 'preferred' | 'fallback';
  /** Fallback only: the preferred links are healthy but saturated, so this link helps. */
  readonly spilling: boolean;
  /** Some preferred link of the route is healthy, in any gateway process. */
  readonly preferredHealthy: boolean;
}

/** Whether the link may take work now: new work from `route`'s queue, or (no route) more of what it holds. */
export function mayTakeWork(link: LinkWorkState, route?: RouteTurn): boolean {
  if (link.stopped || !link.willSend) return false;
  return !route || route.tier === 'preferred' || route.spilling || !route.preferredHealthy;
}
