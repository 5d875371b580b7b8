/**
 * What a link's drain (links/link-drain.ts) reads of shared state it does not own: links' health across the cluster
 * (links/cluster-link-state.ts) and what operators decided (control/, a higher layer). Interfaces only, so the drain
 * depends on neither.
 */

/** Whether links are healthy, as seen across every gateway process sharing the Redis. */
export interface LinkHealthView {
  anyHealthy(linkIds: readonly string[]): boolean;
  on(event: 'change', listener: () => void): unknown;
  off(event: 'change', listener: () => void): unknown;
}

/** What operators decided (control/operator-state.ts): a link taken out of service, a suspended gateway. */
export interface OperatorView {
  linkInService(linkId: string): boolean;
  gatewayState(): string;
  on(event: 'change', listener: () => void): unknown;
  off(event: 'change', listener: () => void): unknown;
}
