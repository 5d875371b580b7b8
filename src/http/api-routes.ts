/**
 * The JSON API on the sendsms port: POST /api/v1/messages (one message or a batch) and GET /api/v1/messages/{id}.
 * Credentials are the account's, sent with HTTP Basic. Request bodies are validated against the schemas below.
 */
import { packMetaData } from '../smpp/tlv.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../domain/account.js';
import { MessageViewSchema } from '../domain/message-view.js';
import type { AcceptResult, AcceptService } from '../messages/accept-service.js';
import type { LimitVerdict } from '../accounts/limit-gate.js';
import type { Submission } from '../messages/prepare-submission.js';
import { apiError, type ApiErrorCode } from './api-errors.js';
import { SendRequestSchema, type MessageRequest, type SendRequest } from './api-schemas.js';
import { basicAuth } from './basic-auth.js';
import { retryAfterSeconds, sendApiLimitError } from './limit-replies.js';
import { RETRY_AFTER_SECONDS, type Authentication, type CallbackTargets } from './sendsms-route.js';

/**
 * A message by id, any account (with its account, so that each port decides whether the caller may see it). Typed
 * loosely because messages/message-lookup.ts builds it as an open record; both ports serialise it with the one
 * MessageViewSchema (domain/message-view.ts), which holds its shape at run time.
 */
export interface MessageLookup {
  find(
    id: string,
  ): Promise<{ readonly id: string; readonly status: string; readonly account: string; readonly [k: string]: unknown } | undefined>;
}

export interface ApiDeps {
  readonly accept: AcceptService;
  readonly auth: Authentication;
  readonly callbackTargets: CallbackTargets;
  readonly lookup: MessageLookup;
  readonly shuttingDown: () => boolean;
  /** http.max-recipients: receivers one request may list, all its messages together. */
  readonly maxRecipients: number;
  /** An account's request-rate-limit, for requests that send nothing (sends are counted by the accept path). */
  readonly requestLimit?: { checkRequest(account: Account): Promise<LimitVerdict> };
}

function sendError(
  reply: FastifyReply,
  code: ApiErrorCode,
  message: string,
  extra: { index?: number; details?: unknown } = {},
): FastifyReply {
  const e = apiError(code, message, extra);
  if (e.status === 503) reply.header('retry-after', RETRY_AFTER_SECONDS);
  return reply.code(e.status).send(e.body);
}

/** The account, or undefined once the refusal is sent. The client address is checked before the password. */
async function authorize(deps: ApiDeps, req: FastifyRequest, reply: FastifyReply): Promise<Account | undefined> {
  const creds = basicAuth(req.headers.authorization);
  const auth = await deps.auth.authenticate(creds?.username, creds?.password, req.ip);
  if (auth.ok) return auth.account;
  if (auth.reason === 'ip-denied') sendError(reply, 'forbidden_ip', 'this account may not be used from your address');
  else if (auth.reason === 'busy') sendError(reply, 'temporarily_unavailable', 'too many password checks in progress; retry later');
  else if (auth.reason === 'limited') {
    const after = retryAfterSeconds(auth.retryAfterMs ?? 1000);
    reply.header('retry-after', String(after));
    sendError(reply, 'rate_limited', `too many failed logins from this address; retry after ${after} s`);
  } else {
    reply.header('www-authenticate', 'Basic realm="switchboard"');
    sendError(reply, 'unauthorized', 'missing or wrong credentials (HTTP Basic with the account username and password)');
  }
  return undefined;
}

/** JSON values as meta-data octets: numbers in decimal, text as UTF-8 (one character per octet). */
function toOctets(tlvs: Readonly<Record<string, string | number>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tlvs)) out[k] = typeof v === 'number' ? String(v) : Buffer.from(v, 'utf8').toString('latin1');
  return out;
}

function toSubmission(account: Account, m: MessageRequest): Submission {
  const coding = m.binary !== undefined || m.coding === 'binary' ? 1 : m.coding === 'gsm7' ? 0 : m.coding === 'ucs2' ? 2 : undefined;
  const text = m.binary !== undefined ? Buffer.from(m.binary, 'hex') : Buffer.from(m.text ?? '', 'utf8');
  return {
    account,
    from: m.from,
    receivers: Array.isArray(m.to) ? m.to : [m.to],
    text: {
      text,
      charset: 'utf-8',
      ...(coding !== undefined ? { coding } : {}),
      ...(m.mclass !== undefined ? { mclass: m.mclass as 0 | 1 | 2 | 3 } : {}),
      ...(m.udh !== undefined ? { udh: Buffer.from(m.udh, 'hex') } : {}),
    },
    smsc: m.smsc,
    validityMinutes: m.validity,
    deferredMinutes: m.deferred,
    // A callbackUrl without a mask means "tell me everything".
    dlrMask: m.dlrMask ?? (m.callbackUrl ? 31 : undefined),
    dlrUrl: m.dlrUrl,
    callbackUrl: m.callbackUrl,
    protocolId: m.pid,
    replyPath: undefined,
    priority: m.priority,
    billing: undefined,
    binfo: undefined,
    // The same form sendsms's meta-data takes: TLVs are the `smpp` group.
    metaData: m.tlvs === undefined ? undefined : packMetaData({ smpp: toOctets(m.tlvs) }),
  };
}

function errorFor(result: AcceptResult, reply: FastifyReply, index?: number): FastifyReply | undefined {
  if (result.ok) return undefined;
  const extra = index === undefined ? {} : { index };
  const e = result.error;
  switch (e.code) {
    case 'sender-missing':
      return sendError(reply, 'sender_missing', 'give `from`: neither the account nor the gateway has a default sender', extra);
    case 'receivers-denied':
      return sendError(reply, 'receivers_denied', `every receiver was refused: ${e.denied.join(', ')}`, extra);
    case 'charset':
      return sendError(reply, 'charset_invalid', e.detail, extra);
    case 'unencodable':
      return sendError(reply, 'text_unencodable', e.detail, extra);
    case 'too-many-parts':
      return sendError(reply, 'too_many_parts', `the text needs ${e.parts} parts; this account allows ${e.max}`, extra);
    case 'udh-no-room':
      return sendError(
        reply,
        'invalid_request',
        `the udh (${e.udhOctets} octets) leaves no room for the text in a message part; send a shorter udh or no text`,
        extra,
      );
    case 'meta-data':
      return sendError(reply, 'invalid_tlv', e.detail, extra);
    case 'unavailable':
      return sendError(reply, 'temporarily_unavailable', 'cannot queue messages right now; nothing was accepted', extra);
    case 'limited':
      return sendApiLimitError(reply, e.refusal);
  }
}

/** API bodies must be JSON: other types are refused before the schema check sees a Buffer (a route hook, not a global one: sendsms pays nothing for it). */
async function requireJsonBody(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  // The media type exactly (parameters such as charset aside): `application/jsonx` is not JSON.
  if ((req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') {
    return reply.code(415).send(apiError('unsupported_media_type', 'send the body as application/json').body);
  }
  return undefined;
}

export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  app.post('/api/v1/messages', { schema: { body: SendRequestSchema }, preValidation: requireJsonBody }, async (req, reply) => {
    if (deps.shuttingDown()) return sendError(reply, 'temporarily_unavailable', 'the gateway is shutting down');
    const account = await authorize(deps, req, reply);
    if (!account) return reply;
    const body = req.body as SendRequest;
    const list = 'messages' in body ? body.messages : [body];
    const receivers = list.reduce((n, m) => n + (Array.isArray(m.to) ? m.to.length : 1), 0);
    if (receivers > deps.maxRecipients)
      return sendError(
        reply,
        'too_many_receivers',
        `the request lists ${receivers} receivers; at most ${deps.maxRecipients} (http.max-recipients)`,
      );
    for (const [i, m] of list.entries()) {
      if (m.text !== undefined && m.binary !== undefined)
        return sendError(reply, 'invalid_request', 'give `text` or `binary`, not both', { index: i });
      if (m.validity === 0)
        return sendError(reply, 'invalid_request', '`validity` 0: a message valid for no time at all could never be delivered', {
          index: i,
        });
      // As sendsms checks it: the first octet (UDHL) is the length of the rest, else the SMSC would read it wrong.
      if (m.udh !== undefined && m.udh.length > 0 && Number.parseInt(m.udh.slice(0, 2), 16) !== m.udh.length / 2 - 1)
        return sendError(reply, 'invalid_request', '`udh`: its first octet (UDHL) must be the length of the octets after it', {
          index: i,
        });
      for (const [field, url] of [
        ['dlrUrl', m.dlrUrl],
        ['callbackUrl', m.callbackUrl],
      ] as const) {
        const verdict = url === undefined ? undefined : deps.callbackTargets.checkCallbackUrl(account.username, url);
        if (verdict && !verdict.ok) return sendError(reply, 'callback_url_denied', `${field}: ${verdict.reason}`, { index: i });
      }
    }
    const batch = await deps.accept.acceptBatch(list.map((m) => toSubmission(account, m)));
    if (!batch.ok) return errorFor(batch.result, reply, 'messages' in body ? batch.index : undefined) ?? reply;
    const results = batch.results.flatMap((r) => (r.ok ? r.receivers : []));
    const notRoutable = results.filter((r) => r.status === 'not-routable');
    if (notRoutable.length === results.length) {
      return sendError(reply, 'not_routable', 'no configured link could ever carry these messages', { details: notRoutable });
    }
    return reply.code(202).send({
      messages: results.map((r) =>
        r.status === 'not-routable'
          ? { to: r.to, status: 'rejected', error: { code: 'not_routable', message: r.reason } }
          : { id: r.id, to: r.to, status: r.status, parts: r.parts },
      ),
    });
  });

  // The reply is serialised with the view's schema, as the admin port's is: one shape on both ports.
  app.get<{ Params: { id: string } }>('/api/v1/messages/:id', { schema: { response: { 200: MessageViewSchema } } }, async (req, reply) => {
    const account = await authorize(deps, req, reply);
    if (!account) return reply;
    if (deps.requestLimit && account.limits?.requests) {
      let verdict: LimitVerdict;
      try {
        verdict = await deps.requestLimit.checkRequest(account);
      } catch {
        return sendError(reply, 'temporarily_unavailable', 'cannot check rate limits right now; retry later');
      }
      if (!verdict.ok) return sendApiLimitError(reply, verdict.refusal);
    }
    const id = req.params.id;
    if (!/^[0-9a-zA-Z.-]{1,64}$/.test(id)) return sendError(reply, 'not_found', 'no such message');
    const found = await deps.lookup.find(id);
    if (!found || found.account !== account.username) return sendError(reply, 'not_found', 'no such message');
    const { account: _owner, ...view } = found;
    return reply.send(view);
  });
}
