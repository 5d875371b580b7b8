/**
 * A configuration change can leave a route queue that no configured link belongs to any more (every one of its
 * links was removed or renamed). Its messages are not stranded: each is routed again with the current
 * configuration and moved to its new route's queue, or failed as not routable when no link could carry it now.
 * This is the only case where a message changes queue: failover and failback never move messages.
 */
import type { Logger } from 'pino';
import type { Link } from '../domain/link.js';
import type { QueuedMessage } from '../domain/message.js';
import type { SubmitOutcomes } from './link-drain.js';
import { computeRoute, type Route } from '../routing/compute-route.js';
import type { Producer } from './producer.js';
import type { RouteDirectory } from './route-directory.js';

export function isOrphan(route: Route, links: ReadonlyMap<string, Link>): boolean {
  return ![...route.preferred, ...route.fallback].some((id) => links.has(id));
}

export async function rehomeOrphanRoute(
  route: Route,
  deps: { producer: Producer; outcomes: SubmitOutcomes; links: readonly Link[]; logger: Logger },
): Promise<{ moved: number; failed: number }> {
  const queue = deps.producer.queueFor(route.key);
  let moved = 0;
  let failed = 0;
  for (;;) {
    const jobs = await queue.getJobs(['prioritized', 'wait', 'delayed'], 0, 199, true);
    if (jobs.length === 0) break;
    let progressed = false;
    for (const job of jobs) {
      const msg = job.data as QueuedMessage;
      const decision = computeRoute(deps.links, msg.smscId, msg.to);
      if (decision.kind === 'reject') {
        await deps.outcomes.failed(msg, `not routable after a configuration change: ${decision.reason}`, undefined, undefined, Date.now());
        failed++;
      } else {
        await deps.producer.enqueue([{ message: { ...msg, route: decision.route.key }, route: decision.route }]);
        moved++;
      }
      // A job another (older) gateway holds right now cannot be removed; it is being sent anyway.
      await job.remove().then(() => (progressed = true), () => undefined);
    }
    if (!progressed) break;
  }
  if (moved + failed > 0) deps.logger.warn({ route: route.key, links: [...route.preferred, ...route.fallback], moved, failed }, 'route has no configured link any more: its messages were routed again');
  return { moved, failed };
}

/** Rehomes every orphan route now and whenever one appears (another process may still run an older config). */
export function watchOrphanRoutes(directory: RouteDirectory, deps: { producer: Producer; outcomes: SubmitOutcomes; links: readonly Link[]; logger: Logger }): Promise<void> {
  const byId = new Map(deps.links.map((l) => [l.id, l]));
  const rehome = (r: Route): Promise<void> =>
    isOrphan(r, byId) ? rehomeOrphanRoute(r, deps).then(() => undefined, (e: unknown) => deps.logger.error({ err: e, route: r.key }, 'cannot reroute the messages of an orphan route')) : Promise.resolve();
  directory.on('added', (r) => void rehome(r));
  return Promise.all(directory.routes().map(rehome)).then(() => undefined);
}
