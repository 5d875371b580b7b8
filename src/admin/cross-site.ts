/**
 * Telling a browser's request from another site apart from the admin port's own pages and from scripts, by the
 * headers browsers set themselves and a page cannot forge: `Origin` (every POST, every fetch() across origins) and
 * `Sec-Fetch-Site` (every request to an HTTPS or loopback origin, in current browsers).
 *
 * The port's own origin is the Host the request was sent to (a reverse proxy's X-Forwarded-Host when it sets one:
 * a page cannot add that header to a cross-site request without a CORS preflight, which this port never grants).
 * A proxy that passes on a Host without the port (nginx's `$host`) makes the port any port of that host name.
 *
 * Pure.
 */
import { normalizeOrigin } from '../security/origin.js';

export interface SiteHeaders {
  readonly origin?: string | undefined;
  readonly host?: string | undefined;
  readonly 'x-forwarded-host'?: string | string[] | undefined;
  readonly 'sec-fetch-site'?: string | string[] | undefined;
  readonly 'sec-fetch-mode'?: string | string[] | undefined;
  readonly 'user-agent'?: string | undefined;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();

function sameHost(origin: string, headers: SiteHeaders): boolean {
  const own = (first(headers['x-forwarded-host']) ?? headers.host)?.toLowerCase();
  if (!own) return false;
  let host: string;
  let hostname: string;
  try {
    ({ host, hostname } = new URL(origin));
  } catch {
    return false;
  }
  if (host === own) return true;
  // A Host without a port (a proxy's `$host`): the host name decides. An IPv6 literal keeps its brackets in both.
  return !/:\d+$/.test(own) && hostname === own;
}

/**
 * Whether a request comes from another site's page: an Origin that is neither this port's nor allowed (`null`, a
 * sandboxed or file page, included), or, without an Origin, a Sec-Fetch-Site other than same-origin or none (a
 * request the user typed or bookmarked). `allowed` holds normalized origins (normalizeOrigin).
 */
export function isCrossSite(headers: SiteHeaders, allowed: readonly string[]): boolean {
  const origin = headers.origin;
  if (origin !== undefined && origin !== '') {
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined) return true;
    return !(allowed.includes(normalized) || sameHost(normalized, headers));
  }
  const site = first(headers['sec-fetch-site'])?.toLowerCase();
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

/**
 * Whether a browser sent the request: it carries Fetch Metadata or an Origin, or names itself the way every browser
 * does (`Mozilla/`). curl, wget, Prometheus and HTTP libraries do neither.
 */
export function isBrowserRequest(headers: SiteHeaders): boolean {
  return (
    headers['sec-fetch-site'] !== undefined ||
    headers['sec-fetch-mode'] !== undefined ||
    (headers.origin !== undefined && headers.origin !== '') ||
    (headers['user-agent'] ?? '').startsWith('Mozilla/')
  );
}
