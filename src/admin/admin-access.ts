/**
 * Who may use the admin port, with Kannel's rules: the client address first (admin-allow-ip / admin-deny-ip), then
 * the password, given as `password=` (Kannel's commands) or with HTTP Basic and any user name (the JSON API, the
 * CLI). Reading needs the status or the admin password; acting needs the admin password. With no password set, the
 * port is open only when it listens on loopback alone (security/status-access.ts). A refusal says no more than
 * that: the same answer for an unknown address, a wrong password, or a status password used to act.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.js';
import { basicAuth } from '../http/basic-auth.js';
import { clientAllowed, ipRules } from '../security/ip-rules.js';
import type { PasswordVerifier } from '../security/password-verifier.js';
import { statusAccess } from '../security/status-access.js';
import { statusGate, type StatusCheck } from '../security/status-gate.js';
import type { AdminNeed } from './api-routes.js';

export type AdminCheck = { readonly ok: true; readonly who: string } | { readonly ok: false; readonly status: 401 | 403 | 503 };

/** Decides a request from its address and the password it gave (undefined: none). */
export type AdminGate = (ip: string, password: string | undefined, need: AdminNeed) => Promise<AdminCheck>;

export function adminGate(admin: Config['admin'], verifier: PasswordVerifier): AdminGate {
  const allow = ipRules(admin.allowIp);
  const deny = ipRules(admin.denyIp);
  const readers = statusGate(statusAccess([admin.password, admin.statusPassword], admin.host), verifier);
  const actors = statusGate(statusAccess([admin.password], admin.host), verifier);
  const verdict = (check: StatusCheck): 401 | 403 | 503 | undefined => (check === 'ok' ? undefined : check === 'busy' ? 503 : check === 'closed' ? 403 : 401);
  return async (ip, password, need) => {
    if (!clientAllowed(allow, deny, ip)) return { ok: false, status: 403 };
    const refused = verdict(await (need === 'admin' ? actors : readers)(password));
    return refused === undefined ? { ok: true, who: ip } : { ok: false, status: refused };
  };
}

/** The password a request gives: `password=` in the query, else HTTP Basic (any user name). */
export function givenPassword(req: FastifyRequest): string | undefined {
  const q = req.url.indexOf('?');
  if (q >= 0) {
    const p = new URLSearchParams(req.url.slice(q + 1)).get('password');
    if (p !== null) return p;
  }
  return basicAuth(req.headers.authorization)?.password;
}

/** The JSON API's refusal: 401 asks for Basic credentials, 403 and 503 say only that. */
export function sendRefusal(reply: FastifyReply, status: 401 | 403 | 503): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Basic realm="switchboard admin"');
  if (status === 503) reply.header('retry-after', '1');
  const code = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'temporarily_unavailable';
  const message = status === 401 ? 'give the admin password (HTTP Basic, any user name)' : status === 403 ? 'not allowed' : 'too many password checks at once; try again';
  return reply.code(status).send({ error: { code, message } });
}
