import type { Route } from '../routing/compute-route.js';

/**
 * Most messages one route job holds: the configured batch size, and no more than a second of the slowest
 * throughput-limited link of the route, so active-active links split a route by what each really sends.
 */
export function batchLimit(route: Route, links: ReadonlyMap<string, { throughput: number; instances: number }>, batchSize: number): number {
  let limit = batchSize;
  for (const id of [...route.preferred, ...route.fallback]) {
    const l = links.get(id);
    if (l && l.throughput > 0) limit = Math.min(limit, Math.max(1, Math.round(l.throughput * l.instances)));
  }
  return limit;
}
