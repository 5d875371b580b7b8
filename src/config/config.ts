import type { Account, RateLimit } from '../domain/account.js';
import type { Link } from '../domain/link.js';
import type { Service } from '../domain/service.js';
import type { ListSources } from '../domain/number-lists.js';

/** A TLS server's certificate and key files (PEM), re-read on SIGHUP. */
export interface ServerTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** The `smpp-server` section: where client ESMEs bind, and how their sessions are kept. */
export interface SmppServerConfig {
  readonly port: number;
  readonly host: string;
  /** SMPP over TLS on sslPort (0: none) with these files. */
  readonly sslPort: number;
  readonly tls: ServerTlsFiles | undefined;
  /** Sessions this process holds at once, every account together. */
  readonly maxBinds: number;
  readonly enquireLinkIntervalMs: number;
  readonly inactivityTimeoutMs: number;
  /** How long a deliver_sm waits for its response before it is tried again. */
  readonly responseTimeoutMs: number;
  /** deliver_sm outstanding per session. */
  readonly window: number;
  /** command_status for a receiver no link may carry. */
  readonly notRoutableStatus: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** The validated, typed configuration every module receives. Durations are in milliseconds here. */
/** Where Sentinel is and how to talk to it and to the primary it names (redis.sentinels and the keys beside it). */
export interface SentinelSettings {
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  /** The name the Sentinels monitor the primary under. */
  readonly name: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly sentinelPassword: string | undefined;
  readonly tls: boolean;
  readonly sentinelTls: boolean;
  /** PEM CA file for tls and sentinelTls; undefined: Node's bundled CAs. */
  readonly caFile: string | undefined;
}

export interface Config {
  /** The file it was loaded from, for messages. */
  readonly source: string;
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly globalSender: string | undefined;
    readonly sendsmsChars: string;
    /** Kannel's immediate-sendsms-reply: sendsms answers "Sent." (denied receivers, splits). */
    readonly immediateReply: boolean;
    readonly maxBodyBytes: number;
    readonly requestTimeoutMs: number;
    readonly maxRecipients: number;
    /** Connections the sendsms port holds at once (0: no cap), and the deadlines of slow and idle clients. */
    readonly maxConnections: number;
    readonly headersTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
    /** Requests per second from one client address (an IPv6 client: its /64), across every process; undefined: none. */
    readonly clientRate: RateLimit | undefined;
    /** Set: the sendsms port speaks HTTPS (Kannel's sendsms-port-ssl). */
    readonly tls: ServerTlsFiles | undefined;
    /** Receiver lists of every account (Kannel's smsbox white-list, black-list and -regex); absent when none. */
    readonly lists?: ListSources;
  };
  /** Kannel's core number handling: unified-prefix and the gateway's sender and receiver lists, MT and MO. */
  readonly numbers: {
    readonly unifiedPrefix: string | undefined;
    readonly senders: ListSources;
    readonly receivers: ListSources;
  };
  readonly admin: {
    readonly port: number;
    readonly host: string;
    readonly password: string | undefined;
    readonly statusPassword: string | undefined;
    readonly allowIp: readonly string[];
    readonly denyIp: readonly string[];
    /** Set: the admin port speaks HTTPS (Kannel's admin-port-ssl). */
    readonly tls: ServerTlsFiles | undefined;
    /** '' or a path prefix such as `/sms-gateway` (admin.base-path, without a trailing slash). */
    readonly basePath: string;
    /** admin.allowed-origins, normalized (security/origin.ts). */
    readonly allowedOrigins: readonly string[];
  };
  readonly redis: {
    readonly url: string | undefined;
    readonly dataDir: string;
    readonly keyPrefix: string;
    /** The request path's deadline for a Redis command (sendsms, JSON API, lookups). */
    readonly commandTimeoutMs: number;
    /** Longest a deliver_sm (receipt, MO) waits for Redis before it is answered ESME_RX_T_APPN. */
    readonly deliverSmTimeoutMs: number;
    /** Set: the primary is found through Redis Sentinel (redis.url is then unset). */
    readonly sentinel: SentinelSettings | undefined;
    /** Set (redis.wait-replicas above 0): replicas that must confirm each commit (Redis WAIT), and how long it waits. */
    readonly replication: { readonly replicas: number; readonly timeoutMs: number } | undefined;
  };
  readonly process: {
    /** Every process of the gateway has exited this long after the first SIGTERM/SIGINT. */
    readonly shutdownTimeoutMs: number;
  };
  readonly queue: {
    readonly lockDurationMs: number;
    readonly maxAttempts: number;
    readonly maxUnanswered: number;
    readonly batchSize: number;
    /** Longest adaptive linger of a queue write that starts from idle while traffic is steady (0: none). */
    readonly commitLingerMs: number;
    readonly timeShareMs: number;
    readonly retryDelayMs: number;
    readonly messageLifetimeMs: number;
  };
  readonly cluster: { readonly leaseTtlMs: number; readonly refreshMs: number };
  readonly log: { readonly level: LogLevel };
  readonly simulator: {
    readonly enabled: boolean;
    readonly host: string;
    readonly port: number;
    readonly persona: string;
    readonly receipts: boolean;
    /** Set: the simulator speaks SMPP over TLS. */
    readonly tls: ServerTlsFiles | undefined;
  };
  readonly receipts: { readonly unmatchedRetryMs: number; readonly longMessagePolicy: 'all-parts-final' | 'per-part' };
  readonly callbacks: {
    readonly maxAttempts: number;
    readonly retryDelayMs: number;
    readonly retryDelayMaxMs: number;
    readonly timeoutMs: number;
    readonly concurrency: number;
    readonly orderWaitMs: number;
    /** Where callbacks and MO requests may not go (CIDR, addresses; host names). */
    readonly denyNetworks: readonly string[];
    readonly denyHosts: readonly string[];
  };
  readonly mo: {
    readonly reassemblyTimeoutMs: number;
    /** sms-services with `exec` may run (mo.allow-exec). */
    readonly allowExec: boolean;
    /** Kannel's reply-emptymessage and reply-couldnotrepresent: what an empty or unrepresentable answer is sent as. */
    readonly replyEmpty: string;
    readonly replyUnrepresentable: string;
  };
  /** The SMPP server for client ESMEs; undefined: off (the section is absent). */
  readonly smppServer: SmppServerConfig | undefined;
  readonly services: readonly Service[];
  readonly links: readonly Link[];
  readonly accounts: readonly Account[];
}
