/**
 * A URL path prefix as the configuration (admin.base-path) and a proxy's X-Forwarded-Prefix give it. Pure.
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

