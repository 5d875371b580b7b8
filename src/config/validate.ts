/**
 * Turns a raw configuration object (from YAML or from a Kannel .conf) into a typed Config, or into the list of
 * every problem found. Pure: the loaders hand in the object and a way to find the line of a key path.
 */
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { Account, AccountLimits, RateLimit } from '../domain/account.js';
import type { Link, WaitAckExpire } from '../domain/link.js';
import type { Service } from '../domain/service.js';
import type { TlvDefinition } from '../domain/tlv.js';
import type { ListSources } from '../domain/number-lists.js';
import { regexProblem } from '../routing/rule-regex.js';
import { unifiedPrefixProblem } from '../routing/unified-prefix.js';
import { ALT_CHARSET_NAMES, parseAltCharset } from '../encoding/alt-charset.js';
import type { Config, SentinelSettings, ServerTlsFiles, SmppServerConfig } from './config.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { normalizePrefix } from './path-prefix.js';
import { parseIpRules } from '../security/ip-rules.js';
import { checkUrl, denyOnly, parseTargets, rulesOf } from '../security/outbound-policy.js';
import { normalizeOrigin } from '../security/origin.js';
import { parseStoredSecret } from '../security/password-hash.js';
import { ConfigSchema, type AccountInput, type ConfigInput, type LinkInput, type ServiceInput, type TlvInput } from './schema.js';

export interface ConfigSource {
  readonly file: string;
  /** Line of a key path (segments as in the raw object), when known. */
  readonly lineOf?: (path: readonly (string | number)[]) => number | undefined;
  /** File a key path was written in, when it may differ from `file` (a Kannel `include`); defaults to `file`. */
  readonly fileOf?: (path: readonly (string | number)[]) => string | undefined;
  /** How a path is shown to the user; defaults to `links[0].port`. */
  readonly describePath?: (path: readonly (string | number)[]) => string;
}

/** A problem at a key path, placed and described as the source says. */
export function problemAt(src: ConfigSource, path: readonly (string | number)[], message: string): ConfigProblem {
  return { file: src.fileOf?.(path) ?? src.file, line: src.lineOf?.(path), path: (src.describePath ?? dottedPath)(path), message };
}

export function dottedPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return String(v);
}

/** What a schema node accepts, in words, e.g. "an integer from 0 to 65535". */
export function describeExpected(schema: TSchema): string {
  const s = schema as TSchema & Record<string, unknown>;
  if (Array.isArray(s.anyOf)) {
    const literals = (s.anyOf as TSchema[]).map((x) => (x as Record<string, unknown>).const).filter((x) => x !== undefined);
    if (literals.length === (s.anyOf as TSchema[]).length) return `one of ${literals.map((x) => JSON.stringify(x)).join(', ')}`;
    return (s.anyOf as TSchema[]).map(describeExpected).join(' or ');
  }
  const range = (): string => {
    const lo = s.minimum as number | undefined;
    const hi = s.maximum as number | undefined;
    if (lo !== undefined && hi !== undefined) return ` from ${lo} to ${hi}`;
    if (lo !== undefined) return ` of at least ${lo}`;
    if (hi !== undefined) return ` of at most ${hi}`;
    return '';
  };
  switch (s.type) {
    case 'integer': return `an integer${range()}`;
    case 'number': return `a number${range()}`;
    case 'string': return 'a string';
    case 'boolean': return 'true or false';
    case 'array': return 'a list';
    case 'object': return 'a map';
    default: return 'a valid value';
  }
}

/** Resolves the schema node at a JSON-pointer-like path, to say what was expected there. */
export function schemaAt(root: TSchema, path: readonly (string | number)[]): TSchema | undefined {
  let node: TSchema | undefined = root;
  for (const seg of path) {
    if (!node) return undefined;
    const n = node as TSchema & Record<string, unknown>;
    if (typeof seg === 'number' && n.type === 'array') node = n.items as TSchema;
    else if (typeof seg === 'string' && n.type === 'object') node = (n.properties as Record<string, TSchema>)[seg];
    else return undefined;
  }
  return node;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function schemaProblems(raw: unknown, src: ConfigSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const err of Value.Errors(ConfigSchema, raw)) {
    const path = pointerToPath(err.path);
    const key = err.path;
    // A union reports once per branch; one message per key is enough.
    if (seen.has(key)) continue;
    seen.add(key);
    const value = valueAt(raw, path);
    const node = schemaAt(ConfigSchema, path);
    // Unknown keys are reported by unknownKeyProblems, with a suggestion.
    if (node === undefined && value !== undefined) continue;
    const message = value === undefined ? 'is required' : `expected ${describeExpected(node ?? err.schema)}, got ${describeValue(value)}`;
    problems.push(problemAt(src, path, message));
  }
  return problems;
}

/** Typebox reports `additionalProperties` on the parent; find the unknown keys so the message names them. */
function unknownKeyProblems(raw: unknown, src: ConfigSource): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const walk = (schema: TSchema, value: unknown, path: (string | number)[]): void => {
    const s = schema as TSchema & Record<string, unknown>;
    if (s.type === 'object' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const props = s.properties as Record<string, TSchema>;
      for (const [k, v] of Object.entries(value)) {
        const child = props[k];
        if (!child) {
          const near = Object.keys(props).find((p) => p.replace(/[-_]/g, '').toLowerCase() === k.replace(/[-_]/g, '').toLowerCase());
          out.push(problemAt(src, [...path, k], near ? `is not a known key (did you mean "${near}"?)` : 'is not a known key'));
        } else walk(child, v, [...path, k]);
      }
    } else if (s.type === 'array' && Array.isArray(value)) {
      value.forEach((v, i) => walk(s.items as TSchema, v, [...path, i]));
    }
  };
  walk(ConfigSchema, raw, []);
  return out;
}

/** The keys that say what an sms-service does, in the order Kannel looks for them. */
const SERVICE_ACTIONS = ['get-url', 'post-url', 'post-xml', 'file', 'text', 'exec', 'smpp-account'] as const;
const SERVICE_URLS = ['get-url', 'post-url', 'post-xml', 'dlr-url'] as const;

export const splitList = (v: string | readonly string[]): string[] =>
  (typeof v === 'string' ? v.split(';') : [...v]).map((s) => s.trim()).filter((s) => s.length > 0);

const ms = (s: number): number => Math.round(s * 1000);

/** Link ids must be unique: smsc-admin-id when given, else smsc-id, else host:port, with #n for repeats. */
function assignLinkIds(links: readonly LinkInput[]): string[] {
  const base = links.map((l) => l['smsc-admin-id'] ?? (l['smsc-id'] || `${l.host}:${l.port || l['receive-port']}`));
  const total = new Map<string, number>();
  for (const b of base) total.set(b, (total.get(b) ?? 0) + 1);
  const used = new Map<string, number>();
  return base.map((b) => {
    if (total.get(b) === 1) return b;
    const n = (used.get(b) ?? 0) + 1;
    used.set(b, n);
    return `${b}#${n}`;
  });
}

const WAIT_ACK_EXPIRE: readonly WaitAckExpire[] = ['reconnect', 'requeue', 'wait'];

/** The keys of `values` whose value is set (an optional key absent from the object keeps it small and diffable). */
function defined<T extends Record<string, string | undefined>>(values: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') (out as Record<string, string>)[k] = v;
  return out;
}

/** Kannel's white-list / black-list (+ -regex) keys of a section, with `suffix` (-sender, -receiver) after "list". */
function listSources(section: Record<string, unknown>, suffix: string): ListSources {
  const get = (k: string): string | undefined => (typeof section[k] === 'string' && section[k] !== '' ? (section[k] as string) : undefined);
  return defined({
    whiteList: get(`white-list${suffix}`),
    blackList: get(`black-list${suffix}`),
    whiteListRegex: get(`white-list${suffix}-regex`),
    blackListRegex: get(`black-list${suffix}-regex`),
  });
}

/** `{ lists }` when the section names any list, else nothing. */
function listSourcesOf(section: Record<string, unknown>, suffix: string): { lists?: ListSources } {
  const lists = listSources(section, suffix);
  return Object.keys(lists).length > 0 ? { lists } : {};
}

/** Kannel writes interface-version as the decimal digits of the hex octet: 34 is 0x34. */
export function interfaceVersionOctet(v: number): number {
  return Math.floor(v / 10) * 16 + (v % 10);
}

/** A group's definition as the link layer uses it (`cstring` is Kannel trunk's other name for nulterminated). */
function tlvDefinition(t: TlvInput): TlvDefinition {
  return { name: t.name, tag: t.tag, type: t.type === 'cstring' ? 'nulterminated' : t.type, length: t.length };
}

/**
 * The TLVs a link with this smsc-id sends and reads: the groups naming its smsc-id, then those naming none for the
 * names and tags still free (Kannel looks a name up under the smsc-id first, then under its default).
 */
export function tlvsForSmscId(tlvs: readonly TlvInput[], smscId: string): TlvDefinition[] {
  const own = tlvs.filter((t) => splitList(t['smsc-id']).includes(smscId)).map(tlvDefinition);
  const names = new Set(own.map((t) => t.name));
  const tags = new Set(own.map((t) => t.tag));
  const shared = tlvs
    .filter((t) => splitList(t['smsc-id']).length === 0)
    .map(tlvDefinition)
    .filter((t) => !names.has(t.name) && !tags.has(t.tag));
  return [...own, ...shared];
}

function toLink(l: LinkInput, id: string, tlvs: readonly TlvInput[]): Link {
  const msgIdType = l['msg-id-type'];
  return {
    id,
    smscId: l['smsc-id'] || id,
    host: l.host,
    port: l.port,
    receivePort: l['receive-port'],
    transceiver: l['transceiver-mode'],
    systemId: l['smsc-username'],
    password: l['smsc-password'],
    systemType: l['system-type'],
    addressRange: l['address-range'],
    sourceAddrTon: l['source-addr-ton'],
    sourceAddrNpi: l['source-addr-npi'],
    destAddrTon: l['dest-addr-ton'],
    destAddrNpi: l['dest-addr-npi'],
    enquireLinkIntervalMs: ms(l['enquire-link-interval']),
    responseTimeoutMs: ms(l['response-timeout']),
    unhealthyAfterMs: ms(l['unhealthy-after']),
    connectTimeoutMs: ms(l['connect-timeout']),
    maxPendingSubmits: l['max-pending-submits'],
    reconnectDelayMs: ms(l['reconnect-delay']),
    reconnectDelayMaxMs: Math.max(ms(l['reconnect-delay-max']), ms(l['reconnect-delay'])),
    throughput: l.throughput,
    instances: l.instances,
    msgIdType: { submitRespHex: msgIdType >= 0 && (msgIdType & 1) === 1, deliverHex: msgIdType >= 0 && (msgIdType & 2) === 2 },
    concatenation: l.concatenation,
    gsmPacked: l['gsm-packed'],
    throttlePauseMs: ms(l['throttle-pause']),
    spilloverQueueAgeMs: ms(l['spillover-queue-age']),
    routing: {
      allowedSmscId: splitList(l['allowed-smsc-id']),
      deniedSmscId: splitList(l['denied-smsc-id']),
      preferredSmscId: splitList(l['preferred-smsc-id']),
      allowedPrefix: splitList(l['allowed-prefix']),
      deniedPrefix: splitList(l['denied-prefix']),
      preferredPrefix: splitList(l['preferred-prefix']),
      ...defined({
        allowedSmscIdRegex: l['allowed-smsc-id-regex'],
        deniedSmscIdRegex: l['denied-smsc-id-regex'],
        preferredSmscIdRegex: l['preferred-smsc-id-regex'],
        allowedPrefixRegex: l['allowed-prefix-regex'],
        deniedPrefixRegex: l['denied-prefix-regex'],
        preferredPrefixRegex: l['preferred-prefix-regex'],
        unifiedPrefix: l['unified-prefix'],
      }),
    },
    ...listSourcesOf(l as Record<string, unknown>, ''),
    tlvs: tlvsForSmscId(tlvs, l['smsc-id'] || id),
    interop: {
      // Kannel lets 6 characters through its check and then sends 5, as SMPP 3.4 sizes the field.
      serviceType: (l['service-type'] ?? '').slice(0, 5),
      esmClass: l['esm-class'],
      altCharset: l['alt-charset'] === undefined ? undefined : parseAltCharset(l['alt-charset']),
      altAddrCharset: l['alt-addr-charset'] === undefined ? undefined : parseAltCharset(l['alt-addr-charset']),
      bindAddrTon: l['bind-addr-ton'],
      bindAddrNpi: l['bind-addr-npi'],
      interfaceVersion: interfaceVersionOctet(l['interface-version']),
      priority: l.priority,
      validityMinutes: l.validityperiod,
      maxErrorCount: l['max-error-count'],
      deadStart: l['dead-start'],
      waitAckExpire: WAIT_ACK_EXPIRE[l['wait-ack-expire']] ?? 'requeue',
    },
    tls: l['use-ssl']
      ? { caFile: l['ssl-trusted-ca-file'], verify: l['ssl-verify'], serverName: l['ssl-server-name'], clientCertKeyFile: l['ssl-client-certkey-file'] }
      : undefined,
    reroute: rerouteOf(l),
  };
}

/** "smsc-id,number,number;smsc-id2,number" → number → smsc-id; entries that are not of that form, as problems. */
export function parseRerouteReceiver(value: string): { routes: Record<string, string>; problems: string[] } {
  const routes: Record<string, string> = {};
  const problems: string[] = [];
  for (const rule of value.split(';')) {
    if (rule.trim() === '') continue;
    const [smsc, ...numbers] = rule.split(',').map((x) => x.trim());
    const receivers = numbers.filter((n) => n !== '');
    if (!smsc || receivers.length === 0) {
      problems.push(`expected "smsc-id,number[,number…]" in ${JSON.stringify(rule.trim())}`);
      continue;
    }
    for (const n of receivers) {
      // Kannel refuses to start on a receiver given two routes.
      if (n in routes) problems.push(`${n} is routed twice (to ${routes[n]} and to ${smsc})`);
      else routes[n] = smsc;
    }
  }
  return { routes, problems };
}

function rerouteOf(l: LinkInput): Link['reroute'] {
  const byReceiver = parseRerouteReceiver(l['reroute-receiver'] ?? '').routes;
  if (!l.reroute && l['reroute-smsc-id'] === undefined && Object.keys(byReceiver).length === 0 && !l['reroute-dlr']) return undefined;
  return { all: l.reroute, toSmscId: l['reroute-smsc-id'], byReceiver, dlr: l['reroute-dlr'] };
}

/** The cert and key of a TLS server section; the semantic check has made sure both are there when `on`. */
function serverTls(on: boolean, section: { 'ssl-server-cert-file'?: string; 'ssl-server-key-file'?: string }): ServerTlsFiles | undefined {
  const certFile = section['ssl-server-cert-file'];
  const keyFile = section['ssl-server-key-file'];
  return on && certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined;
}

function smppServerOf(s: ConfigInput['smpp-server']): SmppServerConfig | undefined {
  if (!s) return undefined;
  return {
    port: s.port,
    host: s.interface,
    sslPort: s['ssl-port'],
    tls: serverTls(s['ssl-port'] !== 0, s),
    maxBinds: s['max-binds'],
    enquireLinkIntervalMs: ms(s['enquire-link-interval']),
    inactivityTimeoutMs: ms(s['inactivity-timeout']),
    responseTimeoutMs: ms(s['response-timeout']),
    window: s.window,
    notRoutableStatus: s['not-routable-status'],
  };
}

/** The port a Sentinel listens on unless told otherwise. */
const SENTINEL_PORT = 26379;

/** `host:port`, `[v6]:port`, or a bare host (Sentinel's port); undefined when it is none of these. */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) return undefined;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: (m[1] ?? m[2])!, port };
}

function sentinelOf(r: ConfigInput['redis']): SentinelSettings | undefined {
  const list = splitList(r.sentinels);
  if (list.length === 0) return undefined;
  return {
    sentinels: list.flatMap((a) => parseHostPort(a, SENTINEL_PORT) ?? []),
    name: r.name,
    username: r.username,
    password: r.password,
    sentinelPassword: r['sentinel-password'],
    tls: r.tls,
    sentinelTls: r['sentinel-tls'],
    caFile: r['tls-ca-file'],
  };
}

/** Sentinel's keys: addresses that parse, no redis.url beside them, no Sentinel-only key without them. */
function redisProblems(input: ConfigInput, at: Report): void {
  const r = input.redis;
  const list = splitList(r.sentinels);
  for (const a of list) if (!parseHostPort(a, SENTINEL_PORT)) at(['redis', 'sentinels'], `expected host:port, got ${JSON.stringify(a)}`);
  if (list.length > 0 && r.url !== undefined && r.url !== '')
    at(['redis', 'url'], 'cannot be used with redis.sentinels: the Sentinels say where the primary is; remove one of them');
  if (list.length === 0) {
    const onlyWith = (['username', 'password', 'sentinel-password', 'tls-ca-file'] as const).find((k) => r[k] !== undefined);
    if (onlyWith) at(['redis', onlyWith], 'is set but redis.sentinels is not (with redis.url, credentials and TLS go in the URL)');
    for (const k of ['tls', 'sentinel-tls'] as const) if (r[k]) at(['redis', k], 'is true but redis.sentinels is not set (with redis.url, use rediss://)');
  }
  // The request path's connection gives every command command-timeout: a WAIT that outlasted it would be taken
  // for a Redis that does not answer (the circuit would open) instead of replicas that did not confirm.
  if (r['wait-replicas'] > 0 && r['wait-timeout'] >= r['command-timeout'])
    at(['redis', 'wait-timeout'], `expected less than redis.command-timeout (${r['command-timeout']} s): a WAIT must end before the request's deadline`);
}

/** A rate limit from its keys; a rate of 0 is none. */
function rateOf(perSecond: number, burst: number): RateLimit | undefined {
  return perSecond > 0 ? { perSecond, burst: burst > 0 ? burst : Math.max(1, Math.ceil(perSecond)) } : undefined;
}

function limitsOf(a: AccountInput): AccountLimits | undefined {
  const tps = rateOf(a['max-tps'], a['max-tps-burst']);
  const limits: AccountLimits = {
    requests: rateOf(a['request-rate-limit'], a['request-rate-burst']),
    tps: tps && { ...tps, mode: a['max-tps-mode'], maxDelayMs: a['max-tps-mode'] === 'pace' ? ms(a['max-tps-delay']) : 0 },
    dailyQuota: a['daily-quota'] || undefined,
    monthlyQuota: a['monthly-quota'] || undefined,
  };
  return Object.values(limits).some((v) => v !== undefined) ? limits : undefined;
}

function shapingOf(a: AccountInput): Account['shaping'] {
  const framed = [a.header, a.footer, a['split-chars'], a['split-suffix']].some((v) => v !== undefined);
  if (!framed && a.concatenation) return undefined;
  return {
    header: a.header,
    footer: a.footer,
    splitChars: a['split-chars'],
    splitSuffix: a['split-suffix'],
    concatenation: a.concatenation,
    omitEmpty: a['omit-empty'],
  };
}

function toAccount(a: AccountInput): Account {
  const limits = limitsOf(a);
  const shaping = shapingOf(a);
  return {
    ...(a['dlr-url'] !== undefined ? { dlrUrl: a['dlr-url'], dlrMask: a['dlr-mask'] } : {}),
    ...(shaping ? { shaping } : {}),
    username: a.username,
    password: a.password,
    name: a.name ?? a.username,
    defaultSmsc: a['default-smsc'],
    forcedSmsc: a['forced-smsc'],
    defaultSender: a['default-sender'],
    fakedSender: a['faked-sender'],
    maxMessages: a['max-messages'],
    allowIp: splitList(a['user-allow-ip']),
    denyIp: splitList(a['user-deny-ip']),
    callbackAllow: splitList(a['callback-allow']),
    allowedPrefix: splitList(a['allowed-prefix']),
    deniedPrefix: splitList(a['denied-prefix']),
    ...(a['smpp-max-binds'] !== undefined ? { smppMaxBinds: a['smpp-max-binds'] } : {}),
    ...defined({ allowedPrefixRegex: a['allowed-prefix-regex'], deniedPrefixRegex: a['denied-prefix-regex'] }),
    ...listSourcesOf(a as Record<string, unknown>, ''),
    ...(limits ? { limits } : {}),
  };
}

function toService(sv: ServiceInput): Service {
  return {
    name: sv.name ?? sv.keyword,
    keyword: sv.keyword.toLowerCase(),
    aliases: splitList(sv.aliases).map((a) => a.toLowerCase()),
    getUrl: sv['get-url'],
    postUrl: sv['post-url'],
    postXml: sv['post-xml'],
    text: sv.text,
    file: sv.file,
    exec: sv.exec,
    acceptedSmsc: splitList(sv['accepted-smsc']),
    receiverPrefix: splitList(sv['receiver-prefix']),
    ...(sv['smpp-account'] !== undefined ? { smppAccount: sv['smpp-account'] } : {}),
    acceptedAccount: splitList(sv['accepted-account']),
    catchAll: sv['catch-all'],
    stripKeyword: sv['strip-keyword'],
    sendSender: sv['send-sender'],
    reply: {
      maxMessages: sv['max-messages'],
      omitEmpty: sv['omit-empty'],
      header: sv.header,
      footer: sv.footer,
      prefix: sv.prefix,
      suffix: sv.suffix,
      splitChars: sv['split-chars'],
      splitSuffix: sv['split-suffix'],
      concatenation: sv.concatenation,
      fakedSender: sv['faked-sender'],
      acceptXKannelHeaders: sv['accept-x-kannel-headers'],
      assumePlainText: sv['assume-plain-text'],
      ...(sv['dlr-url'] !== undefined ? { dlrUrl: sv['dlr-url'], dlrMask: sv['dlr-mask'] } : {}),
    },
  };
}

type Report = (path: (string | number)[], message: string) => void;

function reporter(out: ConfigProblem[], src: ConfigSource): Report {
  return (path, message) => out.push(problemAt(src, path, message));
}

/** Passwords (hashes that parse), address patterns and outbound lists; plain-text passwords are warnings. */
function securityProblems(input: ConfigInput, at: Report, warn: Report): void {
  /** An empty admin-password or status-password is no password (`${STATUS_PASSWORD:-}` with no variable). */
  const password = (path: (string | number)[], value: string | undefined, emptyIsUnset: boolean): void => {
    if (value === undefined || (emptyIsUnset && value === '')) return;
    const parsed = parseStoredSecret(value);
    if (!parsed.ok) at(path, parsed.problem);
    else if (parsed.secret.kind === 'plain') warn(path, 'is stored in plain text; store the hash that `switchboard hash-password` prints instead');
  };
  const patterns = (path: (string | number)[], value: string | readonly string[]): void => {
    const r = parseIpRules(splitList(value));
    if (!r.ok) for (const p of r.problems) at(path, p);
  };
  password(['admin', 'admin-password'], input.admin['admin-password'], true);
  password(['admin', 'status-password'], input.admin['status-password'], true);
  input.accounts.forEach((a, i) => {
    password(['accounts', i, 'password'], a.password, false);
    patterns(['accounts', i, 'user-allow-ip'], a['user-allow-ip']);
    patterns(['accounts', i, 'user-deny-ip'], a['user-deny-ip']);
    const allow = parseTargets(splitList(a['callback-allow']));
    if (!allow.ok) for (const p of allow.problems) at(['accounts', i, 'callback-allow'], p);
  });
  patterns(['admin', 'admin-allow-ip'], input.admin['admin-allow-ip']);
  patterns(['admin', 'admin-deny-ip'], input.admin['admin-deny-ip']);
  const nets = rulesOf(splitList(input.callbacks['deny-networks']), []);
  if (!nets.ok) for (const p of nets.problems) at(['callbacks', 'deny-networks'], p);
  const hosts = rulesOf([], splitList(input.callbacks['deny-hosts']));
  if (!hosts.ok) for (const p of hosts.problems) at(['callbacks', 'deny-hosts'], p);
  if (!nets.ok || !hosts.ok) return;
  // An MO service URL is the operator's own: refuse it at load rather than at the first MO.
  const policy = denyOnly({ networks: nets.value.networks, hosts: hosts.value.hosts });
  input.services.forEach((sv, i) => {
    for (const key of SERVICE_URLS) {
      const u = sv[key];
      const verdict = u === undefined ? undefined : checkUrl(policy, u);
      if (verdict && !verdict.ok) at(['services', i, key], `${verdict.reason}; change the URL or callbacks.${verdict.reason.includes('deny-hosts') ? 'deny-hosts' : 'deny-networks'}`);
    }
  });
}

/** Kannel refuses two smpp-tlv groups with one name or one tag for the same smsc-id (or both for every link). */
function tlvProblems(tlvs: readonly TlvInput[], at: Report): void {
  const seen = new Map<string, number>();
  tlvs.forEach((t, i) => {
    if ((t.type === 'integer' && t.length > 4) || t.length < 1)
      at(['smpp-tlvs', i, 'length'], `an integer TLV takes 1 to 4 octets, got ${t.length}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(t.name)) at(['smpp-tlvs', i, 'name'], `expected letters, digits, _ . or -, got ${JSON.stringify(t.name)}`);
    const scopes = splitList(t['smsc-id']);
    for (const scope of scopes.length > 0 ? scopes : ['']) {
      for (const [what, key] of [
        ['name', `n\u0000${scope}\u0000${t.name}`],
        ['tag', `t\u0000${scope}\u0000${t.tag}`],
      ] as const) {
        const first = seen.get(key);
        if (first !== undefined)
          at(['smpp-tlvs', i, what], `${what} ${what === 'tag' ? `0x${t.tag.toString(16).padStart(4, '0')}` : JSON.stringify(t.name)} is already declared by smpp-tlv #${first + 1}${scope ? ` for smsc-id ${scope}` : ''}`);
        else seen.set(key, i);
      }
    }
  });
}

const REGEX_KEYS = [
  'allowed-smsc-id-regex',
  'denied-smsc-id-regex',
  'preferred-smsc-id-regex',
  'allowed-prefix-regex',
  'denied-prefix-regex',
  'preferred-prefix-regex',
  'white-list-regex',
  'black-list-regex',
  'white-list-sender-regex',
  'black-list-sender-regex',
  'white-list-receiver-regex',
  'black-list-receiver-regex',
] as const;

/** Regular expressions that do not compile, unified-prefix rules that cannot be read: refused at load, never at the first message. */
function numberProblems(input: ConfigInput, at: Report): void {
  const check = (section: Record<string, unknown>, path: (string | number)[]): void => {
    for (const key of REGEX_KEYS) {
      const v = section[key];
      if (typeof v === 'string') {
        const problem = regexProblem(v);
        if (problem) at([...path, key], problem);
      }
    }
    const up = section['unified-prefix'];
    if (typeof up === 'string' && up !== '') {
      const problem = unifiedPrefixProblem(up);
      if (problem) at([...path, 'unified-prefix'], problem);
    }
  };
  check(input.numbers as Record<string, unknown>, ['numbers']);
  check(input.http as Record<string, unknown>, ['http']);
  input.links.forEach((l, i) => check(l as Record<string, unknown>, ['links', i]));
  input.accounts.forEach((a, i) => check(a as Record<string, unknown>, ['accounts', i]));
}

/** Rules the schema cannot say: uniqueness and combinations of keys. */
function semanticProblems(input: ConfigInput, src: ConfigSource, warnings: ConfigProblem[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const at = reporter(out, src);
  const warn = reporter(warnings, src);
  securityProblems(input, at, warn);
  redisProblems(input, at);
  const users = new Set<string>();
  input.accounts.forEach((a, i) => {
    if (users.has(a.username)) at(['accounts', i, 'username'], `account "${a.username}" is defined twice`);
    const dlrUrl = a['dlr-url'];
    if (dlrUrl !== undefined && !/^https?:\/\//i.test(dlrUrl)) at(['accounts', i, 'dlr-url'], `expected an http:// or https:// URL, got ${JSON.stringify(dlrUrl)}`);
    users.add(a.username);
  });
  input.services.forEach((sv, i) => {
    const actions = SERVICE_ACTIONS.filter((k) => sv[k] !== undefined);
    if (actions.length !== 1)
      at(['services', i, actions[1] ?? 'get-url'], `expected exactly one of ${SERVICE_ACTIONS.join(', ')}${actions.length > 1 ? `, got ${actions.join(' and ')}` : ''}`);
    const account = sv['smpp-account'];
    if (account !== undefined && !input.accounts.some((a) => a.username === account))
      at(['services', i, 'smpp-account'], `names no account ("${account}" is not in accounts)`);
    for (const key of SERVICE_URLS) {
      const u = sv[key];
      if (u !== undefined && !/^https?:\/\//i.test(u)) at(['services', i, key], `expected an http:// or https:// URL, got ${JSON.stringify(u)}`);
    }
    if (sv.exec !== undefined && !input.mo['allow-exec'])
      at(['services', i, 'exec'], 'runs a shell command for every matching MO, with text from the handset in it: set mo.allow-exec: true to allow it (see its description for the risk)');
  });
  // A TLS switch without its files, or files without their switch, is a mistake either way: say which.
  const tlsServer = (section: 'http' | 'admin' | 'simulator', flag: string | undefined, on: boolean): void => {
    const keys = input[section] as { 'ssl-server-cert-file'?: string; 'ssl-server-key-file'?: string };
    const given = (['ssl-server-cert-file', 'ssl-server-key-file'] as const).filter((k) => keys[k] !== undefined);
    if (flag === undefined) {
      if (given.length === 1) at([section, given[0]!], `needs ${given[0] === 'ssl-server-cert-file' ? 'ssl-server-key-file' : 'ssl-server-cert-file'} too`);
      return;
    }
    if (on) {
      // Said at the flag: in a Kannel file the files belong in the core group, and the flag has a line.
      const missing = (['ssl-server-cert-file', 'ssl-server-key-file'] as const).filter((k) => keys[k] === undefined);
      if (missing.length > 0) at([section, flag], `is true but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`);
    } else if (given.length > 0) at([section, given[0]!], `is set but ${flag} is not true: set ${flag}: true to serve TLS, or remove it`);
  };
  tlsServer('http', 'sendsms-port-ssl', input.http['sendsms-port-ssl']);
  tlsServer('admin', 'admin-port-ssl', input.admin['admin-port-ssl']);
  tlsServer('simulator', undefined, false);
  const smpps = input['smpp-server'];
  if (smpps) {
    const given = (['ssl-server-cert-file', 'ssl-server-key-file'] as const).filter((k) => smpps[k] !== undefined);
    if (smpps['ssl-port'] !== 0 && given.length < 2) at(['smpp-server', 'ssl-port'], 'is set but ssl-server-cert-file and ssl-server-key-file are not both set');
    if (smpps['ssl-port'] === 0 && given.length > 0) at(['smpp-server', given[0]!], 'is set but ssl-port is not: set ssl-port to serve SMPP over TLS, or remove it');
    if (smpps['ssl-port'] !== 0 && smpps['ssl-port'] === smpps.port) at(['smpp-server', 'ssl-port'], `expected a port other than port (${smpps.port})`);
  }
  const adminIds = new Set<string>();
  input.links.forEach((l, i) => {
    if (l.port === 0 && l['receive-port'] === 0) at(['links', i, 'port'], 'expected a port, a receive-port or both; both are 0');
    if (l['transceiver-mode'] && l['receive-port'] !== 0) at(['links', i, 'receive-port'], 'cannot be used with transceiver-mode (the transceiver bind already receives)');
    if (l['smsc-username'].length > 15) at(['links', i, 'smsc-username'], 'expected at most 15 characters (SMPP system_id)');
    if (!l['use-ssl']) {
      const tlsKey = (['ssl-trusted-ca-file', 'ssl-server-name', 'ssl-client-certkey-file'] as const).find((k) => l[k] !== undefined);
      if (tlsKey) at(['links', i, tlsKey], 'is set but use-ssl is not true: set use-ssl: true to connect over TLS, or remove it');
    }
    for (const key of ['alt-charset', 'alt-addr-charset'] as const) {
      const cs = l[key];
      if (cs !== undefined && parseAltCharset(cs) === undefined)
        at(['links', i, key], `expected one of ${ALT_CHARSET_NAMES}, got ${JSON.stringify(cs)} (switchboard re-encodes per link only into single-octet charsets)`);
    }
    if (![33, 34, 50].includes(l['interface-version']))
      at(['links', i, 'interface-version'], `expected 33, 34 or 50 (SMPP 3.3, 3.4, 5.0), got ${l['interface-version']}`);
    else if (l['interface-version'] === 33 && (l.concatenation === 'sar' || l.concatenation === 'payload'))
      at(['links', i, 'concatenation'], `${l.concatenation} needs TLVs, which SMPP 3.3 (interface-version 33) does not have; use udh8 or udh16`);
    const serviceType = l['service-type'];
    if (serviceType !== undefined && serviceType.length > 6) at(['links', i, 'service-type'], `expected at most 6 characters (Kannel's limit; SMPP 3.4 sends 5), got ${serviceType.length}`);
    else if (serviceType !== undefined && serviceType.length === 6)
      warn(['links', i, 'service-type'], `has 6 characters: only the first 5 are sent, as SMPP 3.4 allows (and Kannel does)`);
    const rr = l['reroute-receiver'];
    if (rr !== undefined) for (const p of parseRerouteReceiver(rr).problems) at(['links', i, 'reroute-receiver'], p);
    if (l['reroute-dlr']) warn(['links', i, 'reroute-dlr'], 'receipts are not rerouted (a switchboard bind is an ESME, and an SMSC takes no receipt from one); receipts of rerouted messages are matched and reported as usual');
    const adminId = l['smsc-admin-id'];
    if (adminId !== undefined) {
      if (adminIds.has(adminId)) at(['links', i, 'smsc-admin-id'], `"${adminId}" is used by another link`);
      adminIds.add(adminId);
    }
  });
  tlvProblems(input['smpp-tlvs'], at);
  numberProblems(input, at);
  for (const origin of splitList(input.admin['allowed-origins']))
    if (normalizeOrigin(origin) === undefined)
      at(['admin', 'allowed-origins'], `expected an origin such as https://ops.example.com (scheme, host, optional port; no path), got ${JSON.stringify(origin)}`);
  if (normalizePrefix(input.admin['base-path']) === undefined) at(['admin', 'base-path'], `expected a path such as /sms-gateway (segments of URL path characters, no . or ..), got ${JSON.stringify(input.admin['base-path'])}`);
  if (input.http['sendsms-port'] !== 0 && input.http['sendsms-port'] === input.admin['admin-port'] && input.http['sendsms-interface'] === input.admin['admin-interface']) {
    at(['admin', 'admin-port'], `expected a port other than sendsms-port (${input.http['sendsms-port']})`);
  }
  return out;
}

/**
 * Fills absent keys with the schema's defaults, and nothing else. A value of the wrong type is left as it is so the
 * schema check reports it: typebox's Value.Default merges a map into a list default and a list into a map default
 * (`links: {host: h}` became an empty list of links, `allowed-smsc-id: {a: 1}` an empty list), silently.
 */
function withDefaults(schema: TSchema, value: unknown): unknown {
  const s = schema as TSchema & Record<string, unknown>;
  let v = value;
  if (v === undefined) {
    if (!('default' in s)) return undefined;
    v = structuredClone(s.default);
  }
  if (s.type === 'object' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const [k, child] of Object.entries(s.properties as Record<string, TSchema>)) {
      const filled = withDefaults(child, out[k]);
      if (filled !== undefined) out[k] = filled;
    }
    return out;
  }
  if (s.type === 'array' && Array.isArray(v)) return v.map((item) => withDefaults(s.items as TSchema, item));
  return v;
}

/** Validates and converts; throws ConfigError with every problem found. */
export function validateConfig(raw: unknown, src: ConfigSource): Config {
  return validateWithWarnings(raw, src).config;
}

/** validateConfig, with the warnings: what loads but should change (plain-text passwords). */
export function validateWithWarnings(raw: unknown, src: ConfigSource): { config: Config; warnings: ConfigProblem[] } {
  const unknown = unknownKeyProblems(raw, src);
  const filled = withDefaults(ConfigSchema, structuredClone(raw ?? {}));
  const typeProblems = schemaProblems(filled, src);
  const problems = [...unknown, ...typeProblems];
  if (problems.length > 0) throw new ConfigError(problems);
  const input = filled as ConfigInput;
  const warnings: ConfigProblem[] = [];
  const semantic = semanticProblems(input, src, warnings);
  if (semantic.length > 0) throw new ConfigError(semantic);
  return { config: toConfig(input, src), warnings };
}

function toConfig(input: ConfigInput, src: ConfigSource): Config {
  const ids = assignLinkIds(input.links);
  return {
    source: src.file,
    http: {
      port: input.http['sendsms-port'],
      host: input.http['sendsms-interface'],
      globalSender: input.http['global-sender'],
      sendsmsChars: input.http['sendsms-chars'],
      immediateReply: input.http['immediate-sendsms-reply'],
      maxBodyBytes: input.http['max-body-size'],
      requestTimeoutMs: ms(input.http['request-timeout']),
      maxRecipients: input.http['max-recipients'],
      maxConnections: input.http['max-connections'],
      headersTimeoutMs: Math.min(ms(input.http['headers-timeout']), ms(input.http['request-timeout'])),
      keepAliveTimeoutMs: ms(input.http['keep-alive-timeout']),
      clientRate: rateOf(input.http['ip-rate-limit'], input.http['ip-rate-burst']),
      tls: serverTls(input.http['sendsms-port-ssl'], input.http),
      ...listSourcesOf(input.http as Record<string, unknown>, ''),
    },
    numbers: {
      unifiedPrefix: input.numbers['unified-prefix'] || undefined,
      senders: listSources(input.numbers as Record<string, unknown>, '-sender'),
      receivers: listSources(input.numbers as Record<string, unknown>, '-receiver'),
    },
    admin: {
      port: input.admin['admin-port'],
      host: input.admin['admin-interface'],
      password: input.admin['admin-password'],
      statusPassword: input.admin['status-password'],
      allowIp: splitList(input.admin['admin-allow-ip']),
      denyIp: splitList(input.admin['admin-deny-ip']),
      tls: serverTls(input.admin['admin-port-ssl'], input.admin),
      basePath: normalizePrefix(input.admin['base-path']) ?? '',
      allowedOrigins: splitList(input.admin['allowed-origins']).flatMap((o) => normalizeOrigin(o) ?? []),
    },
    redis: {
      url: input.redis.url,
      dataDir: input.redis['data-dir'],
      keyPrefix: input.redis['key-prefix'],
      commandTimeoutMs: ms(input.redis['command-timeout']),
      deliverSmTimeoutMs: ms(input.redis['deliver-sm-timeout']),
      sentinel: sentinelOf(input.redis),
      replication:
        input.redis['wait-replicas'] > 0 ? { replicas: input.redis['wait-replicas'], timeoutMs: ms(input.redis['wait-timeout']) } : undefined,
    },
    process: { shutdownTimeoutMs: ms(input.process['shutdown-timeout']) },
    queue: {
      lockDurationMs: ms(input.queue['lock-duration']),
      maxAttempts: input.queue['max-attempts'],
      maxUnanswered: input.queue['max-unanswered'],
      batchSize: input.queue['batch-size'],
      commitLingerMs: ms(input.queue['commit-linger']),
      timeShareMs: ms(input.queue['time-share']),
      retryDelayMs: ms(input.queue['retry-delay']),
      messageLifetimeMs: ms(input.queue['message-lifetime']),
    },
    cluster: { leaseTtlMs: ms(input.cluster['lease-ttl']), refreshMs: ms(input.cluster['refresh-interval']) },
    log: { level: input.log.level },
    simulator: {
      enabled: input.simulator.enabled,
      host: input.simulator.host,
      port: input.simulator.port,
      persona: input.simulator.persona,
      receipts: input.simulator.receipts,
      tls: serverTls(true, input.simulator),
    },
    receipts: { unmatchedRetryMs: ms(input.receipts['unmatched-retry']), longMessagePolicy: input.receipts['long-message-policy'] },
    callbacks: {
      maxAttempts: input.callbacks['max-attempts'],
      retryDelayMs: ms(input.callbacks['retry-delay']),
      retryDelayMaxMs: Math.max(ms(input.callbacks['retry-delay-max']), ms(input.callbacks['retry-delay'])),
      timeoutMs: ms(input.callbacks.timeout),
      concurrency: input.callbacks.concurrency,
      orderWaitMs: ms(input.callbacks['order-wait']),
      denyNetworks: splitList(input.callbacks['deny-networks']),
      denyHosts: splitList(input.callbacks['deny-hosts']),
    },
    mo: {
      reassemblyTimeoutMs: ms(input.mo['reassembly-timeout']),
      allowExec: input.mo['allow-exec'],
      replyEmpty: input.mo['reply-emptymessage'],
      replyUnrepresentable: input.mo['reply-couldnotrepresent'],
    },
    smppServer: smppServerOf(input['smpp-server']),
    services: input.services.map(toService),
    links: input.links.map((l, i) => toLink(l, ids[i] ?? String(i), input['smpp-tlvs'])),
    accounts: input.accounts.map(toAccount),
  };
}
