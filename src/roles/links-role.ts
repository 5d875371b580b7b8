/**
 * The links role of a gateway process: the view of every link's binds across the cluster, the bind leases, and the
 * links this process may run (each a runtime with its binds and a drain feeding them from the route queues). The
 * cluster view is built in every process (the HTTP role routes by it); the links themselves only where this role
 * runs.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { OperatorState } from '../control/operator-state.js';
import { LinkFleet } from '../control/link-fleet.js';
import type { Link } from '../domain/link.js';
import { isReceipt, type ReceiptPipeline } from '../dlr/receipt-pipeline.js';
import type { ReportDispatcher } from '../dlr/report-dispatcher.js';
import { BindLeases } from '../links/bind-leases.js';
import { ClusterLinkState } from '../links/cluster-link-state.js';
import type { ConcatRefs } from '../links/concat-refs.js';
import { LinkDrain } from '../links/link-drain.js';
import { LinkRuntime } from '../links/link-runtime.js';
import type { RecordStore } from '../messages/record-store.js';
import type { MoPipeline } from '../mo/index.js';
import type { ProcessMetrics } from '../metrics/metrics.js';
import type { RedisKeys } from '../redis/keys.js';
import type { RouteDirectory } from '../queue/route-directory.js';
import type { EventBus } from '../redis/event-bus.js';

export interface LinksRoleDeps {
  readonly config: Config;
  /** Whether this process runs links (else only the cluster view is kept). */
  readonly runsLinks: boolean;
  readonly redis: Redis;
  /** The bind leases' connection (fails fast, never sends late: redis/connect.ts). */
  readonly leaseRedis: Redis;
  readonly keys: RedisKeys;
  readonly bus: EventBus;
  readonly nodeId: string;
  /** Shared with the App, which exposes it; filled here. */
  readonly runtimes: Map<string, LinkRuntime>;
  /** Every configured link by id, kept current by reload. */
  readonly linksById: ReadonlyMap<string, Link>;
  readonly directory: RouteDirectory;
  readonly records: RecordStore;
  readonly concatRefs: ConcatRefs;
  readonly reports: ReportDispatcher;
  readonly receipts: ReceiptPipeline;
  readonly mo: MoPipeline;
  readonly operator: OperatorState;
  readonly metrics: ProcessMetrics;
  readonly drainMs: number;
  readonly logger: Logger;
}

export interface LinksRole {
  readonly cluster: ClusterLinkState;
  readonly leases: BindLeases;
  readonly fleet: LinkFleet;
}

export function buildLinksRole(d: LinksRoleDeps): LinksRole {
  const { config, logger, operator, metrics } = d;
  const timers = { ttlMs: config.cluster.leaseTtlMs, refreshMs: config.cluster.refreshMs };
  const cluster = new ClusterLinkState(d.redis, d.bus, d.keys, d.nodeId, config.links, d.runtimes, logger, {
    ...timers,
    inService: (id) => operator.linkInService(id),
  });
  const leases = new BindLeases(d.leaseRedis, d.keys, d.nodeId, d.runtimes, logger, {
    ttlMs: timers.ttlMs,
    renewMs: timers.refreshMs,
    inService: (id) => operator.linkBound(id),
    drainMs: d.drainMs,
  });
  const createRuntime = (link: Link): LinkRuntime => {
    const runtime = new LinkRuntime({
      link,
      logger,
      onInbound: (sm, bind) => {
        // Isolated (Kannel's isolate): nothing is taken from the SMSCs; they keep it and send it again later.
        if (operator.gatewayState() === 'isolated') return Promise.resolve('retry-later');
        if (isReceipt(sm.esmClass)) return d.receipts.handle(sm, bind.link, (state) => bind.countInbound('receipt', state));
        bind.countInbound('mo');
        return d.mo.handle(sm, bind.link);
      },
    });
    // The labelled child once per link: observe() with a label object hashes the labels on every call.
    const latency = metrics.submitLatency.labels({ link: link.id });
    for (const b of runtime.senders) b.onAnswered = (ms) => latency.observe(ms / 1000);
    // max-error-count: a bind that gave up stops the whole link, cluster-wide, until an operator starts it.
    for (const b of runtime.binds)
      b.on(
        'gaveUp',
        () =>
          void operator
            .setLinkState(link.id, 'stopped')
            .catch((e: unknown) => logger.error({ err: e, link: link.id }, 'cannot stop the link after max-error-count')),
      );
    return runtime;
  };
  const waits = new Map<string, { observe(seconds: number): void }>();
  const waitOf = (route: string): { observe(seconds: number): void } => {
    let child = waits.get(route);
    if (!child) waits.set(route, (child = metrics.acceptToSubmit.labels({ route })));
    return child;
  };
  const createDrain = (runtime: LinkRuntime): LinkDrain<LinkRuntime> =>
    new LinkDrain(runtime, d.directory, {
      connection: d.redis,
      prefix: config.redis.keyPrefix,
      lockDurationMs: config.queue.lockDurationMs,
      maxAttempts: config.queue.maxAttempts,
      retryDelayMs: config.queue.retryDelayMs,
      maxUnanswered: config.queue.maxUnanswered,
      timeShareMs: config.queue.timeShareMs,
      outcomes: d.reports,
      records: d.records,
      concatRefs: d.concatRefs,
      health: cluster,
      operator,
      logger,
      pinWaitMs: 60_000,
      links: d.linksById,
      onSubmitted: (msg, now) => waitOf(msg.route).observe((now - msg.acceptedAt) / 1000),
    });
  const fleet = new LinkFleet(
    { runtimes: d.runtimes, cluster, leases, createRuntime, createDrain, drainMs: d.drainMs, logger },
    d.runsLinks ? config.links : [],
  );
  return { cluster, leases, fleet };
}
