/**
 * switchboard's native YAML configuration (parseYamlConfig): a bad file names the file, the line, the key path and
 * what was expected (README "Configuration"); `${VAR}` comes from the given environment.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { ConfigError, formatProblem, type ConfigProblem } from '../../../src/config/config-error.js';
import { parseYamlConfig } from '../../../src/config/load-yaml.js';
import { DEFAULT_DENY_HOSTS, DEFAULT_DENY_NETWORKS } from '../../../src/config/schema.js';
import { hashPassword } from '../../../src/security/password-hash.js';

function problemsOf(text: string, env: Readonly<Record<string, string | undefined>> = {}): string[] {
  try {
    parseYamlConfig(text, 'sb.yaml', env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(formatProblem);
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function rawProblems(text: string): readonly ConfigProblem[] {
  try {
    parseYamlConfig(text, 'sb.yaml', {});
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

const LINK = `links:
  - host: smsc.example.net
    smsc-username: user
    smsc-password: pw
`;

describe('the repository demo config/switchboard.yaml', () => {
  const text = readFileSync(fileURLToPath(new URL('../../../config/switchboard.yaml', import.meta.url)), 'utf8');

  it('loads without errors with an empty environment (embedded redis, simulator on)', () => {
    const { config: c } = parseYamlConfig(text, 'config/switchboard.yaml', {});
    expect(c.source).toBe('config/switchboard.yaml');
    expect(c.http).toMatchObject({ port: 13013, host: '127.0.0.1', globalSender: '12345' });
    expect(c.redis.url).toBe('');
    expect(c.simulator).toMatchObject({ enabled: true, port: 2775, persona: 'happy' });
    expect(c.links.map((l) => [l.id, l.port, l.transceiver, l.reconnectDelayMs])).toEqual([['demo-smsc', 2775, true, 1000]]);
    expect(c.accounts.map((a) => [a.username, a.password.startsWith('$scrypt$'), a.maxMessages])).toEqual([['demo', true, 10]]);
  });

  it('takes REDIS_URL from the environment', () => {
    expect(parseYamlConfig(text, 'config/switchboard.yaml', { REDIS_URL: 'redis://10.0.0.5:6379' }).config.redis.url).toBe('redis://10.0.0.5:6379');
  });
});

describe('parseYamlConfig: what a bad file says', () => {
  it.each([
    // wrong type
    ['a port that is not a number', `${LINK}    port: abc\n`, ['sb.yaml:5: links[0].port: expected an integer from 0 to 65535, got "abc"']],
    ['a quoted number is a string, not a number', `${LINK}    port: "2775"\n`, ['sb.yaml:5: links[0].port: expected an integer from 0 to 65535, got "2775"']],
    ['a fraction where an integer is expected', `${LINK}    max-pending-submits: 2.5\n`, ['sb.yaml:5: links[0].max-pending-submits: expected an integer from 1 to 10000, got 2.5']],
    ['a string where a boolean is expected', `${LINK}    transceiver-mode: maybe\n`, ['sb.yaml:5: links[0].transceiver-mode: expected true or false, got "maybe"']],
    ['a map where a list is expected', `${LINK}    allowed-smsc-id: { a: 1 }\n`, ['sb.yaml:5: links[0].allowed-smsc-id: expected a list or a string, got a map']],
    ['a section that is a list', 'http:\n  - 1\n', ['sb.yaml:1: http: expected a map, got a list']],
    ['links that is a map', 'links:\n  host: h\n', ['sb.yaml:1: links: expected a list, got a map']],
    ['a literal that is not one of the choices', 'log:\n  level: verbose\n', ['sb.yaml:2: log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", got "verbose"']],
    ['a concatenation method that does not exist', `${LINK}    concatenation: udh7\n`, ['sb.yaml:5: links[0].concatenation: expected one of "udh8", "udh16", "sar", "payload", got "udh7"']],
    ['null for a required string', `links:\n  - host:\n    smsc-username: u\n    smsc-password: p\n`, ['sb.yaml:2: links[0].host: expected a string, got null']],
    // out of range
    ['a port above 65535', `${LINK}    port: 65536\n`, ['sb.yaml:5: links[0].port: expected an integer from 0 to 65535, got 65536']],
    ['a negative throughput', `${LINK}    throughput: -5\n`, ['sb.yaml:5: links[0].throughput: expected a number from 0 to 1000000, got -5']],
    ['a response timeout below 50 ms', `${LINK}    response-timeout: 0.01\n`, ['sb.yaml:5: links[0].response-timeout: expected a number from 0.05 to 86400, got 0.01']],
    ['max-messages above 255', 'accounts:\n  - username: u\n    password: p\n    max-messages: 256\n', ['sb.yaml:4: accounts[0].max-messages: expected an integer from 1 to 255, got 256']],
    ['a tiny max-body-size', 'http:\n  max-body-size: 10\n', ['sb.yaml:2: http.max-body-size: expected an integer from 1024 to 67108864, got 10']],
    // unknown keys, with a suggestion when only the spelling of separators or case differs
    ['sendsms_port', 'http:\n  sendsms_port: 13013\n', ['sb.yaml:2: http.sendsms_port: is not a known key (did you mean "sendsms-port"?)']],
    ['SMSC-ID', `${LINK}    SMSC-ID: x\n`, ['sb.yaml:5: links[0].SMSC-ID: is not a known key (did you mean "smsc-id"?)']],
    ['maxpendingsubmits', `${LINK}    maxpendingsubmits: 5\n`, ['sb.yaml:5: links[0].maxpendingsubmits: is not a known key (did you mean "max-pending-submits"?)']],
    ['system_type', `${LINK}    system_type: VMA\n`, ['sb.yaml:5: links[0].system_type: is not a known key (did you mean "system-type"?)']],
    ['an unknown key with no near name', 'accounts:\n  - username: u\n    password: p\n    colour: blue\n', ['sb.yaml:4: accounts[0].colour: is not a known key']],
    ['an unknown section', 'smsbox:\n  sendsms-port: 13013\n', ['sb.yaml:1: smsbox: is not a known key']],
    // missing required keys: at the list item
    ['a link without host', 'links:\n  - smsc-username: u\n    smsc-password: p\n', ['sb.yaml:2: links[0].host: is required']],
    ['an account without password', 'accounts:\n  - username: u\n', ['sb.yaml:2: accounts[0].password: is required']],
    // rules across keys
    ['a duplicate account', 'accounts:\n  - username: a\n    password: x\n  - username: a\n    password: y\n', ['sb.yaml:4: accounts[1].username: account "a" is defined twice']],
    ['a link with port 0 and no receive-port', `${LINK}    port: 0\n`, ['sb.yaml:5: links[0].port: expected a port, a receive-port or both; both are 0']],
    // the environment
    ['an unset variable', `${LINK}    smsc-password: \${SMSC_PW}\n`.replace('    smsc-password: pw\n', ''), ['sb.yaml:4: links[0].smsc-password: environment variable SMSC_PW is not set (write ${SMSC_PW:-default} to give a default)']],
    // the document itself
    ['a list at the top', '- a\n- b\n', ['sb.yaml:1: expected a map of sections (http, links, accounts, ...)']],
    ['a scalar at the top', 'hello\n', ['sb.yaml:1: expected a map of sections (http, links, accounts, ...)']],
  ])('%s', (_what, text, expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it('reports every problem of the file at once, each at its own line', () => {
    const text = `http:
  sendsms-port: 99999
  sendsms_chars: "0123"
${LINK}    port: x
accounts:
  - username: a
`;
    expect(problemsOf(text)).toEqual([
      'sb.yaml:3: http.sendsms_chars: is not a known key (did you mean "sendsms-chars"?)',
      'sb.yaml:2: http.sendsms-port: expected an integer from 0 to 65535, got 99999',
      'sb.yaml:8: links[0].port: expected an integer from 0 to 65535, got "x"',
      'sb.yaml:10: accounts[0].password: is required',
    ]);
  });

  it.each([
    ['an unclosed flow sequence', 'http:\n  sendsms-port: 1\nlinks: [1\n'],
    ['a duplicate key', 'http:\n  sendsms-port: 1\n  sendsms-port: 2\n'],
    ['a tab indentation', 'http:\n\tsendsms-port: 1\n'],
    ['an unclosed quote', 'http:\n  global-sender: "abc\n'],
  ])('YAML syntax errors name the file and a line (%s)', (_what, text) => {
    const problems = rawProblems(text);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p.file).toBe('sb.yaml');
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.message).toMatch(/^not valid YAML: /);
    }
  });

  it('a duplicate key is reported at the line of the second one', () => {
    expect(rawProblems('http:\n  sendsms-port: 1\n  sendsms-port: 2\n')).toEqual([
      { file: 'sb.yaml', line: 3, path: '', message: 'not valid YAML: Map keys must be unique' },
    ]);
  });
});

describe('parseYamlConfig: values', () => {
  it('an empty file is the default configuration', () => {
    const { config: c } = parseYamlConfig('', 'sb.yaml', {});
    expect(c.http).toEqual({ port: 13013, host: '0.0.0.0', globalSender: undefined, sendsmsChars: '0123456789 +-', immediateReply: false, maxBodyBytes: 1_048_576, requestTimeoutMs: 30_000, maxRecipients: 1000, maxConnections: 15_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 72_000, clientRate: undefined });
    expect(c.admin).toEqual({ port: 13000, host: '0.0.0.0', password: undefined, statusPassword: undefined, allowIp: [], denyIp: [], basePath: '', allowedOrigins: [] });
    expect(c.redis).toEqual({ url: undefined, dataDir: './data/redis', keyPrefix: 'sb', commandTimeoutMs: 500, deliverSmTimeoutMs: 5000 });
    expect(c.process).toEqual({ shutdownTimeoutMs: 30_000 });
    expect(c.queue).toEqual({ lockDurationMs: 30_000, maxAttempts: 10, maxUnanswered: 3, batchSize: 200, commitLingerMs: 2, timeShareMs: 3000, retryDelayMs: 1000, messageLifetimeMs: 72 * 3600 * 1000 });
    expect(c.log.level).toBe('info');
    expect(c.simulator).toEqual({ enabled: false, host: '127.0.0.1', port: 2775, persona: 'happy', receipts: true });
    expect(c.links).toEqual([]);
    expect(c.accounts).toEqual([]);
  });

  it('substitutes ${VAR}, ${VAR:-default} and keeps $${VAR} literal', () => {
    const text = `${LINK.replace('pw', '${SMSC_PW}')}    system-type: \${SYSTYPE:-VMA}
    address-range: $\${NOT_A_VAR}
`;
    const link = parseYamlConfig(text, 'sb.yaml', { SMSC_PW: 'p@ss' }).config.links[0];
    expect(link).toMatchObject({ password: 'p@ss', systemType: 'VMA', addressRange: '${NOT_A_VAR}' });
  });

  it('lists may be YAML sequences or Kannel ";" strings, with blanks and empty items dropped', () => {
    const text = `${LINK}    allowed-smsc-id: [a, b]
    preferred-smsc-id: "a; b ;;c"
    denied-prefix: ""
`;
    const r = parseYamlConfig(text, 'sb.yaml', {}).config.links[0]?.routing;
    expect(r).toMatchObject({ allowedSmscId: ['a', 'b'], preferredSmscId: ['a', 'b', 'c'], deniedPrefix: [] });
  });
});

describe('parseYamlConfig: passwords, address lists and outbound lists', () => {
  const HASH = hashPassword('s3cret', Buffer.from('0123456789abcdef'), { ln: 4, r: 8, p: 1 });
  const PLAIN = 'is stored in plain text; store the hash that `switchboard hash-password` prints instead';

  it('takes an scrypt hash as it is, with no warning; plain text loads with a warning naming file, line and key', () => {
    const text = `admin:\n  admin-password: "${HASH}"\n  status-password: st\naccounts:\n  - username: a\n    password: "${HASH}"\n  - username: b\n    password: plain\n`;
    const { config, warnings } = parseYamlConfig(text, 'sb.yaml', {});
    expect(config.accounts.map((a) => a.password)).toEqual([HASH, 'plain']);
    expect(config.admin.password).toBe(HASH);
    expect(warnings.map(formatProblem)).toEqual([`sb.yaml:3: admin.status-password: ${PLAIN}`, `sb.yaml:8: accounts[1].password: ${PLAIN}`]);
  });

  it('an empty status-password (an unset variable) is no password and no warning', () => {
    const { config, warnings } = parseYamlConfig('admin:\n  status-password: ${STATUS_PASSWORD:-}\n', 'sb.yaml', {});
    expect(config.admin.statusPassword).toBe('');
    expect(warnings).toEqual([]);
  });

  it.each([
    ['a malformed scrypt hash', 'accounts:\n  - username: a\n    password: "$scrypt$ln=4$x$y"\n', ['sb.yaml:3: accounts[0].password: expected the parameters as ln=N,r=N,p=N, got "ln=4"']],
    ['another hash format', 'admin:\n  admin-password: "$2b$12$abcdefghijklmnopqrstuv"\n', ['sb.yaml:2: admin.admin-password: a "$2b$" hash is not supported; give an scrypt hash from `switchboard hash-password`']],
    ['a bad user-deny-ip pattern', 'accounts:\n  - username: a\n    password: p\n    user-deny-ip: "*"\n', ['sb.yaml:4: accounts[0].user-deny-ip: "*" matches nothing in Kannel (a pattern has four parts); write "*.*.*.*" for every address']],
    ['a bad admin-allow-ip network', 'admin:\n  admin-allow-ip: [10.0.0.0/33]\n', ['sb.yaml:2: admin.admin-allow-ip: "10.0.0.0/33": the prefix length must be 0 to 32']],
    ['a bad deny-networks entry', 'callbacks:\n  deny-networks: [169.254.0.0/16, metadata.google.internal]\n', ['sb.yaml:2: callbacks.deny-networks: "metadata.google.internal" is not an address pattern (expected 10.1.*.*, 10.0.0.0/8, 2001:db8::1 or 2001:db8::/32)']],
    ['a bad deny-hosts entry', 'callbacks:\n  deny-hosts: "http://x/"\n', ['sb.yaml:2: callbacks.deny-hosts: "http://x/" is not a host name (expected a name such as metadata.google.internal, or *.internal)']],
    ['a bad callback-allow entry', 'accounts:\n  - username: a\n    password: p\n    callback-allow: [10.0.0.0/99]\n', ['sb.yaml:4: accounts[0].callback-allow: "10.0.0.0/99": the prefix length must be 0 to 32']],
    ['an MO service at the metadata address', 'services:\n  - keyword: default\n    get-url: http://169.254.169.254/latest?text=%a\n', ['sb.yaml:3: services[0].get-url: 169.254.169.254 is in a denied network (callbacks.deny-networks); change the URL or callbacks.deny-networks']],
    ['an MO service at a denied host name', 'services:\n  - keyword: default\n    post-url: http://metadata.google.internal/x\n', ['sb.yaml:3: services[0].post-url: the host metadata.google.internal is denied (callbacks.deny-hosts); change the URL or callbacks.deny-hosts']],
  ])('refuses %s', (_what, text, expected) => {
    expect(problemsOf(text).filter((p) => !p.includes('plain text'))).toEqual(expected);
  });

  it('address lists take CIDR, IPv6 and Kannel patterns; the outbound lists default to link-local and metadata', () => {
    const text = 'accounts:\n  - username: a\n    password: p\n    user-allow-ip: "10.1.*.*; 192.168.0.0/16; ::1; 2001:db8::/32"\n    user-deny-ip: "*.*.*.*"\n    callback-allow: [169.254.169.254, hooks.lab.internal]\n';
    const { config } = parseYamlConfig(text, 'sb.yaml', {});
    expect(config.accounts[0]).toMatchObject({ allowIp: ['10.1.*.*', '192.168.0.0/16', '::1', '2001:db8::/32'], denyIp: ['*.*.*.*'], callbackAllow: ['169.254.169.254', 'hooks.lab.internal'] });
    expect(config.callbacks.denyNetworks).toEqual(DEFAULT_DENY_NETWORKS);
    expect(config.callbacks.denyNetworks).toContain('169.254.0.0/16');
    expect(config.callbacks.denyNetworks).toContain('fe80::/10');
    expect(config.callbacks.denyHosts).toEqual(DEFAULT_DENY_HOSTS);
  });

  it('a deny-networks list replaces the default; an MO service on loopback is then refused at load', () => {
    const text = 'callbacks:\n  deny-networks: "127.0.0.0/8; ::1"\nservices:\n  - keyword: default\n    get-url: http://127.0.0.1:8080/mo\n';
    expect(problemsOf(text)).toEqual(['sb.yaml:5: services[0].get-url: 127.0.0.1 is in a denied network (callbacks.deny-networks); change the URL or callbacks.deny-networks']);
  });
});
