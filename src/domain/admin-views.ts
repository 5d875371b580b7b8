/**
 * What the admin port shows and what it can do, declared once: each view is a TypeBox schema (JSON Schema), and its
 * TypeScript type is derived from it (Static<>). The JSON admin API serialises its replies with these schemas, the
 * OpenAPI document shows them, the backend (control/gateway-operations.ts) is typed by them, and the CLI checks each
 * reply against them before reading it, so a renamed field fails the type check, not an operator's command. Kannel's
 * status pages (.txt, .html, .xml, .json) are formatted from these values and /metrics is derived from them.
 * Cluster-wide: bind figures come from the process that owns each bind (published in Redis with its state), queue
 * figures from Redis, so nothing is counted twice when several processes run.
 *
 * Objects allow keys they do not list (JSON Schema's default), so a newer gateway's additions do not break an older
 * CLI. A value the backend leaves undefined is absent in JSON: such fields are optional here.
 */
import { Type, type Static, type TNumber } from '@sinclair/typebox';

/** Typed as a number (a bare TSchema would make the field `unknown` in Static<>). */
const Ms = (description: string): TNumber => Type.Number({ description: `${description} (epoch ms)` });
const Opt = Type.Optional;

export const BindCountersSchema = Type.Object({
  submitted: Type.Integer(),
  accepted: Type.Integer(),
  refused: Type.Integer(),
  throttled: Type.Integer(),
  unanswered: Type.Integer(),
  receipts: Type.Record(Type.String(), Type.Integer(), {
    description: 'Receipts received on this bind, by state (delivered, undeliverable, expired, buffered, …)',
  }),
  mo: Type.Integer({ description: 'MO received on this bind' }),
});
export type BindCounters = Static<typeof BindCountersSchema>;

export const BindViewSchema = Type.Object(
  {
    bind: Type.String(),
    link: Type.String(),
    smscId: Type.String(),
    state: Type.String({
      description: 'connecting, binding, bound, unhealthy, down, unbinding, stopped, idle, unowned (no process holds it)',
    }),
    reason: Opt(Type.String({ description: 'Why it is down or unhealthy' })),
    since: Type.Number({ description: 'When the state began (epoch ms)' }),
    node: Type.String({ description: "The gateway process running it ('' when none)" }),
    healthy: Type.Boolean(),
    probation: Type.Boolean({ description: 'Sends one message at a time after the SMSC went silent, until it answers again' }),
    window: Type.Object({ inUse: Type.Integer(), size: Type.Integer() }),
    throughput: Type.Object({
      limit: Type.Number({ description: 'Configured submits per second (0: none)' }),
      actual: Type.Number({ description: 'Submits per second over the last minute' }),
    }),
    counters: BindCountersSchema,
    latencyMs: Type.Object(
      { p50: Opt(Type.Number()), p99: Opt(Type.Number()) },
      { description: 'submit_sm to submit_sm_resp over the last minute, ms (absent when nothing was answered)' },
    ),
  },
  { description: 'A bind as every gateway process sees it' },
);
/** A bind as every gateway process sees it (shared link state). */
export type BindView = Static<typeof BindViewSchema>;

export const LinkAdminStateSchema = Type.Union([Type.Literal('running'), Type.Literal('stopped'), Type.Literal('draining')], {
  description: 'What an operator asked of the link',
});
/** What an operator asked of a link (stop, drain); 'running' when nothing. */
export type LinkAdminState = Static<typeof LinkAdminStateSchema>;

/** A link's SMPP interoperability keys under their Kannel names, with the values it uses (config/interop-keys.ts). */
export const SmppKeysSchema = Type.Object(
  {
    'service-type': Opt(Type.String()),
    'esm-class': Type.Integer(),
    'alt-charset': Opt(Type.String()),
    'alt-addr-charset': Opt(Type.String()),
    'bind-addr-ton': Type.Integer(),
    'bind-addr-npi': Type.Integer(),
    'interface-version': Type.Integer({ description: "As Kannel writes it: 34 for SMPP 3.4's 0x34" }),
    priority: Type.Integer(),
    validityperiod: Opt(Type.Integer({ description: 'Minutes' })),
    'max-error-count': Type.Integer(),
    'dead-start': Type.Boolean(),
    'wait-ack-expire': Type.Integer({ description: '0 reconnect, 1 requeue, 2 wait' }),
  },
  { description: "Kannel's SMPP keys of the link with the values it uses; unset optional keys are absent" },
);
/** A link's SMPP interoperability keys as the admin API shows them. */
export type SmppKeys = Static<typeof SmppKeysSchema>;

export const LinkViewSchema = Type.Object({
  id: Type.String(),
  smscId: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  smpp: Opt(SmppKeysSchema),
  admin: LinkAdminStateSchema,
  healthy: Type.Boolean({
    description: 'Some bind is bound and answering anywhere in the cluster (and the link is not stopped or draining)',
  }),
  binds: Type.Array(BindViewSchema),
  routes: Type.Array(Type.Object({ route: Type.String(), tier: Type.Union([Type.Literal('preferred'), Type.Literal('fallback')]) }), {
    description: 'The routes this link belongs to and its tier in each',
  }),
});
export type LinkView = Static<typeof LinkViewSchema>;

export const RouteCountsSchema = Type.Object(
  {
    queued: Type.Integer({ description: 'Accepted and not yet submitted or failed: waiting + active + delayed' }),
    waiting: Type.Integer(),
    active: Type.Integer({ description: 'In the hands of a link now' }),
    delayed: Type.Integer({ description: "Waiting for a retry's backoff or for their own link (a long message's remaining parts)" }),
    failed: Type.Integer({ description: 'Failed for good and kept for retry or removal (until the message lifetime ends)' }),
  },
  { description: 'Messages (not queue jobs) by state' },
);
/** Messages of a route queue by state (messages, not queue jobs). */
export type RouteCounts = Static<typeof RouteCountsSchema>;

export const RouteViewSchema = Type.Object({
  key: Type.String(),
  preferred: Type.Array(Type.String()),
  fallback: Type.Array(Type.String()),
  paused: Type.Boolean(),
  counts: RouteCountsSchema,
  jobs: Type.Object(
    { waiting: Type.Integer(), active: Type.Integer(), delayed: Type.Integer() },
    { description: 'Queue jobs (batches) by state, for the curious: a job carries several messages' },
  ),
  oldestAgeMs: Opt(Type.Number({ description: 'Age of the oldest waiting message, ms (absent when none waits)' })),
  drainingLinks: Type.Array(Type.String(), {
    description: "Links that may take the route's messages now (preferred links, or fallback ones while no preferred is healthy)",
  }),
  noLink: Type.Boolean({
    description:
      "None of the route's links is configured any more: its messages wait for a reload that gives them a link, or for an operator to move or remove them",
  }),
});
export type RouteView = Static<typeof RouteViewSchema>;

export const PeekedMessageSchema = Type.Object({
  id: Type.String(),
  account: Type.String(),
  from: Type.String(),
  to: Type.String(),
  acceptedAt: Ms('When it was accepted'),
  priority: Type.Integer(),
  state: Type.String({ description: 'waiting, active, delayed (queued ones) or failed' }),
  attempts: Type.Integer(),
  unanswered: Type.Integer(),
  text: Type.String({ description: 'The text as far as it can be shown (GSM 7-bit, UCS-2 and Latin-1 decoded; binary as hex)' }),
  dataCoding: Type.Integer(),
  dlrMask: Opt(Type.Integer()),
  error: Opt(Type.String()),
  failedAt: Opt(Type.Number()),
});
/** A message as peek shows it. */
export type PeekedMessage = Static<typeof PeekedMessageSchema>;

export const PeekPageSchema = Type.Object({
  messages: Type.Array(PeekedMessageSchema),
  next: Opt(Type.String({ description: 'Pass back as `cursor` for the next page; absent on the last page' })),
});
export type PeekPage = Static<typeof PeekPageSchema>;

export const AccountViewSchema = Type.Object({
  username: Type.String(),
  counters: Type.Object({ accepted: Type.Integer(), refused: Type.Integer(), delivered: Type.Integer(), failed: Type.Integer() }),
  ratePerSecond: Type.Number({ description: 'Messages accepted per second over the last minute' }),
});
export type AccountView = Static<typeof AccountViewSchema>;

export const GatewayStatusSchema = Type.Object(
  {
    version: Type.String(),
    state: Type.String({ description: "running, suspended, isolated, shutting-down (Kannel's words)" }),
    startedAt: Ms('When this process started'),
    node: Type.String(),
    nodes: Type.Array(Type.String(), { description: 'Gateway processes sharing this Redis, seen through their published state' }),
    sms: Type.Object({
      received: Type.Object(
        { mt: Type.Integer(), mo: Type.Integer() },
        { description: 'MT accepted (sendsms and JSON API) and MO received' },
      ),
      sent: Type.Object({ mt: Type.Integer(), mo: Type.Integer() }, { description: 'MT submitted to SMSCs, MO forwarded to services' }),
      queued: Type.Integer({ description: 'Messages waiting in route queues (all routes)' }),
      failed: Type.Integer(),
    }),
    dlr: Type.Object({ received: Type.Integer(), callbacksQueued: Type.Integer(), callbacksFailed: Type.Integer() }),
    links: Type.Array(LinkViewSchema),
    routes: Type.Array(RouteViewSchema),
  },
  { description: "The whole gateway at a glance (Kannel's status page, the CLI's `status`)" },
);
export type GatewayStatus = Static<typeof GatewayStatusSchema>;

/** The replies of GET /api/v1/links, /routes and /accounts: the list under its name. */
export const LinkListSchema = Type.Object({ links: Type.Array(LinkViewSchema) });
export const RouteListSchema = Type.Object({ routes: Type.Array(RouteViewSchema) });
export const AccountListSchema = Type.Object({ accounts: Type.Array(AccountViewSchema) });

export const SmppSessionViewSchema = Type.Object(
  {
    id: Type.String({ description: 'The session id, for a disconnect' }),
    account: Type.String({ description: 'The account (system_id) it bound as' }),
    kind: Type.Union([Type.Literal('transmitter'), Type.Literal('receiver'), Type.Literal('transceiver')]),
    remote: Type.String({ description: "The client's address and port" }),
    node: Type.String({ description: 'The gateway process holding the session' }),
    tls: Type.Boolean(),
    boundAt: Ms('When it bound'),
    outstanding: Type.Integer({ description: 'deliver_sm sent to it and not yet answered' }),
    window: Type.Integer({ description: 'How many deliver_sm may be unanswered at once' }),
    submits: Type.Integer({ description: 'submit_sm, data_sm and submit_multi taken from it' }),
    delivers: Type.Integer({ description: 'deliver_sm (receipts and MO) sent to it' }),
    deliverFailures: Type.Integer({ description: 'Of those, the ones it refused or left unanswered' }),
  },
  { description: "A client ESME's session with the SMPP server, as every gateway process sees it" },
);
/** A client ESME's SMPP session. */
export type SmppSessionView = Static<typeof SmppSessionViewSchema>;

/** The reply of GET /api/v1/smpp-sessions. */
export const SmppSessionsViewSchema = Type.Object({
  sessions: Type.Array(SmppSessionViewSchema),
  waiting: Type.Record(Type.String(), Type.Integer(), {
    description: 'deliver_sm (receipts and MO) waiting per account, for the accounts bound now or set up for SMPP',
  }),
});
export type SmppSessionsView = Static<typeof SmppSessionsViewSchema>;

/** What a disconnect asked, and how many sessions matched it when it was asked. */
export const SmppDisconnectSchema = Type.Object(
  {
    requested: Type.Object({ session: Opt(Type.String()), account: Opt(Type.String()) }),
    sessions: Type.Integer({ description: 'The sessions that matched: each gateway process unbinds its own' }),
  },
  { description: 'A disconnect asked of every gateway process' },
);
export type SmppDisconnect = Static<typeof SmppDisconnectSchema>;

export const ActionResultSchema = Type.Object(
  {
    action: Type.String(),
    ok: Type.Boolean(),
    detail: Type.String({ description: 'What changed, in words (one line)' }),
    moved: Opt(Type.Integer()),
    retried: Opt(Type.Integer()),
    removed: Opt(Type.Integer()),
    skippedActive: Opt(Type.Integer({ description: 'Messages left alone because a link holds them right now' })),
  },
  { description: 'The outcome of an action, as the log and the API report it' },
);
export type ActionResult = Static<typeof ActionResultSchema>;

export const LiveLinkExplanationSchema = Type.Object({
  link: Type.String(),
  smscId: Type.String(),
  tier: Type.Union([Type.Literal('preferred'), Type.Literal('fallback'), Type.Literal('not-eligible')]),
  usability: Type.Integer({ minimum: -1, maximum: 1 }),
  rule: Opt(Type.String()),
  reason: Type.String(),
  healthy: Type.Boolean({ description: 'Some bind of the link is bound and answering' }),
  admin: Type.String({ description: 'What an operator asked of the link (running, stopped, draining, removed)' }),
  queued: Opt(Type.Integer({ description: 'Messages queued in the route this message would take (absent for a link not in it)' })),
  smpp: Opt(SmppKeysSchema),
});
/** A link of routing/explain-route.ts's explanation, with what the running gateway knows of it. */
export type LiveLinkExplanation = Static<typeof LiveLinkExplanationSchema>;

export const ExplanationSchema = Type.Object(
  {
    account: Type.String(),
    receiver: Type.String(),
    requestedSmsc: Opt(Type.String()),
    smscId: Opt(Type.String()),
    smscIdOrigin: Type.Union([Type.Literal('forced-smsc'), Type.Literal('request'), Type.Literal('default-smsc'), Type.Literal('none')]),
    receiverRefused: Opt(Type.Object({ rule: Type.String(), reason: Type.String() })),
    routable: Type.Boolean(),
    route: Opt(Type.Object({ key: Type.String(), preferred: Type.Array(Type.String()), fallback: Type.Array(Type.String()) })),
    reason: Opt(Type.String()),
    links: Type.Array(LiveLinkExplanationSchema),
  },
  {
    description:
      "Which smsc-id and route a message would take, and every link's tier with the key that decided it, its health and the route's queue",
  },
);
/** The routing explanation (routing/explain-route.ts) as the admin API answers it, each link with its live state. */
export type LiveExplanation = Static<typeof ExplanationSchema>;

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
  /** Kannel's reload-lists: every white and black list read again (a list that cannot be read keeps its last good content). */
  reloadLists(who: string): Promise<ActionResult>;
  /**
   * Kannel's restart (every process of the gateway re-executes under the same supervisor; queues stay in Redis) and
   * graceful-restart (the configuration file re-read and applied, as SIGHUP: only changed links rebind).
   */
  restart(who: string, graceful: boolean): Promise<ActionResult>;
  /** Kannel's flush-dlr, only while suspended: receipts still awaited are reported failed (unknown) and their correlations dropped. */
  flushDlr(who: string): Promise<ActionResult>;
  /** Kannel's remove-message: one queued or failed message, by id, removed with its final report. */
  removeMessage(id: string, who: string): Promise<ActionResult>;
}

/** The backend's refusals that name what was unknown, turned into 404/400 with the known ids. */
export class UnknownError extends Error {
  constructor(
    readonly code: 'unknown_link' | 'unknown_route' | 'unknown_smsc' | 'unknown_account' | 'unknown_message',
    message: string,
    readonly known: readonly string[],
  ) {
    super(message);
    this.name = 'UnknownError';
  }
}
