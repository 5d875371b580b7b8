/**
 * The admin port behind a reverse proxy at a sub-path (nginx's `location /sms-gateway/`). Either the proxy strips
 * the prefix and says so in X-Forwarded-Prefix, or it passes the path on as is and admin.base-path names the prefix,
 * which is then taken off before routing. The dashboard uses relative URLs only, so it needs neither; what the
 * server writes itself (a redirect, the OpenAPI document's server URL) carries the prefix the client sees. Pure.
 */

/** A prefix: '' or `/a/b`, with no trailing slash, no dot segments, and nothing a URL would read as more than a path. */
const PREFIX = /^(\/[A-Za-z0-9._~!$&'()*+;=:@%-]+)*$/;

/** The prefix in its one form ('' or `/a/b`), or undefined when it is not one (a list, a URL, `..`). */
export function normalizePrefix(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const p = raw.trim().replace(/\/+$/, '');
  if (!PREFIX.test(p)) return undefined;
  return p.split('/').some((seg) => seg === '.' || seg === '..') ? undefined : p;
}

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
  if (basePath !== '' && (originalUrl === basePath || originalUrl.startsWith(`${basePath}/`) || originalUrl.startsWith(`${basePath}?`))) return basePath;
  const header = typeof forwardedPrefix === 'string' ? forwardedPrefix : forwardedPrefix?.[0];
  return normalizePrefix(header) ?? '';
}
