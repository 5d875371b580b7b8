/**
 * The configuration schema, defined once. Keys keep Kannel's names wherever Kannel has the concept, so a Kannel
 * user recognises every key; durations are in seconds like Kannel's. `import-kannel` produces exactly this shape,
 * and both the YAML loader and the Kannel loader validate against it.
 * Pure.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const str = (description: string, def?: string) =>
  def === undefined ? Type.String({ description }) : Type.String({ description, default: def });
const optStr = (description: string) => Type.Optional(Type.String({ description }));
const int = (description: string, def: number, minimum: number, maximum: number) =>
  Type.Integer({ description, default: def, minimum, maximum });
const optInt = (description: string, minimum: number, maximum: number) =>
  Type.Optional(Type.Integer({ description, minimum, maximum }));
const seconds = (description: string, def: number, minimum = 0, maximum = 86_400) =>
  Type.Number({ description: `${description} (seconds)`, default: def, minimum, maximum });
const bool = (description: string, def: boolean) => Type.Boolean({ description, default: def });
/** A rate per second; 0 turns the limit off. */
const rate = (description: string) => Type.Number({ description: `${description}; 0: no limit`, default: 0, minimum: 0, maximum: 1_000_000 });
const burst = (limit: string) => int(`How many may go at once before ${limit} holds them back; 0: one second's worth`, 0, 0, 1_000_000);
/** A list written either as a YAML sequence or as Kannel's `a;b;c` string. */
const list = (description: string) =>
  Type.Union([Type.Array(Type.String()), Type.String()], { description: `${description} (a list, or a ';'-separated string)`, default: [] });
/** The same, with a default other than the empty list. */
const listWith = (description: string, def: readonly string[]) =>
  Type.Union([Type.Array(Type.String()), Type.String()], { description: `${description} (a list, or a ';'-separated string)`, default: [...def] });
const port = (description: string, def: number) => int(description, def, 0, 65_535);
const LIST_SOURCE = 'a file path, a file:// URL, or an http(s):// URL answering text/plain: one number a line, # comments, compared by their last 19 digits as Kannel does';
/** Kannel's white-list / black-list keys and their -regex forms, for `whose` numbers. */
const listKeys = (whose: string, prefix = '') => ({
  [`white-list${prefix}`]: optStr(`Only ${whose} in this list are accepted (${LIST_SOURCE}); re-read by reload-lists`),
  [`black-list${prefix}`]: optStr(`${whose} in this list are refused (${LIST_SOURCE}); re-read by reload-lists`),
  [`white-list${prefix}-regex`]: optStr(`Only ${whose} matching this regular expression are accepted`),
  [`black-list${prefix}-regex`]: optStr(`${whose} matching this regular expression are refused`),
});
const unifiedPrefix = (where: string) =>
  optStr(`Kannel's unified-prefix (${where}): "+46,0046,0;+,00" is groups separated by ';', each the unified prefix and then the prefixes it replaces (the first entry the number starts with decides; '-' as the unified prefix removes)`);
const PASSWORD_FORMS = 'plain text (warned about at start) or a hash from `switchboard hash-password` ($scrypt$…)';
const IP_PATTERNS = 'Kannel `*` patterns (10.1.*.*), CIDR (10.0.0.0/8, 2001:db8::/32), IPv4 or IPv6 addresses; `*.*.*.*` matches every address, IPv6 too';

/**
 * What callbacks and MO requests may never reach unless an account's callback-allow says so: link-local networks
 * and the cloud metadata services. Loopback and private networks are not in it: gateways commonly call services on
 * the same machine or LAN.
 */
export const DEFAULT_DENY_NETWORKS: readonly string[] = [
  '169.254.0.0/16', // IPv4 link-local: the AWS, GCP, Azure, OpenStack and Oracle metadata at 169.254.169.254
  'fe80::/10', // IPv6 link-local
  'fd00:ec2::254', // AWS metadata over IPv6
  '100.100.100.200', // Alibaba Cloud metadata
  '168.63.129.16', // Azure WireServer
  '0.0.0.0/8', // "this host": a connection to 0.0.0.0 reaches the gateway's own machine
  '::/128', // the same in IPv6
];

/** Names of metadata services, refused before any DNS (their addresses are in DEFAULT_DENY_NETWORKS too). */
export const DEFAULT_DENY_HOSTS: readonly string[] = [
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
];

function obj<T extends Record<string, TSchema>>(description: string, props: T) {
  return Type.Object(props, { description, additionalProperties: false, default: {} });
}

export const LinkSchema = Type.Object(
  {
    'smsc-id': str('Label of the link, used for routing (allowed/preferred-smsc-id) and receipt matching. Several links may share one (active-active)', ''),
    'smsc-admin-id': optStr('Unique name of this link for admin commands and logs; defaults to smsc-id (with a suffix when smsc-id is shared)'),
    host: str('SMSC host name or address'),
    port: port('SMSC port for the transmitter (or transceiver) bind; 0 when the link only receives', 2775),
    'receive-port': port('When set, a separate receiver bind is opened on this port', 0),
    'transceiver-mode': bool('Bind as transceiver on `port` (one session sends and receives)', false),
    'smsc-username': str('SMPP system_id (at most 15 characters)'),
    'smsc-password': str('SMPP password (at most 8 characters in SMPP 3.4)'),
    'system-type': str('SMPP system_type sent in the bind', ''),
    'address-range': str('SMPP address_range sent in the bind', ''),
    'source-addr-ton': optInt('TON of the sender; unset: detected from the address as Kannel does (+digits international, alphanumeric 5)', 0, 255),
    'source-addr-npi': optInt('NPI of the sender; unset: detected from the address as Kannel does', 0, 255),
    'dest-addr-ton': int('TON of the receiver; a leading + always makes it international (1) and is stripped', 2, 0, 255),
    'dest-addr-npi': int('NPI of the receiver', 1, 0, 255),
    'enquire-link-interval': seconds('Keep-alive cadence: an enquire_link is sent after this much idle time', 30, 0.05),
    'response-timeout': seconds('How long a submit_sm or enquire_link may stay unanswered before the session is closed and its submits are retried', 30, 0.05),
    'unhealthy-after': seconds('A bind whose oldest unanswered request is older than this is taken out of routing (its traffic moves to fallback links) while it waits for the response timeout', 3, 0.05),
    'connect-timeout': seconds('TCP connect (with use-ssl, and the TLS handshake) must complete within this time, and so must the bind', 10, 0.05),
    'max-pending-submits': int('Window: submits sent on one bind and not yet answered', 10, 1, 10_000),
    'reconnect-delay': seconds('First delay before reconnecting after a lost or refused session; doubles (with jitter) up to reconnect-delay-max', 10, 0.01),
    'reconnect-delay-max': seconds('Upper bound of the reconnect backoff', 60, 0.01),
    throughput: Type.Number({ description: 'Most submits per second on each bind of this link, as Kannel; 0 means unlimited', default: 0, minimum: 0, maximum: 1_000_000 }),
    instances: int('Number of identical binds this link opens', 1, 1, 64),
    'msg-id-type': int('How the SMSC writes message ids (Kannel): -1 as is, bit 0: submit_sm_resp ids are hex, bit 1: receipt ids are hex', -1, -1, 3),
    concatenation: Type.Union([Type.Literal('udh8'), Type.Literal('udh16'), Type.Literal('sar'), Type.Literal('payload')], {
      description: 'How long messages are sent: UDH with an 8-bit reference, UDH with a 16-bit reference, SAR TLVs, or one PDU with message_payload',
      default: 'udh8',
    }),
    'gsm-packed': bool('Pack GSM 7-bit text into octets (most SMSCs want one septet per octet, unpacked)', false),
    'spillover-queue-age': seconds('When this link is preferred for a route and the next message of that route has waited longer than this, the route\'s fallback links help drain it; 0 never spills over (as Kannel: a saturated preferred link keeps all its traffic)', 0, 0),
    'throttle-pause': seconds('Longest pause of a bind after ESME_RTHROTTLED or ESME_RMSGQFUL: it pauses 0.1 s first, and twice as long each time the SMSC throttles again before accepting anything, up to this (Kannel always sleeps 1 s)', 1, 0),
    'allowed-smsc-id': list('Only messages whose smsc-id is in this list may use this link'),
    'denied-smsc-id': list('Messages whose smsc-id is in this list never use this link (ignored when allowed-smsc-id is set)'),
    'preferred-smsc-id': list('Messages whose smsc-id is in this list prefer this link'),
    'allowed-prefix': list('Only receivers starting with one of these prefixes may use this link'),
    'denied-prefix': list('Receivers starting with one of these prefixes never use this link (allowed-prefix wins)'),
    'preferred-prefix': list('Receivers starting with one of these prefixes prefer this link'),
    'allowed-smsc-id-regex': optStr('Only messages whose smsc-id matches this regular expression may use this link (a message with none never does)'),
    'denied-smsc-id-regex': optStr('Messages whose smsc-id matches this regular expression never use this link (ignored with allowed-smsc-id-regex)'),
    'preferred-smsc-id-regex': optStr('Messages whose smsc-id matches this regular expression prefer this link'),
    'allowed-prefix-regex': optStr('Only receivers matching this regular expression may use this link'),
    'denied-prefix-regex': optStr('Receivers matching this regular expression never use this link (allowed-prefix-regex wins)'),
    'preferred-prefix-regex': optStr('Receivers matching this regular expression prefer this link'),
    'unified-prefix': unifiedPrefix('this link: its routing rules and lists see the receiver unified with it, and it is sent so'),
    ...listKeys('receivers on this link'),
    'service-type': optStr('service_type of every submit_sm (Kannel: at most 6 characters, the 6th cut as SMPP 3.4 allows 5); a request\'s binfo wins'),
    'esm-class': int('Base esm_class of every submit_sm (Kannel: 3, store and forward); UDHI (0x40) and reply path (0x80) are ORed in', 3, 0, 255),
    'alt-charset': optStr('Charset of GSM-coded text (data_coding 0) on this link, both ways, instead of GSM 03.38 (Kannel\'s alt-charset): ISO-8859-1, ASCII, WINDOWS-1252 or GSM'),
    'alt-addr-charset': optStr('Charset of alphanumeric sender addresses (Kannel\'s alt-addr-charset): GSM (an @ becomes ?), ISO-8859-1, ASCII or WINDOWS-1252; unset: sent as written'),
    'bind-addr-ton': int('addr_ton of the bind PDU', 0, 0, 255),
    'bind-addr-npi': int('addr_npi of the bind PDU', 0, 0, 255),
    'interface-version': int('SMPP interface_version of the bind, written as Kannel writes it: 33, 34 or 50 (the decimal digits of the hex value)', 34, 33, 50),
    priority: int('priority_flag of a submit_sm whose request gave no priority (Kannel\'s priority, 0 to 3)', 0, 0, 3),
    validityperiod: optInt('Minutes: validity_period of a submit_sm whose request gave no validity (Kannel\'s validityperiod); unset: none', 0, 5_256_000),
    'max-error-count': int('Connect or bind attempts failing in a row after which the link is stopped (shown dead, as after stop-smsc) until an operator starts it (Kannel reads this key for modems only); 0: it keeps trying', 0, 0, 1_000_000),
    'dead-start': bool('The link starts stopped (dead) the first time the gateway sees it; start-smsc starts it (Kannel\'s dead-start)', false),
    'wait-ack-expire': int('What happens to a submit unanswered after wait-ack (response-timeout), as Kannel\'s wait-ack-expire: 0 reconnect (the session is closed, its submits sent again), 1 requeue (the submit alone is sent again; the session is closed only when the SMSC answers nothing at all), 2 keep waiting for it', 1, 0, 2),
    'use-ssl': bool('Connect to the SMSC over TLS (1.2 or later); never falls back to plain TCP', false),
    'ssl-trusted-ca-file': optStr('PEM file of the CA certificates trusted for the SMSC\'s certificate (with use-ssl); unset: Node\'s bundled public CAs. Kannel sets it once in the core group'),
    'ssl-verify': bool('Check the SMSC\'s certificate against the trusted CAs and its name against ssl-server-name or host (with use-ssl); false accepts any certificate, an eavesdropper\'s too', true),
    'ssl-server-name': optStr('Name expected in the SMSC\'s certificate and sent as SNI (with use-ssl); unset: host'),
    'ssl-client-certkey-file': optStr('PEM file holding the client certificate and its private key, for SMSCs that authenticate the gateway by certificate (with use-ssl)'),
    reroute: bool('MO from this link are not given to the services but sent straight out as MT, routed like any message with this link\'s smsc-id (Kannel\'s SMS hub mode); wins over reroute-smsc-id and reroute-receiver', false),
    'reroute-smsc-id': optStr('MO from this link are sent straight out as MT, routed with this smsc-id (Kannel); wins over reroute-receiver'),
    'reroute-receiver': optStr('MO from this link to some numbers are sent straight out as MT, routed with an smsc-id per number: "smsc-id,number,number;smsc-id2,number" (Kannel; numbers match exactly)'),
    'reroute-dlr': bool('Kannel\'s rerouting of receipts along with MO. Accepted for Kannel files; receipts are not rerouted: a switchboard bind is an ESME, and an SMSC takes no receipt from an ESME. Receipts of rerouted messages are matched and reported as usual', false),
  },
  { additionalProperties: false, description: 'One SMSC connection (a Kannel `smsc` group with `smsc = smpp`)' },
);

export const AccountSchema = Type.Object(
  {
    username: str('Account name given in the `username` parameter'),
    password: str(`Account password given in the \`password\` parameter: ${PASSWORD_FORMS}`),
    name: optStr('Service name reported as %n; defaults to the username'),
    'default-smsc': optStr('smsc-id used when the request gives none'),
    'forced-smsc': optStr('smsc-id always used, whatever the request says'),
    'default-sender': optStr('Sender used when the request has no `from`'),
    'faked-sender': optStr('Sender always used, whatever the request says'),
    'max-messages': int('Most parts one message may be split into; a longer text is refused, never truncated', 10, 1, 255),
    'user-allow-ip': list(`Client addresses allowed for this account even when user-deny-ip matches them (${IP_PATTERNS}); alone it restricts nothing, as in Kannel`),
    'user-deny-ip': list(`Client addresses denied for this account unless user-allow-ip matches them (${IP_PATTERNS}); empty: every address is allowed`),
    'callback-allow': list('Networks (CIDR or addresses) and host names (exact, or *.domain) this account\'s dlr-url and callbackUrl may reach even when callbacks.deny-networks or deny-hosts deny them'),
    'allowed-prefix': list('Only receivers starting with one of these prefixes are accepted'),
    'denied-prefix': list('Receivers starting with one of these prefixes are refused'),
    'allowed-prefix-regex': optStr('Only receivers matching this regular expression are accepted'),
    'denied-prefix-regex': optStr('Receivers matching this regular expression are refused (allowed-prefix-regex wins)'),
    ...listKeys("this account's receivers"),
    'request-rate-limit': rate('Most requests per second for this account (sendsms, the JSON API\'s sends and lookups), counted across every gateway process; above it: 503 "Temporal failure" on sendsms, 429 rate_limited on the API, with Retry-After'),
    'request-rate-burst': burst('request-rate-limit'),
    'max-tps': rate('Most SMS per second this account may send (message parts, as the SMSC counts submit_sm), across every gateway process; max-tps-mode says what happens above it'),
    'max-tps-burst': burst('max-tps'),
    'max-tps-mode': Type.Union([Type.Literal('refuse'), Type.Literal('pace')], {
      description: 'Above max-tps: refuse the request (503 "Temporal failure" on sendsms, 429 tps_exceeded on the API, with Retry-After), or pace: accept it and hold its messages in the queue so that the account\'s SMS leave at max-tps',
      default: 'refuse',
    }),
    'max-tps-delay': seconds('With max-tps-mode pace: the longest a message may be held for max-tps; a request that would wait longer is refused as in refuse mode', 600, 0, 7 * 86_400),
    'daily-quota': int('Most SMS (message parts) this account may send per UTC day, across every gateway process; above it a request is refused (403 on sendsms, 429 quota_exceeded on the API); 0: no quota', 0, 0, 2_000_000_000),
    'monthly-quota': int('Most SMS (message parts) this account may send per UTC month, as daily-quota; 0: no quota', 0, 0, 2_000_000_000),
    'dlr-url': optStr('Reports go to this URL (with the escape codes) when a request gives no dlr-url, as Kannel\'s sendsms-user dlr-url'),
    'dlr-mask': optInt('With dlr-url: the dlr-mask of a request that gives none', 0, 66),
    header: optStr('Added before every SMS of a message (Kannel): the text is then cut by max-messages, split-chars and split-suffix'),
    footer: optStr('Added after every SMS of a message (Kannel), as header'),
    'split-chars': optStr('A long text is cut after the last of these characters that fits in an SMS (Kannel)'),
    'split-suffix': optStr('Added to every SMS of a long text but the last (Kannel)'),
    concatenation: bool('A long text goes as one concatenated message (true) or as separate SMS, each a message of its own with its own id (false, Kannel\'s default; its max-messages of 1 then truncated every long text)', true),
    'omit-empty': bool('Kannel\'s sendsms-user key; as in Kannel it only concerns sms-service replies and changes nothing for sendsms', false),
    'smpp-max-binds': optInt('Most SMPP sessions this account may hold at once on the smpp-server port, across every gateway process (a transceiver counts once); 0: this account may not bind; unset: only smpp-server.max-binds limits it', 0, 10_000),
  },
  { additionalProperties: false, description: 'An account allowed to send (a Kannel `sendsms-user` group)' },
);

export const ServiceSchema = Type.Object(
  {
    keyword: str('First word of an incoming message that selects this service (case-insensitive); "default" takes what no other service matches'),
    aliases: list('Other keywords for the same service'),
    name: optStr('Service name reported as %n; defaults to the keyword'),
    'get-url': optStr('URL called with GET for each incoming message, with Kannel escape codes (%p sender, %P receiver, %a text, ...)'),
    'post-url': optStr('URL the text is POSTed to (X-Kannel-* headers carry sender, receiver, smsc ...), escape codes filled in the URL'),
    'post-xml': optStr("URL Kannel's XML document of the message is POSTed to (<message><submit>…), escape codes filled in the URL"),
    text: optStr('Answer with this text, escape codes filled in as Kannel fills them (URL-encoded), without calling anything'),
    file: optStr('Answer with the content of this file, read at each message'),
    exec: optStr('Answer with what this shell command prints (escape codes filled in, URL-encoded). Runs a shell for every matching MO: only with mo.allow-exec: true'),
    'accepted-smsc': list('Only messages arriving on links with these smsc-ids; empty: any'),
    'accepted-account': list('Only messages received on binds with these system_ids (smsc-username, the MO\'s account); empty: any'),
    'catch-all': bool('Take a keyword match whatever the number of words; without it the words after the keyword must be as many as the %s/%S in the pattern (or more with %r or %a). post-url and post-xml always do', false),
    'strip-keyword': bool('post-url and post-xml send the text without its keyword (first word)', false),
    'send-sender': bool("Tell the service the MO's sender: X-Kannel-From on get-url, <oa> in post-xml (post-url always sends X-Kannel-From)", false),
    'max-messages': int('Most SMS an answer is sent in; a longer answer is cut (the last one takes what fits). 0: never answer', 1, 0, 255),
    concatenation: bool('Send a long answer as one concatenated message rather than as separate SMS', false),
    'split-chars': optStr('A long answer is cut after the last of these characters that fits'),
    'split-suffix': optStr('Added to every SMS of a long answer but the last'),
    'omit-empty': bool('An empty answer sends nothing (otherwise "<Empty reply from service provider>", as Kannel)', false),
    header: optStr('Added before every SMS of the answer'),
    footer: optStr('Added after every SMS of the answer'),
    prefix: optStr('With suffix: an HTML answer is cut to what lies between the first prefix and the next suffix'),
    suffix: optStr('With prefix: see prefix'),
    'faked-sender': optStr('Sender of every answer, instead of the number the MO was sent to'),
    'accept-x-kannel-headers': bool('The service may set the answer\'s sender, receiver, smsc, coding, mclass, pid, validity, deferred, dlr-mask, dlr-url, account, binfo and priority with X-Kannel-* headers (or in its XML answer)', false),
    'assume-plain-text': bool('An answer without a Content-Type counts as text/plain (otherwise it is answered "Result could not be represented as an SMS message.")', false),
    'dlr-url': optStr('Reports of the answer go to this URL (with the escape codes), unless the service sets X-Kannel-DLR-URL (Kannel)'),
    'dlr-mask': optInt('With dlr-url: the reports asked for the answer, unless the service sets X-Kannel-DLR-Mask', 0, 66),
    'receiver-prefix': list('Only messages whose receiver starts with one of these prefixes; empty: any'),
    'smpp-account': optStr('Instead of get-url or post-url: deliver the messages as deliver_sm to this account\'s receiver and transceiver binds on the smpp-server port, queued durably while it is not bound'),
  },
  { additionalProperties: false, description: 'Where incoming messages go (a Kannel `sms-service` group)' },
);

export const TlvSchema = Type.Object(
  {
    name: str('Name of the TLV in meta-data (`?smpp?name=value`) and in the JSON API\'s `tlvs`'),
    tag: Type.Integer({ description: 'The TLV\'s tag (Kannel writes it in decimal or 0x hex)', minimum: 0, maximum: 0xffff }),
    type: Type.Union([Type.Literal('integer'), Type.Literal('octetstring'), Type.Literal('nulterminated'), Type.Literal('cstring')], {
      description: 'integer: big-endian in `length` octets; octetstring: the octets, at most `length`; nulterminated (or cstring): text and a NUL, at most `length` octets before it',
    }),
    length: Type.Integer({ description: 'Octets of an integer (1 to 4), or the most a string may take', minimum: 1, maximum: 65_535 }),
    'smsc-id': list('Links (by smsc-id) that send and read this TLV; empty: every link'),
  },
  { additionalProperties: false, description: 'An optional SMPP parameter sent from meta-data and read from deliver_sm (a Kannel `smpp-tlv` group)' },
);

export const ConfigSchema = Type.Object(
  {
    http: obj('The sendsms HTTP interface and the JSON API (Kannel `smsbox` group)', {
      'sendsms-port': port('Port of the sendsms interface and JSON API', 13013),
      'sendsms-interface': str('Address the sendsms interface listens on', '0.0.0.0'),
      'global-sender': optStr('Sender used when neither the request nor the account gives one'),
      'sendsms-chars': str('Characters allowed in receiver numbers', '0123456789 +-'),
      'immediate-sendsms-reply': bool('Answer sendsms with Kannel\'s "Sent." form (naming denied receivers and the number of messages) rather than the first message\'s "0: Accepted for delivery" / "3: Queued for later delivery". Either answer comes once the messages are in Redis', false),
      'max-body-size': int('Largest request body accepted, in bytes', 1_048_576, 1024, 67_108_864),
      'request-timeout': seconds('A client that has not sent its whole request within this time is disconnected', 30, 0.1),
      'max-recipients': int('Most receivers one request may list (sendsms, and a JSON API request with all its messages)', 1000, 1, 100_000),
      'max-connections': int('Most connections the sendsms port holds at once; more are closed as they arrive. Keep it under the open-file limit (ulimit -n) with room for Redis and the SMSCs; 0: no cap', 15_000, 0, 10_000_000),
      'headers-timeout': seconds('A client that has not sent its request headers within this time gets 408 and is disconnected (slow clients); at most request-timeout', 10, 0.1),
      'keep-alive-timeout': seconds('An idle keep-alive connection is closed after this time', 72, 0.1, 3600),
      'ip-rate-limit': rate('Most requests per second from one client address (an IPv6 client: its /64) to sendsms and the JSON API, counted across every gateway process; above it: 503 "Temporal failure" on sendsms, 429 rate_limited on the API, with Retry-After'),
      'ip-rate-burst': burst('ip-rate-limit'),
      'sendsms-port-ssl': bool('Serve the sendsms interface and JSON API over HTTPS (TLS 1.2 or later) with ssl-server-cert-file and ssl-server-key-file', false),
      'ssl-server-cert-file': optStr('PEM certificate (and chain) of the sendsms port, with sendsms-port-ssl; re-read on SIGHUP'),
      'ssl-server-key-file': optStr('PEM private key of ssl-server-cert-file; re-read on SIGHUP'),
      ...listKeys('receivers of sendsms and the JSON API (every account)'),
    }),
    numbers: obj("Number handling for the whole gateway (Kannel's core group): unified-prefix and the sender and receiver lists, for MT and MO", {
      'unified-prefix': unifiedPrefix('every MT receiver before any check or routing, and every MO sender'),
      ...listKeys('senders (MT and MO)', '-sender'),
      ...listKeys('receivers (MT and MO)', '-receiver'),
    }),
    admin: obj('The admin interface (Kannel `core` group keys)', {
      'admin-port': port('Port of the admin interface; 0 disables it', 13000),
      'admin-interface': str('Address the admin interface listens on', '0.0.0.0'),
      'admin-password': optStr(`Password for admin commands (and status): ${PASSWORD_FORMS}`),
      'status-password': optStr(`Password for status pages, /api/v1/status on the sendsms port included: ${PASSWORD_FORMS}. With neither password set, the status answers 401 unless its interface listens on loopback only`),
      'admin-allow-ip': list(`Client addresses allowed on the admin interface even when admin-deny-ip matches them (${IP_PATTERNS})`),
      'admin-deny-ip': list(`Client addresses denied on the admin interface unless admin-allow-ip matches them (${IP_PATTERNS})`),
      'admin-port-ssl': bool('Serve the admin interface over HTTPS (TLS 1.2 or later) with ssl-server-cert-file and ssl-server-key-file', false),
      'ssl-server-cert-file': optStr('PEM certificate (and chain) of the admin port, with admin-port-ssl; re-read on SIGHUP'),
      'ssl-server-key-file': optStr('PEM private key of ssl-server-cert-file; re-read on SIGHUP'),
      'allowed-origins': list("Web origins (scheme://host[:port]) besides the admin port's own whose pages may send it requests that change something (a dashboard or tool served from another host). A state-changing request from any other site's page (Origin, Sec-Fetch-Site) gets 403; clients that are not browsers are not affected"),
      'base-path': str('Path prefix under which a reverse proxy serves the admin port without stripping it (e.g. /sms-gateway): requests under it are served as if without it, and the links the server writes carry it. A proxy that strips the prefix sends X-Forwarded-Prefix instead, which is honoured too', ''),
    }),
    redis: obj('Where queues and state live', {
      url: optStr('redis:// or unix socket URL; unset: switchboard runs its own redis-server under data-dir'),
      'data-dir': str('Directory for the embedded redis-server (unix socket, append-only file)', './data/redis'),
      'key-prefix': str('Prefix of every key and queue switchboard creates', 'sb'),
      'command-timeout': seconds('Longest the sendsms port and the JSON API wait for Redis (frozen, unreachable); past it they answer 503 with Retry-After, and answer 503 at once, without asking Redis, until it answers again', 0.5, 0.01, 60),
      'deliver-sm-timeout': seconds('Longest a receipt or MO from an SMSC waits for Redis before the SMSC is answered ESME_RX_T_APPN, so that it sends it again later; keep it under the SMSC\'s response timeout', 5, 0.1, 60),
      sentinels: list('Redis Sentinel addresses (host:port; IPv6 as [addr]:port). Set: every connection finds the primary named `name` through them and follows it when Sentinel promotes a replica; redis.url must then be unset'),
      name: str('With sentinels: the name the Sentinels monitor the primary under (`sentinel monitor <name> …`)', 'mymaster'),
      username: optStr('With sentinels: ACL user name for the primary and its replicas (with redis.url, put it in the URL)'),
      password: optStr('With sentinels: password of the primary and its replicas (with redis.url, put it in the URL)'),
      'sentinel-password': optStr('With sentinels: password of the Sentinels themselves (their `requirepass`), when they have one'),
      tls: bool('With sentinels: connect to the primary over TLS (rediss:// does this for redis.url)', false),
      'sentinel-tls': bool('With sentinels: connect to the Sentinels over TLS', false),
      'tls-ca-file': optStr('With tls or sentinel-tls: PEM file of the CA certificates trusted for the Redis and Sentinel certificates; unset: Node\'s bundled public CAs'),
      'wait-replicas': int('Replicas that must hold a commit before it counts: sendsms and the JSON API answer 202 only once the request\'s group commit is on this many replicas (one Redis WAIT per commit, not per message), and a submitted message\'s record is waited for the same way before its job completes, so that a failover neither loses an accepted message nor sends one again. 0: no wait (one Redis, or replicas kept only for a manual switch); 1 recommended with Sentinel and two replicas', 0, 0, 16),
      'wait-timeout': seconds('With wait-replicas: longest a commit waits for its replicas; past it the request is answered 503 with Retry-After (its messages may still be on the primary, so the client\'s retry can queue them twice). Keep it below command-timeout', 0.25, 0.001, 60),
    }),
    process: obj('The gateway\'s processes', {
      'shutdown-timeout': seconds('After SIGTERM or SIGINT the gateway stops in order (503 to new requests, windows drained, unbind); whatever Redis does, every process of the gateway has exited within this time. A second signal exits at once', 30, 1, 3600),
    }),
    queue: obj('Durable queue behaviour', {
      'lock-duration': seconds('A message taken by a gateway that stops renewing it (crash) is handed to another after this time', 30, 0.5),
      'max-attempts': int('Submits answered with a temporary error before the message fails for good (link outages, throttling and unanswered submits do not count)', 10, 1, 1000),
      'max-unanswered': int('Submits of one message that go unanswered (the SMSC may have them) before it fails with reason "unanswered"; an operator can queue it again', 3, 1, 1000),
      'batch-size': int('Most messages in one queue job (a job also never holds more than about a second of its slowest link\'s throughput)', 200, 1, 10_000),
      'commit-linger': seconds('Longest a queue write waits for more requests when traffic is steady (an adaptive linger: never when the gateway is idle, so a lone request does not wait), so that at ordinary rates a job carries several messages; longer: fewer jobs and less CPU at ordinary rates, for up to that much more latency (README, Performance); 0 turns it off', 0.002, 0, 0.05),
      'time-share': seconds('How long a link may hold a batch\'s unsent messages (throttled, or a slow SMSC) before they go back to the queue for any link of the route', 3, 0.1, 3600),
      'retry-delay': seconds('First delay before a temporary error is retried; doubles on each attempt', 1, 0),
      'message-lifetime': seconds('How long message states and receipt correlations are kept', 72 * 3600, 60, 90 * 86_400),
    }),
    cluster: obj('Several gateway processes sharing one Redis and one configuration', {
      'lease-ttl': seconds('A bind whose owner stops renewing its lease (a crashed process) is opened by another process after this time', 2, 0.5, 60),
      'refresh-interval': seconds('How often leases are renewed and bind states published and re-read', 0.5, 0.1, 30),
    }),
    receipts: obj('Delivery receipts from the SMSCs', {
      'unmatched-retry': seconds('A receipt that matches no message yet (it arrived before the submit_sm_resp was recorded) is tried again for this long before it counts as unmatched', 30, 0, 3600),
      'long-message-policy': Type.Union([Type.Literal('all-parts-final'), Type.Literal('per-part')], {
        description: 'For a message sent in several parts: report once every part is final (all-parts-final), or every part\'s receipt (per-part)',
        default: 'all-parts-final',
      }),
    }),
    callbacks: obj('Reports to the clients\' dlr-url and callback URLs, and MO forwarding', {
      'max-attempts': int('Tries per callback before it is given up (logged); later callbacks of the same message wait for it until then', 50, 1, 10_000),
      'retry-delay': seconds('First delay before a failed callback is tried again; doubles up to retry-delay-max', 1, 0.01),
      'retry-delay-max': seconds('Longest delay between two tries of a callback', 60, 0.01),
      timeout: seconds('A callback the client has not answered within this time counts as failed', 10, 0.1),
      concurrency: int('Callbacks in flight at once', 50, 1, 10_000),
      'order-wait': seconds('A report waits at most this long for an earlier report of the same message that was reserved but never queued (a crash in between); then it goes, and the gap is logged and counted', 30, 0.01, 86_400),
      'deny-networks': listWith('Networks (CIDR or addresses) that dlr-urls, callback URLs and MO service URLs may not reach: a URL naming one is refused when the message is accepted (or the configuration loaded), a host name resolving into one when the request is made. The list replaces the default; an account\'s callback-allow overrides it', DEFAULT_DENY_NETWORKS),
      'deny-hosts': listWith('Host names (exact, or *.domain) that dlr-urls, callback URLs and MO service URLs may not name', DEFAULT_DENY_HOSTS),
    }),
    mo: obj('Incoming messages', {
      'reassembly-timeout': seconds('How long the parts of a concatenated incoming message are kept waiting for the missing ones (Kannel sms-combine-concatenated-mo-timeout)', 1800, 1, 86_400),
      'reply-emptymessage': str('What an sms-service\'s empty answer is sent as, without omit-empty (Kannel\'s smsbox reply-emptymessage)', '<Empty reply from service provider>'),
      'reply-couldnotrepresent': str('What an sms-service\'s answer that no SMS can carry is sent as (an unknown content type, an undecodable charset; Kannel\'s reply-couldnotrepresent)', 'Result could not be represented as an SMS message.'),
      'allow-exec': bool('Let sms-services with `exec` run: each matching MO then runs a shell command with text from the handset in it (URL-encoded, as Kannel does, which still lets \' ( ) * ! ~ through). Off by default: a service with exec stops the start', false),
    }),
    services: Type.Array(ServiceSchema, { description: 'MO services', default: [] }),
    'smpp-tlvs': Type.Array(TlvSchema, { description: 'TLVs the links may send (from meta-data) and read (into meta-data)', default: [] }),
    log: obj('Logging', {
      level: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace')], {
        description: 'Lowest level written', default: 'info',
      }),
    }),
    simulator: obj('An in-process SMSC simulator, for the demo and for trying configurations', {
      enabled: bool('Start the simulator inside the gateway', false),
      host: str('Address the simulator listens on', '127.0.0.1'),
      port: port('Port the simulator listens on', 2775),
      persona: str('Behaviour of the simulator (see `switchboard simulator --help`)', 'happy'),
      'receipts': bool('Send a delivery receipt for every accepted submit', true),
      'ssl-server-cert-file': optStr('PEM certificate of the simulator; with ssl-server-key-file it speaks SMPP over TLS (for links with use-ssl)'),
      'ssl-server-key-file': optStr('PEM private key of the simulator\'s ssl-server-cert-file'),
    }),
    'smpp-server': Type.Optional(
      Type.Object(
        {
          port: port('Port client ESMEs bind to (plain SMPP)', 2775),
          interface: str('Address the SMPP server listens on', '0.0.0.0'),
          'ssl-port': port('Port for SMPP over TLS (1.2 or later) with ssl-server-cert-file and ssl-server-key-file; 0: none', 0),
          'ssl-server-cert-file': optStr('PEM certificate (and chain) of ssl-port; re-read on SIGHUP'),
          'ssl-server-key-file': optStr('PEM private key of ssl-server-cert-file; re-read on SIGHUP'),
          'max-binds': int('Most SMPP sessions this gateway process holds at once, all accounts together; more binds are refused with ESME_RBINDFAIL', 1000, 1, 100_000),
          'enquire-link-interval': seconds('An enquire_link is sent to a bound client after this much silence', 30, 0.05),
          'inactivity-timeout': seconds('A client that sends nothing (not even enquire_link_resp) for this long is disconnected', 300, 0.1),
          'response-timeout': seconds('How long a deliver_sm (receipt or MO) may stay unanswered before it is tried again (on any bind of the account)', 30, 0.05),
          window: int('Most deliver_sm (receipts, MO) outstanding per session, waiting for their deliver_sm_resp', 10, 1, 1000),
          'not-routable-status': int('command_status answering a submit whose receiver no link may carry (ESME_RINVDSTADR, 0x0B, by default)', 0x0b, 1, 0xffff_ffff),
        },
        { additionalProperties: false, description: 'An SMPP server for client ESMEs (Jasmin\'s SMPP server API, Kannel\'s opensmppbox): accounts bind with their username as system_id; off unless the section is present' },
      ),
    ),
    links: Type.Array(LinkSchema, { description: 'SMSC links', default: [] }),
    accounts: Type.Array(AccountSchema, { description: 'Accounts allowed to send', default: [] }),
  },
  { additionalProperties: false },
);

export type ConfigInput = Static<typeof ConfigSchema>;
export type LinkInput = Static<typeof LinkSchema>;
export type AccountInput = Static<typeof AccountSchema>;
export type TlvInput = Static<typeof TlvSchema>;
export type ServiceInput = Static<typeof ServiceSchema>;
