/**
 * Wires the modules together for one gateway process. Never listens by itself until start(); stop() shuts down
 * in order: stop accepting (503), stop taking jobs, let windows drain (bounded), unbind, close Redis.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AdminServer } from './admin/admin-server.js';
import { wholesaleRemovals, type ConfigDiff } from './config/config-diff.js';
import type { Config } from './config/config.js';
import { ConfigError } from './config/config-error.js';
import { ConfigReloader, type ReloadOptions } from './control/config-reload.js';
import type { GatewayOperations } from './control/gateway-operations.js';
import { healthView } from './control/health-view.js';
import type { LinkFleet } from './control/link-fleet.js';
import { OperatorState } from './control/operator-state.js';
import { CallbackQueue } from './dlr/callback-queue.js';
import { ReceiptPipeline } from './dlr/receipt-pipeline.js';
import { ReportDispatcher } from './dlr/report-dispatcher.js';
import { ReportRecords } from './dlr/report-records.js';
import type { ActionResult } from './domain/admin-views.js';
import type { Link } from './domain/link.js';
import { decodeShortMessage } from './encoding/index.js';
import { OutboundGuards } from './http-client/outbound-guard.js';
import type { HttpServer } from './http/server.js';
import type { BindLeases } from './links/bind-leases.js';
import type { ClusterLinkState } from './links/cluster-link-state.js';
import { ConcatRefs } from './links/concat-refs.js';
import type { LinkRuntime } from './links/link-runtime.js';
import type { AcceptService } from './messages/accept-service.js';
import { NumberLists, type ListLoad } from './messages/number-lists.js';
import { encodeMessage } from './queue/batch-codec.js';
import { fetchListText } from './http-client/fetch-list.js';
import { AccountStats } from './accounts/account-stats.js';
import type { Authenticator } from './accounts/authenticator.js';
import { OutcomeWriter } from './messages/outcome-writer.js';
import { RecordStore } from './messages/record-store.js';
import { MoPipeline, MoRerouter, ReplySender } from './mo/index.js';
import { setLogLevel } from './observability/logger.js';
import { MetricsPublisher, ProcessMetrics } from './metrics/metrics.js';
import { refreshProcessMetrics } from './metrics/process-counters.js';
import { batchLimit } from './queue/batch-limit.js';
import { Producer } from './queue/producer.js';
import { RedisKeys } from './redis/keys.js';
import { RouteDirectory } from './queue/route-directory.js';
import { RouteInspector } from './queue/route-inspector.js';
import { RouteRehomer } from './queue/route-rehoming.js';
import { waitReady, type RedisTarget } from './redis/connect.js';
import { EventBus } from './redis/event-bus.js';
import { createProcessClients } from './redis/process-clients.js';
import type { RedisCircuit } from './redis/redis-circuit.js';
import { ReplicaAck } from './redis/replica-ack.js';
import type { RedisAvailability } from './redis/availability.js';
import type { SentinelWatch } from './redis/sentinel-watch.js';
import { buildAdminRole } from './roles/admin-role.js';
import { buildHttpRole } from './roles/http-role.js';
import { buildLinksRole } from './roles/links-role.js';
import { buildSmppServerRole } from './roles/smpp-server-role.js';
import type { BindLedger } from './accounts/smpp-bind-ledger.js';
import type { SmppServer } from './smpp-server/smpp-server.js';
import type { SmppSessionsBackend } from './admin/smpp-sessions.js';
import { OutboundPolicies } from './security/outbound-policy.js';
import { PasswordVerifier } from './security/password-verifier.js';
import { statusAccess } from './security/status-access.js';
import { parsePersona } from './simulator/persona.js';
import { SmscSimulator } from './simulator/smsc-simulator.js';
import { reloadServerCredentials, type TlsReloadResult } from './tls/server-credentials.js';

/** The dashboard's address as a browser on this machine opens it (0.0.0.0 and :: are reached at 127.0.0.1). */
function dashboardUrl(admin: Config['admin'], bound: ReturnType<AdminServer['server']['address']>): string {
  const port = typeof bound === 'object' && bound ? bound.port : admin.port;
  const any = admin.host === '0.0.0.0' || admin.host === '::' || admin.host === '';
  const host = any ? '127.0.0.1' : admin.host.includes(':') && !admin.host.startsWith('[') ? `[${admin.host}]` : admin.host;
  return `${admin.tls ? 'https' : 'http'}://${host}:${port}/`;
}

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
  /** Kannel's restart: stop and start every process of the gateway in place (`switchboard start` provides it). */
  readonly restart?: () => void;
}

/** The package version, shown on the status pages. */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Waits for `p` (its outcome ignored) at most `ms`. */
function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((r) => (timer = setTimeout(r, ms))),
  ]).finally(() => clearTimeout(timer));
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
  private readonly rehomer: RouteRehomer;
  private readonly authenticator: Authenticator;
  private readonly outbound: OutboundPolicies;
  readonly simulator: SmscSimulator | undefined;
  /** Message records: read, and changed by operators (outcomes are written by `outcomes`). */
  readonly records: RecordStore;
  /** Writes what became of each message that left its queue. */
  readonly outcomes: OutcomeWriter;
  readonly directory: RouteDirectory;
  readonly producer: Producer;
  readonly cluster: ClusterLinkState;
  readonly callbacks: CallbackQueue;
  readonly receipts: ReceiptPipeline;
  readonly reports: ReportDispatcher;
  readonly mo: MoPipeline;
  /** The white and black lists of the configuration, loaded (messages/number-lists.ts). */
  readonly numberLists: NumberLists;
  readonly leases: BindLeases;
  /** What both HTTP interfaces (and the SMPP server) accept messages through. */
  readonly accept: AcceptService;
  /** The SMPP server for client ESMEs, where the HTTP role runs and the configuration has an smpp-server section. */
  readonly smppServer: SmppServer | undefined;
  /** Every process's SMPP client sessions (built in every process, so any can show them). */
  readonly smppSessions: BindLedger | undefined;
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
  private readonly sentinelWatch: SentinelWatch | undefined;
  /** Failovers this process followed, and its time without a Redis primary (for /metrics). */
  readonly availability: RedisAvailability;
  /** WAIT after each request commit and each write of outcomes (counters for /metrics). */
  readonly replication: { readonly commits: ReplicaAck; readonly records: ReplicaAck };
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
    const redis = createProcessClients(opts.redis, logger, {
      commandTimeoutMs: config.redis.commandTimeoutMs,
      // A renewal that has not landed within a lease's lifetime is of no use; one that lands sooner is not late.
      leaseTimeoutMs: config.cluster.leaseTtlMs,
    });
    const { http: httpRedis, work: workRedis, events: subRedis, store: storeRedis, circuit } = redis;
    this.circuit = circuit;
    this.availability = redis.availability;
    this.sentinelWatch = redis.sentinelWatch;
    this.requestRedis = httpRedis;
    this.clients = [...redis.all];
    this.bus = new EventBus(workRedis, subRedis, keys.events);
    this.directory = new RouteDirectory(workRedis, httpRedis, this.bus, keys, logger);
    const linksById = this.linksById;
    for (const l of config.links) linksById.set(l.id, l);
    // Acknowledged replication (redis.wait-replicas): a request's group commit is answered 202 only once replicas
    // hold it (one WAIT per commit, on the connection that wrote it), and a sent message's record is waited for
    // the same way before its job goes on, so that a failover neither loses it nor has it sent again.
    const replication = config.redis.replication ?? { replicas: 0, timeoutMs: 0 };
    this.replication = {
      commits: new ReplicaAck(httpRedis, replication),
      records: new ReplicaAck(storeRedis, replication, { logger, activity: 'recording sent messages' }),
    };
    const { commits, records } = this.replication;
    this.producer = new Producer(httpRedis, this.directory, {
      keys,
      batchLimit: (route) => batchLimit(route, linksById, config.queue.batchSize),
      eventsMaxLen: 100,
      accepted: (account, n) => this.accountStats.count(account, 'accepted', n),
      guard: (write) => circuit.run(() => commits.after(write)),
      lingerMaxMs: config.queue.commitLingerMs,
    });
    this.records = new RecordStore(storeRedis, keys, { lifetimeMs: config.queue.messageLifetimeMs });
    this.outcomes = new OutcomeWriter(storeRedis, keys, {
      lifetimeMs: config.queue.messageLifetimeMs,
      logger: logger.child({ component: 'records' }),
      replicated: (write) => records.persistently(write),
    });
    this.operator = new OperatorState(storeRedis, this.bus, keys, logger);
    this.accountStats = new AccountStats(storeRedis, keys);
    const outbound = (this.outbound = new OutboundPolicies(
      { networks: config.callbacks.denyNetworks, hosts: config.callbacks.denyHosts },
      config.accounts,
    ));
    const guards = new OutboundGuards(outbound);
    // Receipts, report claims and report counts that come together share one script call on the store connection.
    const reportRecords = new ReportRecords(storeRedis, keys);
    this.callbacks = new CallbackQueue(workRedis, storeRedis, keys, reportRecords, config.callbacks, logger, guards);
    const reports = new ReportDispatcher(
      this.outcomes,
      this.records,
      reportRecords,
      this.callbacks,
      config.receipts.longMessagePolicy,
      logger,
      (account, final) => this.accountStats.count(account, final),
    );
    this.reports = reports;
    this.receipts = new ReceiptPipeline(
      workRedis,
      config.redis.keyPrefix,
      reportRecords,
      this.outcomes,
      reports,
      linksById,
      config.receipts.unmatchedRetryMs,
      logger,
      config.redis.deliverSmTimeoutMs,
    );
    this.mo = new MoPipeline({
      redis: workRedis,
      connection: workRedis,
      prefix: config.redis.keyPrefix,
      services: config.services,
      reassemblyTimeoutMs: config.mo.reassemblyTimeoutMs,
      answerTimeoutMs: config.redis.deliverSmTimeoutMs,
      callbacks: config.callbacks,
      outbound: guards.services,
      // Answers go through the accept path like any message; this.accept is built below, before anything runs.
      replies: new ReplySender({
        accept: (subs) => this.accept.acceptBatch(subs),
        context: () => ({
          globalSender: this.config.http.globalSender,
          emptyReply: this.config.mo.replyEmpty,
          unrepresentableReply: this.config.mo.replyUnrepresentable,
        }),
        logger: logger.child({ component: 'mo' }),
      }),
      reroute: new MoRerouter({
        links: linksById,
        accept: (subs) => this.accept.acceptBatch(subs),
        logger: logger.child({ component: 'mo' }),
      }),
      smpp: (jobs) => this.callbacks.enqueue(jobs),
      logger,
    });
    this.numberLists = new NumberLists(config, logger, fetchListText);
    this.mo.setNumbers(config.numbers.unifiedPrefix, this.numberLists.lists);
    const links = buildLinksRole({
      config,
      runsLinks: this.roles.links,
      redis: workRedis,
      leaseRedis: redis.leases,
      keys,
      bus: this.bus,
      nodeId: this.nodeId,
      runtimes: this.runtimes,
      linksById,
      directory: this.directory,
      records: this.records,
      concatRefs: new ConcatRefs(storeRedis, keys),
      reports,
      receipts: this.receipts,
      mo: this.mo,
      operator: this.operator,
      metrics: this.metrics,
      drainMs: opts.drainMs ?? 5000,
      logger,
    });
    ({ cluster: this.cluster, leases: this.leases, fleet: this.fleet } = links);
    // One verifier per port: a flood of guesses on the sendsms port never delays an operator's login.
    const verifier = new PasswordVerifier();
    const adminVerifier = new PasswordVerifier({ concurrency: 1 });
    const http = buildHttpRole({
      config,
      servesHttp: this.roles.http,
      redis: httpRedis,
      circuit,
      keys,
      producer: this.producer,
      directory: this.directory,
      health: this.cluster,
      accountStats: this.accountStats,
      outbound,
      verifier,
      metrics: this.metrics,
      closed: () => this.shuttingDown || this.operator.gatewayState() === 'suspended',
      status: () => this.status(),
      countReply: (status) => this.replies.set(status, (this.replies.get(status) ?? 0) + 1),
      logger,
    });
    ({ accept: this.accept, authenticator: this.authenticator, http: this.http } = http);
    if (config.smppServer) {
      const smpp = buildSmppServerRole({
        config: config.smppServer,
        redis: storeRedis,
        keys,
        nodeId: this.nodeId,
        callbacks: this.callbacks,
        accept: this.accept,
        authenticator: this.authenticator,
        limits: http.limits,
        closed: () => this.shuttingDown || this.operator.gatewayState() === 'suspended',
        logger,
      });
      this.smppServer = this.roles.http ? smpp.server : undefined;
      this.smppSessions = smpp.ledger;
      // An operator's disconnect, from the admin port of any process: each acts on the sessions it holds.
      this.bus.on('smpp', (action) => {
        let match: { session?: string; account?: string };
        try {
          match = JSON.parse(action) as { session?: string; account?: string };
        } catch {
          return;
        }
        this.smppServer
          ?.disconnect(match)
          .then((n) => n > 0 && this.log.info({ ...match, sessions: n }, 'SMPP client sessions disconnected by an operator'))
          .catch((err: unknown) => this.log.warn({ err }, 'cannot disconnect SMPP client sessions'));
      });
    } else {
      this.smppServer = undefined;
      this.smppSessions = undefined;
    }
    this.numberLists.onChange((lists) => {
      this.accept.setLists(lists);
      this.mo.setNumbers(this.config.numbers.unifiedPrefix, lists);
    });
    this.inspector = new RouteInspector({
      producer: this.producer,
      directory: this.directory,
      redis: storeRedis,
      keys,
      records: {
        markQueued: (m, r, j, n, why) => this.records.markQueued(m, r, j, n, why),
        failedWire: (id) => this.records.failedWire(id),
        removeFailed: (id, who, now) => reports.removed(id, who, now),
        // A waiting message taken out by an operator: failed with its report (as its mask asks), then marked removed.
        removeWaiting: (m, who, now) =>
          new Promise<void>((resolve) =>
            reports.failed(
              m,
              `removed by an operator (${who})`,
              undefined,
              undefined,
              now,
              JSON.stringify(encodeMessage(m.id, m)),
              resolve,
            ),
          ).then(async () => {
            await this.records.markRemoved(m.id, who, now);
          }),
      },
      links: () => this.config.links,
      lifetimeMs: config.queue.messageLifetimeMs,
      logger,
    });
    ({ operations: this.operations, admin: this.admin } = buildAdminRole({
      built: config,
      servesHttp: this.roles.http,
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
      reload: (who, force) => this.reloader.reload(who, { force }),
      callbackCounts: () => this.callbacks.counts(),
      reloadLists: (who) => this.reloadLists(who),
      restart: opts.restart,
      flushDlr: () => this.receipts.flush(keys),
      recordedJob: async (id) => (await this.records.statusAndJob([id]))[0]?.job,
      lists: () => this.numberLists.lists,
      lookup: http.lookup,
      redis: storeRedis,
      keys,
      verifier: adminVerifier,
      metrics: this.metrics,
      sendsms: () => ({ tls: this.config.http.tls !== undefined, host: this.config.http.host, port: this.httpPort }),
      ...(this.smppSessions ? { smpp: this.smppSessionsBackend(this.smppSessions) } : {}),
      logger,
    }));
    this.metricsPublisher = new MetricsPublisher(
      storeRedis,
      keys,
      this.nodeId,
      this.metrics,
      () =>
        refreshProcessMetrics(this.metrics, {
          binds: [...this.runtimes.values()].flatMap((r) => r.binds),
          replies: this.replies,
          callbacks: this.callbacks.counters,
          recordWriteRetries: this.outcomes.counters.writeRetries,
          drains: this.fleet.drains(),
          ping: () => storeRedis.ping(),
          redis: {
            node: this.nodeId,
            failovers: redis.availability.failovers,
            withoutPrimaryMs: redis.availability.withoutPrimaryMs(Date.now()),
          },
          replication: { commit: this.replication.commits.counters, records: this.replication.records.counters },
        }),
      logger,
    );
    this.rehomer = new RouteRehomer({
      producer: this.producer,
      marker: this.records,
      redis: storeRedis,
      keys,
      directory: this.directory,
      links: () => this.current.links,
      nodeId: this.nodeId,
      logger,
    });
    const reloadConfig = opts.reloadConfig;
    this.reloader = new ConfigReloader({
      load: () => {
        if (!reloadConfig)
          throw new ConfigError([
            {
              file: config.source,
              line: undefined,
              path: '',
              message: 'this gateway was not started from a configuration file, so there is nothing to re-read',
            },
          ]);
        return reloadConfig();
      },
      running: () => this.current,
      refusals: async (next) => [
        ...wholesaleRemovals(this.current, next),
        ...(await this.rehomer.stranded(next.links)).map(
          (s) => `${s.messages} messages waiting in route ${s.route} would have no link that may carry them`,
        ),
      ],
      declare: (next) => this.rehomer.declareCurrent(next.links),
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
        simLog.info(
          {
            from: m.sourceAddr,
            to: m.destAddr,
            dataCoding: m.dataCoding,
            octets: m.shortMessage.length,
            text: decoded.text,
            part: decoded.concat,
          },
          'simulator received a submit_sm',
        );
      });
    }
  }

  /** What the admin port shows of the SMPP server's sessions, and how it disconnects them. */
  private smppSessionsBackend(ledger: BindLedger): SmppSessionsBackend {
    return {
      view: async () => {
        const sessions = await ledger.sessions();
        // The queues of the accounts bound now, and of those set up for SMPP (an smpp-max-binds, an MO service):
        // their receipts and MO wait while they are away. Not every account's: each count costs Redis calls.
        const accounts = new Set([
          ...sessions.map((s) => s.account),
          ...this.config.accounts.filter((a) => (a.smppMaxBinds ?? 0) > 0).map((a) => a.username),
          ...this.config.services.flatMap((sv) => (sv.smppAccount !== undefined ? [sv.smppAccount] : [])),
        ]);
        const counted = await Promise.all(
          [...accounts].slice(0, 200).map(async (a) => [a, (await this.callbacks.smppCounts(a)).queued] as const),
        );
        return { sessions, waiting: Object.fromEntries(counted) };
      },
      disconnect: (match) => this.bus.publish('smpp', JSON.stringify(match)),
    };
  }

  /** The running configuration (a reload replaces its links, accounts and services). */
  get config(): Config {
    return this.current;
  }

  /** Re-reads the configuration file and applies it here and in every process sharing the Redis (SIGHUP, admin API). */
  reload(who: string, opts: ReloadOptions = {}): Promise<ActionResult> {
    return this.reloader.reload(who, opts);
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
    await this.applyDeadStart(diff.added);
    // The lists of the new accounts and links, and every list read again (one that fails keeps its last content).
    await this.numberLists.load({ config: applied });
    if (!this.roles.links) return;
    // Routes of removed and changed links are held while the links change, then routed again with the new links.
    await this.rehomer.switchLinks(new Set([...diff.removed, ...diff.changed].map((l) => l.id)), () => this.fleet.apply(diff));
  }

  /** Messages this process sent again that the SMSC may have had already (the same totals /metrics counts). */
  possibleResends(): { readonly unanswered: number; readonly interrupted: number } {
    let unanswered = 0;
    let interrupted = 0;
    for (const d of this.fleet.drains()) {
      unanswered += d.counters.resentUnanswered;
      interrupted += d.counters.possibleResends;
    }
    return { unanswered, interrupted };
  }

  /** Link and bind states across every gateway process, for /health and the links API. */
  status(): Record<string, unknown> {
    return healthView({
      shuttingDown: this.shuttingDown,
      nodeId: this.nodeId,
      links: this.config.links,
      binds: this.cluster.snapshot(),
      linkHealthy: (id) => this.cluster.linkHealthy(id),
      routes: this.directory.routes(),
      drains: this.fleet.drains(),
    });
  }

  async start(): Promise<void> {
    await Promise.all(this.clients.map((c) => waitReady(c, this.opts.redis)));
    await this.sentinelWatch?.start();
    if (this.simulator) await this.simulator.start();
    await this.directory.start();
    this.operator.on('change', () => this.applyLogLevel());
    this.reloader.listen();
    await this.operator.start();
    // A list that cannot be read stops the start (as Kannel stops): sending past a black list is not an option.
    await this.numberLists.load({ initial: true });
    this.bus.on('lists', (arg) => {
      const [node, who] = [arg.slice(0, arg.indexOf(' ')), arg.slice(arg.indexOf(' ') + 1)];
      if (node === this.nodeId) return;
      this.log.info({ who }, 'reload-lists: reading the number lists again');
      this.numberLists.load().catch((e: unknown) => this.log.error({ err: e }, 'cannot reload the number lists'));
    });
    await this.applyDeadStart(this.config.links);
    this.metricsPublisher.start();
    await this.cluster.start();
    if (this.roles.links) {
      await this.rehomer.start();
      this.inspector.startReconciling();
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
      const url = dashboardUrl(this.config.admin, this.admin.server.address());
      this.log.info({ url }, `admin port listening: the dashboard is at ${url}`);
      const access = statusAccess([this.config.admin.password, this.config.admin.statusPassword], this.config.admin.host);
      // Say it here, where the newcomer looks, rather than only as "Denied" on the page.
      if (access.kind === 'closed')
        this.log.warn(
          { host: this.config.admin.host },
          'the admin port (dashboard, Kannel commands, admin API) is closed to everyone: it listens beyond loopback with no password; set admin.admin-password (and status-password), or admin.admin-interface: 127.0.0.1',
        );
    }
    await this.smppServer?.start();
    const addr = this.http.server.address();
    this.log.info(
      {
        url: `${this.config.http.tls ? 'https' : 'http'}://${host}:${typeof addr === 'object' && addr ? addr.port : port}/cgi-bin/sendsms`,
        links: this.config.links.map((l) => `${l.id} → ${l.host}:${l.port || l.receivePort}`),
      },
      'sendsms and JSON API listening',
    );
  }

  /** SIGHUP: re-reads the TLS certificate and key of the sendsms port; a file that cannot be used keeps the current ones (logged). */
  reloadTls(): TlsReloadResult[] {
    const tls = this.config.http.tls;
    return [
      ...(this.roles.http && tls ? [reloadServerCredentials(this.http.server, tls, this.log)] : []),
      ...(this.smppServer?.reloadTls() ?? []),
    ];
  }

  /** Kannel's reload-lists: read here, and every other process of the cluster is told to read them too. */
  async reloadLists(who: string): Promise<readonly ListLoad[]> {
    const loads = await this.numberLists.load();
    await this.bus
      .publish('lists', `${this.nodeId} ${who}`)
      .catch((e: unknown) => this.log.warn({ err: e }, 'cannot tell the other processes to reload their lists'));
    return loads;
  }

  /** Links with dead-start begin stopped the first time they are seen (control/operator-state.ts). */
  private async applyDeadStart(links: readonly Link[]): Promise<void> {
    const ids = links.filter((l) => l.interop.deadStart).map((l) => l.id);
    if (ids.length === 0) return;
    const stopped = await this.operator.applyDeadStart(ids);
    if (stopped.length > 0) this.log.info({ links: stopped }, 'dead-start: these links start stopped; start-smsc starts them');
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
    await this.accountStats.close();
    this.rehomer.stop();
    this.inspector.stopReconciling();
    this.directory.stop();
    await this.producer.close();
    this.circuit.stop();
    this.sentinelWatch?.stop();
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
    if (this.roles.http) await Promise.all([this.http.close(), this.admin.close(), this.smppServer?.stop()]);
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
      this.sentinelWatch?.stop();
    }
    if (this.simulator) await this.simulator.stop();
    this.log.info('stopped');
  }
}
