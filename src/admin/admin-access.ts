/**
 * Who may use the admin port: the check in front of Kannel's commands and of the JSON admin API.
 *
 * 1. The client address first (admin-allow-ip / admin-deny-ip, Kannel's semantics): a refused address gets 403
 *    whatever it gives as a password.
 * 2. Then a password, given as `password=` in the query (Kannel's form) or with HTTP Basic and any user name.
 *    Reading (`status`: Kannel's status and store-status, the JSON API's GET routes) takes the status-password or
 *    the admin-password; changing anything (`admin`) takes the admin-password only.
 * 3. A need no configured password can open: with no password at all, the port is open only when admin-interface
 *    is loopback (only this machine reaches it) and closed otherwise; with a status-password but no
 *    admin-password, commands that change something stay closed (a status password must not open them).
 *
 * Passwords may be plain or scrypt hashes; they are checked by the PasswordVerifier (constant time, verified
 * hashes remembered), under credential ids of their own.
 */
import { basicAuth } from '../http/basic-auth.js';
import { clientAllowed, ipRules } from '../security/ip-rules.js';
import { parseStoredSecret, type StoredSecret } from '../security/password-hash.js';
import type { PasswordVerifier } from '../security/password-verifier.js';
import { isLoopbackOnly } from '../security/status-access.js';

export interface AdminAccessOptions {
  readonly adminPassword: string | undefined;
  readonly statusPassword: string | undefined;
  readonly allowIp: readonly string[];
  readonly denyIp: readonly string[];
  /** admin-interface: with no password set, the port is open only when this is a loopback address. */
  readonly interfaceHost: string;
  readonly verifier: PasswordVerifier;
}

export type AdminNeed = 'status' | 'admin';

/** What the check reads of a request (a FastifyRequest has all of it). */
export interface AdminRequest {
  readonly ip: string;
  /** The request target with its query (`/status.xml?password=…`). */
  readonly url: string;
  readonly headers: { readonly authorization?: string | undefined };
}

export type AdminRefusalCode = 'forbidden_ip' | 'unauthorized' | 'admin_closed' | 'temporarily_unavailable';

export interface AdminRefusal {
  readonly status: 401 | 403 | 503;
  readonly code: AdminRefusalCode;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON API's error body. */
  readonly body: { readonly error: { readonly code: AdminRefusalCode; readonly message: string } };
}

export type AdminAccess = (req: AdminRequest, need: AdminNeed) => Promise<'ok' | AdminRefusal>;

function refusal(
  status: AdminRefusal['status'],
  code: AdminRefusalCode,
  message: string,
  headers: Record<string, string> = {},
): AdminRefusal {
  return { status, code, headers, body: { error: { code, message } } };
}

const FORBIDDEN_IP = refusal(403, 'forbidden_ip', 'this client address may not use the admin port (admin-allow-ip, admin-deny-ip)');
const BUSY = refusal(503, 'temporarily_unavailable', 'too many password checks in progress; retry later', { 'retry-after': '1' });
const CHALLENGE = { 'www-authenticate': 'Basic realm="switchboard admin"' };
const UNAUTHORIZED: Readonly<Record<AdminNeed, AdminRefusal>> = {
  status: refusal(
    401,
    'unauthorized',
    'give the status-password or admin-password (password= in the query, or HTTP Basic with any user name)',
    CHALLENGE,
  ),
  admin: refusal(401, 'unauthorized', 'give the admin-password (password= in the query, or HTTP Basic with any user name)', CHALLENGE),
};
const CLOSED = refusal(
  403,
  'admin_closed',
  'set admin-password (and status-password) to use the admin port over an interface other than loopback',
);
const NO_ADMIN_PASSWORD = refusal(
  403,
  'admin_closed',
  'set admin-password: commands that change something need it (status-password only opens the status)',
);

interface Credential {
  readonly id: string;
  readonly secret: StoredSecret;
}

function credential(id: string, value: string | undefined): Credential[] {
  if (value === undefined || value === '') return [];
  const parsed = parseStoredSecret(value);
  // Validation refused a malformed hash already: one here is a bug, not a client's mistake.
  if (!parsed.ok) throw new Error(`${id}: ${parsed.problem}`);
  return [{ id: `admin-port:${id}`, secret: parsed.secret }];
}

/** The passwords a request gives: `password=` of the query (the first, as Kannel reads it) and HTTP Basic's. */
export function givenPasswords(req: AdminRequest): string[] {
  const out: string[] = [];
  const q = req.url.indexOf('?');
  if (q >= 0) {
    const p = new URLSearchParams(req.url.slice(q + 1)).get('password');
    if (p !== null) out.push(p);
  }
  const basic = basicAuth(req.headers.authorization)?.password;
  if (basic !== undefined && !out.includes(basic)) out.push(basic);
  return out;
}

export function adminAccess(opts: AdminAccessOptions): AdminAccess {
  const allow = ipRules(opts.allowIp);
  const deny = ipRules(opts.denyIp);
  const admin = credential('admin-password', opts.adminPassword);
  const status = credential('status-password', opts.statusPassword);
  // The status password first for reading: an exporter scraping with it should not pay an scrypt of the admin hash.
  const accepted: Readonly<Record<AdminNeed, readonly Credential[]>> = { status: [...status, ...admin], admin };
  const loopback = isLoopbackOnly(opts.interfaceHost);
  const anyPassword = admin.length + status.length > 0;

  return async (req, need) => {
    if (!clientAllowed(allow, deny, req.ip)) return FORBIDDEN_IP;
    const credentials = accepted[need];
    if (credentials.length === 0) {
      if (anyPassword) return NO_ADMIN_PASSWORD;
      return loopback ? 'ok' : CLOSED;
    }
    const given = givenPasswords(req);
    let busy = false;
    for (const { id, secret } of credentials) {
      for (const password of given) {
        const v = await opts.verifier.verify(id, secret, password);
        if (v === 'ok') return 'ok';
        busy ||= v === 'busy';
      }
    }
    return busy ? BUSY : UNAUTHORIZED[need];
  };
}
