/**
 * /health and the sendsms port's /api/v1/status: every link with its binds across the cluster, and every route
 * with the links of this process draining it now.
 */
import type { Link } from '../domain/link.js';
import type { BindStatus } from '../links/cluster-link-state.js';
import type { Route } from '../routing/compute-route.js';

export interface HealthSources {
  readonly shuttingDown: boolean;
  readonly nodeId: string;
  readonly links: readonly Link[];
  readonly binds: readonly BindStatus[];
  readonly linkHealthy: (id: string) => boolean;
  readonly routes: readonly Route[];
  readonly drains: Iterable<{ readonly linkId: string; draining(): { route: string; running: boolean }[] }>;
}

export function healthView(s: HealthSources): Record<string, unknown> {
  const drains = [...s.drains];
  return {
    status: s.shuttingDown ? 'shutting-down' : 'ok',
    node: s.nodeId,
    links: s.links.map((l) => ({
      id: l.id,
      smscId: l.smscId,
      healthy: s.linkHealthy(l.id),
      binds: s.binds.filter((b) => b.link === l.id),
    })),
    routes: s.routes.map((r) => ({
      key: r.key,
      preferred: r.preferred,
      fallback: r.fallback,
      drainingHere: drains.flatMap((d) =>
        d
          .draining()
          .filter((x) => x.route === r.key && x.running)
          .map(() => d.linkId),
      ),
    })),
  };
}
