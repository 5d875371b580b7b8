/**
 * Kannel's /cgi-bin/sendsms: GET with CGI parameters, POST with a form body, POST with the text as the body and the
 * parameters in X-Kannel-* headers, or POST of Kannel's XML document (text/xml) (smsbox_sendsms_post). Replies are
 * Kannel's, status and body.
 *
 * Receivers refused by sendsms-chars or the account's prefix rules while others are sent: Kannel 1.4.5 names them
 * only with `immediate-sendsms-reply` ("Sent. Denied receivers are: …", measured); by default it answers the first
 * message's "0: Accepted for delivery" and drops them without a word. Switchboard names them in both forms: the
 * default answer becomes "0: Accepted for delivery. Denied receivers are: …", still 202.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AcceptResult, AcceptService } from '../messages/accept-service.js';
import type { AuthFailure, AuthResult } from '../accounts/authenticate.js';
import type { OutboundVerdict } from '../security/outbound-policy.js';
import { KannelReplies, sentReply, withDeniedReply, type KannelReply } from './kannel-replies.js';
import { kannelLimitReply, retryAfterSeconds } from './limit-replies.js';
import { parseKannelXml } from '../messages/kannel-fields.js';
import { parseRawQuery } from './raw-query.js';
import { KANNEL_HEADER_PARAMS, readCredentials, readSendsmsParams, type ParamLookup } from './sendsms-params.js';

/** Both HTTP interfaces authenticate through this (accounts/authenticator.ts). */
export interface Authentication {
  /** A result at once when the password was verified before; a promise when a hash must be checked. */
  authenticate(username: string | undefined, password: string | undefined, ip: string): AuthResult | Promise<AuthResult>;
}

/** Whether an account may ask for reports at a URL (security/outbound-policy.ts). */
export interface CallbackTargets {
  checkCallbackUrl(username: string, url: string): OutboundVerdict;
}

export interface SendsmsDeps {
  readonly accept: AcceptService;
  readonly auth: Authentication;
  readonly callbackTargets: CallbackTargets;
  readonly maxRecipients: number;
  readonly shuttingDown: () => boolean;
  /** Kannel's immediate-sendsms-reply: answer "Sent." (with denied receivers and splits) rather than the first message's outcome. */
  readonly immediateReply?: boolean;
}

/** Seconds a client is asked to wait after a 503 (Redis unavailable, shutting down). */
export const RETRY_AFTER_SECONDS = '1';

export function sendKannel(reply: FastifyReply, r: KannelReply): FastifyReply {
  if (r.retryAfterS !== undefined) reply.header('retry-after', String(r.retryAfterS));
  else if (r.status === 503) reply.header('retry-after', RETRY_AFTER_SECONDS);
  return reply
    .code(r.status)
    .header('content-type', 'text/html')
    .header('pragma', 'no-cache')
    .header('cache-control', 'no-cache')
    .send(r.body);
}

function rawQueryOf(req: FastifyRequest): string {
  const q = req.url.indexOf('?');
  return q < 0 ? '' : req.url.slice(q + 1);
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Builds the parameter lookup for each request form, or the reply for a content type Kannel refuses. */
function lookupFor(req: FastifyRequest): { ok: true; get: ParamLookup; xml?: true } | { ok: false; reply: KannelReply } {
  const query = parseRawQuery(rawQueryOf(req));
  if (req.method === 'GET') return { ok: true, get: (n) => query.get(n) };
  const type = (headerValue(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (type === 'application/x-www-form-urlencoded') {
    const form = parseRawQuery(body.toString('latin1'));
    return { ok: true, get: (n) => query.get(n) ?? form.get(n) };
  }
  if (type === 'text/plain' || type === 'application/octet-stream' || type === 'text/html') {
    const headers = new Map<string, Buffer>();
    for (const [h, param] of Object.entries(KANNEL_HEADER_PARAMS)) {
      const v = headerValue(req, h);
      if (v === undefined) continue;
      // X-Kannel-UDH carries the header as hex, as Kannel's POST interface documents.
      headers.set(param, param === 'udh' ? Buffer.from(v.replace(/[^0-9a-fA-F]/g, ''), 'hex') : Buffer.from(v, 'utf8'));
    }
    const charset = /charset=([^;\s]+)/i.exec(headerValue(req, 'content-type') ?? '')?.[1];
    const text = type === 'text/html' ? Buffer.from(body.toString('utf8').replace(/<[^>]*>/g, ''), 'utf8') : body;
    return {
      ok: true,
      get: (n) => {
        if (n === 'text') return text;
        if (n === 'charset' && charset) return Buffer.from(charset);
        if (n === 'coding' && type === 'application/octet-stream' && !headers.has('coding')) return Buffer.from('1');
        return headers.get(n) ?? query.get(n);
      },
    };
  }
  if (type === 'text/xml') {
    // Only the document counts, as in Kannel; one that does not parse has no credentials, so it is refused as Kannel
    // refuses it: "Authorization failed for sendsms".
    const parsed = parseKannelXml(body);
    if (!parsed.ok) {
      req.log.debug({ detail: parsed.detail }, 'sendsms XML document refused');
      return { ok: true, get: () => undefined, xml: true };
    }
    const { params, receivers } = parsed.fields;
    const to = receivers.length > 0 ? Buffer.from(receivers.join(' '), 'utf8') : undefined;
    return { ok: true, get: (n) => (n === 'to' ? to : params.get(n)), xml: true };
  }
  return { ok: false, reply: KannelReplies.unsupportedContentType };
}

/**
 * A refused login: Kannel's "Authorization failed" for a wrong name, password or address; "try again later" when
 * the password could not be checked now (busy), or when this address failed too often (with when to try again).
 */
function authRefusal(reason: AuthFailure, retryAfterMs: number | undefined): KannelReply {
  if (reason === 'busy') return KannelReplies.temporaryFailure;
  if (reason === 'limited') return KannelReplies.throttled(retryAfterSeconds(retryAfterMs ?? 1000));
  return KannelReplies.authFailed;
}

/**
 * Kannel's reply for an accept result; with several receivers, the first one's outcome decides (as Kannel), and
 * receivers refused while others went are named. `immediate`: Kannel's immediate-sendsms-reply form, "Sent." with
 * the denied receivers and the number of messages when more than one went per receiver.
 */
export function kannelReplyFor(result: AcceptResult, immediate = false): KannelReply {
  if (!result.ok) {
    const e = result.error;
    switch (e.code) {
      case 'sender-missing':
        return KannelReplies.senderMissing;
      case 'receivers-denied':
        return KannelReplies.numbersDenied;
      case 'charset':
        return KannelReplies.charsetMisformed;
      case 'unencodable':
        return KannelReplies.unencodable(e.detail);
      case 'too-many-parts':
        return KannelReplies.tooManyParts(e.parts, e.max);
      case 'udh-no-room':
        return KannelReplies.udhNoRoom;
      case 'meta-data':
        return KannelReplies.metaDataRefused(e.detail);
      case 'unavailable':
        return KannelReplies.temporaryFailure;
      case 'limited':
        return kannelLimitReply(e.refusal);
    }
  }
  const first = result.receivers[0];
  if (!first || first.status === 'not-routable') return KannelReplies.notRoutable;
  if (immediate) {
    // Kannel counts the splits of the last receiver's message; they are the same for every receiver.
    const splits = result.receivers.filter((r) => r.to === first.to).length;
    return sentReply(result.denied, splits);
  }
  const ack = first.status === 'accepted' ? KannelReplies.accepted : KannelReplies.queued;
  return result.denied.length > 0 ? withDeniedReply(ack, result.denied) : ack;
}

export function registerSendsms(app: FastifyInstance, deps: SendsmsDeps): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (deps.shuttingDown()) return sendKannel(reply, KannelReplies.temporaryFailure);
    const lookup = lookupFor(req);
    if (!lookup.ok) return sendKannel(reply, lookup.reply);
    const { username, password } = readCredentials(lookup.get);
    const checked = deps.auth.authenticate(username, password, req.ip);
    const auth = checked instanceof Promise ? await checked : checked;
    if (!auth.ok) return sendKannel(reply, authRefusal(auth.reason, auth.retryAfterMs));
    // Kannel's POST forms have their own sentence for a document without receivers.
    if (lookup.xml && lookup.get('to') === undefined) return sendKannel(reply, KannelReplies.missingReceivers);
    const parsed = readSendsmsParams(lookup.get, deps.maxRecipients);
    if (!parsed.ok) return sendKannel(reply, parsed.reply);
    const p = parsed.params;
    // In Kannel's range, but a message valid for no time at all could never be delivered: refused, not accepted and
    // failed as expired a moment later.
    if (p.validity === 0) return sendKannel(reply, KannelReplies.validityZero);
    // A sendsms-user's dlr-url (and dlr-mask) serve a request that gives no dlr-url, as Kannel's sendsms-user does.
    const userDlr = p.dlrUrl === undefined ? auth.account.dlrUrl : undefined;
    const dlrUrl = p.dlrUrl ?? userDlr;
    const dlrMask = p.dlrMask ?? (userDlr !== undefined ? auth.account.dlrMask : undefined);
    if (dlrUrl !== undefined && !deps.callbackTargets.checkCallbackUrl(auth.account.username, dlrUrl).ok)
      return sendKannel(reply, KannelReplies.dlrUrlDenied);
    const result = await deps.accept.accept({
      account: auth.account,
      from: p.from,
      receivers: p.to,
      text: {
        text: p.text,
        ...(p.charset !== undefined ? { charset: p.charset } : {}),
        ...(p.coding !== undefined ? { coding: p.coding } : {}),
        ...(p.mclass !== undefined ? { mclass: p.mclass } : {}),
        ...(p.mwi !== undefined ? { mwi: p.mwi } : {}),
        ...(p.compress !== undefined ? { compress: p.compress } : {}),
        ...(p.altDcs !== undefined ? { altDcs: p.altDcs } : {}),
        ...(p.udh !== undefined ? { udh: p.udh } : {}),
      },
      smsc: p.smsc,
      validityMinutes: p.validity,
      deferredMinutes: p.deferred,
      dlrMask,
      dlrUrl,
      protocolId: p.pid,
      replyPath: p.rpi !== undefined ? p.rpi > 0 : undefined,
      priority: p.priority,
      billing: p.account,
      binfo: p.binfo,
      metaData: p.metaData,
    });
    return sendKannel(reply, kannelReplyFor(result, deps.immediateReply === true));
  };
  app.get('/cgi-bin/sendsms', handler);
  app.post('/cgi-bin/sendsms', handler);
}
