/**
 * The admin API's replies as the CLI checks them before reading them (src/domain/admin-views.ts is the source of truth;
 * test/unit/cli/admin-reply-schema.test.ts holds the two together through typed fixtures). Objects may carry more
 * keys than listed, so a newer gateway's additions do not break an older CLI. Values the model leaves undefined are
 * absent in JSON; the client drops nulls before checking, so either form is accepted.
 */
import { Type, type TSchema } from '@sinclair/typebox';

const Str = Type.String();
const Num = Type.Number();
const Bool = Type.Boolean();
const Strings = Type.Array(Str);

const BindSchema = Type.Object({
  bind: Str,
  link: Str,
  smscId: Str,
  state: Str,
  reason: Type.Optional(Str),
  since: Num,
  node: Str,
  healthy: Bool,
  probation: Bool,
  window: Type.Object({ inUse: Num, size: Num }),
  throughput: Type.Object({ limit: Num, actual: Num }),
  counters: Type.Object({
    submitted: Num,
    accepted: Num,
    refused: Num,
    throttled: Num,
    unanswered: Num,
    receipts: Type.Record(Str, Num),
    mo: Num,
  }),
  latencyMs: Type.Object({ p50: Type.Optional(Num), p99: Type.Optional(Num) }),
});

const LinkSchema = Type.Object({
  id: Str,
  smscId: Str,
  host: Str,
  port: Num,
  admin: Str,
  healthy: Bool,
  binds: Type.Array(BindSchema),
  routes: Type.Array(Type.Object({ route: Str, tier: Str })),
});

const RouteSchema = Type.Object({
  key: Str,
  preferred: Strings,
  fallback: Strings,
  paused: Bool,
  counts: Type.Object({ queued: Num, waiting: Num, active: Num, delayed: Num, failed: Num }),
  jobs: Type.Object({ waiting: Num, active: Num, delayed: Num }),
  oldestAgeMs: Type.Optional(Num),
  drainingLinks: Strings,
});

export const StatusReply = Type.Object({
  version: Str,
  state: Str,
  startedAt: Num,
  node: Str,
  nodes: Strings,
  sms: Type.Object({
    received: Type.Object({ mt: Num, mo: Num }),
    sent: Type.Object({ mt: Num, mo: Num }),
    queued: Num,
    failed: Num,
  }),
  dlr: Type.Object({ received: Num, callbacksQueued: Num, callbacksFailed: Num }),
  links: Type.Array(LinkSchema),
  routes: Type.Array(RouteSchema),
});

export const LinksReply = Type.Object({ links: Type.Array(LinkSchema) });

export const RoutesReply = Type.Object({ routes: Type.Array(RouteSchema) });

export const PeekReply = Type.Object({
  messages: Type.Array(
    Type.Object({
      id: Str,
      account: Str,
      from: Str,
      to: Str,
      acceptedAt: Num,
      priority: Num,
      state: Str,
      attempts: Num,
      unanswered: Num,
      text: Str,
      dataCoding: Num,
      dlrMask: Type.Optional(Num),
      error: Type.Optional(Str),
      failedAt: Type.Optional(Num),
    }),
  ),
  next: Type.Optional(Str),
});

export const ActionReply = Type.Object({
  action: Str,
  ok: Bool,
  detail: Str,
  moved: Type.Optional(Num),
  retried: Type.Optional(Num),
  removed: Type.Optional(Num),
  skippedActive: Type.Optional(Num),
});

/** RouteExplanation (src/routing/explain-route.ts) with each link's live `health` and `queued`. */
export const ExplainReply = Type.Object({
  account: Str,
  receiver: Str,
  requestedSmsc: Type.Optional(Str),
  smscId: Type.Optional(Str),
  smscIdOrigin: Type.Union([Type.Literal('forced-smsc'), Type.Literal('request'), Type.Literal('default-smsc'), Type.Literal('none')]),
  receiverRefused: Type.Optional(Type.Object({ rule: Str, reason: Str })),
  routable: Bool,
  route: Type.Optional(Type.Object({ key: Str, preferred: Strings, fallback: Strings })),
  reason: Type.Optional(Str),
  links: Type.Array(
    Type.Object({
      link: Str,
      smscId: Str,
      tier: Str,
      usability: Num,
      rule: Type.Optional(Str),
      reason: Str,
      // The contract says "health" without a type: a state in words, or whether the link is healthy.
      health: Type.Union([Str, Bool]),
      queued: Num,
    }),
  ),
});

/** Any error reply: `{ error: { code, message } }`, with `known` (ids there are) or `problems` where it applies. */
export const ErrorReply = Type.Object({
  error: Type.Object({
    code: Str,
    message: Type.Optional(Str),
    known: Type.Optional(Strings),
    problems: Type.Optional(Type.Array(Type.Unknown())),
  }),
  known: Type.Optional(Strings),
});

export type ReplySchema = TSchema;
