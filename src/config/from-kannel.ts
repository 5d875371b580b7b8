/**
 * Maps Kannel groups to switchboard's configuration shape (the same keys, in YAML sections). Every key that is
 * not carried over is reported with its file and line: either it has no meaning here (switchboard has no separate
 * smsbox process) or it is not supported yet. Nothing is dropped silently.
 */
import type { ConfigProblem } from './config-error.js';
import type { KannelGroup } from './kannel-conf.js';
import { parseKannelInteger } from './kannel-integer.js';

/**
 * int: a Kannel integer (strtol base 0: decimal, 0x hex, 0 octal). number: a decimal number (switchboard's own keys,
 * and Kannel's throughput, a double). int-or-fraction: a Kannel integer key that switchboard also takes as a
 * fraction of a second (`reconnect-delay = 2.5`).
 */
type Kind = 'string' | 'int' | 'number' | 'int-or-fraction' | 'bool' | 'list';

interface Target {
  readonly key: string;
  readonly kind: Kind;
}

const same = (kind: Kind, key?: string) => (k: string): Target => ({ key: key ?? k, kind });

/** Kannel key → switchboard key and value kind, per section. */
const SMSC_KEYS: Record<string, (k: string) => Target> = {
  'smsc-id': same('string'),
  'smsc-admin-id': same('string'),
  host: same('string'),
  port: same('int'),
  'receive-port': same('int'),
  'transceiver-mode': same('bool'),
  'smsc-username': same('string'),
  'system-id': same('string', 'smsc-username'),
  'smsc-password': same('string'),
  'system-type': same('string'),
  'address-range': same('string'),
  'source-addr-ton': same('int'),
  'source-addr-npi': same('int'),
  'dest-addr-ton': same('int'),
  'dest-addr-npi': same('int'),
  'enquire-link-interval': same('int-or-fraction'),
  'max-pending-submits': same('int'),
  'reconnect-delay': same('int-or-fraction'),
  'wait-ack': same('int-or-fraction', 'response-timeout'),
  // switchboard's own link keys, accepted in a Kannel file too so one file can use them
  'response-timeout': same('number'),
  'unhealthy-after': same('number'),
  'connect-timeout': same('number'),
  'spillover-queue-age': same('number'),
  'throttle-pause': same('number'),
  concatenation: same('string'),
  'gsm-packed': same('bool'),
  'reconnect-delay-max': same('number'),
  throughput: same('number'),
  instances: same('int'),
  'msg-id-type': same('int'),
  'allowed-smsc-id': same('list'),
  'denied-smsc-id': same('list'),
  'preferred-smsc-id': same('list'),
  'allowed-prefix': same('list'),
  'denied-prefix': same('list'),
  'preferred-prefix': same('list'),
  'allowed-smsc-id-regex': same('string'),
  'denied-smsc-id-regex': same('string'),
  'preferred-smsc-id-regex': same('string'),
  'allowed-prefix-regex': same('string'),
  'denied-prefix-regex': same('string'),
  'preferred-prefix-regex': same('string'),
  'unified-prefix': same('string'),
  // switchboard's own: a link's receiver lists (Kannel has them per sendsms-user and for the whole gateway)
  'white-list': same('string'),
  'black-list': same('string'),
  'white-list-regex': same('string'),
  'black-list-regex': same('string'),
  'service-type': same('string'),
  'esm-class': same('int'),
  'alt-charset': same('string'),
  'alt-addr-charset': same('string'),
  'bind-addr-ton': same('int'),
  'bind-addr-npi': same('int'),
  'interface-version': same('int'),
  priority: same('int'),
  validityperiod: same('int'),
  'max-error-count': same('int'),
  'dead-start': same('bool'),
  'wait-ack-expire': same('int'),
  'use-ssl': same('bool'),
  'ssl-client-certkey-file': same('string'),
  // switchboard's own TLS keys for a link; Kannel has one ssl-trusted-ca-file for the whole gateway (core group)
  'ssl-trusted-ca-file': same('string'),
  'ssl-verify': same('bool'),
  'ssl-server-name': same('string'),
  reroute: same('bool'),
  'reroute-smsc-id': same('string'),
  'reroute-receiver': same('string'),
  'reroute-dlr': same('bool'),
};

const USER_KEYS: Record<string, (k: string) => Target> = {
  username: same('string'),
  password: same('string'),
  name: same('string'),
  'default-smsc': same('string'),
  'forced-smsc': same('string'),
  'default-sender': same('string'),
  'faked-sender': same('string'),
  'max-messages': same('int'),
  'user-allow-ip': same('list'),
  'user-deny-ip': same('list'),
  'allowed-prefix': same('list'),
  'denied-prefix': same('list'),
  'allowed-prefix-regex': same('string'),
  'denied-prefix-regex': same('string'),
  'white-list': same('string'),
  'black-list': same('string'),
  'white-list-regex': same('string'),
  'black-list-regex': same('string'),
  // switchboard's own account limits, accepted in a Kannel file too
  'request-rate-limit': same('number'),
  'request-rate-burst': same('int'),
  'max-tps': same('number'),
  'max-tps-burst': same('int'),
  'max-tps-mode': same('string'),
  'max-tps-delay': same('number'),
  'daily-quota': same('int'),
  'monthly-quota': same('int'),
  'dlr-url': same('string'),
  'dlr-mask': same('int'),
  header: same('string'),
  footer: same('string'),
  'split-chars': same('string'),
  'split-suffix': same('string'),
  concatenation: same('bool'),
  'omit-empty': same('bool'),
};

const SERVICE_KEYS: Record<string, (k: string) => Target> = {
  keyword: same('string'),
  aliases: same('list'),
  name: same('string'),
  'get-url': same('string'),
  url: same('string', 'get-url'),
  'post-url': same('string'),
  'post-xml': same('string'),
  text: same('string'),
  file: same('string'),
  exec: same('string'),
  'accepted-smsc': same('list'),
  'accepted-account': same('list'),
  'catch-all': same('bool'),
  'strip-keyword': same('bool'),
  'send-sender': same('bool'),
  'max-messages': same('int'),
  concatenation: same('bool'),
  'split-chars': same('string'),
  'split-suffix': same('string'),
  'omit-empty': same('bool'),
  header: same('string'),
  footer: same('string'),
  prefix: same('string'),
  suffix: same('string'),
  'faked-sender': same('string'),
  'accept-x-kannel-headers': same('bool'),
  'assume-plain-text': same('bool'),
  'dlr-url': same('string'),
  'dlr-mask': same('int'),
};

const TLV_KEYS: Record<string, (k: string) => Target> = {
  name: same('string'),
  tag: same('int'),
  type: same('string'),
  length: same('int'),
  'smsc-id': same('list'),
};
/** What an sms-service does, in the order Kannel looks for it (urltrans.c): the first one given is used. */
const SERVICE_ACTIONS = ['get-url', 'url', 'post-url', 'post-xml', 'file', 'text', 'exec'] as const;

const CORE_KEYS: Record<string, (k: string) => Target> = {
  'admin-port': same('int'),
  'admin-interface': same('string'),
  'admin-password': same('string'),
  'status-password': same('string'),
  'admin-allow-ip': same('list'),
  'admin-deny-ip': same('list'),
  'admin-port-ssl': same('bool'),
};

/** Core keys that go to the `numbers` section; Kannel's deprecated white-list/black-list are the sender lists. */
const NUMBERS_KEYS: Record<string, string> = {
  'unified-prefix': 'unified-prefix',
  'white-list-sender': 'white-list-sender',
  'white-list-sender-regex': 'white-list-sender-regex',
  'black-list-sender': 'black-list-sender',
  'black-list-sender-regex': 'black-list-sender-regex',
  'white-list-receiver': 'white-list-receiver',
  'white-list-receiver-regex': 'white-list-receiver-regex',
  'black-list-receiver': 'black-list-receiver',
  'black-list-receiver-regex': 'black-list-receiver-regex',
  'white-list': 'white-list-sender',
  'white-list-regex': 'white-list-sender-regex',
  'black-list': 'black-list-sender',
  'black-list-regex': 'black-list-sender-regex',
};

/**
 * Kannel's TLS files are set once, in the core group, for every TLS server (admin-port-ssl, sendsms-port-ssl)
 * and every TLS client (smsc groups with use-ssl): they are copied to each place that uses them.
 */
const CORE_TLS_KEYS = ['ssl-server-cert-file', 'ssl-server-key-file', 'ssl-client-certkey-file', 'ssl-trusted-ca-file'] as const;
type CoreTlsKey = (typeof CORE_TLS_KEYS)[number];

const SMSBOX_KEYS: Record<string, (k: string) => Target> = {
  'sendsms-port': same('int'),
  'sendsms-interface': same('string'),
  'global-sender': same('string'),
  'sendsms-chars': same('string'),
  'sendsms-port-ssl': same('bool'),
  'white-list': same('string'),
  'black-list': same('string'),
  'white-list-regex': same('string'),
  'black-list-regex': same('string'),
  'immediate-sendsms-reply': same('bool'),
  // switchboard's own connection and rate limits of the sendsms port, accepted in a Kannel file too
  'max-connections': same('int'),
  'headers-timeout': same('number'),
  'keep-alive-timeout': same('number'),
  'ip-rate-limit': same('number'),
  'ip-rate-burst': same('int'),
};

/** Where a key stands in SERVICE_ACTIONS; -1 when it is not one. */
function serviceActionRank(key: string): number {
  return (SERVICE_ACTIONS as readonly string[]).indexOf(key);
}

/**
 * smsbox keys of the services, which switchboard keeps in its `mo` section: Kannel's answers for an empty or an
 * unreadable service answer, and switchboard's own switch for exec services (mo.allow-exec).
 */
const SMSBOX_MO_KEYS: Record<string, Kind> = {
  'reply-emptymessage': 'string',
  'reply-couldnotrepresent': 'string',
  'allow-exec': 'bool',
};

/** Keys that only matter to Kannel's own process layout; reported, but as harmless. */
const NOT_NEEDED: Record<string, string> = {
  'smsbox-port': 'switchboard has no separate smsbox process',
  'smsbox-interface': 'switchboard has no separate smsbox process',
  'bearerbox-host': 'switchboard has no separate bearerbox process',
  'bearerbox-port': 'switchboard has no separate bearerbox process',
  'box-allow-ip': 'switchboard has no box connections',
  'box-deny-ip': 'switchboard has no box connections',
  'store-type': 'messages are stored in Redis',
  'store-location': 'messages are stored in Redis',
  'store-file': 'messages are stored in Redis',
  'store-dump-freq': 'messages are stored in Redis',
  'dlr-storage': 'receipt correlations are stored in Redis',
  'connection-timeout': 'a silent SMSC is detected by enquire-link-interval and response-timeout (switchboard times every response)',
  'log-file': 'switchboard logs to standard output (pino JSON)',
  'access-log': 'switchboard logs to standard output (pino JSON)',
  'log-level': 'the core group\'s log-level applies to the whole gateway',
  'reply-couldnotfetch': 'a service that fails is tried again with backoff (callbacks.max-attempts), not answered "Could not fetch content"',
  'reply-requestfailed': 'a service that fails is tried again with backoff (callbacks.max-attempts), not answered "Request Failed"',
  'http-request-retry': 'services and callbacks are retried with backoff (callbacks.max-attempts, retry-delay)',
  'http-queue-delay': 'services and callbacks are retried with backoff (callbacks.retry-delay, retry-delay-max)',
  smsc: '',
};

/**
 * Whole groups switchboard leaves out on purpose, with why. WAP and OTA, non-SMPP drivers (AT modems) and sqlbox are
 * out of scope; the storage backends and the smsbox routing have no meaning with messages in Redis and no smsbox.
 */
const OUT_OF_SCOPE_GROUPS: Record<string, string> = {
  wapbox: 'out of scope: WAP (switchboard is an SMS gateway)',
  'wap-url-map': 'out of scope: WAP (switchboard is an SMS gateway)',
  'wap-user-map': 'out of scope: WAP (switchboard is an SMS gateway)',
  wtls: 'out of scope: WAP (switchboard is an SMS gateway)',
  ppg: 'out of scope: WAP push (switchboard is an SMS gateway)',
  'wap-push-user': 'out of scope: WAP push (switchboard is an SMS gateway)',
  'test-ppg': 'out of scope: WAP push (switchboard is an SMS gateway)',
  configuration: 'out of scope: WAP push (switchboard is an SMS gateway)',
  'ota-setting': 'out of scope: OTA settings (sendota)',
  'ota-bookmark': 'out of scope: OTA settings (sendota)',
  modems: 'out of scope: AT modems are a non-SMPP SMSC driver (switchboard speaks SMPP only)',
  sqlbox: 'out of scope: sqlbox (applications send over HTTP; queues are in Redis)',
  'dlr-db': 'not needed: receipt correlations are stored in Redis',
  'store-db': 'not needed: messages are stored in Redis',
  'mysql-connection': 'not needed: receipts and messages are stored in Redis',
  'pgsql-connection': 'not needed: receipts and messages are stored in Redis',
  'sqlite-connection': 'not needed: receipts and messages are stored in Redis',
  'sqlite3-connection': 'not needed: receipts and messages are stored in Redis',
  'oracle-connection': 'not needed: receipts and messages are stored in Redis',
  'mssql-connection': 'not needed: receipts and messages are stored in Redis',
  'sdb-connection': 'not needed: receipts and messages are stored in Redis',
  'redis-connection': 'not needed: receipts and messages are stored in Redis (switchboard\'s own redis.url)',
  'cassandra-connection': 'not needed: receipts and messages are stored in Redis',
};

/** Keys of the core group that belong to WAP: out of scope. */
const WAP_CORE_KEYS = new Set(['wapbox-port', 'wapbox-port-ssl', 'wdp-interface-name', 'udp-allow-ip', 'udp-deny-ip']);

/** Kannel's log levels 0 (debug) to 4 (panic). */
const KANNEL_LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)$/;
/** A number with a fractional part (a plain integer goes through Kannel's integer reading). */
const DECIMAL_FRACTION = /^[-+]?(\d*\.\d+|\d+\.)$/;

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

export interface KannelMapping {
  /** The switchboard configuration object, before defaults. */
  readonly raw: {
    admin: Record<string, unknown>;
    http: Record<string, unknown>;
    log?: { level: string };
    numbers: Record<string, unknown>;
    mo?: Record<string, unknown>;
    links: Record<string, unknown>[];
    accounts: Record<string, unknown>[];
    services: Record<string, unknown>[];
    'smpp-tlvs': Record<string, unknown>[];
  };
  readonly errors: ConfigProblem[];
  readonly warnings: ConfigProblem[];
  /** Line of each switchboard key path, for validation messages. */
  readonly lines: Map<string, { file: string; line: number }>;
  /** How each switchboard path is described in messages (the Kannel group it came from). */
  readonly groupLabel: Map<string, string>;
}

export function pathKey(path: readonly (string | number)[]): string {
  return path.join('\u0000');
}

export function mapKannelGroups(groups: readonly KannelGroup[]): KannelMapping {
  const raw: KannelMapping['raw'] = { admin: {}, http: {}, numbers: {}, links: [], accounts: [], services: [], 'smpp-tlvs': [] };
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const lines = new Map<string, { file: string; line: number }>();
  const groupLabel = new Map<string, string>();
  const counts: Record<string, number> = {};
  const coreTls = new Map<CoreTlsKey, { value: string; file: string; line: number; label: string }>();

  const convert = (kind: Kind, value: string, file: string, line: number, label: string, key: string): unknown => {
    const fail = (expected: string, hint?: string): undefined => {
      errors.push({ file, line, path: `${label} ${key}`, message: `expected ${expected}, got ${JSON.stringify(value)}${hint ? ` (${hint})` : ''}` });
      return undefined;
    };
    const integer = (expected: string): number | undefined => {
      const n = parseKannelInteger(value);
      if (!n.ok) return fail(expected, n.hint);
      // Kannel reads `port = 02775` as 1533, and so does switchboard, but a leading zero is rarely meant as octal.
      if (n.base === 8 && n.value !== Number(value)) {
        warnings.push({ file, line, path: `${label} ${key}`, message: `${value} is read as octal ${n.value}, as Kannel reads it; write ${Number(value)} if you mean decimal` });
      }
      return n.value;
    };
    switch (kind) {
      case 'string':
      case 'list':
        return value;
      case 'int':
        return integer('an integer');
      case 'int-or-fraction':
        if (DECIMAL_FRACTION.test(value)) return Number(value);
        return integer('a number');
      case 'number':
        return DECIMAL.test(value) ? Number(value) : fail('a number');
      case 'bool': {
        const v = value.toLowerCase();
        if (TRUE.has(v)) return true;
        if (FALSE.has(v)) return false;
        return fail('true or false');
      }
    }
  };

  for (const group of groups) {
    counts[group.name] = (counts[group.name] ?? 0) + 1;
    const label = `group ${group.name}${counts[group.name]! > 1 ? ` #${counts[group.name]}` : ''} (line ${group.line})`;
    let table: Record<string, (k: string) => Target> | undefined;
    let target: Record<string, unknown> | undefined;
    let basePath: (string | number)[];
    switch (group.name) {
      case 'core':
        table = CORE_KEYS; target = raw.admin; basePath = ['admin'];
        break;
      case 'smsbox':
        table = SMSBOX_KEYS; target = raw.http; basePath = ['http'];
        break;
      case 'smsc': {
        const kind = group.entries.find((e) => e.key === 'smsc')?.value.toLowerCase();
        if (kind !== 'smpp') {
          warnings.push({
            file: group.file, line: group.line, path: label,
            message: kind ? `smsc = ${kind} is not supported (only smpp); this link is skipped` : 'has no "smsc" key; skipped (only smsc = smpp is supported)',
          });
          continue;
        }
        table = SMSC_KEYS; target = {}; basePath = ['links', raw.links.length];
        raw.links.push(target);
        break;
      }
      case 'sendsms-user':
        table = USER_KEYS; target = {}; basePath = ['accounts', raw.accounts.length];
        raw.accounts.push(target);
        break;
      case 'sms-service': {
        table = SERVICE_KEYS; target = {}; basePath = ['services', raw.services.length];
        raw.services.push(target);
        break;
      }
      case 'smpp-tlv':
        table = TLV_KEYS; target = {}; basePath = ['smpp-tlvs', raw['smpp-tlvs'].length];
        raw['smpp-tlvs'].push(target);
        break;
      default: {
        const why = OUT_OF_SCOPE_GROUPS[group.name];
        warnings.push({
          file: group.file, line: group.line, path: label,
          message: why !== undefined ? `${why}; its ${group.entries.length} keys are ignored` : `group "${group.name}" is not supported yet; its ${group.entries.length} keys are ignored`,
        });
        continue;
      }
    }
    groupLabel.set(pathKey(basePath), label);
    lines.set(pathKey(basePath), { file: group.file, line: group.line });
    for (const e of group.entries) {
      if (group.name === 'core' && e.key === 'log-level') {
        const n = parseKannelInteger(e.value);
        const level = n.ok ? KANNEL_LOG_LEVELS[n.value] : undefined;
        if (level) {
          raw.log = { level };
          lines.set(pathKey(['log', 'level']), { file: e.file, line: e.line });
          groupLabel.set(pathKey(['log', 'level']), `${label} log-level`);
        } else errors.push({ file: e.file, line: e.line, path: `${label} log-level`, message: `expected 0 to 4, got ${JSON.stringify(e.value)}` });
        continue;
      }
      const numbersKey = group.name === 'core' ? NUMBERS_KEYS[e.key] : undefined;
      if (numbersKey !== undefined) {
        if (numbersKey !== e.key)
          warnings.push({ file: e.file, line: e.line, path: `${label} ${e.key}`, message: `deprecated in Kannel; read as ${numbersKey}` });
        raw.numbers[numbersKey] = e.value;
        lines.set(pathKey(['numbers', numbersKey]), { file: e.file, line: e.line });
        groupLabel.set(pathKey(['numbers', numbersKey]), `${label} ${e.key}`);
        continue;
      }
      const moKind = group.name === 'smsbox' ? SMSBOX_MO_KEYS[e.key] : undefined;
      if (moKind !== undefined) {
        const v = convert(moKind, e.value, e.file, e.line, label, e.key);
        if (v !== undefined) {
          raw.mo = { ...raw.mo, [e.key]: v };
          lines.set(pathKey(['mo', e.key]), { file: e.file, line: e.line });
          groupLabel.set(pathKey(['mo', e.key]), `${label} ${e.key}`);
        }
        continue;
      }
      const tlsKey = CORE_TLS_KEYS.find((k) => k === e.key);
      if (group.name === 'core' && tlsKey) {
        coreTls.set(tlsKey, { value: e.value, file: e.file, line: e.line, label: `${label} ${e.key}` });
        continue;
      }
      const action = group.name === 'sms-service' ? serviceActionRank(e.key) : -1;
      if (action >= 0) {
        const used = group.entries.find((x) => {
          const rank = serviceActionRank(x.key);
          return rank >= 0 && rank < action;
        });
        if (used) {
          warnings.push({ file: e.file, line: e.line, path: `${label} ${e.key}`, message: `ignored: ${used.key} comes first (Kannel uses one of ${SERVICE_ACTIONS.join(', ')}, the first in that order)` });
          continue;
        }
      }
      const map = table[e.key];
      if (!map && group.name === 'core' && WAP_CORE_KEYS.has(e.key)) {
        warnings.push({ file: e.file, line: e.line, path: `${label} ${e.key}`, message: 'out of scope: WAP (switchboard is an SMS gateway)' });
        continue;
      }
      if (!map) {
        if (e.key in NOT_NEEDED) {
          const why = NOT_NEEDED[e.key];
          if (why) warnings.push({ file: e.file, line: e.line, path: `${label} ${e.key}`, message: `not needed: ${why}` });
        } else {
          warnings.push({ file: e.file, line: e.line, path: `${label} ${e.key}`, message: 'is not supported; ignored' });
        }
        continue;
      }
      const t = map(e.key);
      const v = convert(t.kind, e.value, e.file, e.line, label, e.key);
      if (v === undefined) continue;
      if (t.key in target) {
        warnings.push({ file: e.file, line: e.line, path: `${label} ${e.key}`, message: 'is set twice in this group; the last value wins' });
      }
      target[t.key] = v;
      lines.set(pathKey([...basePath, t.key]), { file: e.file, line: e.line });
      groupLabel.set(pathKey([...basePath, t.key]), `${label} ${e.key}`);
    }
    if (group.name === 'smsc' && target['port'] !== undefined && target['receive-port'] !== undefined && target['transceiver-mode'] !== true) {
      warnings.push({
        file: group.file, line: group.line, path: label,
        message: 'port and receive-port in one group: opening a transmitter bind on port and a receiver bind on receive-port (Kannel 1.4.5 refuses this; two groups with the same smsc-id are its way)',
      });
    }
    if (group.name === 'smsc' && target['use-ssl'] !== true) {
      // Kannel ignores a link's ssl keys without use-ssl; switchboard would refuse them, so they are dropped here, said.
      for (const k of Object.keys(target).filter((x) => x.startsWith('ssl-'))) {
        const at = lines.get(pathKey([...basePath, k]));
        warnings.push({ file: at?.file ?? group.file, line: at?.line ?? group.line, path: groupLabel.get(pathKey([...basePath, k])) ?? label, message: 'ignored: this group has no use-ssl = true' });
        delete target[k];
      }
    }
  }
  const copyTls = (key: CoreTlsKey, targets: { obj: Record<string, unknown>; path: (string | number)[] }[], unused: string): void => {
    const v = coreTls.get(key);
    if (!v) return;
    const into = targets.filter((t) => t.obj[key] === undefined);
    if (targets.length === 0) warnings.push({ file: v.file, line: v.line, path: v.label, message: `not used: ${unused}` });
    for (const t of into) {
      t.obj[key] = v.value;
      lines.set(pathKey([...t.path, key]), { file: v.file, line: v.line });
      groupLabel.set(pathKey([...t.path, key]), v.label);
    }
  };
  const servers = [
    ...(raw.http['sendsms-port-ssl'] === true ? [{ obj: raw.http, path: ['http'] }] : []),
    ...(raw.admin['admin-port-ssl'] === true ? [{ obj: raw.admin, path: ['admin'] }] : []),
  ];
  const clients = raw.links.flatMap((l, i) => (l['use-ssl'] === true ? [{ obj: l, path: ['links', i] }] : []));
  copyTls('ssl-server-cert-file', servers, 'neither sendsms-port-ssl nor admin-port-ssl is true');
  copyTls('ssl-server-key-file', servers, 'neither sendsms-port-ssl nor admin-port-ssl is true');
  copyTls('ssl-client-certkey-file', clients, 'no smsc group has use-ssl = true (switchboard uses it only for SMPP)');
  copyTls('ssl-trusted-ca-file', clients, 'no smsc group has use-ssl = true (switchboard uses it only for SMPP)');
  return { raw, errors, warnings, lines, groupLabel };
}
