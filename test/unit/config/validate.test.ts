/**
 * validateConfig: the schema (defined once, src/config/schema.ts) applied to a raw object from either loader.
 * Every problem names the file, the line (through the loader's lineOf), the key path and what was expected.
 */
import { describe, it, expect } from 'vitest';
import { Type } from '@sinclair/typebox';
import { ConfigError, formatProblem, type ConfigProblem } from '../../../src/config/config-error.js';
import { LinkSchema } from '../../../src/config/schema.js';
import { describeExpected, dottedPath, splitList, validateConfig, validateWithWarnings, type ConfigSource } from '../../../src/config/validate.js';

const SRC: ConfigSource = { file: 'c.yaml' };
const link = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ host: 'h', 'smsc-username': 'u', 'smsc-password': 'p', ...over });

function problemsOf(raw: unknown, src: ConfigSource = SRC): ConfigProblem[] {
  try {
    validateConfig(raw, src);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError');
}
const messages = (raw: unknown): string[] => problemsOf(raw).map(formatProblem);

describe('dottedPath, splitList, describeExpected', () => {
  it.each([
    [[], ''],
    [['http'], 'http'],
    [['http', 'sendsms-port'], 'http.sendsms-port'],
    [['links', 0], 'links[0]'],
    [['links', 2, 'allowed-smsc-id', 1], 'links[2].allowed-smsc-id[1]'],
  ] as const)('dottedPath(%j) = %j', (path, expected) => {
    expect(dottedPath(path)).toBe(expected);
  });

  it.each([
    ['a;b;c', ['a', 'b', 'c']],
    [' a ; b ', ['a', 'b']],
    ['a;;b;', ['a', 'b']],
    ['', []],
    [';', []],
    [['x', ' y ', ''], ['x', 'y']],
    [[], []],
    // Kannel's lists are ';'-separated; a space is part of an item
    ['127.0.0.1 10.0.0.1', ['127.0.0.1 10.0.0.1']],
  ] as const)('splitList(%j) = %j', (input, expected) => {
    expect(splitList(input)).toEqual(expected);
  });

  it.each([
    ['an integer from 0 to 65535', Type.Integer({ minimum: 0, maximum: 65535 })],
    ['an integer of at least 1', Type.Integer({ minimum: 1 })],
    ['an integer of at most 9', Type.Integer({ maximum: 9 })],
    ['an integer', Type.Integer()],
    ['a number from 0.05 to 86400', Type.Number({ minimum: 0.05, maximum: 86400 })],
    ['a string', Type.String()],
    ['true or false', Type.Boolean()],
    ['a list', Type.Array(Type.String())],
    ['a map', Type.Object({})],
    ['one of "a", "b"', Type.Union([Type.Literal('a'), Type.Literal('b')])],
    ['a list or a string', Type.Union([Type.Array(Type.String()), Type.String()])],
    ['a valid value', Type.Null()],
  ])('describeExpected → %s', (expected, schema) => {
    expect(describeExpected(schema)).toBe(expected);
  });

  it('every link key of the schema has a description and a sensible "expected" text', () => {
    for (const [key, node] of Object.entries(LinkSchema.properties)) {
      expect(typeof (node as { description?: unknown }).description, key).toBe('string');
      expect(describeExpected(node), key).not.toBe('a valid value');
    }
  });
});

describe('validateConfig: problems', () => {
  it.each([
    // wrong type
    [{ http: { 'sendsms-port': '13013' } }, ['c.yaml: http.sendsms-port: expected an integer from 0 to 65535, got "13013"']],
    [{ http: { 'sendsms-port': true } }, ['c.yaml: http.sendsms-port: expected an integer from 0 to 65535, got true']],
    [{ http: null }, ['c.yaml: http: expected a map, got null']],
    [{ http: 'x' }, ['c.yaml: http: expected a map, got "x"']],
    [{ http: [1, 2] }, ['c.yaml: http: expected a map, got a list']],
    [{ links: { host: 'h' } }, ['c.yaml: links: expected a list, got a map']],
    [{ links: 'h' }, ['c.yaml: links: expected a list, got "h"']],
    [{ links: [link({ 'allowed-smsc-id': { a: 1 } })] }, ['c.yaml: links[0].allowed-smsc-id: expected a list or a string, got a map']],
    [{ links: [link({ 'allowed-smsc-id': [1] })] }, ['c.yaml: links[0].allowed-smsc-id: expected a list or a string, got a list']],
    [{ accounts: [{ username: 'u', password: 7 }] }, ['c.yaml: accounts[0].password: expected a string, got 7']],
    [{ links: [link({ host: 'x'.repeat(50) })].map((l) => ({ ...l, port: 'y'.repeat(50) })) }, [`c.yaml: links[0].port: expected an integer from 0 to 65535, got "${'y'.repeat(40)}…"`]],
    // out of range
    [{ links: [link({ port: -1 })] }, ['c.yaml: links[0].port: expected an integer from 0 to 65535, got -1']],
    [{ links: [link({ 'max-pending-submits': 10_001 })] }, ['c.yaml: links[0].max-pending-submits: expected an integer from 1 to 10000, got 10001']],
    [{ links: [link({ 'enquire-link-interval': 0 })] }, ['c.yaml: links[0].enquire-link-interval: expected a number from 0.05 to 86400, got 0']],
    [{ links: [link({ 'msg-id-type': -2 })] }, ['c.yaml: links[0].msg-id-type: expected an integer from -1 to 3, got -2']],
    [{ queue: { 'max-attempts': 0 } }, ['c.yaml: queue.max-attempts: expected an integer from 1 to 1000, got 0']],
    [{ queue: { 'message-lifetime': 59 } }, ['c.yaml: queue.message-lifetime: expected a number from 60 to 7776000, got 59']],
    // unknown keys; a suggestion when only separators or case differ
    [{ htp: {} }, ['c.yaml: htp: is not a known key']],
    [{ HTTP: {} }, ['c.yaml: HTTP: is not a known key (did you mean "http"?)']],
    [{ links: [link({ smsc_id: 'x' })] }, ['c.yaml: links[0].smsc_id: is not a known key (did you mean "smsc-id"?)']],
    [{ accounts: [{ username: 'u', password: 'p', 'Forced_SMSC': 'x' }] }, ['c.yaml: accounts[0].Forced_SMSC: is not a known key (did you mean "forced-smsc"?)']],
    [{ redis: { keyprefix: 'x' } }, ['c.yaml: redis.keyprefix: is not a known key (did you mean "key-prefix"?)']],
    // missing required keys
    [{ links: [{}] }, ['c.yaml: links[0].host: is required', 'c.yaml: links[0].smsc-username: is required', 'c.yaml: links[0].smsc-password: is required']],
    [{ accounts: [{ password: 'p' }] }, ['c.yaml: accounts[0].username: is required']],
  ])('%j', (raw, expected) => {
    expect(messages(raw)).toEqual(expected);
  });

  it.each([
    // rules the schema cannot say; checked once the types are right
    [{ accounts: [{ username: 'a', password: 'x' }, { username: 'b', password: 'y' }, { username: 'a', password: 'z' }] }, ['c.yaml: accounts[2].username: account "a" is defined twice']],
    [{ links: [link({ port: 0 })] }, ['c.yaml: links[0].port: expected a port, a receive-port or both; both are 0']],
    [{ links: [link({ 'transceiver-mode': true, 'receive-port': 1 })] }, ['c.yaml: links[0].receive-port: cannot be used with transceiver-mode (the transceiver bind already receives)']],
    [{ links: [link({ 'smsc-username': '0123456789abcdef' })] }, ['c.yaml: links[0].smsc-username: expected at most 15 characters (SMPP system_id)']],
    [{ links: [link({ 'smsc-admin-id': 'x' }), link({ 'smsc-admin-id': 'x' })] }, ['c.yaml: links[1].smsc-admin-id: "x" is used by another link']],
    [{ admin: { 'admin-port': 13013 } }, ['c.yaml: admin.admin-port: expected a port other than sendsms-port (13013)']],
  ])('%j', (raw, expected) => {
    expect(messages(raw)).toEqual(expected);
  });

  it.each([
    ['a 15-character system_id', { links: [link({ 'smsc-username': '0123456789abcde' })] }],
    ['admin and sendsms on one port but different interfaces', { http: { 'sendsms-interface': '127.0.0.1' }, admin: { 'admin-port': 13013 } }],
    ['admin-port equal to a disabled sendsms-port', { http: { 'sendsms-port': 0 }, admin: { 'admin-port': 0 } }],
    ['a receive-only link', { links: [link({ port: 0, 'receive-port': 2776 })] }],
    ['two links with one smsc-id (active-active)', { links: [link({ 'smsc-id': 'x' }), link({ 'smsc-id': 'x' })] }],
  ])('%s is fine', (_what, raw) => {
    expect(() => validateConfig(raw, SRC)).not.toThrow();
  });

  it('uses the loader\'s line, file and path description for every kind of problem', () => {
    const src: ConfigSource = {
      file: 'main.conf',
      lineOf: (p) => 100 + p.length,
      fileOf: (p) => (p[0] === 'links' ? 'links.conf' : undefined),
      describePath: (p) => `<${p.join('/')}>`,
    };
    expect(problemsOf({ links: [link({ port: 'x', bogus: 1 })] }, src)).toEqual([
      { file: 'links.conf', line: 103, path: '<links/0/bogus>', message: 'is not a known key' },
      { file: 'links.conf', line: 103, path: '<links/0/port>', message: 'expected an integer from 0 to 65535, got "x"' },
    ]);
    expect(problemsOf({ accounts: [{ username: 'a', password: 'p' }, { username: 'a', password: 'p' }] }, src)).toEqual([
      { file: 'main.conf', line: 103, path: '<accounts/1/username>', message: 'account "a" is defined twice' },
    ]);
  });

  it('without lineOf a problem has no line and is shown as file: path: message', () => {
    expect(problemsOf({ http: { 'sendsms-port': 'x' } })).toEqual([
      { file: 'c.yaml', line: undefined, path: 'http.sendsms-port', message: 'expected an integer from 0 to 65535, got "x"' },
    ]);
  });

  it('ConfigError lists every problem in its message', () => {
    try {
      validateConfig({ htp: 1, links: [{}] }, SRC);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toBe(
        [
          'invalid configuration:',
          '  c.yaml: htp: is not a known key',
          '  c.yaml: links[0].host: is required',
          '  c.yaml: links[0].smsc-username: is required',
          '  c.yaml: links[0].smsc-password: is required',
        ].join('\n'),
      );
    }
  });
});

describe('validateConfig: the typed Config', () => {
  it('null, undefined and {} are the default configuration', () => {
    for (const raw of [null, undefined, {}]) {
      const c = validateConfig(raw, SRC);
      expect(c.http.port).toBe(13013);
      expect(c.links).toEqual([]);
    }
  });

  it('defaults fill absent keys and never replace a given value', () => {
    const c = validateConfig({ http: { 'global-sender': 'X' }, links: [link()] }, SRC);
    expect(c.http).toMatchObject({ port: 13013, host: '0.0.0.0', globalSender: 'X' });
    expect(c.links[0]).toMatchObject({
      smscId: 'h:2775',
      port: 2775,
      receivePort: 0,
      transceiver: false,
      systemType: '',
      addressRange: '',
      sourceAddrTon: undefined,
      sourceAddrNpi: undefined,
      destAddrTon: 2,
      destAddrNpi: 1,
      enquireLinkIntervalMs: 30_000,
      responseTimeoutMs: 30_000,
      unhealthyAfterMs: 3_000,
      connectTimeoutMs: 10_000,
      maxPendingSubmits: 10,
      reconnectDelayMs: 10_000,
      reconnectDelayMaxMs: 60_000,
      throughput: 0,
      instances: 1,
      concatenation: 'udh8',
      gsmPacked: false,
      throttlePauseMs: 1000,
    });
  });

  it('does not change the raw object it is given', () => {
    const raw = { links: [link()] };
    const before = structuredClone(raw);
    validateConfig(raw, SRC);
    expect(raw).toEqual(before);
  });

  it.each([
    // seconds (Kannel's unit) → ms, rounded
    ['reconnect-delay', 0.0125, 'reconnectDelayMs', 13],
    ['response-timeout', 2.5, 'responseTimeoutMs', 2500],
    ['throttle-pause', 0, 'throttlePauseMs', 0],
    ['enquire-link-interval', 0.05, 'enquireLinkIntervalMs', 50],
  ] as const)('%s = %d → %s = %d', (key, seconds, field, ms) => {
    expect(validateConfig({ links: [link({ [key]: seconds })] }, SRC).links[0]?.[field]).toBe(ms);
  });

  it.each([
    [1, 60, 60_000],
    [90, 60, 90_000],
    [5, 5, 5_000],
  ])('reconnect-delay %d, reconnect-delay-max %d → max %d ms (the max is never below the first delay)', (delay, max, expected) => {
    expect(validateConfig({ links: [link({ 'reconnect-delay': delay, 'reconnect-delay-max': max })] }, SRC).links[0]?.reconnectDelayMaxMs).toBe(expected);
  });

  it('source-addr-ton/npi stay undefined unless given (autodetection)', () => {
    const [a, b] = validateConfig({ links: [link({ 'smsc-id': 'a' }), link({ 'smsc-id': 'b', 'source-addr-ton': 5, 'source-addr-npi': 0 })] }, SRC).links;
    expect([a?.sourceAddrTon, a?.sourceAddrNpi, b?.sourceAddrTon, b?.sourceAddrNpi]).toEqual([undefined, undefined, 5, 0]);
  });

  it('accounts: name defaults to the username; lists are split', () => {
    const [a, b] = validateConfig(
      { accounts: [{ username: 'a', password: 'x' }, { username: 'b', password: 'y', name: 'svc', 'user-allow-ip': '1.2.3.4;5.6.7.*', 'denied-prefix': ['+1', '+7'], 'max-messages': 3 }] },
      SRC,
    ).accounts;
    expect(a).toEqual({
      username: 'a', password: 'x', name: 'a', defaultSmsc: undefined, forcedSmsc: undefined, defaultSender: undefined, fakedSender: undefined,
      maxMessages: 10, allowIp: [], denyIp: [], callbackAllow: [], allowedPrefix: [], deniedPrefix: [],
    });
    expect(b).toMatchObject({ name: 'svc', allowIp: ['1.2.3.4', '5.6.7.*'], deniedPrefix: ['+1', '+7'], maxMessages: 3 });
  });

  it.each([
    // link ids are unique: smsc-admin-id, else smsc-id, else host:port (receive-port when port is 0), with #n for repeats
    [[{}, {}], ['h:2775#1', 'h:2775#2']],
    [[{ 'smsc-id': 'x' }, { 'smsc-id': 'y' }], ['x', 'y']],
    [[{ 'smsc-id': 'x' }, { 'smsc-id': 'x' }, { 'smsc-id': 'y' }, { 'smsc-id': 'x' }], ['x#1', 'x#2', 'y', 'x#3']],
    [[{ 'smsc-id': 'x', 'smsc-admin-id': 'x-a' }, { 'smsc-id': 'x' }], ['x-a', 'x']],
    [[{ port: 0, 'receive-port': 2776 }], ['h:2776']],
  ])('link ids for %j → %j', (extras, ids) => {
    expect(validateConfig({ links: extras.map((x) => link(x)) }, SRC).links.map((l) => l.id)).toEqual(ids);
  });
});

describe('validateConfig: limits', () => {
  it('an account without limit keys has no limits; the http limits have their defaults', () => {
    const c = validateConfig({ accounts: [{ username: 'u', password: 'p' }] }, SRC);
    expect(c.accounts[0]!.limits).toBeUndefined();
    expect(c.http).toMatchObject({ maxConnections: 15_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 72_000, clientRate: undefined });
  });

  it('rates with their bursts (0: one second\'s worth, at least 1), max-tps with its mode, quotas', () => {
    const c = validateConfig(
      {
        http: { 'ip-rate-limit': 0.5, 'headers-timeout': 60, 'request-timeout': 5 },
        accounts: [
          { username: 'a', password: 'p', 'request-rate-limit': 2.5, 'max-tps': 10, 'max-tps-mode': 'pace', 'max-tps-delay': 30, 'daily-quota': 100 },
          { username: 'b', password: 'p', 'max-tps': 10, 'max-tps-burst': 4, 'max-tps-delay': 30, 'monthly-quota': 5 },
        ],
      },
      SRC,
    );
    expect(c.http.clientRate).toEqual({ perSecond: 0.5, burst: 1 });
    // headers are part of the request: their deadline is never later than the request's
    expect(c.http.headersTimeoutMs).toBe(5000);
    expect(c.accounts[0]!.limits).toEqual({ requests: { perSecond: 2.5, burst: 3 }, tps: { perSecond: 10, burst: 10, mode: 'pace', maxDelayMs: 30_000 }, dailyQuota: 100, monthlyQuota: undefined });
    // refuse mode never holds a message, whatever max-tps-delay says
    expect(c.accounts[1]!.limits).toEqual({ requests: undefined, tps: { perSecond: 10, burst: 4, mode: 'refuse', maxDelayMs: 0 }, dailyQuota: undefined, monthlyQuota: 5 });
  });

  it('refuses a mode it does not know and a negative rate, naming the key', () => {
    expect(messages({ accounts: [{ username: 'a', password: 'p', 'max-tps-mode': 'queue', 'max-tps': -1 }] })).toEqual([
      'c.yaml: accounts[0].max-tps: expected a number from 0 to 1000000, got -1',
      'c.yaml: accounts[0].max-tps-mode: expected one of "refuse", "pace", got "queue"',
    ]);
  });
});

describe('validateConfig: TLS keys', () => {
  it('sendsms-port-ssl, admin-port-ssl and the simulator\'s files become typed cert and key files', () => {
    const c = validateConfig(
      {
        http: { 'sendsms-port-ssl': true, 'ssl-server-cert-file': 'h.pem', 'ssl-server-key-file': 'h.key' },
        admin: { 'admin-port-ssl': true, 'ssl-server-cert-file': 'a.pem', 'ssl-server-key-file': 'a.key' },
        simulator: { 'ssl-server-cert-file': 's.pem', 'ssl-server-key-file': 's.key' },
      },
      SRC,
    );
    expect([c.http.tls, c.admin.tls, c.simulator.tls]).toEqual([
      { certFile: 'h.pem', keyFile: 'h.key' },
      { certFile: 'a.pem', keyFile: 'a.key' },
      { certFile: 's.pem', keyFile: 's.key' },
    ]);
  });

  it('without them every port is plain', () => {
    const c = validateConfig({}, SRC);
    expect([c.http.tls, c.admin.tls, c.simulator.tls]).toEqual([undefined, undefined, undefined]);
  });

  it('a link with use-ssl verifies by default; without use-ssl it has no tls', () => {
    const [plain, secure, custom] = validateConfig(
      {
        links: [
          link({ 'smsc-id': 'a' }),
          link({ 'smsc-id': 'b', 'use-ssl': true }),
          link({ 'smsc-id': 'c', 'use-ssl': true, 'ssl-trusted-ca-file': 'ca.pem', 'ssl-verify': false, 'ssl-server-name': 'smsc.example.net', 'ssl-client-certkey-file': 'me.pem' }),
        ],
      },
      SRC,
    ).links;
    expect(plain?.tls).toBeUndefined();
    expect(secure?.tls).toEqual({ caFile: undefined, verify: true, serverName: undefined, clientCertKeyFile: undefined });
    expect(custom?.tls).toEqual({ caFile: 'ca.pem', verify: false, serverName: 'smsc.example.net', clientCertKeyFile: 'me.pem' });
  });

  it.each([
    [{ http: { 'sendsms-port-ssl': true } }, ['c.yaml: http.sendsms-port-ssl: is true but ssl-server-cert-file and ssl-server-key-file are not set']],
    [{ http: { 'sendsms-port-ssl': true, 'ssl-server-cert-file': 'c.pem' } }, ['c.yaml: http.sendsms-port-ssl: is true but ssl-server-key-file is not set']],
    [{ http: { 'ssl-server-cert-file': 'c.pem', 'ssl-server-key-file': 'k.pem' } }, ['c.yaml: http.ssl-server-cert-file: is set but sendsms-port-ssl is not true: set sendsms-port-ssl: true to serve TLS, or remove it']],
    [{ admin: { 'admin-port-ssl': true, 'ssl-server-key-file': 'k.pem' } }, ['c.yaml: admin.admin-port-ssl: is true but ssl-server-cert-file is not set']],
    [{ admin: { 'ssl-server-key-file': 'k.pem' } }, ['c.yaml: admin.ssl-server-key-file: is set but admin-port-ssl is not true: set admin-port-ssl: true to serve TLS, or remove it']],
    [{ simulator: { 'ssl-server-cert-file': 'c.pem' } }, ['c.yaml: simulator.ssl-server-cert-file: needs ssl-server-key-file too']],
    [{ simulator: { 'ssl-server-key-file': 'k.pem' } }, ['c.yaml: simulator.ssl-server-key-file: needs ssl-server-cert-file too']],
    [{ links: [link({ 'ssl-trusted-ca-file': 'ca.pem' })] }, ['c.yaml: links[0].ssl-trusted-ca-file: is set but use-ssl is not true: set use-ssl: true to connect over TLS, or remove it']],
    [{ links: [link({ 'ssl-client-certkey-file': 'me.pem' })] }, ['c.yaml: links[0].ssl-client-certkey-file: is set but use-ssl is not true: set use-ssl: true to connect over TLS, or remove it']],
    [{ links: [link({ 'use-ssl': 'yes' })] }, ['c.yaml: links[0].use-ssl: expected true or false, got "yes"']],
  ])('%j', (raw, expected) => {
    expect(messages(raw)).toEqual(expected);
  });
});

describe('validateConfig: sms-services that answer', () => {
  it('a service does exactly one thing: get-url, post-url, post-xml, file, text or exec', () => {
    expect(messages({ services: [{ keyword: 'a' }] })).toEqual([
      'c.yaml: services[0].get-url: expected exactly one of get-url, post-url, post-xml, file, text, exec, smpp-account',
    ]);
    expect(messages({ services: [{ keyword: 'a', text: 'hi', 'get-url': 'http://x/' }] })).toEqual([
      'c.yaml: services[0].text: expected exactly one of get-url, post-url, post-xml, file, text, exec, smpp-account, got get-url and text',
    ]);
  });

  it('post-xml is a URL like get-url and post-url', () => {
    expect(messages({ services: [{ keyword: 'a', 'post-xml': 'ftp://x/' }] })).toEqual([
      'c.yaml: services[0].post-xml: expected an http:// or https:// URL, got "ftp://x/"',
    ]);
  });

  it('exec runs only with mo.allow-exec: true', () => {
    expect(messages({ services: [{ keyword: 'date', exec: '/bin/date' }] })).toEqual([
      'c.yaml: services[0].exec: runs a shell command for every matching MO, with text from the handset in it: set mo.allow-exec: true to allow it (see its description for the risk)',
    ]);
    const config = validateConfig({ mo: { 'allow-exec': true }, services: [{ keyword: 'date', exec: '/bin/date' }] }, SRC);
    expect(config.mo.allowExec).toBe(true);
    expect(config.services[0]).toMatchObject({ keyword: 'date', exec: '/bin/date', getUrl: undefined });
  });

  it("the reply keys get Kannel's defaults: one SMS, separate SMS, no header, X-Kannel-* headers ignored", () => {
    const [service] = validateConfig({ services: [{ keyword: 'Hi', text: 'hello' }] }, SRC).services;
    expect(service).toEqual({
      name: 'Hi',
      keyword: 'hi',
      aliases: [],
      getUrl: undefined,
      postUrl: undefined,
      postXml: undefined,
      text: 'hello',
      file: undefined,
      exec: undefined,
      acceptedSmsc: [],
      receiverPrefix: [],
      acceptedAccount: [],
      catchAll: false,
      stripKeyword: false,
      sendSender: false,
      reply: {
        maxMessages: 1,
        omitEmpty: false,
        header: undefined,
        footer: undefined,
        prefix: undefined,
        suffix: undefined,
        splitChars: undefined,
        splitSuffix: undefined,
        concatenation: false,
        fakedSender: undefined,
        acceptXKannelHeaders: false,
        assumePlainText: false,
      },
    });
  });

  it('max-messages 0 (never answer) to 255', () => {
    expect(validateConfig({ services: [{ keyword: 'a', text: 'x', 'max-messages': 0 }] }, SRC).services[0]?.reply?.maxMessages).toBe(0);
    expect(messages({ services: [{ keyword: 'a', text: 'x', 'max-messages': 256 }] })).toEqual([
      'c.yaml: services[0].max-messages: expected an integer from 0 to 255, got 256',
    ]);
  });
});

describe('validateConfig: reroute keys', () => {
  it("reroute, reroute-smsc-id, reroute-receiver and reroute-dlr become the link's reroute", () => {
    const config = validateConfig(
      { links: [link({ 'smsc-id': 'A', reroute: false, 'reroute-smsc-id': 'B', 'reroute-receiver': 'B, 4444 ,5555; C,6666', 'reroute-dlr': true })] },
      SRC,
    );
    expect(config.links[0]?.reroute).toEqual({ all: false, toSmscId: 'B', byReceiver: { '4444': 'B', '5555': 'B', '6666': 'C' }, dlr: true });
    expect(validateConfig({ links: [link()] }, SRC).links[0]?.reroute).toBeUndefined();
  });

  it('a reroute-receiver rule without numbers, or a number routed twice, stops the start (Kannel panics on the second)', () => {
    expect(messages({ links: [link({ 'reroute-receiver': 'B;C,1,1' })] })).toEqual([
      'c.yaml: links[0].reroute-receiver: expected "smsc-id,number[,number…]" in "B"',
      'c.yaml: links[0].reroute-receiver: 1 is routed twice (to C and to C)',
    ]);
  });

  it('reroute-dlr loads with a warning that receipts are not rerouted', () => {
    const { warnings } = validateWithWarnings({ links: [link({ 'reroute-dlr': true })] }, SRC);
    expect(warnings.map(formatProblem)).toEqual([
      'c.yaml: links[0].reroute-dlr: receipts are not rerouted (a switchboard bind is an ESME, and an SMSC takes no receipt from one); receipts of rerouted messages are matched and reported as usual',
    ]);
  });
});

describe('validateConfig: sendsms-user dlr-url and text shaping', () => {
  const account = (over: Record<string, unknown>) => ({ accounts: [{ username: 'u', password: '$scrypt$x', ...over }] });

  it('dlr-url and dlr-mask are the defaults of a request; dlr-url must be an http(s) URL', () => {
    const a = validateConfig({ accounts: [{ username: 'u', password: 'p', 'dlr-url': 'http://app/dlr?t=%d', 'dlr-mask': 31 }] }, SRC).accounts[0];
    expect(a).toMatchObject({ dlrUrl: 'http://app/dlr?t=%d', dlrMask: 31 });
    expect(a?.shaping).toBeUndefined();
    expect(messages(account({ password: 'p', 'dlr-url': 'ftp://x' }))).toEqual(['c.yaml: accounts[0].dlr-url: expected an http:// or https:// URL, got "ftp://x"']);
  });

  it('header, footer, split-chars, split-suffix or concatenation = false turn shaping on', () => {
    const [a, b] = validateConfig(
      {
        accounts: [
          { username: 'a', password: 'p', header: 'H:', 'split-chars': ' ' },
          { username: 'b', password: 'p', concatenation: false, 'omit-empty': true },
        ],
      },
      SRC,
    ).accounts;
    expect(a?.shaping).toEqual({ header: 'H:', footer: undefined, splitChars: ' ', splitSuffix: undefined, concatenation: true, omitEmpty: false });
    expect(b?.shaping).toEqual({ header: undefined, footer: undefined, splitChars: undefined, splitSuffix: undefined, concatenation: false, omitEmpty: true });
  });
});
