/**
 * A link is one configured SMSC connection (a Kannel `smsc` group). It opens `instances` binds, each one SMPP
 * session. Several links may share one smscId (active-active).
 */
import type { ListSources } from './number-lists.js';
import type { TlvDefinition } from './tlv.js';

export type ConcatenationMethod = 'udh8' | 'udh16' | 'sar' | 'payload';

/** A single-octet charset a link uses instead of GSM 03.38 (Kannel's alt-charset, alt-addr-charset). */
export type LinkCharset = 'gsm' | 'latin1' | 'ascii' | 'windows-1252';

/**
 * Kannel's wait-ack-expire: what a submit unanswered after the response timeout does. reconnect (0x00): the session
 * is closed and its submits go again; requeue (0x01, Kannel's actual default): the submit alone goes again (the
 * session is closed only when the SMSC answers nothing at all); wait (0x02): it waits for its answer.
 */
export type WaitAckExpire = 'reconnect' | 'requeue' | 'wait';

/** How the SMSC writes message ids; Kannel's `msg-id-type` bit 0 (submit_sm_resp) and bit 1 (deliver_sm). */
export interface MsgIdType {
  readonly submitRespHex: boolean;
  readonly deliverHex: boolean;
}

/** Kannel's per-link routing keys (smscconn_usable). Lists are already split on `;`. */
export interface LinkRouting {
  readonly allowedSmscId: readonly string[];
  readonly deniedSmscId: readonly string[];
  readonly preferredSmscId: readonly string[];
  readonly allowedPrefix: readonly string[];
  readonly deniedPrefix: readonly string[];
  readonly preferredPrefix: readonly string[];
  /** Kannel's -regex forms (searched, not anchored, as Kannel's regexec): undefined when not set. */
  readonly allowedSmscIdRegex?: string | undefined;
  readonly deniedSmscIdRegex?: string | undefined;
  readonly preferredSmscIdRegex?: string | undefined;
  readonly allowedPrefixRegex?: string | undefined;
  readonly deniedPrefixRegex?: string | undefined;
  readonly preferredPrefixRegex?: string | undefined;
  /** Kannel's unified-prefix of the link: receivers are unified with it for this link's rules and its submit_sm. */
  readonly unifiedPrefix?: string | undefined;
}

/** SMPP over TLS (Kannel's use-ssl). Files are PEM; they are read at each connect. */
export interface LinkTls {
  /** CAs trusted for the SMSC's certificate; undefined: Node's bundled public CAs. */
  readonly caFile: string | undefined;
  /** Check the certificate chain and name; false accepts any certificate. */
  readonly verify: boolean;
  /** Name expected in the certificate and sent as SNI; undefined: the link's host. */
  readonly serverName: string | undefined;
  /** Client certificate and its private key in one file, when the SMSC asks for one. */
  readonly clientCertKeyFile: string | undefined;
}

/**
 * Kannel's SMS-hub keys of a link (smscconn.c init_reroute, bb_smscconn.c route_incoming_to_smsc): an MO from this
 * link is not handed to the services but sent straight out as an MT, with its sender, receiver and text.
 */
export interface LinkReroute {
  /** `reroute`: routed like any message, with this link's smsc-id as its smsc-id. Wins over the others. */
  readonly all: boolean;
  /** `reroute-smsc-id`: routed with this smsc-id. Wins over byReceiver. */
  readonly toSmscId: string | undefined;
  /** `reroute-receiver`: an MO to one of these numbers (exactly) is routed with its smsc-id. */
  readonly byReceiver: Readonly<Record<string, string>>;
  /** `reroute-dlr`: accepted; receipts are not rerouted (see the configuration's description). */
  readonly dlr: boolean;
}

export interface Link {
  /** Unique among links: Kannel's `smsc-admin-id` when set, otherwise derived from smscId. */
  readonly id: string;
  readonly smscId: string;
  readonly host: string;
  /** Transmitter (or transceiver) port; 0 when the link only receives. */
  readonly port: number;
  /** A separate receiver bind on this port; 0 for none. */
  readonly receivePort: number;
  readonly transceiver: boolean;
  readonly systemId: string;
  readonly password: string;
  readonly systemType: string;
  readonly addressRange: string;
  /** undefined: autodetect from the address as Kannel does (+digits international, alphanumeric 5/0). */
  readonly sourceAddrTon: number | undefined;
  readonly sourceAddrNpi: number | undefined;
  readonly destAddrTon: number;
  readonly destAddrNpi: number;
  readonly enquireLinkIntervalMs: number;
  /** How long a submit_sm or enquire_link may stay unanswered before the session counts as silent. */
  readonly responseTimeoutMs: number;
  /** A bind whose oldest unanswered request is older than this leaves routing until it answers or is closed. */
  readonly unhealthyAfterMs: number;
  readonly connectTimeoutMs: number;
  /** Window: submits sent on one bind and not yet answered. */
  readonly maxPendingSubmits: number;
  readonly reconnectDelayMs: number;
  readonly reconnectDelayMaxMs: number;
  /** Submits per second per bind, as Kannel's `throughput`; 0 means unlimited. */
  readonly throughput: number;
  readonly instances: number;
  readonly msgIdType: MsgIdType;
  readonly concatenation: ConcatenationMethod;
  /** Pack GSM 7-bit septets into octets (most SMSCs want them unpacked, one per octet). */
  readonly gsmPacked: boolean;
  /** Fallback links help drain a route this link prefers once its next message has waited this long; 0: never. */
  readonly spilloverQueueAgeMs: number;
  /** How long a throttled bind (ESME_RTHROTTLED / ESME_RMSGQFUL) pauses before it sends again. */
  readonly throttlePauseMs: number;
  readonly routing: LinkRouting;
  /** Kannel's SMPP interoperability keys: what goes into the bind and into every submit_sm. */
  readonly interop: LinkInterop;
  /** Where this link's receiver lists are read from (switchboard's: Kannel has lists per account and gateway-wide). */
  readonly lists?: ListSources | undefined;
  /** The TLVs smpp-tlv groups declare for this link's smsc-id (or for every link), by name: sent from meta-data, read into it. */
  readonly tlvs: readonly TlvDefinition[];
  /** Set: the binds connect over TLS and never fall back to plain TCP. */
  readonly tls?: LinkTls | undefined;
  /** Set: MO from this link may go straight out as MT (Kannel's reroute keys). */
  readonly reroute?: LinkReroute | undefined;
}

/** Per-link SMPP fields some SMSCs insist on (Kannel's smsc group keys of the same names). */
export interface LinkInterop {
  /** service_type of a submit_sm whose message has no binfo; '' for none. */
  readonly serviceType: string;
  /** Base esm_class (Kannel: 3, store and forward); UDHI and reply path are ORed in. */
  readonly esmClass: number;
  /** data_coding 0 text in this charset instead of GSM 03.38; undefined: GSM. */
  readonly altCharset: LinkCharset | undefined;
  /** Alphanumeric senders in this charset; undefined: as written. */
  readonly altAddrCharset: LinkCharset | undefined;
  readonly bindAddrTon: number;
  readonly bindAddrNpi: number;
  /** interface_version of the bind as sent (0x34 for Kannel's `34`). */
  readonly interfaceVersion: number;
  /** priority_flag of a message that asked for none. */
  readonly priority: number;
  /** validity_period (minutes from the submit) of a message that asked for none; undefined: none. */
  readonly validityMinutes: number | undefined;
  /** Connect or bind failures in a row after which the link is stopped; 0: never. */
  readonly maxErrorCount: number;
  /** The link starts stopped the first time the gateway sees it. */
  readonly deadStart: boolean;
  readonly waitAckExpire: WaitAckExpire;
}

/** Kannel's defaults for every interoperability key: what a link that names none of them sends. */
export const DEFAULT_INTEROP: LinkInterop = {
  serviceType: '',
  esmClass: 0x03,
  altCharset: undefined,
  altAddrCharset: undefined,
  bindAddrTon: 0,
  bindAddrNpi: 0,
  interfaceVersion: 0x34,
  priority: 0,
  validityMinutes: undefined,
  maxErrorCount: 0,
  deadStart: false,
  waitAckExpire: 'requeue',
};

/** The binds a link opens: one per instance for its transmit side, plus one per instance for `receivePort`. */
export type BindMode = 'transmitter' | 'receiver' | 'transceiver';
