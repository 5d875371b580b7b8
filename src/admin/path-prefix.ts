/**
 * The admin port behind a reverse proxy at a sub-path (nginx's `location /sms-gateway/`). Either the proxy strips
 * the prefix and says so in X-Forwarded-Prefix, or it passes the path on as is and admin.base-path names the prefix,
 * which is then taken off before routing. The dashboard uses relative URLs only, so it needs neither; what the
 * server writes itself (a redirect, the OpenAPI document's server URL) carries the prefix the client sees. Pure.
 */
import { normalizePrefix } from '../config/path-prefix.js';

/** The URL to route: without the base path when the request carries it. The base path alone is left for a redirect. */
export function stripBasePath(url: string, basePath: string): string {
  if (basePath !== '' && url.startsWith(`${basePath}/`)) return url.slice(basePath.length);
  return url;
}

/**
 * The prefix the client put in front of the admin port's paths: the base path when the request still carries it,
 * else a valid X-Forwarded-Prefix, else none (the client talks to the port directly).
 */
export function clientPrefix(basePath: string, originalUrl: string, forwardedPrefix: string | readonly string[] | undefined): string {
  if (basePath !== '' && (originalUrl === basePath || originalUrl.startsWith(`${basePath}/`) || originalUrl.startsWith(`${basePath}?`)))
    return basePath;
  const header = typeof forwardedPrefix === 'string' ? forwardedPrefix : forwardedPrefix?.[0];
  return normalizePrefix(header) ?? '';
}
