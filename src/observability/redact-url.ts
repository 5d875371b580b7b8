/**
 * A URL as it may be written to a log: credentials and the query are client secrets (dlr-urls carry tokens, MO
 * URLs the text and the numbers), so `https://user:pass@host/path?token=x#f` is shown as `https://***@host/path?…`.
 * Pure. Works on text that does not parse as a URL too (a dlr-url with escape codes in odd places).
 */
export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  let base = cut < 0 ? url : url.slice(0, cut);
  const rest = cut < 0 ? '' : '?…';
  // The authority runs from after "//" to the next "/": credentials are everything before its last "@".
  const start = base.indexOf('//');
  if (start >= 0) {
    const slash = base.indexOf('/', start + 2);
    const authorityEnd = slash < 0 ? base.length : slash;
    const at = base.lastIndexOf('@', authorityEnd - 1);
    if (at > start) base = `${base.slice(0, start + 2)}***${base.slice(at)}`;
  }
  return base + rest;
}
