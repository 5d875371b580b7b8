/**
 * A Kannel .conf taken as it is (readKannelConfig / parseKannelConfig): syntax, mapping and schema problems all name
 * the file, the line, the group and the key; the Kannel files of the benchmark (active-active and active-passive,
 * reference/kannel.md §4.3, §4.4) and the repository's example load and route as Kannel would.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { ConfigError, formatProblem, type ConfigProblem } from '../../../src/config/config-error.js';
import type { IncludeReader } from '../../../src/config/kannel-conf.js';
import { parseKannelConfig, readKannelConfig } from '../../../src/config/load-kannel.js';
import { computeRoute, resolveSmscId } from '../../../src/routing/compute-route.js';

const noInclude: IncludeReader = () => undefined;
const read = (rel: string): string => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');

function problemsOf(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const LINK = 'group = smsc\nsmsc = smpp\nhost = h\nsmsc-username = u\nsmsc-password = p';

describe('readKannelConfig: syntax and mapping problems stop the load, all of them at once', () => {
  it('collects syntax problems and bad values together, each with its file and line', () => {
    const text = 'group = core\nadmin-port = many\n\nno equals here\n\ngroup = smsc\nsmsc = smpp\nport = "2775';
    const problems = problemsOf(() => readKannelConfig(text, 'kannel.conf', noInclude));
    expect(problems.map(formatProblem)).toEqual([
      'kannel.conf:4: expected "key = value", got "no equals here"',
      'kannel.conf:8: port: missing closing quote',
      'kannel.conf:2: group core (line 1) admin-port: expected an integer, got "many"',
    ]);
  });

  it('returns the mapping and the warnings when there is nothing wrong', () => {
    const { mapping, warnings } = readKannelConfig(`${LINK}\nmy-number = 1234`, 'kannel.conf', noInclude);
    expect(mapping.raw.links).toHaveLength(1);
    expect(warnings.map(formatProblem)).toEqual(['kannel.conf:6: group smsc (line 1) my-number: is not supported; ignored']);
  });
});

describe('parseKannelConfig: schema problems name file, line, group and key', () => {
  it.each([
    ['a port out of range', `${LINK}\nport = 70000`, ['k.conf:6: group smsc (line 1) port: expected an integer from 0 to 65535, got 70000']],
    ['a window of 0', `${LINK}\nmax-pending-submits = 0`, ['k.conf:6: group smsc (line 1) max-pending-submits: expected an integer from 1 to 10000, got 0']],
    ['a negative throughput', `${LINK}\nthroughput = -1`, ['k.conf:6: group smsc (line 1) throughput: expected a number from 0 to 1000000, got -1']],
    ['msg-id-type out of range', `${LINK}\nmsg-id-type = 4`, ['k.conf:6: group smsc (line 1) msg-id-type: expected an integer from -1 to 3, got 4']],
    ['too many instances', `${LINK}\ninstances = 65`, ['k.conf:6: group smsc (line 1) instances: expected an integer from 1 to 64, got 65']],
    ['a TON above 255', `${LINK}\nsource-addr-ton = 256`, ['k.conf:6: group smsc (line 1) source-addr-ton: expected an integer from 0 to 255, got 256']],
    ['max-messages 0', 'group = sendsms-user\nusername = u\npassword = p\nmax-messages = 0', ['k.conf:4: group sendsms-user (line 1) max-messages: expected an integer from 1 to 255, got 0']],
    ['a sendsms-port out of range', 'group = smsbox\nsendsms-port = 99999', ['k.conf:2: group smsbox (line 1) sendsms-port: expected an integer from 0 to 65535, got 99999']],
    // required keys are reported at the group line
    ['a link without host', 'group = smsc\nsmsc = smpp\nsmsc-username = u\nsmsc-password = p', ['k.conf:1: group smsc (line 1) host: is required']],
    [
      'a link without credentials',
      '# c\ngroup = smsc\nsmsc = smpp\nhost = h',
      ['k.conf:2: group smsc (line 2) smsc-username: is required', 'k.conf:2: group smsc (line 2) smsc-password: is required'],
    ],
    ['an account without password', 'group = sendsms-user\nusername = u', ['k.conf:1: group sendsms-user (line 1) password: is required']],
    // rules across keys
    ['a link with neither port nor receive-port', `${LINK}\nport = 0`, ['k.conf:6: group smsc (line 1) port: expected a port, a receive-port or both; both are 0']],
    [
      'transceiver-mode with receive-port',
      `${LINK}\ntransceiver-mode = true\nreceive-port = 2776`,
      ['k.conf:7: group smsc (line 1) receive-port: cannot be used with transceiver-mode (the transceiver bind already receives)'],
    ],
    ['a system_id longer than 15', 'group = smsc\nsmsc = smpp\nhost = h\nsmsc-username = sixteen-chars-id\nsmsc-password = p', ['k.conf:4: group smsc (line 1) smsc-username: expected at most 15 characters (SMPP system_id)']],
    [
      'two links with one smsc-admin-id',
      `${LINK}\nsmsc-admin-id = A\n\n${LINK}\nsmsc-admin-id = A`,
      ['k.conf:13: group smsc #2 (line 8) smsc-admin-id: "A" is used by another link'],
    ],
    [
      'a duplicate sendsms-user',
      'group = sendsms-user\nusername = bench\npassword = a\n\ngroup = sendsms-user\npassword = b\nusername = bench',
      ['k.conf:7: group sendsms-user #2 (line 5) username: account "bench" is defined twice'],
    ],
    [
      'admin-port equal to sendsms-port on the same interface',
      'group = core\nadmin-port = 13013\n\ngroup = smsbox\nsendsms-port = 13013',
      ['k.conf:2: group core (line 1) admin-port: expected a port other than sendsms-port (13013)'],
    ],
  ])('%s', (_what, text, expected) => {
    expect(problemsOf(() => parseKannelConfig(text, 'k.conf', noInclude)).map(formatProblem)).toEqual(expected);
  });

  it('a problem in an included file names that file and its line, not the including one', () => {
    const files: Record<string, string> = { 'links.conf': `${LINK}\nport = 99999` };
    const reader: IncludeReader = (p) => (files[p] === undefined ? undefined : { file: `/etc/kannel/${p}`, text: files[p]! });
    const problems = problemsOf(() => parseKannelConfig('group = core\nadmin-port = 13000\n\ninclude = "links.conf"', '/etc/kannel/kannel.conf', reader));
    expect(problems.map(formatProblem)).toEqual(['/etc/kannel/links.conf:6: group smsc (line 1) port: expected an integer from 0 to 65535, got 99999']);
  });

  it('a missing key in an included group is reported at that group line in that file', () => {
    const reader: IncludeReader = (p) => (p === 'users.conf' ? { file: 'users.conf', text: '\n\ngroup = sendsms-user\nusername = u' } : undefined);
    const problems = problemsOf(() => parseKannelConfig('include = "users.conf"', 'main.conf', reader));
    expect(problems.map(formatProblem)).toEqual(['users.conf:3: group sendsms-user (line 3) password: is required']);
  });
});

describe('parseKannelConfig: values become the typed Config', () => {
  it('converts seconds to ms, splits ;-lists, names links and fills defaults', () => {
    const text = [
      'group = core',
      'admin-port = 13000',
      'admin-allow-ip = "127.0.0.1;10.0.0.*"',
      'log-level = 0',
      '',
      'group = smsbox',
      'sendsms-port = 13013',
      'global-sender = 4711',
      '',
      LINK,
      'smsc-id = carrier',
      'reconnect-delay = 2',
      'wait-ack = 45',
      'connect-timeout = 20',
      'enquire-link-interval = 15',
      'throughput = 100',
      'msg-id-type = 3',
      'allowed-smsc-id = "a; b ;;c"',
      '',
      'group = sendsms-user',
      'username = tester',
      'password = foobar',
      'user-deny-ip = "*.*.*.*"',
      'user-allow-ip = "127.0.0.1"',
      'default-smsc = carrier',
    ].join('\n');
    const { config, warnings } = parseKannelConfig(text, 'k.conf', noInclude);
    // every key is carried over; the plain-text password loads, with a warning naming where it is
    expect(warnings.map(formatProblem)).toEqual([
      `k.conf:${text.split('\n').indexOf('password = foobar') + 1}: group sendsms-user (line ${text.split('\n').indexOf('group = sendsms-user') + 1}) password: is stored in plain text; store the hash that \`switchboard hash-password\` prints instead`,
    ]);
    expect(config.source).toBe('k.conf');
    expect(config.log.level).toBe('debug');
    expect(config.admin).toMatchObject({ port: 13000, allowIp: ['127.0.0.1', '10.0.0.*'], denyIp: [] });
    expect(config.http).toMatchObject({ port: 13013, globalSender: '4711', sendsmsChars: '0123456789 +-' });
    expect(config.links).toHaveLength(1);
    expect(config.links[0]).toMatchObject({
      id: 'carrier',
      smscId: 'carrier',
      port: 2775,
      reconnectDelayMs: 2000,
      reconnectDelayMaxMs: 60_000,
      responseTimeoutMs: 45_000,
      connectTimeoutMs: 20_000,
      enquireLinkIntervalMs: 15_000,
      throughput: 100,
      maxPendingSubmits: 10,
      msgIdType: { submitRespHex: true, deliverHex: true },
      routing: { allowedSmscId: ['a', 'b', 'c'], deniedSmscId: [], preferredSmscId: [] },
    });
    expect(config.accounts).toEqual([
      expect.objectContaining({ username: 'tester', password: 'foobar', name: 'tester', maxMessages: 10, allowIp: ['127.0.0.1'], denyIp: ['*.*.*.*'], defaultSmsc: 'carrier' }),
    ]);
  });

  it.each([
    // link ids: smsc-admin-id, else smsc-id, else host:port; repeats get #n
    ['smsc-admin-id wins', ['smsc-id = X\nsmsc-admin-id = A', 'smsc-id = X\nsmsc-admin-id = B'], ['A', 'B'], ['X', 'X']],
    ['a shared smsc-id gets #1, #2', ['smsc-id = SINK', 'smsc-id = SINK'], ['SINK#1', 'SINK#2'], ['SINK', 'SINK']],
    ['no smsc-id: host:port, and smscId is the id', ['port = 2775', 'port = 2776'], ['h:2775', 'h:2776'], ['h:2775', 'h:2776']],
    ['a receive-only link is named by its receive-port', ['port = 0\nreceive-port = 2777'], ['h:2777'], ['h:2777']],
  ])('link ids: %s', (_what, extras, ids, smscIds) => {
    const text = extras.map((x) => `${LINK}\n${x}`).join('\n\n');
    const { config } = parseKannelConfig(text, 'k.conf', noInclude);
    expect(config.links.map((l) => l.id)).toEqual(ids);
    expect(config.links.map((l) => l.smscId)).toEqual(smscIds);
  });

  it('msg-id-type bits: -1 and 0 are "as is", bit 0 submit_sm_resp hex, bit 1 deliver_sm hex', () => {
    const got = [-1, 0, 1, 2, 3].map((t) => parseKannelConfig(`${LINK}\nmsg-id-type = ${t}`, 'k.conf', noInclude).config.links[0]?.msgIdType);
    expect(got).toEqual([
      { submitRespHex: false, deliverHex: false },
      { submitRespHex: false, deliverHex: false },
      { submitRespHex: true, deliverHex: false },
      { submitRespHex: false, deliverHex: true },
      { submitRespHex: true, deliverHex: true },
    ]);
  });

  it('msg-id-type written in hex as Kannel\'s documentation does (0x02), or in octal, means what its decimal means', () => {
    const idType = (t: string): unknown => parseKannelConfig(`${LINK}\nmsg-id-type = ${t}`, 'k.conf', noInclude).config.links[0]?.msgIdType;
    expect(idType('0x02')).toEqual({ submitRespHex: false, deliverHex: true });
    expect(['0x00', '0x01', '0x02', '0x03', '03', '-0x1'].map(idType)).toEqual(['0', '1', '2', '3', '3', '-1'].map(idType));
  });

  it('a hex value out of range is refused with the value it was read as', () => {
    expect(problemsOf(() => parseKannelConfig(`${LINK}\nmsg-id-type = 0x04`, 'k.conf', noInclude)).map(formatProblem)).toEqual([
      'k.conf:6: group smsc (line 1) msg-id-type: expected an integer from -1 to 3, got 4',
    ]);
  });

  it('garbage in an integer key is refused naming the file, the line, the key and what was expected', () => {
    expect(problemsOf(() => parseKannelConfig(`${LINK}\nmsg-id-type = two`, 'k.conf', noInclude)).map(formatProblem)).toEqual([
      'k.conf:6: group smsc (line 1) msg-id-type: expected an integer, got "two"',
    ]);
  });
});

/** What bench/lib.sh gen_conf does to a template: the same substitutions, in the same order. */
function genConf(template: string, run: string, store: 'file' | 'spool' | 'none', maxPending: number, extra = '# (no extra primary settings)'): string {
  const lines = {
    file: `store-type = file\nstore-location = "${run}/store"\nstore-dump-freq = 10`,
    spool: `store-type = spool\nstore-location = "${run}/spool"`,
    none: '# (no message store)',
  }[store];
  return template
    .split('\n')
    .map((l) => l.replaceAll('@RUN@', run).replace('@STORE_LINES@', lines).replace('@MAX_PENDING@', String(maxPending)).replace('@PRIMARY_EXTRA@', extra))
    .join('\n');
}

/** Each warning must point at a line of its file that sets the key it names (or at the group line). */
function expectWarningsPointAtTheirLines(text: string, warnings: readonly ConfigProblem[]): void {
  const lines = text.split('\n');
  for (const w of warnings) {
    expect(w.line).toBeDefined();
    const line = lines[(w.line ?? 0) - 1] ?? '';
    const key = /\) (\S+)$/.exec(w.path)?.[1];
    if (key) expect(line.trim().startsWith(`${key} =`), `${formatProblem(w)} → "${line}"`).toBe(true);
    else expect(line.trim().startsWith('group ='), `${formatProblem(w)} → "${line}"`).toBe(true);
  }
}

describe('the benchmark Kannel files load as they are (test/unit/config/fixtures, from bench/)', () => {
  const aa = read('./fixtures/kannel-aa.conf');
  const ap = read('./fixtures/kannel-ap.conf');

  it('the templates still have their placeholders (so the substitution below is what is tested)', () => {
    for (const t of [aa, ap]) for (const p of ['@RUN@', '@STORE_LINES@', '@MAX_PENDING@']) expect(t).toContain(p);
    expect(ap).toContain('@PRIMARY_EXTRA@');
  });

  it.each(['file', 'spool', 'none'] as const)('active-active (store %s): two links share smsc-id SINK and form one route', (store) => {
    const text = genConf(aa, '/tmp/run', store, 100);
    const { config, warnings } = parseKannelConfig(text, 'kannel-aa.conf', noInclude);
    expect(config.links.map((l) => [l.id, l.smscId, l.port, l.transceiver, l.maxPendingSubmits, l.systemType, l.addressRange])).toEqual([
      ['A', 'SINK', 22775, true, 100, 'VMA', ''],
      ['B', 'SINK', 22776, true, 100, 'VMA', ''],
    ]);
    expect(config.http).toMatchObject({ port: 23013, host: '127.0.0.1', globalSender: '12345' });
    expect(config.admin).toMatchObject({ port: 23000, host: '127.0.0.1', password: 'bench', statusPassword: 'bench', allowIp: ['127.0.0.1'] });
    expect(config.log.level).toBe('warn');
    expect(config.accounts).toEqual([expect.objectContaining({ username: 'bench', password: 'bench', maxMessages: 1, allowIp: ['127.0.0.1'], denyIp: [] })]);
    // §4.3: no smsc-id on the message, no routing keys on the links: both are "ok" (0), so both share the route
    const account = config.accounts[0]!;
    const decision = computeRoute(config.links, resolveSmscId(account, undefined), '46700000001');
    expect(decision).toMatchObject({ kind: 'send', route: { preferred: ['A', 'B'], fallback: [] } });

    const warned = warnings.map((w) => w.path.replace(/^group (\S+).*\) /, '$1 '));
    expect(warned).toEqual(
      expect.arrayContaining([
        'core smsbox-port',
        'core smsbox-interface',
        'core box-deny-ip',
        'core box-allow-ip',
        'core log-file',
        'core access-log',
        'core dlr-storage',
        'smsbox bearerbox-host',
        'smsbox bearerbox-port',
        'smsbox log-file',
        'smsbox log-level',
        'smsbox access-log',
      ]),
    );
    // The bench's default service answers with fixed text, as Kannel does.
    expect(config.services).toMatchObject([{ keyword: 'default', text: 'No service specified', reply: { maxMessages: 1 } }]);
    expect(warnings.some((w) => w.path.startsWith('group sms-service'))).toBe(false);
    if (store === 'file') expect(warned).toEqual(expect.arrayContaining(['core store-type', 'core store-location', 'core store-dump-freq']));
    expect(warnings.every((w) => w.file === 'kannel-aa.conf')).toBe(true);
    expectWarningsPointAtTheirLines(text, warnings);
  });

  it.each([
    ['no extra primary settings', undefined, 0],
    ['a throughput cap on the primary', 'throughput = 250', 250],
  ])('active-passive (%s): route preferred [PRIMARY], fallback [BACKUP]', (_what, extra, primaryThroughput) => {
    const text = genConf(ap, '/tmp/run', 'none', 10, extra);
    const { config, warnings } = parseKannelConfig(text, 'kannel-ap.conf', noInclude);
    expect(config.links.map((l) => [l.id, l.smscId, l.routing.allowedSmscId, l.routing.preferredSmscId, l.throughput])).toEqual([
      ['A', 'PRIMARY', ['ROUTE1'], ['ROUTE1'], primaryThroughput],
      ['B', 'BACKUP', ['ROUTE1'], [], 0],
    ]);
    expect(config.log.level).toBe('info');
    const account = config.accounts[0]!;
    expect(account.defaultSmsc).toBe('ROUTE1');
    // §4.4: PRIMARY prefers ROUTE1 (1), BACKUP merely allows it (0)
    expect(computeRoute(config.links, resolveSmscId(account, undefined), '46700000001')).toMatchObject({
      kind: 'send',
      route: { preferred: ['A'], fallback: ['B'] },
    });
    // a message with another smsc-id can use neither (both have allowed-smsc-id)
    expect(computeRoute(config.links, resolveSmscId(account, 'OTHER'), '46700000001')).toMatchObject({ kind: 'reject' });
    expect(warnings.length).toBeGreaterThan(0);
    expectWarningsPointAtTheirLines(text, warnings);
  });
});

describe('the repository example config/kannel-example.conf', () => {
  it('loads without errors; the only key not carried over is smsbox bearerbox-host; its passwords are plain text', () => {
    const text = read('../../../config/kannel-example.conf');
    const { config, warnings } = parseKannelConfig(text, 'config/kannel-example.conf', noInclude);
    const lineOf = (start: string): number => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;
    const plain = 'is stored in plain text; store the hash that `switchboard hash-password` prints instead';
    expect(warnings.map(formatProblem)).toEqual([
      `config/kannel-example.conf:${lineOf('bearerbox-host')}: group smsbox (line 11) bearerbox-host: not needed: switchboard has no separate bearerbox process`,
      `config/kannel-example.conf:${lineOf('admin-password')}: group core (line 5) admin-password: ${plain}`,
      `config/kannel-example.conf:${lineOf('status-password')}: group core (line 5) status-password: ${plain}`,
      `config/kannel-example.conf:${lineOf('password = foobar')}: group sendsms-user (line 30) password: ${plain}`,
    ]);
    expect(config.links.map((l) => [l.id, l.host, l.port, l.transceiver, l.systemId, l.systemType, l.reconnectDelayMs])).toEqual([['carrier', '127.0.0.1', 2775, true, 'kannel', 'VMA', 2000]]);
    expect(config.accounts.map((a) => [a.username, a.maxMessages])).toEqual([['tester', 5]]);
    expect(config.admin.allowIp).toEqual(['127.0.0.1']);
  });
});
