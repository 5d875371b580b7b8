/**
 * Which sms-service an MO goes to, as Kannel's urltrans_find does it: the first word of the text, lower-cased, is
 * looked up among the keywords and aliases, and the first service (in configuration order) that also accepts the
 * link's smsc-id, the bind's account and the receiver (when it has a receiver-prefix list), and takes that many
 * words, wins; when none does, the first `default` service that accepts them. Pure.
 *
 * The number of words (check_num_args): unless the service catches all (`catch-all`, or post-url and post-xml,
 * which always do), the words after the keyword must be as many as the `%s` and `%S` in its pattern, or at least as
 * many when the pattern also has `%r` or `%a` (which take the rest).
 *
 * Deliberate difference: a keyword matches the whole first word. Kannel matches it as a regular expression anchored
 * at the start only, so its `hdr` service also takes "hdrno" (measured on 1.4.5).
 * Not reproduced: Kannel's filters on sender and receiver prefixes; the Service type carries none of those keys.
 */
import { wordsTaken, type Service } from '../domain/service.js';

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

/** octstr_split_words: runs of C isspace() separate words. */
export function splitWords(text: string): string[] {
  return text.split(/[ \t\n\v\f\r]+/).filter((w) => w.length > 0);
}

/** Whether the service takes MO from this smsc-id and this bind's account (system_id), to this receiver. */
function accepts(service: Service, smscId: string, to: string | undefined, account: string | undefined): boolean {
  if (service.acceptedSmsc.length > 0 && !service.acceptedSmsc.includes(smscId)) return false;
  const prefixes = service.receiverPrefix;
  if (to !== undefined && prefixes !== undefined && prefixes.length > 0 && !prefixes.some((p) => to.startsWith(p))) return false;
  const accounts = service.acceptedAccount ?? [];
  return account === undefined || accounts.length === 0 || accounts.includes(account);
}

/** Kannel's check_num_args: whether a keyword match with this many words (the keyword included) is taken. */
export function takesWords(service: Service, words: number): boolean {
  const { min, max } = wordsTaken(service);
  return words - 1 >= min && words - 1 <= max;
}

/** `to`: the MO's receiver, for receiver-prefix; `account`: the bind's system_id it came in on, for accepted-account. */
export function selectService(services: readonly Service[], text: string, smscId: string, to?: string, account?: string): ServiceSelection {
  const keyword = firstWord(text)?.toLowerCase();
  if (keyword !== undefined) {
    const words = splitWords(text).length;
    for (const service of services) {
      // The default service is reached only through the fallback below, as Kannel keeps it apart from the keywords.
      const own = service.keyword.toLowerCase();
      if (own === DEFAULT_KEYWORD) continue;
      // The config lower-cases keywords and aliases already; a Service built elsewhere may not have.
      const matches = own === keyword || service.aliases.some((alias) => alias.toLowerCase() === keyword);
      if (matches && accepts(service, smscId, to, account) && takesWords(service, words)) return { kind: 'keyword', service, keyword };
    }
  }
  for (const service of services) {
    if (service.keyword.toLowerCase() === DEFAULT_KEYWORD && accepts(service, smscId, to, account))
      return { kind: 'default', service, keyword };
  }
  return { kind: 'none', keyword };
}
