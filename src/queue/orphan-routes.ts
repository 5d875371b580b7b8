/**
 * A configuration change can leave a route queue that no configured link belongs to any more (every one of its
 * links was removed or renamed). Its messages are not stranded: each is routed again with the current
 * configuration and moved to its new route's queue, or failed as not routable when no link could carry it now.
 * This is the only case where a message changes queue by itself: failover and failback never move messages.
 */
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { SubmitOutcomes } from '../domain/delivery.js';
import type { Link } from '../domain/link.js';
import { computeRoute, type Route } from '../routing/compute-route.js';
import { decodeBatch, encodeMessage, type BatchData, type BatchItem } from './batch-codec.js';
import type { Producer } from './producer.js';
import type { RouteDirectory } from './route-directory.js';
import { requeueItems, type QueuedMarker } from './route-moves.js';

export function isOrphan(route: Route, links: ReadonlyMap<string, Link>): boolean {
  return ![...route.preferred, ...route.fallback].some((id) => links.has(id));
}

export interface OrphanDeps {
  readonly producer: Producer;
  readonly marker: QueuedMarker;
  readonly outcomes: SubmitOutcomes;
  readonly links: readonly Link[];
  readonly logger: Logger;
}

export async function rehomeOrphanRoute(route: Route, deps: OrphanDeps): Promise<{ moved: number; failed: number }> {
  const queue = deps.producer.queueFor(route.key);
  let moved = 0;
  let failed = 0;
  for (;;) {
    const jobs = (await queue.getJobs(['prioritized', 'wait', 'delayed'], 0, 49, true)) as Job<BatchData>[];
    if (jobs.length === 0) break;
    let progressed = false;
    for (const job of jobs) {
      const groups = new Map<string, { route: Route; items: BatchItem[] }>();
      for (const item of decodeBatch(job.data, route.key)) {
        const decision = computeRoute(deps.links, item.msg.smscId, item.msg.to);
        if (decision.kind === 'reject') {
          const wire = JSON.stringify(encodeMessage(item.msg.id, item.msg));
          await new Promise<void>((done) =>
            deps.outcomes.failed(
              item.msg,
              `not routable after a configuration change: ${decision.reason}`,
              undefined,
              undefined,
              Date.now(),
              wire,
              done,
            ),
          );
          failed++;
          continue;
        }
        const g = groups.get(decision.route.key) ?? { route: decision.route, items: [] };
        g.items.push(item);
        groups.set(decision.route.key, g);
      }
      for (const g of groups.values()) {
        await requeueItems(
          deps.producer,
          deps.marker,
          g.route,
          g.items,
          `routed again after a configuration change (route ${g.route.key})`,
        );
        moved += g.items.length;
      }
      // A job another (older) gateway holds right now cannot be removed; it is being sent anyway.
      await job.remove().then(
        () => (progressed = true),
        (e: unknown) =>
          deps.logger.warn(
            { err: (e as Error).message, route: route.key, job: job.id },
            'an orphan route job was taken by another gateway while being moved; its messages may go twice',
          ),
      );
    }
    if (!progressed) break;
  }
  if (moved + failed > 0)
    deps.logger.warn(
      { route: route.key, links: [...route.preferred, ...route.fallback], moved, failed },
      'route has no configured link any more: its messages were routed again',
    );
  return { moved, failed };
}

/** Rehomes every orphan route now and whenever one appears (another process may still run an older config). */
export function watchOrphanRoutes(directory: RouteDirectory, deps: OrphanDeps): Promise<void> {
  const byId = new Map(deps.links.map((l) => [l.id, l]));
  const rehome = (r: Route): Promise<void> =>
    isOrphan(r, byId)
      ? rehomeOrphanRoute(r, deps).then(
          () => undefined,
          (e: unknown) => deps.logger.error({ err: e, route: r.key }, 'cannot reroute the messages of an orphan route'),
        )
      : Promise.resolve();
  directory.on('added', (r) => void rehome(r));
  return Promise.all(directory.routes().map(rehome)).then(() => undefined);
}
