/**
 * A link is one configured SMSC connection (a Kannel `smsc` group). It opens `instances` binds, each one SMPP
 * session. Several links may share one smscId (active-active).
 */
export type ConcatenationMethod = 'udh8' | 'udh16' | 'sar' | 'payload';

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
  /** Set: the binds connect over TLS and never fall back to plain TCP. */
  readonly tls?: LinkTls | undefined;
  /** Set: MO from this link may go straight out as MT (Kannel's reroute keys). */
  readonly reroute?: LinkReroute | undefined;
}

/** The binds a link opens: one per instance for its transmit side, plus one per instance for `receivePort`. */
export type BindMode = 'transmitter' | 'receiver' | 'transceiver';
