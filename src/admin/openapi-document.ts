/**
 * The OpenAPI 3.1 document of both HTTP interfaces: the sendsms port (Kannel's /cgi-bin/sendsms, the JSON messages
 * API) and the admin port (the JSON admin API, Kannel's commands, /metrics). Pure: built from the request schemas the
 * routes validate with (the same TypeBox objects), the view schemas the routes reply with (domain/admin-views.ts,
 * domain/message-view.ts), the other replies of api-schemas.ts, Kannel's reply table and the two error catalogues; a
 * test fails when a route of either server is missing here.
 *
 * Written here rather than with @fastify/swagger: that plugin documents one fastify instance from its own routes,
 * and this document spans two servers whose paths overlap (GET /api/v1/status and /api/v1/messages/{id} are on
 * both, with different credentials), and sendsms reads its parameters from raw bytes with no fastify schema at all.
 * TypeBox schemas are JSON Schema, which OpenAPI 3.1 takes as they are, so the conversion is a few lines.
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { API_ERRORS } from '../http/api-errors.js';
import { MessageRequestSchema, SendRequestSchema } from '../http/api-schemas.js';
import { KannelReplies, sentReply, withDeniedReply, type KannelReply } from '../http/kannel-replies.js';
import { SENDSMS_PARAMETERS } from '../http/sendsms-schema.js';
import {
  AccountListSchema,
  AccountViewSchema,
  ActionResultSchema,
  BindCountersSchema,
  BindViewSchema,
  ExplanationSchema,
  GatewayStatusSchema,
  LinkListSchema,
  LinkViewSchema,
  PeekedMessageSchema,
  PeekPageSchema,
  RouteCountsSchema,
  RouteListSchema,
  RouteViewSchema,
  SmppDisconnectSchema,
  SmppSessionsViewSchema,
  SmppSessionViewSchema,
} from '../domain/admin-views.js';
import { MessageViewSchema } from '../domain/message-view.js';
import {
  AccessSchema,
  ErrorBodySchema,
  PortStatusSchema,
  SendReplySchema,
  ADMIN_ERRORS,
  ExplainQuery,
  IdsBody,
  RestartQuery,
  MoveBody,
  PeekQuery,
  SmppDisconnectQuery,
} from './api-schemas.js';
import { KANNEL_FORMATS } from './kannel-reply.js';

export type Port = 'sendsms' | 'admin';

export interface OpenApiOptions {
  readonly version: string;
  /** The admin port's path as the client sees it: '' directly, '/sms-gateway' behind a proxy at that sub-path. */
  readonly adminPrefix: string;
  /** How a client reaches the sendsms port. */
  readonly sendsms: { readonly tls: boolean; readonly host: string; readonly port: number };
}

type Json = Record<string, unknown>;
type Security = 'account' | 'status' | 'admin' | 'none';

interface Reply {
  readonly description: string;
  readonly schema?: TSchema;
  /** Media type → schema, when not JSON. */
  readonly content?: Readonly<Record<string, TSchema>>;
  /** A shared response of components.responses. */
  readonly ref?: string;
}

/** One operation as written below; `errors` are codes of the port's catalogue. */
interface Operation {
  readonly port: Port;
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly security: Security;
  readonly query?: TObject;
  /** Path parameters: description and schema (default: a string). */
  readonly pathParams?: Readonly<Record<string, { description: string; schema?: TSchema }>>;
  readonly body?: Readonly<Record<string, TSchema>>;
  readonly replies: Readonly<Record<number, Reply>>;
  readonly errors?: readonly string[];
  /** Kannel's commands refuse with their own `Denied` replies, not the JSON API's error bodies. */
  readonly kannel?: boolean;
}

const CATALOGUES: Readonly<Record<Port, Readonly<Record<string, { status: number; description: string }>>>> = {
  sendsms: API_ERRORS,
  admin: ADMIN_ERRORS,
};

/** Schemas shown once under components.schemas and referred to wherever they appear (TypeBox keeps them by reference). */
const NAMED: ReadonlyMap<TSchema, string> = new Map<TSchema, string>([
  [GatewayStatusSchema, 'GatewayStatus'],
  [LinkViewSchema, 'LinkView'],
  [BindViewSchema, 'BindView'],
  [BindCountersSchema, 'BindCounters'],
  [RouteViewSchema, 'RouteView'],
  [RouteCountsSchema, 'RouteCounts'],
  [PeekPageSchema, 'PeekPage'],
  [PeekedMessageSchema, 'PeekedMessage'],
  [AccountViewSchema, 'AccountView'],
  [ActionResultSchema, 'ActionResult'],
  [ExplanationSchema, 'Explanation'],
  [SmppSessionsViewSchema, 'SmppSessions'],
  [SmppSessionViewSchema, 'SmppSession'],
  [MessageViewSchema, 'MessageView'],
  [SendRequestSchema, 'SendRequest'],
  [MessageRequestSchema, 'MessageRequest'],
  [SendReplySchema, 'SendReply'],
  [PortStatusSchema, 'PortStatus'],
]);

/**
 * A plain JSON copy, with named schemas inside it as references (the schema itself too, unless `inline`). TypeBox
 * marks its schemas with symbol keys, which JSON leaves out.
 */
function plain(schema: TSchema, inline = false): Json {
  const ref = (s: unknown): Json | undefined =>
    NAMED.has(s as TSchema) ? { $ref: `#/components/schemas/${NAMED.get(s as TSchema)!}` } : undefined;
  if (!inline && ref(schema)) return ref(schema)!;
  return JSON.parse(JSON.stringify(schema, (key: string, value: unknown) => (key !== '' && ref(value)) || value)) as Json;
}
const json = (schema: TSchema): Readonly<Record<string, TSchema>> => ({ 'application/json': schema });
const text = Type.String();
const ACCESS_ERRORS = ['unauthorized', 'forbidden_ip', 'admin_closed', 'temporarily_unavailable'] as const;
const ok = (description: string, schema: TSchema): Readonly<Record<number, Reply>> => ({ 200: { description, schema } });
const ACTION_REPLIES: Readonly<Record<number, Reply>> = {
  200: { description: 'Done; `detail` says what changed', schema: ActionResultSchema },
  409: { description: "Declined in the gateway's present state (`ok: false`; `detail` says why)", schema: ActionResultSchema },
};

function adminOperations(): Operation[] {
  const read = { port: 'admin', security: 'status' } as const;
  const act = { port: 'admin', security: 'admin', method: 'post' } as const;
  const link = { id: { description: 'The link id (smsc-admin-id)' } };
  const route = { key: { description: 'The route key (`/api/v1/routes`)' } };
  const ops: Operation[] = [
    {
      ...read,
      method: 'get',
      path: '/api/v1/status',
      tag: 'Admin',
      summary: 'The gateway at a glance: state, counters, links and route queues',
      replies: ok('The status', GatewayStatusSchema),
    },
    {
      ...read,
      method: 'get',
      path: '/api/v1/access',
      tag: 'Admin',
      summary: 'What the given password may do (the dashboard asks this at login)',
      replies: ok('admin or read', AccessSchema),
    },
    {
      ...read,
      method: 'get',
      path: '/api/v1/links',
      tag: 'Links',
      summary: 'Every link and bind',
      replies: ok('The links', LinkListSchema),
    },
    {
      ...read,
      method: 'get',
      path: '/api/v1/routes',
      tag: 'Routes',
      summary: "Every route queue with its counts and the oldest message's age",
      replies: ok('The routes', RouteListSchema),
    },
    {
      ...read,
      method: 'get',
      path: '/api/v1/routes/{key}/messages',
      tag: 'Routes',
      summary: 'The first queued (or failed) messages of a route, a page at a time',
      pathParams: route,
      query: PeekQuery,
      replies: ok('A page', PeekPageSchema),
      errors: ['unknown_route', 'invalid_request'],
    },
    {
      ...read,
      method: 'get',
      path: '/api/v1/accounts',
      tag: 'Admin',
      summary: 'Accounts with their counters and rate',
      replies: ok('The accounts', AccountListSchema),
    },
    {
      ...read,
      method: 'get',
      path: '/api/v1/explain',
      tag: 'Routes',
      summary: "Which route a message would take, with each link's health and queue",
      query: ExplainQuery,
      replies: ok('The explanation', ExplanationSchema),
      errors: ['unknown_account', 'invalid_request'],
    },
    {
      ...read,
      method: 'get',
      path: '/api/v1/messages/{id}',
      tag: 'Messages',
      summary: 'A message by id (any account), with its parts and history',
      pathParams: { id: { description: 'The message id' } },
      replies: ok('The message', MessageViewSchema),
      errors: ['not_found'],
    },
    {
      ...read,
      method: 'get',
      path: '/api/v1/smpp-sessions',
      tag: 'SMPP server',
      summary: "The SMPP server's client sessions across the cluster, and the deliver_sm waiting per account",
      replies: ok('The sessions', SmppSessionsViewSchema),
      errors: ['no_smpp_server'],
    },
    {
      ...read,
      method: 'get',
      path: '/smpp-status',
      tag: 'SMPP server',
      summary: "The SMPP server's client sessions as Kannel-style status lines, grouped by account",
      replies: {
        200: { description: 'One line per account and per session', content: { 'text/plain': text } },
        404: { description: 'The gateway has no smpp-server section', content: { 'text/plain': text } },
      },
    },
    {
      ...act,
      path: '/api/v1/smpp-sessions/disconnect',
      tag: 'SMPP server',
      summary: 'Unbind one client session (`session=`) or every session of an account (`account=`), wherever it is held',
      query: SmppDisconnectQuery,
      replies: { 202: { description: 'Asked of every gateway process', schema: SmppDisconnectSchema } },
      errors: ['unknown_session', 'no_smpp_server', 'invalid_request'],
    },
    {
      ...read,
      method: 'get',
      path: '/metrics',
      tag: 'Admin',
      summary: 'Prometheus metrics of every gateway process',
      replies: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': text } } },
    },
    {
      port: 'admin',
      security: 'none',
      method: 'get',
      path: '/openapi.json',
      tag: 'Admin',
      summary: 'This document',
      replies: { 200: { description: 'OpenAPI 3.1', schema: Type.Object({}, { additionalProperties: true }) } },
      errors: ['forbidden_ip'],
    },
    ...(['stop', 'start', 'drain'] as const).map((a): Operation => ({
      ...act,
      path: `/api/v1/links/{id}/${a}`,
      tag: 'Links',
      summary: {
        stop: 'Unbind the link and keep it down',
        start: 'Start a stopped or draining link again',
        drain: 'Finish the window and take nothing new',
      }[a],
      pathParams: link,
      replies: ACTION_REPLIES,
      errors: ['unknown_link'],
    })),
    ...(['pause', 'resume'] as const).map((a): Operation => ({
      ...act,
      path: `/api/v1/routes/{key}/${a}`,
      tag: 'Routes',
      summary: a === 'pause' ? "Stop handing the route's messages to links" : "Hand the route's messages to links again",
      pathParams: route,
      replies: ACTION_REPLIES,
      errors: ['unknown_route'],
    })),
    ...(['retry', 'remove'] as const).map((a): Operation => ({
      ...act,
      path: `/api/v1/routes/{key}/${a}`,
      tag: 'Routes',
      summary:
        a === 'retry'
          ? 'Queue failed messages again (these ids, or all)'
          : 'Remove failed messages (these ids, or all); each gets its final report',
      pathParams: route,
      body: json(IdsBody),
      replies: ACTION_REPLIES,
      errors: ['unknown_route', 'invalid_request'],
    })),
    {
      ...act,
      path: '/api/v1/routes/{key}/move',
      tag: 'Routes',
      summary: 'Route the waiting messages again with another smsc-id',
      pathParams: route,
      body: json(MoveBody),
      replies: ACTION_REPLIES,
      errors: ['unknown_route', 'unknown_smsc', 'invalid_request'],
    },
    {
      ...act,
      path: '/api/v1/reload',
      tag: 'Admin',
      summary: 'Re-read the configuration file; a bad one is refused and the running one kept',
      replies: ACTION_REPLIES,
      errors: ['invalid_config'],
    },
    {
      ...act,
      path: '/api/v1/lists/reload',
      tag: 'Admin',
      summary:
        "Read every white and black list again (Kannel's reload-lists); one that cannot be read keeps its last good content (409 says which)",
      replies: ACTION_REPLIES,
      errors: [],
    },
    {
      ...act,
      path: '/api/v1/restart',
      tag: 'Admin',
      summary:
        "Kannel's restart: every process of the gateway stops and starts again in place; `?graceful=1`: graceful-restart, the configuration re-read and applied",
      query: RestartQuery,
      replies: ACTION_REPLIES,
      errors: ['invalid_config', 'invalid_request'],
    },
    {
      ...act,
      path: '/api/v1/receipts/flush',
      tag: 'Admin',
      summary: "Kannel's flush-dlr, while suspended: every awaited receipt is reported failed (unknown) and its correlation dropped",
      replies: ACTION_REPLIES,
      errors: [],
    },
    {
      ...act,
      path: '/api/v1/messages/{id}/remove',
      tag: 'Admin',
      summary: "Kannel's remove-message: one queued or failed message removed, with its final report",
      pathParams: Type.Object({ id: Type.String() }),
      replies: ACTION_REPLIES,
      errors: ['unknown_message'],
    },
  ];
  return [...ops, ...kannelCommands()];
}

/** Kannel's admin commands (bb_http.c), each also as `.txt`, `.html`, `.xml`, `.json`, GET or POST. */
const KANNEL_COMMAND_DOCS: Readonly<Record<string, { summary: string; param?: 'smsc' | 'level' | 'id' }>> = {
  status: { summary: "Links, queues and counters (Kannel 1.4.5's layout in each form)" },
  'store-status': { summary: "The messages waiting (the first 50 of each route) and each route's counts" },
  suspend: { summary: 'Accept and send nothing' },
  isolate: { summary: 'Take no MO from the SMSCs; MT is still accepted' },
  resume: { summary: 'Back to running' },
  shutdown: { summary: 'Graceful shutdown; a second one forces the exit' },
  'log-level': { summary: 'Log level of every process: 0 debug, 1 info, 2 warning, 3 error, 4 panic', param: 'level' },
  'stop-smsc': { summary: 'Stop a link (or every link with that smsc-id)', param: 'smsc' },
  'start-smsc': { summary: 'Start a stopped link again', param: 'smsc' },
  'remove-smsc': { summary: 'Take a link out of service', param: 'smsc' },
  'add-smsc': { summary: 'Add a link of the configuration file', param: 'smsc' },
  'reload-lists': { summary: 'Read every white and black list again; one that cannot be read keeps its last good content' },
  restart: { summary: 'Stop and start every process of the gateway in place; queued messages wait in Redis' },
  'graceful-restart': { summary: 'Re-read the configuration file and apply it (as SIGHUP): only changed links rebind' },
  'flush-dlr': { summary: 'While suspended: every awaited receipt is reported failed (unknown) and its correlation dropped' },
  'remove-message': { summary: 'Remove one queued or failed message by id, with its final report', param: 'id' },
};

const KANNEL_FORMS: Readonly<Record<string, TSchema>> = {
  'text/plain': text,
  'text/html': text,
  'text/xml': text,
  'application/json': Type.Object({}, { additionalProperties: true }),
};

/** Kannel's replies, shared by every command (components.responses). */
const KANNEL_RESPONSES: Readonly<Record<string, string>> = {
  KannelReply: "Kannel's reply: a sentence, or the status page, in the form asked for",
  KannelDenied401: '`Denied`: no or a wrong password',
  KannelDenied403: '`Denied`: the client address (admin-allow-ip, admin-deny-ip), or no password configured that could open it',
  KannelBadParameter: 'The parameter is missing or wrong',
  KannelUnknownSmsc: 'No such link or smsc-id',
  KannelUnknownMessage: 'No queued or failed message with this id',
  KannelDeclined: "Declined in the gateway's present state",
  KannelShuttingDown: 'The shutdown has begun (`Avalanche has already started, too late to save the sheeps`)',
};
const kannel = (name: keyof typeof KANNEL_RESPONSES & string): Reply => ({
  description: KANNEL_RESPONSES[name]!,
  ref: `#/components/responses/${name}`,
});

function kannelCommands(): Operation[] {
  return Object.entries(KANNEL_COMMAND_DOCS).flatMap(([command, d]) => {
    const read = command === 'status' || command === 'store-status';
    const query =
      d.param === 'smsc'
        ? Type.Object({ smsc: Type.String({ description: 'A link id, or an smsc-id (then every link with it)' }) })
        : d.param === 'level'
          ? Type.Object({ level: Type.Integer({ minimum: 0, maximum: 4 }) })
          : d.param === 'id'
            ? Type.Object({ id: Type.String({ description: 'The message id (as the API and store-status give it)' }) })
            : undefined;
    const replies: Record<number, Reply> = { 200: kannel('KannelReply'), 401: kannel('KannelDenied401'), 403: kannel('KannelDenied403') };
    if (!read) {
      if (d.param) replies[400] = kannel('KannelBadParameter');
      if (d.param === 'smsc') replies[404] = kannel('KannelUnknownSmsc');
      if (d.param === 'id') replies[404] = kannel('KannelUnknownMessage');
      replies[409] = kannel('KannelDeclined');
      replies[503] = kannel('KannelShuttingDown');
    }
    const base = {
      port: 'admin',
      tag: 'Kannel commands',
      kannel: true,
      security: read ? 'status' : 'admin',
      ...(query ? { query } : {}),
      replies,
    } as const;
    const description = 'Without an extension, the Accept header picks the form (text/html, text/xml, application/json; else plain text).';
    return (['get', 'post'] as const).flatMap((method): Operation[] => [
      { ...base, method, path: `/${command}`, summary: d.summary, description },
      {
        ...base,
        method,
        path: `/${command}.{format}`,
        summary: `${d.summary} (in this form)`,
        pathParams: { format: { description: "The reply's form", schema: Type.String({ enum: [...KANNEL_FORMATS] }) } },
      },
    ]);
  });
}

/** Kannel's sendsms replies by status, with the sentences (functions shown with sample values). */
function kannelReplies(): Record<number, Reply> {
  const samples: KannelReply[] = Object.values(KannelReplies).map((r) =>
    typeof r === 'function'
      ? r.length === 2
        ? (r as (a: number, b: number) => KannelReply)(12, 10)
        : (r as (s: string) => KannelReply)('<Field>')
      : r,
  );
  samples.push(withDeniedReply(KannelReplies.accepted, ['<receiver>']), sentReply(['<receiver>'], 2));
  const byStatus = new Map<number, string[]>();
  for (const r of samples)
    if (!byStatus.get(r.status)?.includes(r.body)) byStatus.set(r.status, [...(byStatus.get(r.status) ?? []), r.body]);
  return Object.fromEntries(
    [...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, bodies]) => [
        status,
        { description: `Kannel's reply, one of:\n\n${bodies.map((b) => `- \`${b}\``).join('\n')}`, content: { 'text/html': text } },
      ]),
  );
}

function sendsmsOperations(): Operation[] {
  const params = Type.Object(SENDSMS_PARAMETERS);
  const description =
    "Kannel's sendsms: the same parameters and replies. GET with the parameters in the query; POST with them in a form body, or with the text as the body (text/plain, application/octet-stream for binary, text/html with tags stripped) and the parameters in `X-Kannel-*` headers (`X-Kannel-Username`, `X-Kannel-To`, …). Several receivers give one message each; the first one's outcome decides the reply.";
  const sendsms = {
    port: 'sendsms',
    tag: 'Sending',
    path: '/cgi-bin/sendsms',
    security: 'none',
    description,
    replies: kannelReplies(),
  } as const;
  const messageErrors = [
    'invalid_request',
    'unauthorized',
    'forbidden_ip',
    'sender_missing',
    'receivers_denied',
    'charset_invalid',
    'text_unencodable',
    'too_many_parts',
    'too_many_receivers',
    'callback_url_denied',
    'invalid_tlv',
    'not_routable',
    'body_too_large',
    'unsupported_media_type',
    'rate_limited',
    'tps_exceeded',
    'too_many_at_once',
    'quota_exceeded',
    'temporarily_unavailable',
  ];
  return [
    { ...sendsms, method: 'get', summary: 'Send an SMS (Kannel-compatible)', query: params },
    {
      ...sendsms,
      method: 'post',
      summary: 'Send an SMS (Kannel-compatible, POST)',
      query: Type.Object(Object.fromEntries(Object.entries(SENDSMS_PARAMETERS).map(([k, v]) => [k, Type.Optional(v)]))),
      body: {
        'application/x-www-form-urlencoded': params,
        'text/plain': text,
        'application/octet-stream': Type.String({ format: 'binary' }),
        'text/html': text,
      },
    },
    {
      port: 'sendsms',
      method: 'post',
      path: '/api/v1/messages',
      tag: 'Messages',
      security: 'account',
      summary: 'Send one message, or a batch (every message is checked before any is queued)',
      body: json(SendRequestSchema),
      replies: { 202: { description: 'Queued in Redis: one entry per receiver', schema: SendReplySchema } },
      errors: messageErrors,
    },
    {
      port: 'sendsms',
      method: 'get',
      path: '/api/v1/messages/{id}',
      tag: 'Messages',
      security: 'account',
      summary: "One of the account's messages, with its parts and history",
      pathParams: { id: { description: 'The message id' } },
      replies: ok('The message', MessageViewSchema),
      errors: ['unauthorized', 'forbidden_ip', 'rate_limited', 'not_found', 'temporarily_unavailable'],
    },
    {
      port: 'sendsms',
      method: 'get',
      path: '/api/v1/status',
      tag: 'Admin',
      security: 'status',
      summary: 'Links, binds and routes across the cluster',
      replies: ok('The status', PortStatusSchema),
      errors: ['unauthorized', 'temporarily_unavailable'],
    },
    {
      port: 'sendsms',
      method: 'get',
      path: '/api/v1/errors',
      tag: 'Messages',
      security: 'none',
      summary: "The JSON API's error codes, with their statuses and meaning",
      replies: ok('The catalogue', Type.Record(Type.String(), Type.Object({ status: Type.Integer(), description: Type.String() }))),
    },
    {
      port: 'sendsms',
      method: 'get',
      path: '/health',
      tag: 'Admin',
      security: 'none',
      summary: 'Whether the gateway runs',
      replies: {
        200: { description: 'Running', schema: Type.Object({ status: Type.Literal('ok') }) },
        503: { description: 'Shutting down', schema: Type.Object({ status: Type.String() }) },
      },
    },
  ];
}

/** Every operation of both ports, as written (before paths shared by the two ports are merged). */
export function documentedOperations(): readonly Operation[] {
  return [...sendsmsOperations(), ...adminOperations()];
}

function securityOf(port: Port, s: Security): Json[] {
  if (s === 'none') return [];
  if (s === 'account') return [{ account: [] }];
  // The sendsms port's status takes the status or admin password with HTTP Basic only.
  return port === 'admin' ? [{ adminPassword: [] }, { adminPasswordQuery: [] }] : [{ adminPassword: [] }];
}

const NEEDS: Readonly<Record<Security, string>> = {
  none: '',
  account: "Needs the account's username and password (HTTP Basic).",
  status: 'Needs the status-password or admin-password.',
  admin: 'Needs the admin-password.',
};

function parameters(op: Operation): Json[] {
  const out: Json[] = [];
  for (const name of [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) {
    const p = op.pathParams?.[name];
    out.push({ name, in: 'path', required: true, ...(p ? { description: p.description } : {}), schema: plain(p?.schema ?? Type.String()) });
  }
  const required = new Set(op.query?.required ?? []);
  for (const [name, schema] of Object.entries(op.query?.properties ?? {})) {
    const { description, ...rest } = plain(schema);
    out.push({ name, in: 'query', required: required.has(name), ...(description ? { description } : {}), schema: rest });
  }
  return out;
}

function content(reply: Reply): Json {
  const media = reply.content ?? (reply.schema ? json(reply.schema) : {});
  return Object.fromEntries(Object.entries(media).map(([type, schema]) => [type, { schema: plain(schema) }]));
}

function responses(op: Operation): Json {
  const out: Record<string, Json> = {};
  for (const [status, reply] of Object.entries(op.replies))
    out[status] = reply.ref ? { $ref: reply.ref } : { description: reply.description, content: content(reply) };
  const catalogue = CATALOGUES[op.port];
  const refusals = op.security !== 'none' && op.port === 'admin' && !op.kannel ? ACCESS_ERRORS : [];
  const codes = [...refusals, ...(op.errors ?? [])];
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    // A code missing from the catalogue is a bug in this table: say so in the document, where the test finds it.
    const status = catalogue[code]?.status ?? 500;
    byStatus.set(status, [...new Set([...(byStatus.get(status) ?? []), code])]);
  }
  for (const [status, list] of byStatus) {
    out[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${catalogue[c]?.description ?? 'not in the catalogue'}`).join('\n\n'),
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/Error', properties: { error: { properties: { code: { enum: list } } } } },
        },
      },
    };
  }
  return out;
}

function operationObject(op: Operation): Json {
  const description = [op.description, NEEDS[op.security]].filter(Boolean).join('\n\n');
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(description ? { description } : {}),
    operationId: `${op.port}${op.method[0]!.toUpperCase()}${op.method.slice(1)}${op.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    security: securityOf(op.port, op.security),
    ...(parameters(op).length > 0 ? { parameters: parameters(op) } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: Object.fromEntries(Object.entries(op.body).map(([t, s]) => [t, { schema: plain(s) }])) } }
      : {}),
    responses: responses(op),
  };
}

/** Two ports, one path and method (the status and a message by id): one operation that says what each port does. */
function merged(sendsms: Operation, admin: Operation): Json {
  const a = operationObject(sendsms);
  const b = operationObject(admin);
  const ra = a.responses as Record<string, Json>;
  const rb = b.responses as Record<string, Json>;
  const out: Record<string, Json> = {};
  for (const status of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    const x = ra[status];
    const y = rb[status];
    if (!x || !y) {
      out[status] = (x ?? y)!;
      continue;
    }
    const sx = ((x.content as Json)['application/json'] as Json | undefined)?.schema;
    const sy = ((y.content as Json)['application/json'] as Json | undefined)?.schema;
    const same = JSON.stringify(sx) === JSON.stringify(sy);
    out[status] = {
      description: same ? x.description : `On the sendsms port: ${String(x.description)}\n\nOn the admin port: ${String(y.description)}`,
      content: { 'application/json': { schema: same ? sx : { oneOf: [sx, sy] } } },
    };
  }
  return {
    ...b,
    summary: admin.summary,
    description: `On the sendsms port: ${sendsms.summary}. ${NEEDS[sendsms.security]}\n\nOn the admin port: ${admin.summary}. ${NEEDS[admin.security]}`,
    operationId: `${String(b.operationId)}OnBothPorts`,
    security: [...securityOf('sendsms', sendsms.security), ...securityOf('admin', admin.security)],
    servers: [],
    responses: out,
  };
}

function catalogueTable(port: Port): string {
  return [
    '| code | status | meaning |',
    '|---|---|---|',
    ...Object.entries(CATALOGUES[port]).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.description} |`),
  ].join('\n');
}

export function openApiDocument(opts: OpenApiOptions): Json {
  const adminServer = { url: opts.adminPrefix || '/', description: 'The admin port (as this document was reached)' };
  const sendsmsServer = {
    url: '{scheme}://{host}:{port}',
    description: 'The sendsms port',
    variables: {
      scheme: { enum: ['http', 'https'], default: opts.sendsms.tls ? 'https' : 'http' },
      host: { default: opts.sendsms.host },
      port: { default: String(opts.sendsms.port) },
    },
  };
  const serversOf = (ports: readonly Port[]): Json[] => ports.map((p) => (p === 'admin' ? adminServer : sendsmsServer));

  const groups = new Map<string, Operation[]>();
  for (const op of documentedOperations()) groups.set(`${op.path} ${op.method}`, [...(groups.get(`${op.path} ${op.method}`) ?? []), op]);
  const paths: Record<string, Record<string, Json>> = {};
  for (const ops of groups.values()) {
    const first = ops[0]!;
    const sendsms = ops.find((o) => o.port === 'sendsms');
    const admin = ops.find((o) => o.port === 'admin');
    const item = (paths[first.path] ??= {});
    item[first.method] =
      sendsms && admin
        ? { ...merged(sendsms, admin), servers: serversOf(['sendsms', 'admin']) }
        : { ...operationObject(first), servers: serversOf([first.port]) };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchboard',
      version: opts.version,
      summary: 'SMS gateway router: Kannel-compatible sendsms, a JSON messages API, and the admin API',
      description: [
        "Two ports. The **sendsms port** (13013 by default) takes messages: Kannel's `/cgi-bin/sendsms` and the JSON messages API (HTTP Basic with the account's username and password). The **admin port** (13000 by default) shows and acts: the JSON admin API, Kannel's commands, /metrics, the dashboard at `/`.",
        "On the admin port, the client address is checked first (admin-allow-ip, admin-deny-ip); then the password, with HTTP Basic (any user name) or Kannel's `password=`: reading takes the status-password or the admin-password, acting the admin-password only.",
        'Errors of the JSON APIs are `{"error": {"code", "message"}}` with one of these stable codes.',
        `Sendsms port:\n\n${catalogueTable('sendsms')}`,
        `Admin port:\n\n${catalogueTable('admin')}`,
      ].join('\n\n'),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [adminServer],
    tags: [
      { name: 'Sending', description: "Kannel's sendsms" },
      { name: 'Messages', description: 'The JSON messages API' },
      { name: 'Links', description: 'SMPP links and their binds' },
      { name: 'Routes', description: 'Route queues and their messages' },
      { name: 'SMPP server', description: "The SMPP server's client sessions (with an smpp-server section)" },
      { name: 'Admin', description: 'Status, accounts, reload, metrics' },
      { name: 'Kannel commands', description: "Kannel's admin commands, with its names, parameters and replies" },
    ],
    paths,
    components: {
      schemas: { ...Object.fromEntries([...NAMED].map(([schema, name]) => [name, plain(schema, true)])), Error: plain(ErrorBodySchema) },
      responses: Object.fromEntries(
        Object.entries(KANNEL_RESPONSES).map(([name, description]) => [
          name,
          { description, content: Object.fromEntries(Object.entries(KANNEL_FORMS).map(([t, sc]) => [t, { schema: plain(sc) }])) },
        ]),
      ),
      securitySchemes: {
        account: { type: 'http', scheme: 'basic', description: "The account's username and password (sendsms port)" },
        adminPassword: {
          type: 'http',
          scheme: 'basic',
          description: 'Any user name, with the admin-password (everything) or the status-password (reading only)',
        },
        adminPasswordQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'password',
          description: "Kannel's form: the admin-password or status-password in the query",
        },
      },
    },
  };
}
