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
}
