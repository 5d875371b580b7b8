/**
 * Which sms-service an MO goes to, as Kannel's urltrans_find does it: the first word of the text, lower-cased, is
 * looked up among the keywords and aliases, and the first service (in configuration order) that also accepts the
 * link's smsc-id (and the receiver, when it has a receiver-prefix list) wins; when none does, the first `default`
 * service that accepts them. Pure.
 *
 * Not reproduced: Kannel also drops a keyword match whose number of words differs from the number of %s in its URL
 * (unless `catch-all`), and filters on sender and receiver prefixes; the Service type carries none of those keys.
 */
import type { Service } from '../domain/service.js';

export const DEFAULT_KEYWORD = 'default';

export type ServiceSelection =
  | { readonly kind: 'keyword'; readonly service: Service; readonly keyword: string }
  | { readonly kind: 'default'; readonly service: Service; readonly keyword: string | undefined }
  | { readonly kind: 'none'; readonly keyword: string | undefined };

/** octstr_split_words splits on C isspace(): space, \t, \n, \v, \f, \r. */
const FIRST_WORD = /^[ \t\n\v\f\r]*([^ \t\n\v\f\r]+)/;

export function firstWord(text: string): string | undefined {
  return FIRST_WORD.exec(text)?.[1];
}

/** The service's smsc-id list, and its receiver-prefix list when the receiver is known. */
function accepts(service: Service, smscId: string, to: string | undefined): boolean {
  if (service.acceptedSmsc.length > 0 && !service.acceptedSmsc.includes(smscId)) return false;
  const prefixes = service.receiverPrefix;
  return to === undefined || prefixes === undefined || prefixes.length === 0 || prefixes.some((p) => to.startsWith(p));
}

export function selectService(services: readonly Service[], text: string, smscId: string, to?: string): ServiceSelection {
  const keyword = firstWord(text)?.toLowerCase();
  if (keyword !== undefined) {
    for (const service of services) {
      // The default service is reached only through the fallback below, as Kannel keeps it apart from the keywords.
      const own = service.keyword.toLowerCase();
      if (own === DEFAULT_KEYWORD) continue;
      // The config lower-cases keywords and aliases already; a Service built elsewhere may not have.
      const matches = own === keyword || service.aliases.some((alias) => alias.toLowerCase() === keyword);
      if (matches && accepts(service, smscId, to)) return { kind: 'keyword', service, keyword };
    }
  }
  for (const service of services) {
    if (service.keyword.toLowerCase() === DEFAULT_KEYWORD && accepts(service, smscId, to)) return { kind: 'default', service, keyword };
  }
  return { kind: 'none', keyword };
}
