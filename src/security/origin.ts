/**
 * Web origins as browsers send them in `Origin` and as admin.allowed-origins lists them, in one spelling so that
 * the two compare as strings. Pure.
 */

/** `scheme://host[:port]` of an http(s) origin, lower case, default port left out; undefined when it is none. */
export function normalizeOrigin(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '')
    return undefined;
  return `${url.protocol}//${url.host}`;
}
