/**
 * What the two JSON APIs answer beyond the admin views (those are declared once in src/domain/admin-views.ts, and the
 * message view both ports show in src/domain/message-view.ts): the sendsms port's replies, the dashboard's access
 * check, the error bodies and the admin error catalogue, and the request schemas the admin routes validate with. The
 * OpenAPI document is generated from these and from the domain schemas, so it cannot drift from the code.
 * Pure.
 */
import { Type } from '@sinclair/typebox';

export const AccessSchema = Type.Object({
  access: Type.Union([Type.Literal('admin'), Type.Literal('read')], {
    description: 'admin: every action; read: the status password, reading only',
  }),
  smppServer: Type.Boolean({ description: 'The gateway has an smpp-server section: GET /api/v1/smpp-sessions answers' }),
});

const Opt = Type.Optional;

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
  unknown_message: { status: 404, description: 'No queued or failed message with this id (remove-message).' },
  unknown_session: {
    status: 404,
    description:
      'No bound SMPP client session has this id (or is of this account): nothing was disconnected; `known` lists the bound ones.',
  },
  no_smpp_server: { status: 404, description: 'The gateway has no smpp-server section: it has no SMPP client sessions to show or end.' },
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
export const RestartQuery = Type.Object({ graceful: Type.Optional(Type.String({ description: '1 or true: graceful-restart' })) });
export const PeekQuery = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal('queued'), Type.Literal('failed')], { default: 'queued' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const ReloadQuery = Type.Object(
  {
    force: Type.Optional(
      Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')], {
        description: 'Apply a file the checks refuse: one that removes every link or account, or leaves waiting messages without a link',
      }),
    ),
  },
  { additionalProperties: false },
);
export const SmppDisconnectQuery = Type.Object(
  {
    session: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'One session, by its id' })),
    account: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Every session of this account' })),
  },
  { additionalProperties: false },
);
export const ExplainQuery = Type.Object(
  { account: Id, to: Type.String({ minLength: 1, maxLength: 32 }), smsc: Type.Optional(Id) },
  { additionalProperties: false },
);
