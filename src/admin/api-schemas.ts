/**
 * What the two JSON APIs answer, as TypeBox schemas: the admin views (domain/admin-views.ts), the message view both
 * ports show, and the error bodies. The OpenAPI document is generated from these and from the request schemas the
 * routes validate with; a type test holds each schema to its TypeScript type (same keys, every value the backend
 * returns fits), and the dashboard tests check real replies against them, so the document cannot drift from the code.
 * Pure.
 */
import { Type, type TSchema } from '@sinclair/typebox';

const Ms = (description: string): TSchema => Type.Number({ description: `${description} (epoch ms)` });

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

export const BindViewSchema = Type.Object(
  {
    bind: Type.String(),
    link: Type.String(),
    smscId: Type.String(),
    state: Type.String({
      description: 'connecting, binding, bound, unhealthy, down, unbinding, stopped, idle, unowned (no process holds it)',
    }),
    reason: Type.Optional(Type.String({ description: 'Why it is down or unhealthy' })),
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
      { p50: Type.Optional(Type.Number()), p99: Type.Optional(Type.Number()) },
      { description: 'submit_sm to submit_sm_resp over the last minute, ms (absent when nothing was answered)' },
    ),
  },
  { description: 'A bind as every gateway process sees it' },
);

export const LinkViewSchema = Type.Object({
  id: Type.String(),
  smscId: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  admin: Type.Union([Type.Literal('running'), Type.Literal('stopped'), Type.Literal('draining')], {
    description: 'What an operator asked of the link',
  }),
  healthy: Type.Boolean({
    description: 'Some bind is bound and answering anywhere in the cluster (and the link is not stopped or draining)',
  }),
  binds: Type.Array(BindViewSchema),
  routes: Type.Array(Type.Object({ route: Type.String(), tier: Type.Union([Type.Literal('preferred'), Type.Literal('fallback')]) })),
});

export const RouteCountsSchema = Type.Object(
  {
    queued: Type.Integer({ description: 'Accepted and not yet submitted or failed: waiting + active + delayed' }),
    waiting: Type.Integer(),
    active: Type.Integer({ description: 'In the hands of a link now' }),
    delayed: Type.Integer({ description: "Waiting for a retry's backoff or for their own link" }),
    failed: Type.Integer({ description: 'Failed for good and kept for retry or removal' }),
  },
  { description: 'Messages (not queue jobs) by state' },
);

export const RouteViewSchema = Type.Object({
  key: Type.String(),
  preferred: Type.Array(Type.String()),
  fallback: Type.Array(Type.String()),
  paused: Type.Boolean(),
  counts: RouteCountsSchema,
  jobs: Type.Object(
    { waiting: Type.Integer(), active: Type.Integer(), delayed: Type.Integer() },
    { description: 'Queue jobs (batches) by state' },
  ),
  oldestAgeMs: Type.Optional(Type.Number({ description: 'Age of the oldest waiting message, ms (absent when none waits)' })),
  drainingLinks: Type.Array(Type.String(), { description: "Links that may take the route's messages now" }),
});

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
  text: Type.String({ description: 'The text as far as it can be shown (binary as hex)' }),
  dataCoding: Type.Integer(),
  dlrMask: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.String()),
  failedAt: Type.Optional(Type.Number()),
});

export const PeekPageSchema = Type.Object({
  messages: Type.Array(PeekedMessageSchema),
  next: Type.Optional(Type.String({ description: 'Pass back as `cursor` for the next page; absent on the last page' })),
});

export const AccountViewSchema = Type.Object({
  username: Type.String(),
  counters: Type.Object({ accepted: Type.Integer(), refused: Type.Integer(), delivered: Type.Integer(), failed: Type.Integer() }),
  ratePerSecond: Type.Number({ description: 'Messages accepted per second over the last minute' }),
});

export const GatewayStatusSchema = Type.Object({
  version: Type.String(),
  state: Type.String({ description: 'running, suspended, isolated, shutting-down' }),
  startedAt: Ms('When this process started'),
  node: Type.String(),
  nodes: Type.Array(Type.String(), { description: 'Gateway processes sharing this Redis' }),
  sms: Type.Object({
    received: Type.Object({ mt: Type.Integer(), mo: Type.Integer() }),
    sent: Type.Object({ mt: Type.Integer(), mo: Type.Integer() }),
    queued: Type.Integer(),
    failed: Type.Integer(),
  }),
  dlr: Type.Object({ received: Type.Integer(), callbacksQueued: Type.Integer(), callbacksFailed: Type.Integer() }),
  links: Type.Array(LinkViewSchema),
  routes: Type.Array(RouteViewSchema),
});

export const ActionResultSchema = Type.Object({
  action: Type.String(),
  ok: Type.Boolean(),
  detail: Type.String({ description: 'What changed, in words' }),
  moved: Type.Optional(Type.Integer()),
  retried: Type.Optional(Type.Integer()),
  removed: Type.Optional(Type.Integer()),
  skippedActive: Type.Optional(Type.Integer({ description: 'Messages left alone because a link holds them right now' })),
});

export const AccessSchema = Type.Object({
  access: Type.Union([Type.Literal('admin'), Type.Literal('read')], {
    description: 'admin: every action; read: the status password, reading only',
  }),
});

const Opt = Type.Optional;

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
    links: Type.Array(
      Type.Object({
        link: Type.String(),
        smscId: Type.String(),
        tier: Type.Union([Type.Literal('preferred'), Type.Literal('fallback'), Type.Literal('not-eligible')]),
        usability: Type.Integer({ minimum: -1, maximum: 1 }),
        rule: Opt(Type.String()),
        reason: Type.String(),
        healthy: Type.Boolean(),
        admin: Type.String(),
        queued: Opt(Type.Integer()),
      }),
    ),
  },
  {
    description:
      "Which smsc-id and route a message would take, and every link's tier with the key that decided it, its health and the route's queue",
  },
);

const HistoryEntrySchema = Type.Object({ at: Type.Number(), event: Type.String(), part: Opt(Type.Integer()), detail: Opt(Type.String()) });

export const MessageViewSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.String({ description: 'queued, submitted, failed, buffered, delivered, undeliverable, expired, removed' }),
    from: Opt(Type.String()),
    to: Opt(Type.String()),
    acceptedAt: Opt(Type.Number()),
    updatedAt: Opt(Type.Number()),
    submittedAt: Opt(Type.Number()),
    service: Opt(Type.String()),
    link: Opt(Type.String()),
    smscId: Opt(Type.String()),
    totalParts: Opt(Type.Integer()),
    parts: Opt(Type.Array(Type.Object({ seq: Type.Integer(), smscMessageId: Opt(Type.String()), receipt: Opt(Type.String()) }))),
    error: Opt(Type.String()),
    commandStatus: Opt(Type.Integer()),
    dlrMask: Opt(Type.Integer()),
    dlrUrl: Opt(Type.String()),
    callbackUrl: Opt(Type.String()),
    queueState: Opt(Type.String({ description: "While queued: the queue job's state (waiting, active, delayed), or moving" })),
    route: Opt(Type.String()),
    attempts: Opt(Type.Integer()),
    unanswered: Opt(Type.Integer()),
    account: Opt(Type.String({ description: 'On the admin port only: the account that sent it' })),
    history: Type.Array(HistoryEntrySchema, {
      description: 'accepted, submitted (with the SMSC id), refused, buffered, delivered, failed, expired…, per part',
    }),
  },
  { description: 'A message: its status, each part with its SMSC id and receipt, and its history' },
);

export const SendReplySchema = Type.Object({
  messages: Type.Array(
    Type.Union([
      Type.Object({
        id: Type.String(),
        to: Type.String(),
        status: Type.Union([Type.Literal('accepted'), Type.Literal('queued')]),
        parts: Type.Integer(),
      }),
      Type.Object({
        to: Type.String(),
        status: Type.Literal('rejected'),
        error: Type.Object({ code: Type.Literal('not_routable'), message: Type.String() }),
      }),
    ]),
    { description: 'One per receiver: accepted (a link is up), queued (it waits for one), or rejected (no link could ever carry it)' },
  ),
});

export const PortStatusSchema = Type.Object(
  {
    status: Type.String({ description: 'ok, or shutting-down' }),
    node: Type.String(),
    links: Type.Array(
      Type.Object({
        id: Type.String(),
        smscId: Type.String(),
        healthy: Type.Boolean(),
        binds: Type.Array(Type.Object({}, { additionalProperties: true })),
      }),
    ),
    routes: Type.Array(
      Type.Object({
        key: Type.String(),
        preferred: Type.Array(Type.String()),
        fallback: Type.Array(Type.String()),
        drainingHere: Type.Array(Type.String()),
      }),
    ),
  },
  { description: "Links, binds and routes across the cluster (the sendsms port's status)" },
);

/** The error body of both JSON APIs; each reply in the document narrows `code` to the codes it may carry. */
export const ErrorBodySchema = Type.Object({
  error: Type.Object(
    {
      code: Type.String({ description: "One of the port's catalogue (info.description)" }),
      message: Type.String(),
      known: Opt(Type.Array(Type.String(), { description: 'With unknown_*: the ids that exist' })),
      index: Opt(Type.Integer({ description: 'In a batch: the message the error is about' })),
      details: Opt(Type.Unknown({ description: 'Where the request did not match the schema' })),
      problems: Opt(
        Type.Array(
          Type.Object({ file: Type.String(), line: Type.Union([Type.Integer(), Type.Null()]), key: Type.String(), message: Type.String() }),
          {
            description: 'With invalid_config: what is wrong in the file, and where',
          },
        ),
      ),
    },
    { additionalProperties: true },
  ),
});

/** The admin API's error catalogue: one stable code per refusal, with its HTTP status and what it means. */
export const ADMIN_ERRORS = {
  unauthorized: { status: 401, description: 'No or a wrong password (HTTP Basic with any user name, or `password=`).' },
  forbidden_ip: {
    status: 403,
    description: 'The client address may not use the admin port (admin-allow-ip, admin-deny-ip), whatever the password.',
  },
  admin_closed: {
    status: 403,
    description:
      'No password that could open this is configured: admin-interface is not loopback and no password is set, or an action was asked with only a status-password set.',
  },
  cross_site: {
    status: 403,
    description:
      "A request that changes something came from another site's page (Sec-Fetch-Site cross-site or same-site, or an Origin that is neither the admin port's own nor in admin.allowed-origins), whatever its password.",
  },
  rate_limited: {
    status: 429,
    description: 'Too many failed logins from this client address (20 at once, then one per 3 s); `Retry-After` says when to try again.',
  },
  unsupported_media_type: { status: 415, description: 'A POST body that is not `application/json`.' },
  not_found: { status: 404, description: 'No such message, or no such path.' },
  temporarily_unavailable: {
    status: 503,
    description: 'Redis does not answer now, or too many password checks are running; retry after `Retry-After` seconds.',
  },
  unknown_link: { status: 404, description: 'No link with this id; `known` lists them.' },
  unknown_route: { status: 404, description: 'No route queue with this key; `known` lists them.' },
  unknown_account: { status: 404, description: 'No account with this name; `known` lists them.' },
  unknown_smsc: { status: 400, description: 'No link has this smsc-id: nothing was moved; `known` lists the smsc-ids.' },
  invalid_request: { status: 400, description: 'A parameter or the body does not match the schema.' },
  invalid_config: {
    status: 400,
    description: 'The configuration file is invalid: the running configuration is kept; `problems` says where.',
  },
  action_failed: { status: 409, description: "The action could not be done in the gateway's present state; `message` says why." },
} as const;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

/** The request schemas the routes validate with (the OpenAPI document shows these same objects). */
const Id = Type.String({ minLength: 1, maxLength: 128 });
export const IdsBody = Type.Object(
  { ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 10_000 })) },
  { additionalProperties: false },
);
export const MoveBody = Type.Object({ smsc: Id }, { additionalProperties: false });
export const PeekQuery = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal('queued'), Type.Literal('failed')], { default: 'queued' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const ExplainQuery = Type.Object(
  { account: Id, to: Type.String({ minLength: 1, maxLength: 32 }), smsc: Type.Optional(Id) },
  { additionalProperties: false },
);
