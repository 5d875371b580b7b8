/**
 * checkConfig: what a valid configuration probably did not mean, each warning with its file, line and key. The
 * misspelt active-passive recipe (reference/kannel.md §4.4) is the case that must never pass in silence.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkConfig, formatWarning, nearestId, type ConfigWarning } from '../../../src/config/check-config.js';
import type { IncludeReader } from '../../../src/config/kannel-conf.js';
import { loadConfigFile } from '../../../src/config/load-config.js';
import { parseKannelConfig } from '../../../src/config/load-kannel.js';
import { parseYamlConfig } from '../../../src/config/load-yaml.js';

const noInclude: IncludeReader = () => undefined;

function checkKannel(text: string, file = 'kannel.conf'): ConfigWarning[] {
  const { config, source } = parseKannelConfig(text, file, noInclude);
  return checkConfig(config, source);
}

function checkYaml(text: string): ConfigWarning[] {
  const { config, source } = parseYamlConfig(text, 'sb.yaml', {});
  return checkConfig(config, source);
}

const summary = (ws: readonly ConfigWarning[]): [string, number | undefined, string][] => ws.map((w) => [w.code, w.line, w.path]);

/** The active-passive recipe of Kannel's user guide, with the backup's allowed-smsc-id given. */
function activePassive(backupAllowed: string, user = 'default-smsc = reliable_smpp_gw'): string {
  return [
    'group = smsc', //                                  1
    'smsc = smpp',
    'smsc-id = reliable_smpp_gw',
    'allowed-smsc-id = reliable_smpp_gw',
    'preferred-smsc-id = reliable_smpp_gw', //          5
    'host = 10.0.0.1',
    'port = 2775',
    'smsc-username = a',
    'smsc-password = a',
    '', //                                              10
    'group = smsc',
    'smsc = smpp',
    'smsc-id = unreliable_smpp_gw',
    `allowed-smsc-id = ${backupAllowed}`, //            14
    'preferred-smsc-id = unreliable_smpp_gw',
    'host = 10.0.0.2',
    'port = 2775',
    'smsc-username = b',
    'smsc-password = b',
    '', //                                              20
    'group = sendsms-user',
    'username = app',
    'password = pw',
    user, //                                            24
  ].join('\n');
}

describe('checkConfig: smsc-ids that nothing has', () => {
  it('the active-passive recipe as Kannel documents it: no warning', () => {
    expect(checkKannel(activePassive('unreliable_smpp_gw;reliable_smpp_gw'))).toEqual([]);
    expect(checkKannel(activePassive('unreliable_smpp_gw;reliable_smpp_gw', 'forced-smsc = reliable_smpp_gw'))).toEqual([]);
  });

  it('a misspelt id in the backup\'s allowed-smsc-id (the failover is gone): file, line, key and the id meant', () => {
    const ws = checkKannel(activePassive('unreliable_smpp_gw;realiable_smpp_gw'), '/etc/kannel/kannel.conf');
    expect(ws).toEqual([
      {
        file: '/etc/kannel/kannel.conf',
        line: 14,
        path: 'group smsc #2 (line 11) allowed-smsc-id',
        code: 'unknown-smsc-id',
        message: '"realiable_smpp_gw" is no link\'s smsc-id and no account\'s default-smsc or forced-smsc: only a request with smsc=realiable_smpp_gw matches it',
        suggestion: 'did you mean reliable_smpp_gw?',
      },
    ]);
    expect(formatWarning(ws[0]!)).toBe(
      '/etc/kannel/kannel.conf:14: group smsc #2 (line 11) allowed-smsc-id: "realiable_smpp_gw" is no link\'s smsc-id and no account\'s default-smsc or forced-smsc: only a request with smsc=realiable_smpp_gw matches it; did you mean reliable_smpp_gw?',
    );
  });

  it('with forced-smsc, the misspelt backup is also reported as a link no account reaches', () => {
    const ws = checkKannel(activePassive('realiable_smpp_gw', 'forced-smsc = reliable_smpp_gw'));
    expect(summary(ws)).toEqual([
      ['link-unreachable', 11, 'group smsc #2 (line 11)'],
      ['unknown-smsc-id', 14, 'group smsc #2 (line 11) allowed-smsc-id'],
    ]);
    expect(ws[0]?.message).toBe('no account can send through this link, whatever the receiver or smsc=: every account has forced-smsc (reliable_smpp_gw), and this link\'s routing keys take none of them');
  });

  it('a label that only accounts send and links route on (Kannel\'s ROUTE1 recipe) is not unknown', () => {
    const text = activePassive('ROUTE1', 'default-smsc = ROUTE1').replace('allowed-smsc-id = reliable_smpp_gw', 'allowed-smsc-id = ROUTE1').replace('preferred-smsc-id = reliable_smpp_gw', 'preferred-smsc-id = ROUTE1');
    expect(checkKannel(text)).toEqual([]);
  });

  it('a misspelt default-smsc: unknown, with the id meant, and the account reaches no link', () => {
    const ws = checkKannel(activePassive('unreliable_smpp_gw;reliable_smpp_gw', 'default-smsc = reliabel_smpp_gw'));
    expect(ws.map((w) => [w.code, w.line, w.path, w.suggestion])).toEqual([
      ['unknown-smsc-id', 24, 'group sendsms-user (line 21) default-smsc', 'did you mean reliable_smpp_gw?'],
      ['account-unroutable', 24, 'group sendsms-user (line 21) default-smsc', undefined],
    ]);
    expect(ws[0]?.message).toBe('"reliabel_smpp_gw" is no link\'s smsc-id, and no link\'s allowed-smsc-id, denied-smsc-id or preferred-smsc-id lists it');
    expect(ws[1]?.message).toBe('a message of account "app" without smsc= goes with default-smsc "reliabel_smpp_gw", and no link may carry it to any receiver: it is refused "Not routable"');
  });

  it('an id far from every known one gets no suggestion', () => {
    const ws = checkKannel(activePassive('unreliable_smpp_gw;reliable_smpp_gw;premium'));
    expect(ws.map((w) => [w.code, w.line, w.suggestion])).toEqual([['unknown-smsc-id', 14, undefined]]);
  });

  it('denied-smsc-id and preferred-smsc-id are checked too, and a service\'s accepted-smsc against the links', () => {
    const ws = checkYaml(
      [
        'links:', //                                   1
        '  - smsc-id: carrier',
        '    host: h',
        '    port: 2775',
        '    smsc-username: u', //                     5
        '    smsc-password: p',
        '    denied-smsc-id: carier',
        '    preferred-smsc-id: [carrier, premum]',
        'accounts:',
        '  - username: a', //                          10
        '    password: p',
        '    default-smsc: premium',
        'services:',
        '  - keyword: info',
        '    get-url: http://app/', //                 15
        '    accepted-smsc: carrierr;carrier',
      ].join('\n'),
    );
    expect(ws.map((w) => [w.line, w.path, w.message.slice(0, 12), w.suggestion])).toEqual([
      [7, 'links[0].denied-smsc-id', '"carier" is ', 'did you mean carrier?'],
      [8, 'links[0].preferred-smsc-id', '"premum" is ', 'did you mean premium?'],
      // one of the two is misspelt: each side names the other
      [12, 'accounts[0].default-smsc', '"premium" is', 'did you mean premum?'],
      [16, 'services[0].accepted-smsc', '"carrierr" i', 'did you mean carrier?'],
    ]);
    expect(ws[3]?.message).toBe('"carrierr" is no link\'s smsc-id: no MO comes from it');
  });
});

describe('checkConfig: reachability, decided by the routing rules', () => {
  const link = (i: number, extra: string[], port = 2775 + i): string[] => [`  - smsc-admin-id: L${i}`, '    host: h', `    port: ${port}`, '    smsc-username: u', '    smsc-password: p', ...extra.map((e) => `    ${e}`)];
  const yaml = (links: string[][], accounts: string[][]): string =>
    ['links:', ...links.flat(), ...(accounts.length ? ['accounts:', ...accounts.flatMap((a, i) => [`  - username: u${i}`, '    password: p', ...a.map((e) => `    ${e}`)])] : [])].join('\n');
  const codes = (ws: readonly ConfigWarning[]): [string, string][] => ws.map((w) => [w.code, w.path]);

  it('an account with no default-smsc, and every link pinned with allowed-smsc-id', () => {
    const ws = checkYaml(yaml([link(0, ['smsc-id: A', 'allowed-smsc-id: A'])], [[]]));
    expect(codes(ws)).toEqual([['account-unroutable', 'accounts[0]']]);
    expect(ws[0]?.line).toBe(10);
    expect(ws[0]?.message).toBe('a message of account "u0" without smsc= has no smsc-id (the account has no default-smsc), and no link may carry it to any receiver: it is refused "Not routable"');
  });

  it('prefixes: an account limited to 47 and links only for 46 reach nothing; 46 and 4670 meet', () => {
    expect(codes(checkYaml(yaml([link(0, ['allowed-prefix: "46"'])], [['allowed-prefix: "47"']])))).toEqual([
      ['link-unreachable', 'links[0]'],
      ['account-unroutable', 'accounts[0]'],
    ]);
    expect(checkYaml(yaml([link(0, ['allowed-prefix: "4670"'])], [['allowed-prefix: "46"']]))).toEqual([]);
    expect(checkYaml(yaml([link(0, ['allowed-prefix: "46"'])], [['allowed-prefix: "4670"']]))).toEqual([]);
    // a denied-prefix that covers the account's only prefix
    expect(codes(checkYaml(yaml([link(0, ['denied-prefix: "46"'])], [['allowed-prefix: "4670"']])))).toEqual([
      ['link-unreachable', 'links[0]'],
      ['account-unroutable', 'accounts[0]'],
    ]);
    // an account denied-prefix only: every other receiver is still there
    expect(checkYaml(yaml([link(0, ['allowed-prefix: "46"'])], [['denied-prefix: "47"']]))).toEqual([]);
  });

  it('a link is reachable by smsc= from any account without forced-smsc; not when every account is forced elsewhere', () => {
    const pinned = link(1, ['smsc-id: B', 'allowed-smsc-id: B']);
    expect(checkYaml(yaml([link(0, []), pinned], [[]]))).toEqual([]);
    expect(codes(checkYaml(yaml([link(0, ['smsc-id: A']), pinned], [['forced-smsc: A'], ['forced-smsc: A']])))).toEqual([['link-unreachable', 'links[1]']]);
    expect(checkYaml(yaml([link(0, ['smsc-id: A']), pinned], [['forced-smsc: A'], ['forced-smsc: B']]))).toEqual([]);
  });

  it('denied-smsc-id: a link that denies the only smsc-id every account is forced to', () => {
    const ws = checkYaml(yaml([link(0, ['smsc-id: A']), link(1, ['smsc-id: B', 'denied-smsc-id: A'])], [['forced-smsc: A']]));
    expect(codes(ws)).toEqual([['link-unreachable', 'links[1]']]);
  });

  it('receive-only links, and configurations with no account, are not reported as unreachable', () => {
    const ws = checkYaml(yaml([link(0, ['smsc-id: A']), link(1, ['smsc-id: MO', 'receive-port: 2800'], 0)], [['forced-smsc: A']]));
    expect(ws).toEqual([]);
    expect(checkYaml(yaml([link(0, ['smsc-id: A', 'allowed-smsc-id: A'])], []))).toEqual([]);
  });
});

describe('checkConfig: duplicates', () => {
  it('two identical links (Kannel\'s way to open two binds): said, with instances as the other way', () => {
    const group = 'group = smsc\nsmsc = smpp\nsmsc-id = carrier\nhost = h\nport = 2775\nsmsc-username = u\nsmsc-password = p';
    const ws = checkKannel(`${group}\n\n${group}\n\n${group.replace('2775', '2776')}`);
    expect(ws.map((w) => [w.code, w.line, w.path, w.message, w.suggestion])).toEqual([
      ['duplicate-link', 9, 'group smsc #2 (line 9)', 'is defined exactly as group smsc (line 1): it opens one more bind with the same credentials', 'if that is meant, instances = 2 on one link says so'],
    ]);
  });

  it('two smsc-admin-ids or usernames are errors already (validate.ts); check-config gets a valid config', () => {
    expect(() => checkKannel('group = sendsms-user\nusername = a\npassword = p\n\ngroup = sendsms-user\nusername = a\npassword = q')).toThrow(/account "a" is defined twice/);
  });

  it('services: no duplicate warning when the earlier service takes other numbers of words or other accounts', () => {
    const ws = checkYaml(
      [
        'services:',
        '  - keyword: wx',
        '    get-url: http://app/?city=%s',
        '  - keyword: wx',
        '    get-url: http://app/?all=%a',
        '  - keyword: info',
        '    text: for esme-a',
        '    accepted-account: esme-a',
        '  - keyword: info',
        '    text: for everyone else',
        '  - keyword: info',
        '    text: never',
        '',
      ].join('\n'),
    );
    expect(ws.filter((w) => w.code === 'duplicate-service').map((w) => w.line)).toEqual([11]);
  });

  it('services: a keyword or alias an earlier service takes for every smsc-id it accepts', () => {
    const svc = (keyword: string, extra = ''): string => `group = sms-service\nkeyword = ${keyword}\nget-url = http://app/\n${extra}`;
    const ws = checkKannel(
      [
        svc('info'), //                                        1-4
        svc('INFO'), //                                        5-8: keywords are matched lower-cased
        svc('help', 'aliases = info;hjelp'), //                9-12
        svc('news', 'accepted-smsc = A'), //                   13-16
        svc('news', 'accepted-smsc = B'), //                   17-20: another smsc-id, not a duplicate
        svc('news', 'accepted-smsc = B;A'), //                 21-24: both taken
        svc('default'), //                                     25-28
        svc('default'), //                                     29-32
      ].join('\n'),
    );
    expect(ws.filter((w) => w.code === 'duplicate-service').map((w) => [w.code, w.line, w.message])).toEqual([
      ['duplicate-service', 6, '"info" is taken by group sms-service (line 1) first: this service never gets an MO for it'],
      ['duplicate-service', 10, '"info" is taken by group sms-service (line 1) first: this service never gets an MO for it'],
      ['duplicate-service', 22, '"news" is taken by group sms-service #4 (line 13) first: this service never gets an MO for it'],
      ['duplicate-service', 30, '"default" is taken by group sms-service #7 (line 25) first: this service never gets an MO for it'],
    ]);
  });

  it('a YAML name carries its line', () => {
    const ws = checkYaml('services:\n  - keyword: a\n    get-url: http://x/\n  - keyword: a\n    get-url: http://y/\n');
    expect(ws.map((w) => [w.line, w.path, w.message])).toEqual([[4, 'services[1].keyword', '"a" is taken by services[0] (line 2) first: this service never gets an MO for it']]);
  });
});

describe('checkConfig: other warnings and order', () => {
  it('user-allow-ip without user-deny-ip allows every address, as in Kannel', () => {
    const ws = checkKannel('group = sendsms-user\nusername = a\npassword = p\nuser-allow-ip = 10.0.0.1').filter((w) => w.code === 'allow-ip-without-deny');
    expect(ws.map(formatWarning)).toEqual(['kannel.conf:4: group sendsms-user (line 1) user-allow-ip: is set without user-deny-ip: as in Kannel, every address is allowed; add user-deny-ip = "*.*.*.*" to allow only the listed ones']);
    expect(checkKannel('group = sendsms-user\nusername = a\npassword = p\nuser-allow-ip = 10.0.0.1\nuser-deny-ip = "*.*.*.*"').map((w) => w.code)).not.toContain('allow-ip-without-deny');
  });

  it('warnings come in file and line order', () => {
    const ws = checkKannel(activePassive('unreliable_smpp_gw;realiable_smpp_gw', 'default-smsc = reliabel_smpp_gw\nuser-allow-ip = 10.0.0.1'));
    const lines = ws.map((w) => w.line ?? 0);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('the shipped configurations have nothing to report; the benchmark\'s active-passive file only its open user-allow-ip', () => {
    for (const file of ['config/switchboard.yaml', 'config/kannel-example.conf']) {
      const { config, source } = loadConfigFile(file, {});
      expect(checkConfig(config, source), file).toEqual([]);
    }
    const template = readFileSync(fileURLToPath(new URL('./fixtures/kannel-ap.conf', import.meta.url)), 'utf8');
    const text = template.replaceAll('@RUN@', '/tmp').replace('@STORE_LINES@', '').replaceAll('@MAX_PENDING@', '10').replace('@PRIMARY_EXTRA@', '');
    expect(checkKannel(text).map((w) => w.code)).toEqual(['allow-ip-without-deny']);
  });
});

describe('nearestId', () => {
  it.each([
    ['realiable_smpp_gw', ['reliable_smpp_gw', 'unreliable_smpp_gw'], 'reliable_smpp_gw'],
    ['ROUTE2', ['ROUTE1', 'PRIMARY'], 'ROUTE1'],
    ['route1', ['ROUTE1'], 'ROUTE1'],
    ['premium', ['carrier', 'backup'], undefined],
    ['a', ['b'], 'b'],
    ['abc', [], undefined],
    ['x', ['x'], undefined],
  ] as const)('%s among %j → %s', (id, candidates, expected) => {
    expect(nearestId(id, candidates)).toBe(expected);
  });
});
