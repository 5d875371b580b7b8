/**
 * Wires the modules together for one gateway process. Never listens by itself until start(); stop() shuts down
 * in order: stop accepting (503), stop taking jobs, let windows drain (bounded), unbind, close Redis.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConfigDiff } from './config/config-diff.js';
import type { Config } from './config/config.js';
import { ConfigError } from './config/config-error.js';
import type { ActionResult } from './domain/admin-views.js';
import type { Link } from './domain/link.js';
import { decodeShortMessage } from './encoding/index.js';
import { buildHttpServer, type HttpServer } from './http/server.js';
import { BindLeases } from './links/bind-leases.js';
import { ClusterLinkState } from './links/cluster-link-state.js';
import { LinkRuntime } from './links/link-runtime.js';
import { CallbackQueue } from './dlr/callback-queue.js';
import { isReceipt, ReceiptPipeline } from './dlr/receipt-pipeline.js';
import { ReportDispatcher } from './dlr/report-dispatcher.js';
import { AcceptService } from './messages/accept-service.js';
import { Authenticator } from './messages/authenticator.js';
import { OutboundGuards } from './http/outbound-guard.js';
import { OutboundPolicies } from './security/outbound-policy.js';
import { PasswordVerifier } from './security/password-verifier.js';
import { statusAccess } from './security/status-access.js';
import { statusGate } from './security/status-gate.js';
import { MoPipeline } from './mo/index.js';
import { AccountStats } from './messages/account-stats.js';
import { LimitGate } from './messages/limit-gate.js';
import { MessageLookup } from './messages/message-lookup.js';
import { MessageStore } from './messages/message-store.js';
import { LinkDrain } from './queue/link-drain.js';
import { watchOrphanRoutes } from './queue/orphan-routes.js';
import { Producer } from './queue/producer.js';
import { RedisKeys } from './queue/queue-names.js';
import { QueuedLookup } from './queue/queued-lookup.js';
import { RouteDirectory } from './queue/route-directory.js';
import { RouteInspector } from './queue/route-inspector.js';
import { adminAccess } from './admin/admin-access.js';
import { registerKannelCommands } from './admin/kannel-commands.js';
import { buildAdminServer, type AdminServer } from './admin/admin-server.js';
import { registerDashboard } from './admin/dashboard-routes.js';
import { ConfigReloader } from './control/config-reload.js';
import { GatewayOperations } from './control/gateway-operations.js';
import { LinkFleet } from './control/link-fleet.js';
import { OperatorState } from './control/operator-state.js';
import type { Route } from './routing/compute-route.js';
import { waitReady, type RedisTarget } from './redis/connect.js';
import { createProcessClients } from './redis/process-clients.js';
import type { RedisCircuit } from './redis/redis-circuit.js';
import { EventBus } from './redis/event-bus.js';
import { setLogLevel } from './observability/logger.js';
import { MetricsPublisher, ProcessMetrics, scrape } from './observability/metrics.js';
import { SmscSimulator } from './simulator/smsc-simulator.js';
import { parsePersona } from './simulator/persona.js';
import { httpsServerOptions, reloadServerCredentials, type TlsReloadResult } from './tls/server-credentials.js';

/**
 * What this process does. Both by default (a gateway of one process); `switchboard start` splits them over two
 * processes on a machine with two cores or more: they share nothing but Redis, exactly as two gateways do.
 */
export interface AppRoles {
  /** The sendsms port: accept, route and queue. */
  readonly http: boolean;
  /** The binds, the queue workers that drain into them, receipts, callbacks and MO. */
  readonly links: boolean;
}

export interface AppOptions {
  readonly config: Config;
  readonly redis: RedisTarget;
  readonly logger: Logger;
  readonly roles?: AppRoles;
  /** Bounded wait for in-flight submits at shutdown. */
  readonly drainMs?: number;
  /** What an operator's shutdown does (the admin port's `shutdown`); default: stop this App. */
  readonly shutdown?: () => void;
  /**
   * Reads and validates the configuration file again, for a reload (SIGHUP, the admin API); throws ConfigError.
   * Without it, reload answers that this gateway was not started from a file.
   */
  readonly reloadConfig?: () => Config;
}

/** The package version, shown on the status pages. */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Most messages one route job holds: the configured batch size, and no more than a second of the slowest
 * throughput-limited link of the route, so active-active links split a route by what each really sends.
 */
function batchLimit(route: Route, links: ReadonlyMap<string, { throughput: number; instances: number }>, batchSize: number): number {
  let limit = batchSize;
  for (const id of [...route.preferred, ...route.fallback]) {
    const l = links.get(id);
    if (l && l.throughput > 0) limit = Math.min(limit, Math.max(1, Math.round(l.throughput * l.instances)));
  }
  return limit;
}

/** Waits for `p` (its outcome ignored) at most `ms`. */
function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p.then(() => undefined, () => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
}

export class App {
  private current: Config;
  readonly http: HttpServer;
  /** The links this process runs, by id (a reload adds and removes them: see control/link-fleet.ts). */
  readonly runtimes = new Map<string, LinkRuntime>();
  /** Every configured link, by id, shared with the components that read link settings (kept current by reload). */
  private readonly linksById = new Map<string, Link>();
  private readonly fleet: LinkFleet;
  private readonly reloader: ConfigReloader;
  private readonly authenticator: Authenticator;
  private readonly outbound: OutboundPolicies;
  readonly simulator: SmscSimulator | undefined;
  readonly store: MessageStore;
  readonly directory: RouteDirectory;
  readonly producer: Producer;
  readonly cluster: ClusterLinkState;
  readonly callbacks: CallbackQueue;
  readonly receipts: ReceiptPipeline;
  readonly reports: ReportDispatcher;
  readonly mo: MoPipeline;
  readonly leases: BindLeases;
  /** What both HTTP interfaces accept messages through. */
  readonly accept: AcceptService;
  /** What operators decided (links stopped or drained, the gateway suspended), shared by every process. */
  readonly operator: OperatorState;
  readonly accountStats: AccountStats;
  readonly inspector: RouteInspector;
  readonly operations: GatewayOperations;
  /** The admin port (built in the HTTP role; listening when admin-port is not 0). */
  readonly admin: AdminServer;
  readonly startedAt = Date.now();
  /** This process's Prometheus series (merged with the other processes' on the admin port's /metrics). */
  readonly metrics = new ProcessMetrics();
  private readonly metricsPublisher: MetricsPublisher;
  /** Replies of the sendsms port by HTTP status, since start. */
  private readonly replies = new Map<number, number>();
  /** Names this process in bind states and leases: host, pid (and the parent's, for a links process), a random tag. */
  readonly nodeId = `${hostname()}:${process.send ? `${process.ppid}.` : ''}${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly bus: EventBus;
  private readonly clients: Redis[];
  private readonly circuit: RedisCircuit;
  /** The request path's connection (redis.command-timeout on every command). */
  private readonly requestRedis: Redis;
  private readonly log: Logger;
  private shuttingDown = false;
  readonly roles: AppRoles;

  constructor(private readonly opts: AppOptions) {
    const { config, logger } = opts;
    this.roles = opts.roles ?? { http: true, links: true };
    this.current = config;
    this.log = logger;
    const keys = new RedisKeys(config.redis.keyPrefix);
    const redis = createProcessClients(opts.redis, logger, { commandTimeoutMs: config.redis.commandTimeoutMs });
    const { http: httpRedis, work: workRedis, events: subRedis, store: storeRedis, circuit } = redis;
    this.circuit = circuit;
    this.requestRedis = httpRedis;
    this.clients = [...redis.all];
    this.bus = new EventBus(workRedis, subRedis, keys.events);
    this.directory = new RouteDirectory(workRedis, httpRedis, this.bus, keys, logger);
    const linksById = this.linksById;
    for (const l of config.links) linksById.set(l.id, l);
    this.producer = new Producer(httpRedis, this.directory, {
      keys,
      batchLimit: (route) => batchLimit(route, linksById, config.queue.batchSize),
      eventsMaxLen: 100,
      accepted: (account, n) => void this.accountStats.count(account, 'accepted', n),
      guard: (write) => circuit.run(write),
    });
    this.store = new MessageStore(storeRedis, keys, { lifetimeMs: config.queue.messageLifetimeMs, logger: logger.child({ component: 'records' }) });
    this.operator = new OperatorState(storeRedis, this.bus, keys, logger);
    this.accountStats = new AccountStats(storeRedis, keys);
    const outbound = (this.outbound = new OutboundPolicies({ networks: config.callbacks.denyNetworks, hosts: config.callbacks.denyHosts }, config.accounts));
    const guards = new OutboundGuards(outbound);
    this.callbacks = new CallbackQueue(workRedis, storeRedis, keys, config.callbacks, logger, guards);
    const reports = new ReportDispatcher(this.store, this.callbacks, config.receipts.longMessagePolicy, logger, (account, final) => void this.accountStats.count(account, final));
    this.reports = reports;
    this.receipts = new ReceiptPipeline(workRedis, config.redis.keyPrefix, this.store, reports, linksById, config.receipts.unmatchedRetryMs, logger, config.redis.deliverSmTimeoutMs);
    this.mo = new MoPipeline({
      redis: workRedis,
      connection: workRedis,
      prefix: config.redis.keyPrefix,
      services: config.services,
      reassemblyTimeoutMs: config.mo.reassemblyTimeoutMs,
      answerTimeoutMs: config.redis.deliverSmTimeoutMs,
      callbacks: config.callbacks,
      outbound: guards.services,
      logger,
    });
    const timers = { ttlMs: config.cluster.leaseTtlMs, refreshMs: config.cluster.refreshMs };
    const inService = (linkId: string): boolean => this.operator.linkInService(linkId);
    this.cluster = new ClusterLinkState(workRedis, this.bus, keys, this.nodeId, config.links, this.runtimes, logger, { ...timers, inService });
    this.leases = new BindLeases(workRedis, keys, this.nodeId, this.runtimes, logger, {
      ttlMs: timers.ttlMs,
      renewMs: timers.refreshMs,
      inService: (linkId) => this.operator.linkBound(linkId),
      drainMs: opts.drainMs ?? 5000,
    });
    const health = this.cluster;
    const createRuntime = (link: Link): LinkRuntime => {
      const runtime = new LinkRuntime({
        link,
        logger,
        onInbound: (sm, bind) => {
          // Isolated (Kannel's isolate): nothing is taken from the SMSCs; they keep it and send it again later.
          if (this.operator.gatewayState() === 'isolated') return Promise.resolve('retry-later');
          if (isReceipt(sm.esmClass)) return this.receipts.handle(sm, bind.link, (state) => bind.countInbound('receipt', state));
          bind.countInbound('mo');
          return this.mo.handle(sm, bind.link);
        },
      });
      const labels = { link: link.id };
      for (const b of runtime.senders) b.onAnswered = (ms) => this.metrics.submitLatency.observe(labels, ms / 1000);
      return runtime;
    };
    const createDrain = (runtime: LinkRuntime): LinkDrain =>
      new LinkDrain(runtime, this.directory, {
        connection: workRedis,
        prefix: config.redis.keyPrefix,
        lockDurationMs: config.queue.lockDurationMs,
        maxAttempts: config.queue.maxAttempts,
        retryDelayMs: config.queue.retryDelayMs,
        maxUnanswered: config.queue.maxUnanswered,
        timeShareMs: config.queue.timeShareMs,
        outcomes: reports,
        records: this.store,
        health,
        operator: this.operator,
        logger,
        pinWaitMs: 60_000,
        links: linksById,
        onSubmitted: (msg, now) => this.metrics.acceptToSubmit.observe({ route: msg.route }, (now - msg.acceptedAt) / 1000),
      });
    this.fleet = new LinkFleet(
      { runtimes: this.runtimes, cluster: this.cluster, leases: this.leases, createRuntime, createDrain, drainMs: opts.drainMs ?? 5000, logger },
      this.roles.links ? config.links : [],
    );
    const limits = new LimitGate(httpRedis, keys, {
      clientRate: config.http.clientRate,
      onRefused: (reason) => this.metrics.limitRefusals.inc({ reason: reason.replace(/-/g, '_') }),
      onPaced: (n) => this.metrics.pacedMessages.inc(n),
      guard: (op) => circuit.run(op),
    });
    const accept = new AcceptService(config, this.producer, health, logger, (account, n) => void this.accountStats.count(account, 'refused', n), limits);
    this.accept = accept;
    const verifier = new PasswordVerifier();
    // Lookups read on the request path's connection (a deadline per command), through its circuit: 503 at once
    // while Redis does not answer, as for sending.
    const lookupNow = new MessageLookup(new MessageStore(httpRedis, keys, { lifetimeMs: config.queue.messageLifetimeMs, logger }), new QueuedLookup(this.producer, this.directory));
    const lookup = { find: (id: string) => circuit.run(() => lookupNow.find(id)) };
    this.http = buildHttpServer(
      {
        accept,
        auth: (this.authenticator = new Authenticator(config.accounts, verifier, logger)),
        callbackTargets: outbound,
        lookup,
        maxRecipients: config.http.maxRecipients,
        clientLimit: limits,
        requestLimit: limits,
        shuttingDown: () => this.shuttingDown || this.operator.gatewayState() === 'suspended',
        status: () => this.status(),
        statusGate: statusGate(statusAccess([config.admin.password, config.admin.statusPassword], config.http.host), verifier),
      },
      {
        maxBodyBytes: config.http.maxBodyBytes,
        requestTimeoutMs: config.http.requestTimeoutMs,
        headersTimeoutMs: config.http.headersTimeoutMs,
        keepAliveTimeoutMs: config.http.keepAliveTimeoutMs,
        maxConnections: config.http.maxConnections,
        onConnectionDropped: () => this.metrics.limitRefusals.inc({ reason: 'connections' }),
        logger,
        https: this.roles.http ? httpsServerOptions(config.http.tls) : null,
        countReply: (status) => this.replies.set(status, (this.replies.get(status) ?? 0) + 1),
      },
    );
    this.inspector = new RouteInspector({
      producer: this.producer,
      directory: this.directory,
      redis: storeRedis,
      keys,
      records: { markQueued: (m, r, j, n, why) => this.store.markQueued(m, r, j, n, why), failedWire: (id) => this.store.failedWire(id), removeFailed: (id, who, now) => reports.removed(id, who, now) },
      links: () => this.config.links,
      lifetimeMs: config.queue.messageLifetimeMs,
      logger,
    });
    this.operations = new GatewayOperations({
      config: () => this.config,
      nodeId: this.nodeId,
      startedAt: this.startedAt,
      version: VERSION,
      binds: () => this.cluster.snapshot(),
      linkHealthy: (id) => this.cluster.linkHealthy(id),
      routes: () => this.directory.routes(),
      inspector: this.inspector,
      operator: this.operator,
      accounts: this.accountStats,
      shuttingDown: () => this.shuttingDown,
      shutdown: () => (opts.shutdown ?? ((): void => void this.stop()))(),
      reload: (who) => this.reloader.reload(who),
      callbackCounts: () => this.callbacks.counts(),
      logger,
    });
    const access = adminAccess({ adminPassword: config.admin.password, statusPassword: config.admin.statusPassword, allowIp: config.admin.allowIp, denyIp: config.admin.denyIp, interfaceHost: config.admin.host, verifier });
    this.admin = buildAdminServer(
      {
        backend: this.operations,
        authorize: async (req, reply, need) => {
          const check = await access(req, need);
          if (check === 'ok') return { ok: true, who: req.ip };
          reply.code(check.status).headers(check.headers).send(check.body);
          return { ok: false };
        },
        explain: (account, to, smsc) => this.operations.explain(account, to, smsc),
        message: (id) => lookup.find(id),
      },
      { https: this.roles.http ? httpsServerOptions(config.admin.tls) : null, requestTimeoutMs: config.http.requestTimeoutMs, logger, basePath: config.admin.basePath },
      [
        (app) =>
          registerDashboard(app, {
            access,
            allowIp: config.admin.allowIp,
            denyIp: config.admin.denyIp,
            basePath: config.admin.basePath,
            version: VERSION,
            sendsms: () => ({ tls: this.config.http.tls !== undefined, host: this.config.http.host, port: this.httpPort }),
          }),
        (app) => registerKannelCommands(app, { backend: this.operations, access, smscIdentities: () => this.config.links }),
        (app) =>
          app.get('/metrics', async (req, reply) => {
            const check = await access(req, 'status');
            if (check !== 'ok') return reply.code(check.status).headers(check.headers).send(check.body);
            const page = await scrape(storeRedis, keys, this.operations);
            return reply.header('content-type', page.contentType).send(page.body);
          }),
      ],
    );
    this.metricsPublisher = new MetricsPublisher(storeRedis, keys, this.nodeId, this.metrics, () => this.refreshMetrics(storeRedis), logger);
    const reloadConfig = opts.reloadConfig;
    this.reloader = new ConfigReloader({
      load: () => {
        if (!reloadConfig) throw new ConfigError([{ file: config.source, line: undefined, path: '', message: 'this gateway was not started from a configuration file, so there is nothing to re-read' }]);
        return reloadConfig();
      },
      running: () => this.current,
      apply: (next, diff) => this.applyConfig(next, diff),
      bus: this.bus,
      nodeId: this.nodeId,
      logger,
    });
    if (config.simulator.enabled && this.roles.http) {
      this.simulator = new SmscSimulator({
        host: config.simulator.host,
        port: config.simulator.port,
        persona: parsePersona(config.simulator.persona),
        receipts: config.simulator.receipts ? 'requested' : 'none',
        tls: config.simulator.tls,
        logger: logger.child({ component: 'simulator' }),
      });
      const simLog = logger.child({ component: 'simulator' });
      this.simulator.on('submit', (m) => {
        const decoded = decodeShortMessage({ dataCoding: m.dataCoding, esmClass: m.esmClass, shortMessage: m.shortMessage, sar: m.sar });
        simLog.info({ from: m.sourceAddr, to: m.destAddr, dataCoding: m.dataCoding, octets: m.shortMessage.length, text: decoded.text, part: decoded.concat }, 'simulator received a submit_sm');
      });
    }
  }

  /** The running configuration (a reload replaces its links, accounts and services). */
  get config(): Config {
    return this.current;
  }

  /** Re-reads the configuration file and applies it here and in every process sharing the Redis (SIGHUP, admin API). */
  reload(who: string): Promise<ActionResult> {
    return this.reloader.reload(who);
  }

  /**
   * Makes a reloaded configuration the running one. Accounts, services and routing change at once; links change
   * in the background of the call (removed ones let their windows drain first), unchanged ones are not touched.
   * Other sections keep their running values until a restart (the reply says which).
   */
  private async applyConfig(next: Config, diff: ConfigDiff): Promise<void> {
    const running = this.current;
    const applied: Config = { ...running, links: next.links, accounts: next.accounts, services: next.services };
    this.current = applied;
    this.linksById.clear();
    for (const l of applied.links) this.linksById.set(l.id, l);
    this.accept.reconfigure(applied);
    this.authenticator.replaceAccounts(applied.accounts);
    this.outbound.replaceAccounts(applied.accounts);
    this.mo.setServices(applied.services);
    this.cluster.setLinks(applied.links);
    if (!this.roles.links) return;
    await this.fleet.apply(diff);
    // A route whose every link is gone now: its messages are routed again with the new links (or failed).
    if (diff.removed.length > 0 || diff.changed.length > 0) {
      await watchOrphanRoutes(this.directory, { producer: this.producer, marker: this.store, outcomes: this.reports, links: applied.links, logger: this.log });
    }
  }

  /** Link and bind states across every gateway process, for /health and the links API. */
  status(): Record<string, unknown> {
    const binds = this.cluster.snapshot();
    return {
      status: this.shuttingDown ? 'shutting-down' : 'ok',
      node: this.nodeId,
      links: this.config.links.map((l) => ({
        id: l.id,
        smscId: l.smscId,
        healthy: this.cluster.linkHealthy(l.id),
        binds: binds.filter((b) => b.link === l.id),
      })),
      routes: this.directory.routes().map((r) => ({
        key: r.key,
        preferred: r.preferred,
        fallback: r.fallback,
        drainingHere: this.fleet.drains().flatMap((d) => d.draining().filter((x) => x.route === r.key && x.running).map(() => d.linkId)),
      })),
    };
  }

  async start(): Promise<void> {
    await Promise.all(this.clients.map((c) => waitReady(c, this.opts.redis)));
    if (this.simulator) await this.simulator.start();
    await this.directory.start();
    this.operator.on('change', () => this.applyLogLevel());
    this.reloader.listen();
    await this.operator.start();
    this.metricsPublisher.start();
    await this.cluster.start();
    if (this.roles.links) {
      await watchOrphanRoutes(this.directory, { producer: this.producer, marker: this.store, outcomes: this.reports, links: this.config.links, logger: this.log });
      this.callbacks.start();
      this.receipts.start();
      await this.mo.start();
      this.fleet.start();
      await this.leases.start();
    }
    if (!this.roles.http) {
      this.log.info({ links: this.config.links.map((l) => `${l.id} → ${l.host}:${l.port || l.receivePort}`) }, 'links process running');
      return;
    }
    const { host, port } = this.config.http;
    await this.http.listen({ host, port });
    if (this.config.admin.port !== 0) {
      await this.admin.listen({ host: this.config.admin.host, port: this.config.admin.port });
      this.log.info({ url: `${this.config.admin.tls ? 'https' : 'http'}://${this.config.admin.host}:${this.config.admin.port}/` }, 'admin port listening');
    }
    const addr = this.http.server.address();
    this.log.info(
      { url: `${this.config.http.tls ? 'https' : 'http'}://${host}:${typeof addr === 'object' && addr ? addr.port : port}/cgi-bin/sendsms`, links: this.config.links.map((l) => `${l.id} → ${l.host}:${l.port || l.receivePort}`) },
      'sendsms and JSON API listening',
    );
  }

  /** SIGHUP: re-reads the TLS certificate and key of the sendsms port; a file that cannot be used keeps the current ones (logged). */
  reloadTls(): TlsReloadResult[] {
    const tls = this.config.http.tls;
    return this.roles.http && tls ? [reloadServerCredentials(this.http.server, tls, this.log)] : [];
  }

  /** Brings the counters kept by the components into this process's series, and times a Redis round trip. */
  private async refreshMetrics(redis: Redis): Promise<void> {
    const m = this.metrics;
    for (const runtime of this.runtimes.values()) {
      const link = runtime.link.id;
      for (const b of runtime.binds) {
        const c = b.counters;
        const bind = b.name;
        m.addTotal(m.submits, { link, bind, result: 'accepted' }, c.accepted);
        m.addTotal(m.submits, { link, bind, result: 'throttled' }, c.throttled);
        m.addTotal(m.submits, { link, bind, result: 'refused' }, c.refused - c.throttled);
        m.addTotal(m.submits, { link, bind, result: 'unanswered' }, c.unanswered);
        for (const [state, n] of Object.entries(c.receipts)) m.addTotal(m.receipts, { link, state }, n);
        m.addTotal(m.mo, { link }, c.mo);
      }
    }
    for (const [status, n] of this.replies) m.addTotal(m.httpRequests, { interface: 'sendsms', status: String(status) }, n);
    const cb = this.callbacks.counters;
    m.addTotal(m.callbacks, { result: 'sent' }, cb.sent);
    m.addTotal(m.callbacks, { result: 'retried' }, cb.retried);
    m.addTotal(m.callbacks, { result: 'given_up' }, cb.givenUp);
    m.addTotal(m.callbacks, { result: 'refused' }, cb.refused);
    m.addTotal(m.reportGaps, {}, cb.gapsSkipped);
    m.addTotal(m.writeRetries, {}, this.store.counters.writeRetries);
    m.addTotal(m.resends, { why: 'unanswered' }, this.fleet.drains().reduce((n, d) => n + d.counters.resentUnanswered, 0));
    m.addTotal(m.resends, { why: 'crash' }, this.fleet.drains().reduce((n, d) => n + d.counters.possibleResends, 0));
    const t0 = process.hrtime.bigint();
    await redis.ping();
    m.redisRoundTrip.observe(Number(process.hrtime.bigint() - t0) / 1e9);
  }

  /** An operator's log level (Kannel's log-level command), in this process. */
  private applyLogLevel(): void {
    const level = this.operator.logLevel();
    if (level && this.log.level !== level) {
      setLogLevel(this.log, level);
      this.log.warn({ level }, 'log level changed by an operator');
    }
  }

  /** The end of stop(), once the binds are closed: everything that writes to Redis, then the connections. */
  private async closeRest(metricsStopped: Promise<void>): Promise<void> {
    await metricsStopped;
    await this.leases.release();
    this.cluster.stop();
    if (this.roles.links) await this.mo.stop();
    await Promise.all(this.fleet.drains().map((d) => d.close()));
    await this.receipts.close();
    await this.callbacks.close();
    this.directory.stop();
    await this.producer.close();
    this.circuit.stop();
    await Promise.all(this.clients.map((c) => c.quit().catch(() => c.disconnect())));
  }

  /** Whether Redis answers a PING within the request path's deadline (redis.command-timeout). */
  private redisAnswers(): Promise<boolean> {
    return this.requestRedis.ping().then(
      () => true,
      () => false,
    );
  }

  /** The port the sendsms interface listens on (useful when configured as 0). */
  get httpPort(): number {
    const addr = this.http.server.address();
    return typeof addr === 'object' && addr ? addr.port : this.config.http.port;
  }

  async stop(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.log.info('shutting down: no new messages; letting submits in flight finish');
    if (this.roles.http) await Promise.all([this.http.close(), this.admin.close()]);
    this.operator.stop();
    const drainMs = this.opts.drainMs ?? 5000;
    // Nothing that needs Redis may hold the unbind: a Redis that is gone or frozen would hold it for ever (the
    // process's shutdown bound would end it, with the binds still open). A batch in hand finishes once its outcomes
    // are written, so its wait is bounded too; one cut short is recovered by the next gateway, as after a crash.
    const metricsStopped = this.metricsPublisher.stop();
    await settledWithin(Promise.all(this.fleet.drains().map((d) => d.pauseAll())), drainMs);
    this.leases.halt();
    await Promise.all([...this.runtimes.values()].map((r) => r.stop(drainMs)));
    // What is left writes to Redis. If it does not answer, it gets a bounded wait, and the process ends soon after
    // the unbind rather than at its shutdown bound; what was not written is recovered as after a crash.
    if (await this.redisAnswers()) await this.closeRest(metricsStopped);
    else {
      this.log.warn('Redis does not answer: stopping without waiting for the last writes (bind leases expire by themselves)');
      await settledWithin(this.closeRest(metricsStopped), drainMs);
      for (const c of this.clients) c.disconnect();
    }
    if (this.simulator) await this.simulator.stop();
    this.log.info('stopped');
  }
}
