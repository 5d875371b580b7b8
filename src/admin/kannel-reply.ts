/**
 * The four forms of a Kannel admin reply and how a request picks one (bb_http.c `httpd_serve`): an extension on
 * the command (`status.xml`) decides; without one, the Accept header does (Kannel looks for `text/html`, then
 * `text/xml`, as substrings, and answers plain text otherwise). `.json` is Switchboard's addition; Kannel's WML
 * form is not offered. A one-line reply ("Switchboard suspended") is wrapped the way Kannel wraps it: an HTML
 * page, a `<gateway>` element, or a JSON object. Pure.
 */
import { escapeMarkup } from './escape-markup.js';

export type KannelFormat = 'txt' | 'html' | 'xml' | 'json';

export const KANNEL_FORMATS: readonly KannelFormat[] = ['txt', 'html', 'xml', 'json'];

/** Kannel's GW_NAME, in the replies that name the gateway ("… suspended"). */
export const GATEWAY_NAME = 'Switchboard';

export function formatFor(extension: KannelFormat | undefined, accept: string | undefined): KannelFormat {
  if (extension) return extension;
  const a = (accept ?? '').toLowerCase();
  if (a.includes('text/html')) return 'html';
  if (a.includes('text/xml')) return 'xml';
  if (a.includes('application/json')) return 'json';
  return 'txt';
}

export function contentType(format: KannelFormat): string {
  switch (format) {
    case 'html':
      return 'text/html; charset=utf-8';
    case 'xml':
      return 'text/xml; charset=utf-8';
    case 'json':
      return 'application/json; charset=utf-8';
    case 'txt':
      return 'text/plain; charset=utf-8';
  }
}

/** A whole HTML document around markup that is already escaped. */
export function htmlPage(body: string): string {
  return `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>${GATEWAY_NAME}</title></head>\n<body>\n${body}</body>\n</html>\n`;
}

export const XML_DECLARATION = '<?xml version="1.0"?>\n';

/**
 * A one-line reply in the asked form. `json` is merged into the JSON object (an action's results, or the
 * `{ error: { code, message } }` of a refusal, which then replaces the message).
 */
export function plainReply(format: KannelFormat, text: string, json?: Readonly<Record<string, unknown>>): string {
  switch (format) {
    case 'html':
      return htmlPage(`<p>${escapeMarkup(text)}</p>\n`);
    case 'xml':
      return `${XML_DECLARATION}<gateway>${escapeMarkup(text)}</gateway>\n`;
    case 'json':
      return `${JSON.stringify(json && 'error' in json ? json : { message: text, ...json })}\n`;
    case 'txt':
      return text;
  }
}
