/**
 * Prometheus metrics (prom-client), from every gateway process. Each process keeps the series of what it does
 * itself (its binds' submits and latency, the HTTP requests it answered, its callbacks, its Redis round trips) and
 * publishes them to Redis every few seconds; the process serving the admin port merges them (summed by labels, so
 * a bind's series comes from the one process that runs it and nothing doubles) and adds what is cluster-wide
 * (queue depth and oldest age per route, bind state per bind, account counters), read from Redis at scrape time.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { AccountView, LinkView, RouteView } from '../domain/admin-views.js';
import type { RedisKeys } from '../redis/keys.js';

/** Latency buckets (seconds) for SMPP submits and Redis round trips: 0.5 ms to 10 s. */
const FAST = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets (seconds) for the wait from accept to submit: 10 ms to an hour. */
const WAIT = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];

/** How often a process publishes its series, and after how long an unpublished process is forgotten. */
const PUBLISH_MS = 5000;
const FORGET_MS = 30_000;

/** The series one gateway process records. */
export class ProcessMetrics {
  readonly registry = new Registry();
  readonly submits = new Counter({
    name: 'switchboard_submits_total',
    help: 'submit_sm written to SMSCs, by what became of them (accepted, refused, throttled, unanswered, not_sent)',
    labelNames: ['link', 'bind', 'result'] as const,
    registers: [this.registry],
  });
  readonly submitLatency = new Histogram({
    name: 'switchboard_submit_latency_seconds',
    help: 'submit_sm to submit_sm_resp',
    labelNames: ['link'] as const,
    buckets: FAST,
    registers: [this.registry],
  });
  readonly acceptToSubmit = new Histogram({
    name: 'switchboard_accept_to_submit_seconds',
    help: 'From the 202 to the SMSC accepting the message (its wait in the queue, throttle pauses included)',
    labelNames: ['route'] as const,
    buckets: WAIT,
    registers: [this.registry],
  });
  readonly receipts = new Counter({
    name: 'switchboard_receipts_total',
    help: 'Delivery receipts received, by state',
    labelNames: ['link', 'state'] as const,
    registers: [this.registry],
  });
  readonly mo = new Counter({
    name: 'switchboard_mo_total',
    help: 'Incoming messages received',
    labelNames: ['link'] as const,
    registers: [this.registry],
  });
  readonly callbacks = new Counter({
    name: 'switchboard_callbacks_total',
    help: 'Report callbacks to clients, by result (sent, retried, given_up, refused)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests answered, by interface and status',
    labelNames: ['interface', 'status'] as const,
    registers: [this.registry],
  });
  readonly redisRoundTrip = new Histogram({
    name: 'switchboard_redis_roundtrip_seconds',
    help: 'PING round trips to Redis, every few seconds',
    buckets: FAST,
    registers: [this.registry],
  });
  readonly resends = new Counter({
    name: 'switchboard_possible_resends_total',
    help: 'Messages sent again that the SMSC may have had already (unanswered submits, batches interrupted by a crash)',
    labelNames: ['why'] as const,
    registers: [this.registry],
  });
  readonly writeRetries = new Counter({
    name: 'switchboard_record_write_retries_total',
    help: 'Record writes Redis refused and that were tried again',
    registers: [this.registry],
  });
  readonly limitRefusals = new Counter({
    name: 'switchboard_limit_refusals_total',
    help: 'Requests refused by a limit, by reason: client_rate (http.ip-rate-limit), account_rate (request-rate-limit), over_tps and too_many_at_once (max-tps), daily_quota, monthly_quota; connections: closed on arrival at http.max-connections',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly loginFailures = new Counter({
    name: 'switchboard_login_failures_total',
    help: 'Logins that did not go through, by interface (sendsms: sendsms and the JSON API; admin: the admin port) and reason: bad_password, unknown_user, ip_denied, busy (too many password checks waiting for that name; 503), limited (refused unchecked: too many failed logins from the client address)',
    labelNames: ['interface', 'reason'] as const,
    registers: [this.registry],
  });
  readonly pacedMessages = new Counter({
    name: 'switchboard_paced_messages_total',
    help: "Messages accepted and held in their queue for their account's max-tps (max-tps-mode pace)",
    registers: [this.registry],
  });
  readonly reportGaps = new Counter({
    name: 'switchboard_report_gaps_total',
    help: 'Reports reserved but never queued (a crash between), skipped after callbacks.order-wait',
    registers: [this.registry],
  });
  readonly redisFailovers = new Counter({
    name: 'switchboard_redis_failovers_total',
    help: 'Changes of Redis primary each gateway process followed (a Sentinel failover), by process',
    labelNames: ['node'] as const,
    registers: [this.registry],
  });
  readonly redisWithoutPrimary = new Counter({
    name: 'switchboard_redis_without_primary_seconds_total',
    help: 'Time each gateway process spent without a usable Redis primary (connections lost, or requests refused because Redis did not answer), by process',
    labelNames: ['node'] as const,
    registers: [this.registry],
  });
  readonly replicationWaits = new Counter({
    name: 'switchboard_replication_waits_total',
    help: "Redis WAITs for redis.wait-replicas, by write (commit: a request's group commit; records: outcomes of sent messages) and result (confirmed, late: too few replicas in time, lost: the connection changed before they confirmed)",
    labelNames: ['write', 'result'] as const,
    registers: [this.registry],
  });
  readonly replicationWaitSeconds = new Counter({
    name: 'switchboard_replication_wait_seconds_total',
    help: 'Time spent in Redis WAIT for redis.wait-replicas, by write (divide by switchboard_replication_waits_total for the mean)',
    labelNames: ['write'] as const,
    registers: [this.registry],
  });

  /** Adds to counters kept elsewhere as running totals: what grew since the last call. */
  private readonly last = new Map<string, number>();

  /** Feeds a counter from a running total kept by another component. */
  addTotal<L extends string>(counter: Counter<L>, labels: Partial<Record<L, string>>, total: number): void {
    const key = `${(counter as unknown as { name: string }).name}${JSON.stringify(labels)}`;
    const before = this.last.get(key) ?? 0;
    if (total > before) counter.inc(labels, total - before);
    this.last.set(key, total);
  }
}

/** Publishes a process's series to Redis, for the admin port to merge. */
export class MetricsPublisher {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    private readonly metrics: ProcessMetrics,
    /** Called before each publication, to bring counters kept elsewhere up to date. */
    private readonly refresh: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = (): void => void this.publish();
    tick();
    this.timer = setInterval(tick, PUBLISH_MS);
    this.timer.unref();
  }

  async publish(): Promise<void> {
    try {
      await this.refresh();
      const json = await this.metrics.registry.getMetricsAsJSON();
      await this.redis.hset(this.keys.metrics, this.nodeId, JSON.stringify({ at: Date.now(), metrics: json }));
    } catch (e) {
      this.logger.debug({ err: e }, 'cannot publish metrics (Redis unavailable?)');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    // A series left behind (Redis gone at shutdown) is dropped by scrape() once it is older than its publication.
    await this.redis
      .hdel(this.keys.metrics, this.nodeId)
      .catch((err: unknown) => this.logger.debug({ err }, "cannot remove this process's series; they age out"));
  }
}

/** What the admin port reads at scrape time (cluster-wide, from Redis and the shared link state). */
export interface ClusterViews {
  routes(): Promise<RouteView[]>;
  links(): Promise<LinkView[]>;
  accounts(): Promise<AccountView[]>;
}

const BIND_STATES = ['bound', 'unhealthy', 'binding', 'connecting', 'down', 'unbinding', 'stopped', 'idle', 'unowned'] as const;

/** The /metrics page: every process's series merged, and the cluster-wide gauges. */
export async function scrape(
  redis: Redis,
  keys: RedisKeys,
  views: ClusterViews,
  now = Date.now(),
): Promise<{ contentType: string; body: string }> {
  const published = await redis.hgetall(keys.metrics);
  const fresh: MetricObjectWithValues<MetricValue<string>>[][] = [];
  const stale: string[] = [];
  for (const [node, raw] of Object.entries(published)) {
    try {
      const v = JSON.parse(raw) as { at: number; metrics: MetricObjectWithValues<MetricValue<string>>[] };
      if (now - v.at > FORGET_MS) stale.push(node);
      else fresh.push(v.metrics);
    } catch {
      stale.push(node);
    }
  }
  if (stale.length > 0) await redis.hdel(keys.metrics, ...stale);
  const merged = fresh.length > 0 ? AggregatorRegistry.aggregate(fresh) : new Registry();

  const cluster = new Registry();
  const [routes, links, accounts] = await Promise.all([views.routes(), views.links(), views.accounts()]);
  const depth = new Gauge({
    name: 'switchboard_queue_messages',
    help: 'Messages in a route queue, by state (waiting, active, delayed, failed)',
    labelNames: ['route', 'state'] as const,
    registers: [cluster],
  });
  const oldest = new Gauge({
    name: 'switchboard_queue_oldest_age_seconds',
    help: 'Age of the oldest waiting message of a route',
    labelNames: ['route'] as const,
    registers: [cluster],
  });
  const paused = new Gauge({
    name: 'switchboard_queue_paused',
    help: '1 while an operator holds the route queue',
    labelNames: ['route'] as const,
    registers: [cluster],
  });
  const noLink = new Gauge({
    name: 'switchboard_queue_no_link',
    help: "1 while none of the route's links is configured: its messages wait for a reload or an operator",
    labelNames: ['route'] as const,
    registers: [cluster],
  });
  for (const r of routes) {
    noLink.set({ route: r.key }, r.noLink ? 1 : 0);
    for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) depth.set({ route: r.key, state }, r.counts[state]);
    oldest.set({ route: r.key }, (r.oldestAgeMs ?? 0) / 1000);
    paused.set({ route: r.key }, r.paused ? 1 : 0);
  }
  const bindState = new Gauge({
    name: 'switchboard_bind_state',
    help: "A bind's state: 1 for the state it is in, 0 for the others",
    labelNames: ['link', 'bind', 'state'] as const,
    registers: [cluster],
  });
  const bindUp = new Gauge({
    name: 'switchboard_bind_up',
    help: '1 when the bind is bound and answering in time',
    labelNames: ['link', 'bind'] as const,
    registers: [cluster],
  });
  const window = new Gauge({
    name: 'switchboard_bind_window_in_use',
    help: 'Submits waiting for their response on the bind',
    labelNames: ['link', 'bind'] as const,
    registers: [cluster],
  });
  const linkAdmin = new Gauge({
    name: 'switchboard_link_stopped',
    help: '1 while an operator has stopped or drained the link',
    labelNames: ['link'] as const,
    registers: [cluster],
  });
  for (const l of links) {
    linkAdmin.set({ link: l.id }, l.admin === 'running' ? 0 : 1);
    for (const b of l.binds) {
      for (const s of BIND_STATES) bindState.set({ link: l.id, bind: b.bind, state: s }, b.state === s ? 1 : 0);
      bindUp.set({ link: l.id, bind: b.bind }, b.healthy ? 1 : 0);
      window.set({ link: l.id, bind: b.bind }, b.window.inUse);
    }
  }
  const acct = new Gauge({
    name: 'switchboard_account_messages',
    help: "An account's messages since its counters began, by event (accepted, refused, delivered, failed); a counter kept in Redis",
    labelNames: ['account', 'event'] as const,
    registers: [cluster],
  });
  for (const a of accounts) for (const [event, n] of Object.entries(a.counters)) acct.set({ account: a.username, event }, n);

  const body = `${await merged.metrics()}\n${await cluster.metrics()}`;
  return { contentType: cluster.contentType, body };
}
