/**
 * Kannel groups → switchboard's configuration shape (mapKannelGroups). Every supported key is carried over with
 * its value converted; every other key is reported with its file and line (reference/kannel.md §2, §3).
 */
import { describe, it, expect } from 'vitest';
import { mapKannelGroups, pathKey, type KannelMapping } from '../../../src/config/from-kannel.js';
import { parseKannelConf } from '../../../src/config/kannel-conf.js';

function map(text: string, file = 'k.conf'): KannelMapping {
  const parsed = parseKannelConf(text, file, () => undefined);
  expect(parsed.problems).toEqual([]);
  return mapKannelGroups(parsed.groups);
}

const SMSC_HEAD = 'group = smsc\nsmsc = smpp\n';

describe('smsc group keys (smsc_smpp_create, smscconn_create) → links[]', () => {
  it.each([
    // [Kannel key, value as written, switchboard key, value]
    ['smsc-id', 'carrier', 'smsc-id', 'carrier'],
    ['smsc-admin-id', 'carrier-a', 'smsc-admin-id', 'carrier-a'],
    ['host', 'smsc.example.net', 'host', 'smsc.example.net'],
    ['port', '2775', 'port', 2775],
    ['receive-port', '2776', 'receive-port', 2776],
    ['transceiver-mode', 'true', 'transceiver-mode', true],
    ['smsc-username', 'sysid', 'smsc-username', 'sysid'],
    // system-id is the obsolete spelling of smsc-username (§3.1)
    ['system-id', 'oldsysid', 'smsc-username', 'oldsysid'],
    ['smsc-password', 'pw', 'smsc-password', 'pw'],
    ['system-type', 'VMA', 'system-type', 'VMA'],
    ['address-range', '', 'address-range', ''],
    ['source-addr-ton', '5', 'source-addr-ton', 5],
    ['source-addr-npi', '0', 'source-addr-npi', 0],
    ['dest-addr-ton', '1', 'dest-addr-ton', 1],
    ['dest-addr-npi', '1', 'dest-addr-npi', 1],
    ['enquire-link-interval', '30', 'enquire-link-interval', 30],
    ['max-pending-submits', '50', 'max-pending-submits', 50],
    ['reconnect-delay', '2.5', 'reconnect-delay', 2.5],
    // wait-ack: how long an unanswered submit may wait; switchboard's response-timeout
    ['wait-ack', '60', 'response-timeout', 60],
    // switchboard's own link keys are accepted in a Kannel file too
    ['response-timeout', '5', 'response-timeout', 5],
    ['unhealthy-after', '2', 'unhealthy-after', 2],
    ['spillover-queue-age', '0.5', 'spillover-queue-age', 0.5],
    ['throttle-pause', '1', 'throttle-pause', 1],
    ['concatenation', 'sar', 'concatenation', 'sar'],
    ['gsm-packed', 'yes', 'gsm-packed', true],
    ['reconnect-delay-max', '120', 'reconnect-delay-max', 120],
    ['throughput', '12.5', 'throughput', 12.5],
    ['instances', '3', 'instances', 3],
    ['msg-id-type', '3', 'msg-id-type', 3],
    ['allowed-smsc-id', 'a;b', 'allowed-smsc-id', 'a;b'],
    ['denied-smsc-id', 'c', 'denied-smsc-id', 'c'],
    ['preferred-smsc-id', 'a', 'preferred-smsc-id', 'a'],
    ['allowed-prefix', '+46;0046', 'allowed-prefix', '+46;0046'],
    ['denied-prefix', '+4670', 'denied-prefix', '+4670'],
    ['preferred-prefix', '+4673', 'preferred-prefix', '+4673'],
    ['use-ssl', 'true', 'use-ssl', true],
  ] as const)('%s = %j → %s', (kannelKey, written, key, value) => {
    const m = map(`${SMSC_HEAD}${kannelKey} = ${written}`);
    expect(m.errors).toEqual([]);
    expect(m.warnings).toEqual([]);
    expect(m.raw.links).toEqual([{ [key]: value }]);
    expect(m.lines.get(pathKey(['links', 0, key]))).toEqual({ file: 'k.conf', line: 3 });
    expect(m.groupLabel.get(pathKey(['links', 0, key]))).toBe(`group smsc (line 1) ${kannelKey}`);
  });

  it.each([
    // cfg_get_bool accepts true/yes/on/1 and false/no/off/0, in any case
    ['true', true], ['yes', true], ['on', true], ['1', true], ['TRUE', true], ['Yes', true],
    ['false', false], ['no', false], ['off', false], ['0', false], ['OFF', false],
  ] as const)('transceiver-mode = %s → %s', (written, value) => {
    const m = map(`${SMSC_HEAD}transceiver-mode = ${written}`);
    expect(m.raw.links[0]?.['transceiver-mode']).toBe(value);
  });

  it.each([
    ['port', '+2775', 2775],
    ['dest-addr-ton', '-1', -1],
    ['throughput', '.5', 0.5],
    ['throughput', '5.', 5],
    ['reconnect-delay', '10', 10],
  ] as const)('%s = %s → %d', (key, written, value) => {
    expect(map(`${SMSC_HEAD}${key} = ${written}`).raw.links[0]?.[key]).toBe(value);
  });

  it('each smpp smsc group is one link, in file order; the "smsc" key itself is consumed silently', () => {
    const m = map(`${SMSC_HEAD}smsc-id = a\n\n${SMSC_HEAD}smsc-id = b`);
    expect(m.raw.links).toEqual([{ 'smsc-id': 'a' }, { 'smsc-id': 'b' }]);
    expect(m.warnings).toEqual([]);
    expect(m.groupLabel.get(pathKey(['links', 1]))).toBe('group smsc #2 (line 5)');
    expect(m.lines.get(pathKey(['links', 1]))).toEqual({ file: 'k.conf', line: 5 });
  });
});

describe('sendsms-user, core and smsbox keys', () => {
  it.each([
    ['username', 'u', 'u'],
    ['password', 'p', 'p'],
    ['name', 'svc', 'svc'],
    ['default-smsc', 'ROUTE1', 'ROUTE1'],
    ['forced-smsc', 'ROUTE2', 'ROUTE2'],
    ['default-sender', '4711', '4711'],
    ['faked-sender', 'Bank', 'Bank'],
    ['max-messages', '5', 5],
    ['user-allow-ip', '127.0.0.1;10.*.*.*', '127.0.0.1;10.*.*.*'],
    ['user-deny-ip', '*.*.*.*', '*.*.*.*'],
    ['allowed-prefix', '+46', '+46'],
    ['denied-prefix', '+4670', '+4670'],
    // switchboard's own limits, in a Kannel file too
    ['request-rate-limit', '2.5', 2.5],
    ['request-rate-burst', '10', 10],
    ['max-tps', '50', 50],
    ['max-tps-burst', '0x10', 16],
    ['max-tps-mode', 'pace', 'pace'],
    ['max-tps-delay', '30', 30],
    ['daily-quota', '1000', 1000],
    ['monthly-quota', '20000', 20000],
  ] as const)('sendsms-user %s → accounts[0].%s', (key, written, value) => {
    const m = map(`group = sendsms-user\n${key} = ${written}`);
    expect(m.errors).toEqual([]);
    expect(m.warnings).toEqual([]);
    expect(m.raw.accounts).toEqual([{ [key]: value }]);
    expect(m.lines.get(pathKey(['accounts', 0, key]))).toEqual({ file: 'k.conf', line: 2 });
  });

  it.each([
    ['admin-port', '13000', 13000],
    ['admin-interface', '127.0.0.1', '127.0.0.1'],
    ['admin-password', 'secret', 'secret'],
    ['status-password', 'st', 'st'],
    ['admin-allow-ip', '127.0.0.1', '127.0.0.1'],
    ['admin-deny-ip', '*.*.*.*', '*.*.*.*'],
    ['admin-port-ssl', 'true', true],
  ] as const)('core %s → admin.%s', (key, written, value) => {
    const m = map(`group = core\n${key} = ${written}`);
    expect(m.warnings).toEqual([]);
    expect(m.raw.admin).toEqual({ [key]: value });
    expect(m.lines.get(pathKey(['admin', key]))).toEqual({ file: 'k.conf', line: 2 });
  });

  it.each([
    ['sendsms-port', '13013', 13013],
    ['sendsms-interface', '0.0.0.0', '0.0.0.0'],
    ['global-sender', '12345', '12345'],
    ['sendsms-chars', '0123456789+', '0123456789+'],
    ['sendsms-port-ssl', 'yes', true],
    ['max-connections', '5000', 5000],
    ['headers-timeout', '2.5', 2.5],
    ['keep-alive-timeout', '30', 30],
    ['ip-rate-limit', '100', 100],
    ['ip-rate-burst', '200', 200],
  ] as const)('smsbox %s → http.%s', (key, written, value) => {
    const m = map(`group = smsbox\n${key} = ${written}`);
    expect(m.warnings).toEqual([]);
    expect(m.raw.http).toEqual({ [key]: value });
  });

  it.each([
    // Kannel log levels 0 (debug) .. 4 (panic)
    ['0', 'debug'], ['1', 'info'], ['2', 'warn'], ['3', 'error'], ['4', 'fatal'],
  ] as const)('core log-level = %s → log.level %s', (written, level) => {
    const m = map(`group = core\nlog-level = ${written}`);
    expect(m.errors).toEqual([]);
    expect(m.raw.log).toEqual({ level });
    expect(m.lines.get(pathKey(['log', 'level']))).toEqual({ file: 'k.conf', line: 2 });
  });

  it.each(['5', '-1', 'debug', '', '10', '0x5', '08'])('core log-level = %j is an error naming file, line, group and key', (written) => {
    const m = map(`group = core\nlog-level = ${written}`);
    expect(m.raw.log).toBeUndefined();
    expect(m.errors).toEqual([{ file: 'k.conf', line: 2, path: 'group core (line 1) log-level', message: `expected 0 to 4, got ${JSON.stringify(written)}` }]);
  });
});

describe('sms-service keys → services[]', () => {
  it.each([
    ['keyword', 'default', 'keyword', 'default'],
    ['aliases', 'a;b', 'aliases', 'a;b'],
    ['name', 'svc', 'name', 'svc'],
    ['get-url', 'http://app/mo?from=%p', 'get-url', 'http://app/mo?from=%p'],
    // url is Kannel's older spelling of get-url
    ['url', 'http://app/mo?from=%p', 'get-url', 'http://app/mo?from=%p'],
    ['post-url', 'http://app/mo', 'post-url', 'http://app/mo'],
    ['accepted-smsc', 'A;B', 'accepted-smsc', 'A;B'],
  ] as const)('%s = %s → %s', (kannelKey, written, key, value) => {
    const m = map(`group = sms-service\n${kannelKey} = ${written}`);
    expect(m.errors).toEqual([]);
    expect(m.warnings).toEqual([]);
    expect(m.raw.services).toEqual([{ [key]: value }]);
    expect(m.lines.get(pathKey(['services', 0, key]))).toEqual({ file: 'k.conf', line: 2 });
  });

  it('a service with a URL keeps it even when it also has text (the text is reported: Kannel takes the first in its order)', () => {
    const m = map('group = sms-service\nkeyword = default\ntext = ignored\nget-url = http://app/');
    expect(m.raw.services).toEqual([{ keyword: 'default', 'get-url': 'http://app/' }]);
    expect(m.warnings.map((w) => [w.line, w.path, w.message])).toEqual([
      [3, 'group sms-service (line 1) text', 'ignored: get-url comes first (Kannel uses one of get-url, url, post-url, post-xml, file, text, exec, the first in that order)'],
    ]);
  });

  it.each([
    ['post-xml', 'http://app/xml'],
    ['text', 'Hello %p'],
    ['file', '/var/reply.txt'],
    ['exec', '/bin/date'],
    ['faked-sender', 'INFO'],
    ['header', 'H:'],
    ['footer', ':F'],
    ['prefix', '<b>'],
    ['suffix', '</b>'],
    ['split-chars', '.,'],
    ['split-suffix', '+'],
  ] as const)('%s = %s is carried over as it is', (key, written) => {
    const m = map(`group = sms-service\nkeyword = k\n${key} = ${written}`);
    expect(m.warnings).toEqual([]);
    expect(m.raw.services).toEqual([{ keyword: 'k', [key]: written }]);
  });

  it.each([
    ['catch-all', 'true', true],
    ['strip-keyword', 'yes', true],
    ['send-sender', '1', true],
    ['omit-empty', 'true', true],
    ['concatenation', 'false', false],
    ['accept-x-kannel-headers', 'true', true],
    ['assume-plain-text', 'true', true],
    ['max-messages', '3', 3],
    ['accepted-account', 'a;b', 'a;b'],
    ['dlr-url', 'http://app/dlr?t=%d', 'http://app/dlr?t=%d'],
    ['dlr-mask', '31', 31],
  ] as const)('%s = %s → %s', (key, written, value) => {
    const m = map(`group = sms-service\nkeyword = k\n${key} = ${written}`);
    expect(m.warnings).toEqual([]);
    expect(m.raw.services).toEqual([{ keyword: 'k', [key]: value }]);
  });

  it('reply-emptymessage and reply-couldnotrepresent of the smsbox group are mo.*; the retry and failure answers are not needed', () => {
    const m = map('group = smsbox\nreply-emptymessage = "(nothing)"\nreply-couldnotrepresent = "(binary)"\nreply-couldnotfetch = x\nhttp-request-retry = 3');
    expect(m.raw.mo).toEqual({ 'reply-emptymessage': '(nothing)', 'reply-couldnotrepresent': '(binary)' });
    expect(m.warnings.map((w) => [w.line, w.message])).toEqual([
      [4, 'not needed: a service that fails is tried again with backoff (callbacks.max-attempts), not answered "Could not fetch content"'],
      [5, 'not needed: services and callbacks are retried with backoff (callbacks.max-attempts, retry-delay)'],
    ]);
  });

  it("allow-exec in the smsbox group is switchboard's mo.allow-exec", () => {
    const m = map('group = smsbox\nallow-exec = true');
    expect(m.warnings).toEqual([]);
    expect(m.raw.mo).toEqual({ 'allow-exec': true });
    expect(m.lines.get(pathKey(['mo', 'allow-exec']))).toEqual({ file: 'k.conf', line: 2 });
  });
});

describe('integers are read as Kannel reads them (strtol base 0: decimal, 0x hex, 0 octal)', () => {
  it.each([
    ['msg-id-type', '0x02', 2],
    ['msg-id-type', '0x3', 3],
    ['msg-id-type', '-1', -1],
    ['msg-id-type', '01', 1],
    ['port', '0x0AD7', 2775],
    ['port', '2775', 2775],
    ['source-addr-ton', '0x05', 5],
    ['max-pending-submits', '+10', 10],
    ['instances', '0x2', 2],
    // Kannel integer keys that switchboard also takes as fractions of a second
    ['enquire-link-interval', '0x1e', 30],
    ['reconnect-delay', '0x0a', 10],
    ['reconnect-delay', '.5', 0.5],
    ['wait-ack', '0x3c', 60],
  ] as const)('%s = %s → %d, with no warning', (kannelKey, written, value) => {
    const m = map(`${SMSC_HEAD}${kannelKey} = ${written}`);
    expect(m.errors).toEqual([]);
    expect(m.warnings).toEqual([]);
    expect(Object.values(m.raw.links[0] ?? {})).toContain(value);
  });

  it.each([
    ['port', '02775', 1533, '02775 is read as octal 1533, as Kannel reads it; write 2775 if you mean decimal'],
    ['enquire-link-interval', '030', 24, '030 is read as octal 24, as Kannel reads it; write 30 if you mean decimal'],
  ] as const)('%s = %s is octal (%d), and the warning says so with file and line', (kannelKey, written, value, message) => {
    const m = map(`${SMSC_HEAD}${kannelKey} = ${written}`);
    expect(m.errors).toEqual([]);
    expect(Object.values(m.raw.links[0] ?? {})).toContain(value);
    expect(m.warnings).toEqual([{ file: 'k.conf', line: 3, path: `group smsc (line 1) ${kannelKey}`, message }]);
  });

  it('sections other than smsc read integers the same way', () => {
    const m = map('group = core\nadmin-port = 0x32C8\nlog-level = 0x1\n\ngroup = smsbox\nsendsms-port = 13013\n\ngroup = sendsms-user\nusername = u\nmax-messages = 0x0a');
    expect(m.errors).toEqual([]);
    expect(m.raw.admin['admin-port']).toBe(13000);
    expect(m.raw.log).toEqual({ level: 'info' });
    expect(m.raw.http['sendsms-port']).toBe(13013);
    expect(m.raw.accounts[0]?.['max-messages']).toBe(10);
  });
});

describe('bad values are errors naming file, line, group and key', () => {
  it.each([
    ['port', 'abc', 'expected an integer, got "abc"'],
    ['port', '27.5', 'expected an integer, got "27.5"'],
    ['port', '0x', 'expected an integer, got "0x"'],
    ['port', '12abc', 'expected an integer, got "12abc"'],
    ['port', '08', 'expected an integer, got "08" (a leading 0 makes it octal, as in Kannel, and octal has no 8 or 9)'],
    ['msg-id-type', '0x0g', 'expected an integer, got "0x0g"'],
    ['reconnect-delay', '09', 'expected a number, got "09" (a leading 0 makes it octal, as in Kannel, and octal has no 8 or 9)'],
    ['max-pending-submits', '', 'expected an integer, got ""'],
    ['instances', 'two', 'expected an integer, got "two"'],
    ['throughput', 'fast', 'expected a number, got "fast"'],
    ['throughput', '1e3', 'expected a number, got "1e3"'],
    ['reconnect-delay', '10s', 'expected a number, got "10s"'],
    ['transceiver-mode', 'maybe', 'expected true or false, got "maybe"'],
    ['transceiver-mode', '', 'expected true or false, got ""'],
  ])('%s = %j', (key, written, message) => {
    const m = map(`${SMSC_HEAD}host = h\n${key} = ${written}`, 'conf/kannel.conf');
    expect(m.errors).toEqual([{ file: 'conf/kannel.conf', line: 4, path: `group smsc (line 1) ${key}`, message }]);
    expect(m.raw.links[0]).not.toHaveProperty(key);
  });

  it('the label counts groups of the same kind (#2) and gives the group line', () => {
    const m = map('group = sendsms-user\nusername = a\n\ngroup = sendsms-user\nusername = b\nmax-messages = lots');
    expect(m.errors).toEqual([{ file: 'k.conf', line: 6, path: 'group sendsms-user #2 (line 4) max-messages', message: 'expected an integer, got "lots"' }]);
  });
});

describe('keys not carried over are reported with file and line, never dropped silently', () => {
  it.each([
    // [group header, key, value, message]
    ['group = core', 'smsbox-port', '13001', 'not needed: switchboard has no separate smsbox process'],
    ['group = core', 'smsbox-interface', '127.0.0.1', 'not needed: switchboard has no separate smsbox process'],
    ['group = core', 'box-allow-ip', '127.0.0.1', 'not needed: switchboard has no box connections'],
    ['group = core', 'box-deny-ip', '"*.*.*.*"', 'not needed: switchboard has no box connections'],
    ['group = core', 'store-type', 'file', 'not needed: messages are stored in Redis'],
    ['group = core', 'store-location', '/var/spool', 'not needed: messages are stored in Redis'],
    ['group = core', 'store-file', '/var/store', 'not needed: messages are stored in Redis'],
    ['group = core', 'store-dump-freq', '10', 'not needed: messages are stored in Redis'],
    ['group = core', 'dlr-storage', 'internal', 'not needed: receipt correlations are stored in Redis'],
    ['group = core', 'log-file', '/var/log/bb.log', 'not needed: switchboard logs to standard output (pino JSON)'],
    // Kannel's connection-timeout is an idle timeout, not the connect deadline; every response is timed here.
    ['group = smsc\nsmsc = smpp', 'connection-timeout', '300', 'not needed: a silent SMSC is detected by enquire-link-interval and response-timeout (switchboard times every response)'],
    ['group = core', 'access-log', '/var/log/access.log', 'not needed: switchboard logs to standard output (pino JSON)'],
    ['group = smsbox', 'bearerbox-host', '127.0.0.1', 'not needed: switchboard has no separate bearerbox process'],
    ['group = smsbox', 'bearerbox-port', '13001', 'not needed: switchboard has no separate bearerbox process'],
    ['group = smsbox', 'log-level', '2', "not needed: the core group's log-level applies to the whole gateway"],
    ['group = smsc\nsmsc = smpp', 'log-level', '0', "not needed: the core group's log-level applies to the whole gateway"],
    ['group = smsc\nsmsc = smpp', 'log-file', '/var/log/smsc.log', 'not needed: switchboard logs to standard output (pino JSON)'],
    // keys switchboard does not support (yet)
    ['group = core', 'sms-resend-freq', '60', 'is not supported; ignored'],
    ['group = core', 'sms-incoming-queue-limit', '1000', 'is not supported; ignored'],
    ['group = core', 'http-proxy-host', 'proxy.example.net', 'is not supported; ignored'],
    ['group = smsbox', 'sendsms-url', '/send', 'is not supported; ignored'],
    ['group = smsc\nsmsc = smpp', 'our-port', '5000', 'is not supported; ignored'],
    ['group = smsc\nsmsc = smpp', 'my-number', '1234', 'is not supported; ignored'],
    ['group = smsc\nsmsc = smpp', 'log-format', '2', 'is not supported; ignored'],
    ['group = smsc\nsmsc = smpp', 'alt-dcs', 'true', 'is not supported; ignored'],
    ['group = smsc\nsmsc = smpp', 'our-host', '10.0.0.1', 'is not supported; ignored'],
    ['group = sendsms-user', 'max-priority', '2', 'is not supported; ignored'],
  ])('%s: %s', (head, key, value, message) => {
    const headLines = head.split('\n').length;
    const m = map(`# leading comment\n${head}\n${key} = ${value}`, 'etc/kannel.conf');
    expect(m.errors).toEqual([]);
    const group = head.split('\n')[0]!.replace('group = ', '');
    expect(m.warnings).toEqual([{ file: 'etc/kannel.conf', line: headLines + 2, path: `group ${group} (line 2) ${key}`, message }]);
  });

  it('a whole unsupported group is one warning at its group line, with the number of keys ignored', () => {
    const m = map('group = core\nadmin-port = 1\n\ngroup = smsbox-route\nsmsbox-id = sb1\nsmsc-id = A');
    expect(m.warnings).toEqual([{ file: 'k.conf', line: 4, path: 'group smsbox-route (line 4)', message: 'group "smsbox-route" is not supported yet; its 2 keys are ignored' }]);
    expect(m.raw.admin).toEqual({ 'admin-port': 1 });
  });

  it.each([
    ['text', 'keyword = default\ntext = "No service specified"', { keyword: 'default', text: 'No service specified' }],
    ['file', 'keyword = news\nfile = /var/news.txt', { keyword: 'news', file: '/var/news.txt' }],
    ['exec', 'keyword = date\nexec = /bin/date', { keyword: 'date', exec: '/bin/date' }],
  ])('an sms-service with %s and no URL is carried over, without a warning', (_key, body, service) => {
    const m = map(`# services\ngroup = sms-service\n${body}`);
    expect(m.raw.services).toEqual([service]);
    expect(m.warnings).toEqual([]);
  });

  it.each([
    ['emi', 'group = smsc\nsmsc = emi\nhost = h', 'smsc = emi is not supported (only smpp); this link is skipped'],
    ['http', 'group = smsc\nsmsc = HTTP\nhost = h', 'smsc = http is not supported (only smpp); this link is skipped'],
    ['no smsc key', 'group = smsc\nhost = h', 'has no "smsc" key; skipped (only smsc = smpp is supported)'],
  ])('an smsc group that is not smpp (%s) is skipped with a warning', (_what, text, message) => {
    const m = map(text);
    expect(m.raw.links).toEqual([]);
    expect(m.warnings).toEqual([{ file: 'k.conf', line: 1, path: 'group smsc (line 1)', message }]);
  });

  it('a key written twice in one group: the last value wins, with a warning at the second line', () => {
    const m = map(`${SMSC_HEAD}port = 1\nport = 2`);
    expect(m.raw.links[0]?.['port']).toBe(2);
    expect(m.lines.get(pathKey(['links', 0, 'port']))).toEqual({ file: 'k.conf', line: 4 });
    expect(m.warnings).toEqual([{ file: 'k.conf', line: 4, path: 'group smsc (line 1) port', message: 'is set twice in this group; the last value wins' }]);
  });

  it('system-id after smsc-username counts as the same key written twice', () => {
    const m = map(`${SMSC_HEAD}smsc-username = a\nsystem-id = b`);
    expect(m.raw.links[0]?.['smsc-username']).toBe('b');
    expect(m.warnings.map((w) => [w.line, w.message])).toEqual([[4, 'is set twice in this group; the last value wins']]);
  });

  it.each([
    // §3.1: Kannel refuses port and receive-port in one group; switchboard opens both binds and says so
    ['without transceiver-mode', 'port = 2775\nreceive-port = 2776', 1],
    ['with transceiver-mode = false', 'port = 2775\nreceive-port = 2776\ntransceiver-mode = false', 1],
    ['with transceiver-mode = true (the validator refuses it instead)', 'port = 2775\nreceive-port = 2776\ntransceiver-mode = true', 0],
    ['port alone', 'port = 2775', 0],
    ['receive-port alone', 'receive-port = 2776', 0],
  ])('port and receive-port in one group %s', (_what, keys, warnings) => {
    const m = map(`${SMSC_HEAD}${keys}`);
    const w = m.warnings.filter((x) => x.message.startsWith('port and receive-port in one group'));
    expect(w).toHaveLength(warnings);
    if (warnings) expect(w[0]).toMatchObject({ file: 'k.conf', line: 1, path: 'group smsc (line 1)' });
  });

  it('included files keep their own file names in warnings and lines', () => {
    const parsed = parseKannelConf('include = "links.conf"', 'main.conf', (p) =>
      p === 'links.conf' ? { file: '/etc/kannel/links.conf', text: '\ngroup = smsc\nsmsc = smpp\nport = 2775\nmy-number = X' } : undefined,
    );
    const m = mapKannelGroups(parsed.groups);
    expect(m.warnings).toEqual([{ file: '/etc/kannel/links.conf', line: 5, path: 'group smsc (line 2) my-number', message: 'is not supported; ignored' }]);
    expect(m.lines.get(pathKey(['links', 0, 'port']))).toEqual({ file: '/etc/kannel/links.conf', line: 4 });
    expect(m.lines.get(pathKey(['links', 0]))).toEqual({ file: '/etc/kannel/links.conf', line: 2 });
  });
});

describe('TLS keys (Kannel: use-ssl and ssl-client-certkey-file per smsc; the files once, in the core group)', () => {
  it('smsbox sendsms-port-ssl and core admin-port-ssl take the core group\'s server certificate and key', () => {
    const m = map('group = core\nadmin-port-ssl = yes\nssl-server-cert-file = /etc/kannel/cert.pem\nssl-server-key-file = /etc/kannel/key.pem\n\ngroup = smsbox\nsendsms-port-ssl = true');
    expect(m.warnings).toEqual([]);
    expect(m.raw.admin).toEqual({ 'admin-port-ssl': true, 'ssl-server-cert-file': '/etc/kannel/cert.pem', 'ssl-server-key-file': '/etc/kannel/key.pem' });
    expect(m.raw.http).toEqual({ 'sendsms-port-ssl': true, 'ssl-server-cert-file': '/etc/kannel/cert.pem', 'ssl-server-key-file': '/etc/kannel/key.pem' });
    expect(m.lines.get(pathKey(['http', 'ssl-server-key-file']))).toEqual({ file: 'k.conf', line: 4 });
    expect(m.groupLabel.get(pathKey(['http', 'ssl-server-cert-file']))).toBe('group core (line 1) ssl-server-cert-file');
  });

  it('only the TLS port gets the files', () => {
    const m = map('group = core\nssl-server-cert-file = c.pem\nssl-server-key-file = k.pem\n\ngroup = smsbox\nsendsms-port-ssl = true');
    expect(m.raw.admin).toEqual({});
    expect(m.raw.http).toMatchObject({ 'ssl-server-cert-file': 'c.pem' });
  });

  it('server files with no TLS port are reported as unused', () => {
    const m = map('group = core\nssl-server-cert-file = c.pem\nssl-server-key-file = k.pem');
    expect(m.raw.admin).toEqual({});
    expect(m.raw.http).toEqual({});
    expect(m.warnings).toEqual([
      { file: 'k.conf', line: 2, path: 'group core (line 1) ssl-server-cert-file', message: 'not used: neither sendsms-port-ssl nor admin-port-ssl is true' },
      { file: 'k.conf', line: 3, path: 'group core (line 1) ssl-server-key-file', message: 'not used: neither sendsms-port-ssl nor admin-port-ssl is true' },
    ]);
  });

  it('an smsc with use-ssl takes the core CA and client certificate unless it has its own', () => {
    const m = map(
      `group = core\nssl-trusted-ca-file = /ca.pem\nssl-client-certkey-file = /global.pem\n\n${SMSC_HEAD}use-ssl = true\n\n${SMSC_HEAD}use-ssl = true\nssl-client-certkey-file = /own.pem\nssl-verify = false\nssl-server-name = smsc.example.net\n\n${SMSC_HEAD}port = 2775`,
    );
    expect(m.errors).toEqual([]);
    expect(m.warnings).toEqual([]);
    expect(m.raw.links).toEqual([
      { 'use-ssl': true, 'ssl-trusted-ca-file': '/ca.pem', 'ssl-client-certkey-file': '/global.pem' },
      { 'use-ssl': true, 'ssl-client-certkey-file': '/own.pem', 'ssl-verify': false, 'ssl-server-name': 'smsc.example.net', 'ssl-trusted-ca-file': '/ca.pem' },
      { port: 2775 },
    ]);
    expect(m.lines.get(pathKey(['links', 0, 'ssl-trusted-ca-file']))).toEqual({ file: 'k.conf', line: 2 });
  });

  it('an smsc\'s ssl keys without use-ssl are dropped with a warning (Kannel ignores them)', () => {
    const m = map(`${SMSC_HEAD}ssl-client-certkey-file = /own.pem\nuse-ssl = false`);
    expect(m.raw.links).toEqual([{ 'use-ssl': false }]);
    expect(m.warnings).toEqual([{ file: 'k.conf', line: 3, path: 'group smsc (line 1) ssl-client-certkey-file', message: 'ignored: this group has no use-ssl = true' }]);
  });

  it('core client files with no smsc using TLS are reported as unused', () => {
    const m = map(`group = core\nssl-trusted-ca-file = /ca.pem\n\n${SMSC_HEAD}port = 2775`);
    expect(m.raw.links).toEqual([{ port: 2775 }]);
    expect(m.warnings).toEqual([{ file: 'k.conf', line: 2, path: 'group core (line 1) ssl-trusted-ca-file', message: 'not used: no smsc group has use-ssl = true (switchboard uses it only for SMPP)' }]);
  });
});

describe('smsc reroute keys → links[]', () => {
  it.each([
    ['reroute', 'true', true],
    ['reroute-smsc-id', 'B', 'B'],
    ['reroute-receiver', 'B,4444;C,5555', 'B,4444;C,5555'],
    ['reroute-dlr', 'yes', true],
  ] as const)('%s = %s → %s', (key, written, value) => {
    const m = map(`group = smsc\nsmsc = smpp\nhost = h\n${key} = ${written}`);
    expect(m.warnings).toEqual([]);
    expect(m.raw.links[0]?.[key]).toEqual(value);
  });
});
