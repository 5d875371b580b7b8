/**
 * A route key as people type it: the whole 16 hex digits, or any prefix of them that names one route (as git takes
 * a short commit id). Pure: the caller fetches the keys.
 */

export const ROUTE_KEY_LENGTH = 16;

export type RouteKeyResolution =
  | { readonly kind: 'found'; readonly key: string }
  | { readonly kind: 'unknown'; readonly known: readonly string[] }
  | { readonly kind: 'ambiguous'; readonly matches: readonly string[] };

/** Whether `text` may be a route key or a prefix of one (1 to 16 hex digits, either case). */
export function isRouteKeyPrefix(text: string): boolean {
  return /^[0-9a-f]{1,16}$/i.test(text);
}

/** Whether `text` is a whole route key, so that no lookup is needed. */
export function isWholeRouteKey(text: string): boolean {
  return text.length === ROUTE_KEY_LENGTH && isRouteKeyPrefix(text);
}

export function resolveRouteKey(prefix: string, keys: readonly string[]): RouteKeyResolution {
  const wanted = prefix.toLowerCase();
  const matches = keys.filter((k) => k.toLowerCase().startsWith(wanted));
  const exact = matches.find((k) => k.toLowerCase() === wanted);
  if (exact !== undefined) return { kind: 'found', key: exact };
  if (matches.length === 1 && matches[0] !== undefined) return { kind: 'found', key: matches[0] };
  return matches.length === 0 ? { kind: 'unknown', known: keys } : { kind: 'ambiguous', matches };
}
