/**
 * Who may use the admin port: the check in front of Kannel's commands and of the JSON admin API.
 *
 * 1. The client address first (admin-allow-ip / admin-deny-ip, Kannel's semantics): a refused address gets 403
 *    whatever it gives as a password.
 * 2. A request that changes something (`admin`) must not come from another site's page: a browser marks those
 *    (`Sec-Fetch-Site: cross-site` or `same-site`, an `Origin` other than the admin port's own or one of
 *    admin.allowed-origins), and they get 403 whatever they carry. Clients that send neither header (curl, scripts,
 *    the CLI) are not browsers and go on to the password as before.
 * 3. An address that failed too many logins lately is refused unchecked, with Retry-After (login-guard.ts).
 * 4. Then a password, given as `password=` in the query (Kannel's form) or with HTTP Basic and any user name.
 *    Reading (`status`: Kannel's status and store-status, the JSON API's GET routes) takes the status-password or
 *    the admin-password; changing anything (`admin`) takes the admin-password only.
 * 5. A need no configured password can open: with no password at all, the port is open only when admin-interface
 *    is loopback (only this machine reaches it) and closed otherwise; with a status-password but no
 *    admin-password, commands that change something stay closed (a status password must not open them).
 *
 * A 401 carries a Basic challenge only for clients that are not browsers: a browser that answered one would keep
 * the password and send it with every later request to the port, a cross-site one included. The dashboard sends its
 * own Authorization header instead.
 *
 * Passwords may be plain or scrypt hashes; they are checked by the PasswordVerifier (constant time, verified
 * hashes remembered), under credential ids of their own.
 */
import { basicAuth } from '../http/basic-auth.js';
import { clientAllowed, ipRules } from '../security/ip-rules.js';
import { parseStoredSecret, type StoredSecret } from '../security/password-hash.js';
import type { PasswordVerifier } from '../security/password-verifier.js';
import { isLoopbackOnly } from '../security/status-access.js';
import type { LoginGuard } from '../accounts/login-guard.js';
import { isBrowserRequest, isCrossSite } from './cross-site.js';

export interface AdminAccessOptions {
  readonly adminPassword: string | undefined;
  readonly statusPassword: string | undefined;
  readonly allowIp: readonly string[];
  readonly denyIp: readonly string[];
  /** admin-interface: with no password set, the port is open only when this is a loopback address. */
  readonly interfaceHost: string;
  readonly verifier: PasswordVerifier;
  /** admin.allowed-origins: origins besides the port's own whose pages may change things (normalized). */
  readonly allowedOrigins?: readonly string[];
  /** Failed logins limited per client address and counted; absent: not limited (unit tests). */
  readonly guard?: LoginGuard;
}

export type AdminNeed = 'status' | 'admin';

/** What the check reads of a request (a FastifyRequest has all of it). */
export interface AdminRequest {
  readonly ip: string;
  /** The request target with its query (`/status.xml?password=…`). */
  readonly url: string;
  readonly headers: {
    readonly authorization?: string | undefined;
    readonly origin?: string | undefined;
    readonly host?: string | undefined;
    readonly 'x-forwarded-host'?: string | string[] | undefined;
    readonly 'sec-fetch-site'?: string | string[] | undefined;
    readonly 'sec-fetch-mode'?: string | string[] | undefined;
    readonly 'user-agent'?: string | undefined;
  };
}

export type AdminRefusalCode = 'forbidden_ip' | 'cross_site' | 'unauthorized' | 'admin_closed' | 'rate_limited' | 'temporarily_unavailable';

export interface AdminRefusal {
  readonly status: 401 | 403 | 429 | 503;
  readonly code: AdminRefusalCode;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON API's error body. */
  readonly body: { readonly error: { readonly code: AdminRefusalCode; readonly message: string } };
  /** A password was given and was wrong (a failed login, as opposed to a request that gave none). */
  readonly attempted?: boolean;
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

const CROSS_SITE = refusal(
  403,
  'cross_site',
  "a request that changes something must come from the admin port's own pages (or admin.allowed-origins), not from another site",
);
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

function limited(retryAfterMs: number): AdminRefusal {
  const after = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return refusal(429, 'rate_limited', `too many failed logins from this address; retry after ${after} s`, { 'retry-after': String(after) });
}

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
  const allowedOrigins = opts.allowedOrigins ?? [];
  const { guard } = opts;

  return async (req, need) => {
    if (!clientAllowed(allow, deny, req.ip)) return FORBIDDEN_IP;
    if (need === 'admin' && isCrossSite(req.headers, allowedOrigins)) return CROSS_SITE;
    const credentials = accepted[need];
    if (credentials.length === 0) {
      if (anyPassword) return NO_ADMIN_PASSWORD;
      return loopback ? 'ok' : CLOSED;
    }
    const given = givenPasswords(req);
    const unauthorized = (attempted: boolean): AdminRefusal => {
      const r = UNAUTHORIZED[need];
      const refused = isBrowserRequest(req.headers) ? { ...r, headers: {} } : r;
      return attempted ? { ...refused, attempted } : refused;
    };
    if (given.length === 0) return unauthorized(false);
    const allowed = guard?.admit(req.ip);
    if (guard && allowed && !allowed.ok) return guard.hold(limited(allowed.retryAfterMs));
    let busy = false;
    for (const { id, secret } of credentials) {
      for (const password of given) {
        const v = await opts.verifier.verify(id, secret, password);
        if (v === 'ok') {
          guard?.succeeded(req.ip);
          return 'ok';
        }
        busy ||= v === 'busy';
      }
    }
    if (!guard) return busy ? BUSY : unauthorized(true);
    guard.failed(req.ip, busy ? 'busy' : 'bad_password');
    return busy ? guard.hold(BUSY) : unauthorized(true);
  };
}
