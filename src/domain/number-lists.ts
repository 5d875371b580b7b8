/**
 * White and black lists of numbers (Kannel's numhash lists, and their -regex forms), as loaded: the data routing and
 * the accept path check receivers (and MO senders) against. Lists are read from files or URLs by
 * messages/number-lists.ts and handed in; nothing here reads anything.
 */

/** A list of numbers by their key (routing/number-list.ts numberKey): the last 19 digits, leading zeros dropped. */
export type NumberSet = ReadonlySet<string>;

/** One owner's lists: a number not in `white` (or not matching `whiteRegex`) or in `black` (or matching `blackRegex`) is refused. */
export interface ListRules {
  readonly white?: NumberSet;
  readonly whiteRegex?: RegExp;
  readonly black?: NumberSet;
  readonly blackRegex?: RegExp;
}

/** Where a list is read from (a configuration's white-list / black-list keys and their -regex forms). */
export interface ListSources {
  /** A file path, a file:// URL or an http(s):// URL of a text/plain list. */
  readonly whiteList?: string;
  readonly blackList?: string;
  readonly whiteListRegex?: string;
  readonly blackListRegex?: string;
}

/** Every list of the configuration, loaded. */
export interface LoadedLists {
  /** The smsbox's lists: receivers of sendsms and the JSON API (Kannel's smsbox white-list, black-list). */
  readonly sendsms: ListRules;
  /** Kannel's core lists, for MT and MO alike (white-list-receiver, black-list-sender, ...). */
  readonly receivers: ListRules;
  readonly senders: ListRules;
  /** Each account's receiver lists, by username. */
  readonly accounts: ReadonlyMap<string, ListRules>;
  /** Each link's receiver lists, by link id: a receiver they refuse cannot use the link. */
  readonly links: ReadonlyMap<string, ListRules>;
}

export const NO_RULES: ListRules = {};

export const NO_LISTS: LoadedLists = { sendsms: NO_RULES, receivers: NO_RULES, senders: NO_RULES, accounts: new Map(), links: new Map() };
