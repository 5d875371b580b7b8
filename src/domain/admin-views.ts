/**
 * What the admin port shows and what it can do, as typed values: the JSON admin API returns these, Kannel's
 * status pages (.txt, .html, .xml, .json) are formatted from them, the CLI and the dashboard read them, and
 * /metrics is derived from them. Cluster-wide: bind figures come from the process that owns each bind (published in
 * Redis with its state), queue figures from Redis, so nothing is counted twice when several processes run.
 */

/** A bind as every gateway process sees it (shared link state). */
export interface BindView {
  readonly bind: string;
  readonly link: string;
  readonly smscId: string;
  /** connecting, binding, bound, unhealthy, down, unbinding, stopped, idle, unowned (no process holds it). */
  readonly state: string;
  readonly reason?: string;
  /** Epoch ms the state began. */
  readonly since: number;
  /** The gateway process running it ('' when none). */
  readonly node: string;
  readonly healthy: boolean;
  /** Sends one message at a time after the SMSC went silent, until it answers again. */
  readonly probation: boolean;
  readonly window: { readonly inUse: number; readonly size: number };
  /** Submits per second: the configured limit (0: none) and what it sent over the last minute. */
  readonly throughput: { readonly limit: number; readonly actual: number };
  readonly counters: BindCounters;
  /** submit_sm to submit_sm_resp over the last minute, ms (undefined when nothing was answered). */
  readonly latencyMs: { readonly p50: number | undefined; readonly p99: number | undefined };
}

export interface BindCounters {
  readonly submitted: number;
  readonly accepted: number;
  readonly refused: number;
  readonly throttled: number;
  readonly unanswered: number;
  /** Receipts received on this bind, by state (delivered, undeliverable, expired, buffered, …). */
  readonly receipts: Readonly<Record<string, number>>;
  /** MO received on this bind. */
  readonly mo: number;
}

/** What an operator asked of a link (stop, drain); 'running' when nothing. */
export type LinkAdminState = 'running' | 'stopped' | 'draining';

export interface LinkView {
  readonly id: string;
  readonly smscId: string;
  readonly host: string;
  readonly port: number;
  readonly admin: LinkAdminState;
  /** Some bind is bound and answering anywhere in the cluster (and the link is not stopped or draining). */
  readonly healthy: boolean;
  readonly binds: readonly BindView[];
  /** The routes this link belongs to and its tier in each. */
  readonly routes: readonly { readonly route: string; readonly tier: 'preferred' | 'fallback' }[];
}

/** Messages of a route queue by state (messages, not queue jobs). */
export interface RouteCounts {
  /** Accepted and not yet submitted or failed: waiting + active + delayed. */
  readonly queued: number;
  readonly waiting: number;
  /** In the hands of a link now. */
  readonly active: number;
  /** Waiting for a retry's backoff or for their own link (a long message's remaining parts). */
  readonly delayed: number;
  /** Failed for good and kept for retry or removal (until the message lifetime ends). */
  readonly failed: number;
}

export interface RouteView {
  readonly key: string;
  readonly preferred: readonly string[];
  readonly fallback: readonly string[];
  readonly paused: boolean;
  readonly counts: RouteCounts;
  /** Queue jobs (batches) by state, for the curious: a job carries several messages. */
  readonly jobs: { readonly waiting: number; readonly active: number; readonly delayed: number };
  /** Age of the oldest waiting message, ms (undefined when none waits). */
  readonly oldestAgeMs: number | undefined;
  /** Links that may take the route's messages now (preferred links, or fallback ones while no preferred is healthy). */
  readonly drainingLinks: readonly string[];
  /**
   * None of the route's links is configured any more: its messages wait for a reload that gives them a link, or for
   * an operator to move or remove them.
   */
  readonly noLink: boolean;
}

/** A message as peek shows it. */
export interface PeekedMessage {
  readonly id: string;
  readonly account: string;
  readonly from: string;
  readonly to: string;
  readonly acceptedAt: number;
  readonly priority: number;
  /** waiting, active, delayed (queued ones) or failed. */
  readonly state: string;
  readonly attempts: number;
  readonly unanswered: number;
  /** The text as far as it can be shown (GSM 7-bit, UCS-2 and Latin-1 decoded; binary as hex). */
  readonly text: string;
  readonly dataCoding: number;
  readonly dlrMask?: number;
  readonly error?: string;
  readonly failedAt?: number;
}

export interface PeekPage {
  readonly messages: readonly PeekedMessage[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly next?: string;
}

export interface AccountView {
  readonly username: string;
  readonly counters: { readonly accepted: number; readonly refused: number; readonly delivered: number; readonly failed: number };
  /** Messages accepted per second over the last minute. */
  readonly ratePerSecond: number;
}

/** The whole gateway at a glance (Kannel's status page, the CLI's `status`). */
export interface GatewayStatus {
  readonly version: string;
  /** running, suspended, isolated, shutting-down (Kannel's words). */
  readonly state: string;
  readonly startedAt: number;
  readonly node: string;
  /** Gateway processes sharing this Redis, seen through their published state. */
  readonly nodes: readonly string[];
  readonly sms: {
    /** MT accepted (sendsms and JSON API) and MO received. */
    readonly received: { readonly mt: number; readonly mo: number };
    /** MT submitted to SMSCs, MO forwarded to services. */
    readonly sent: { readonly mt: number; readonly mo: number };
    /** Messages waiting in route queues (all routes). */
    readonly queued: number;
    readonly failed: number;
  };
  readonly dlr: { readonly received: number; readonly callbacksQueued: number; readonly callbacksFailed: number };
  readonly links: readonly LinkView[];
  readonly routes: readonly RouteView[];
}

/** The outcome of an action, as the log and the API report it. */
export interface ActionResult {
  readonly action: string;
  readonly ok: boolean;
  /** What changed, in words (one line). */
  readonly detail: string;
  /** Counts, where the action moved or changed messages. */
  readonly moved?: number;
  readonly retried?: number;
  readonly removed?: number;
  /** Messages an action left alone because a link holds them right now. */
  readonly skippedActive?: number;
}

/** Everything the admin port asks of the gateway; App provides it. */
export interface AdminBackend {
  status(): Promise<GatewayStatus>;
  links(): Promise<LinkView[]>;
  routes(): Promise<RouteView[]>;
  accounts(): Promise<AccountView[]>;
  peek(route: string, state: 'queued' | 'failed', limit: number, cursor: string | undefined): Promise<PeekPage>;
  /** Link actions; `who` names the operator for the log. */
  linkAction(link: string, action: 'stop' | 'start' | 'drain', who: string): Promise<ActionResult>;
  routeAction(route: string, action: 'pause' | 'resume', who: string): Promise<ActionResult>;
  /** Failed messages queued again or removed (removed ones get their final report); all when `ids` is undefined. */
  failedAction(route: string, action: 'retry' | 'remove', ids: readonly string[] | undefined, who: string): Promise<ActionResult>;
  /** The route's waiting messages routed again with another smsc-id. */
  move(route: string, smscId: string, who: string): Promise<ActionResult>;
  /** `force`: apply a file the checks refuse (no link, no account, or messages left without a link). */
  reload(who: string, force?: boolean): Promise<ActionResult>;
  /** Kannel's suspend (nothing accepted or sent), isolate (no MO taken from SMSCs, MT still accepted), resume. */
  setGatewayState(state: 'running' | 'suspended' | 'isolated', who: string): Promise<ActionResult>;
  /** Kannel's shutdown: graceful (stop accepting, let windows drain, unbind); a second call forces the exit. */
  shutdown(who: string): Promise<ActionResult>;
  /** Kannel's log-level: 0 debug, 1 info, 2 warning, 3 error, 4 panic (fatal); for every process. */
  setLogLevel(level: 0 | 1 | 2 | 3 | 4, who: string): Promise<ActionResult>;
  /** Kannel's add-smsc / remove-smsc: a link of the configuration file (added from it, or taken out of service). */
  addLink(link: string, who: string): Promise<ActionResult>;
  removeLink(link: string, who: string): Promise<ActionResult>;
}

/** The backend's refusals that name what was unknown, turned into 404/400 with the known ids. */
export class UnknownError extends Error {
  constructor(
    readonly code: 'unknown_link' | 'unknown_route' | 'unknown_smsc' | 'unknown_account',
    message: string,
    readonly known: readonly string[],
  ) {
    super(message);
    this.name = 'UnknownError';
  }
}
