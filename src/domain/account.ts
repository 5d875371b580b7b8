import type { ListSources } from './number-lists.js';

/** A rate: so many per second, and how many may go at once (the bucket's size, at least 1). */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** What an account may send, counted across every gateway process (accounts/limit-gate.ts). */
export interface AccountLimits {
  /** Requests per second: sendsms, and the JSON API's sends and lookups. */
  readonly requests: RateLimit | undefined;
  /** max-tps: SMS (message parts) per second; above it a request is refused, or accepted and paced. */
  readonly tps: (RateLimit & { readonly mode: 'refuse' | 'pace'; readonly maxDelayMs: number }) | undefined;
  /** SMS (message parts) per UTC day and per UTC month. */
  readonly dailyQuota: number | undefined;
  readonly monthlyQuota: number | undefined;
}

/** A sendsms-user: credentials, routing defaults and limits. */
export interface Account {
  readonly username: string;
  /** As configured: plain text, or a `$scrypt$…` hash (security/password-hash.ts). */
  readonly password: string;
  /** Service name reported as %n; defaults to the username. */
  readonly name: string;
  readonly defaultSmsc: string | undefined;
  readonly forcedSmsc: string | undefined;
  readonly defaultSender: string | undefined;
  readonly fakedSender: string | undefined;
  /** Most parts one message may be split into; more is refused, never truncated. */
  readonly maxMessages: number;
  /** user-allow-ip / user-deny-ip patterns (security/ip-rules.ts). */
  readonly allowIp: readonly string[];
  readonly denyIp: readonly string[];
  /** Networks and host names its callbacks may reach despite callbacks.deny-networks / deny-hosts. */
  readonly callbackAllow: readonly string[];
  readonly allowedPrefix: readonly string[];
  readonly deniedPrefix: readonly string[];
  /** Most SMPP sessions at once across the cluster (smpp-max-binds); 0: may not bind; undefined: no cap of its own. */
  readonly smppMaxBinds?: number;
  /** Kannel's allowed-prefix-regex and denied-prefix-regex for receivers (searched, as Kannel's regexec). */
  readonly allowedPrefixRegex?: string | undefined;
  readonly deniedPrefixRegex?: string | undefined;
  /** Where the account's receiver white and black lists are read from (and their -regex forms). */
  readonly lists?: ListSources | undefined;
  /** Rate limits, max-tps and quotas; absent or all undefined: none. */
  readonly limits?: AccountLimits;
  /** Kannel's dlr-url of a sendsms-user: a request that gives no dlr-url gets this one (and dlrMask when it gives no dlr-mask). */
  readonly dlrUrl?: string | undefined;
  readonly dlrMask?: number | undefined;
  /** Kannel's text shaping of a sendsms-user; absent: the text goes as one message, split by the link. */
  readonly shaping?: AccountShaping | undefined;
}

/** How a sendsms-user's text is cut and framed (encoding/shape-text.ts), with Kannel's key names. */
export interface AccountShaping {
  readonly header: string | undefined;
  readonly footer: string | undefined;
  readonly splitChars: string | undefined;
  readonly splitSuffix: string | undefined;
  /** true: one concatenated message; false: one SMS per piece, each a message of its own. */
  readonly concatenation: boolean;
  /** Kannel applies omit-empty to sms-service replies only; kept so the key loads, with no effect on sendsms. */
  readonly omitEmpty: boolean;
}
