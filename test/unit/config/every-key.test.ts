/**
 * Issue 18's every-key configuration (fixtures/kannel-every-key.conf): every key it names is carried over, and each
 * out-of-scope group or key says why.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, type ConfigProblem } from '../../../src/config/config-error.js';
import { fileIncludeReader } from '../../../src/config/load-config.js';
import { parseKannelConfig, readKannelConfig } from '../../../src/config/load-kannel.js';

const FIXTURE = 'test/unit/config/fixtures/kannel-every-key.conf';

/** "group smsc #2 (line 12) reroute" → "smsc reroute"; a skipped service → "sms-service text". */
function keyOf(w: ConfigProblem): string {
  const m = /^group (\S+)(?: #\d+)? \(line \d+\)(?: (\S+))?$/.exec(w.path);
  if (!m) return w.path;
  if (m[2] !== undefined) return `${m[1]} ${m[2]}`;
  const kind = /^sms-service with (\S+) is not supported/.exec(w.message);
  return kind ? `sms-service ${kind[1]}` : (m[1] ?? w.path);
}

const unsupported = (warnings: readonly ConfigProblem[]): ConfigProblem[] =>
  warnings.filter((w) => /not supported/.test(w.message));

describe('check-config on the every-key configuration of issue 18', () => {
  const text = readFileSync(FIXTURE, 'utf8');

  it('loads: every key is carried over', () => {
    const { warnings } = readKannelConfig(text, FIXTURE, fileIncludeReader);
    const left = unsupported(warnings).map(keyOf);
    expect(left).toEqual([]);
    // Nothing of part B among them: TLVs, per-link SMPP keys, lists, -regex keys, unified-prefix.
    for (const k of ['smpp-tlv', 'smsc service-type', 'smsc unified-prefix', 'sendsms-user white-list', 'core unified-prefix'])
      expect(left).not.toContain(k);
  });

  it('is valid, and every part B key reaches the configuration', () => {
    const { config } = parseKannelConfig(text, FIXTURE, fileIncludeReader);
    const a = config.links.find((l) => l.smscId === 'operatorA')!;
    expect(a.interop).toMatchObject({ serviceType: 'CMT', priority: 1, validityMinutes: 1440, maxErrorCount: 10, waitAckExpire: 'requeue' });
    expect(a.routing).toMatchObject({ unifiedPrefix: '+46,0046,0', allowedSmscIdRegex: '^(operatorA|premium)$', preferredPrefixRegex: '^\\+4670' });
    expect(a.lists).toEqual({ whiteList: 'lists/white.txt', blackList: 'lists/black.txt', whiteListRegex: '^\\+46', blackListRegex: '^\\+4699' });
    expect(a.tlvs.map((t) => t.name)).toEqual(['billing_code', 'template_id', 'my_tlv']);
    expect(config.numbers).toEqual({
      unifiedPrefix: '+46,0046,0',
      senders: { blackList: 'lists/black.txt', whiteListRegex: '^[0-9+]' },
      receivers: { whiteList: 'lists/white.txt', blackListRegex: '^999' },
    });
    expect(config.http.lists).toEqual({ blackList: 'lists/black.txt', whiteListRegex: '^\\+?[0-9]+$', blackListRegex: '^0000' });
    expect(config.accounts[0]).toMatchObject({ allowedPrefixRegex: '^\\+46', deniedPrefixRegex: '^\\+4698' });
  });

  it('out-of-scope groups and keys each say why', () => {
    const text2 = `group = core\nadmin-port = 1\nwapbox-port = 13002\nwdp-interface-name = "*"\n\ngroup = wapbox\nbearerbox-host = localhost\n\ngroup = modems\nid = wavecom\n\ngroup = sqlbox\nid = sqlbox\n\ngroup = mysql-connection\nid = db\n\ngroup = dlr-db\nid = db\n\ngroup = ppg\nppg-url = /x`;
    const { warnings } = readKannelConfig(text2, 'k.conf', () => undefined);
    expect(warnings.map(formatProblem)).toEqual([
      'k.conf:3: group core (line 1) wapbox-port: out of scope: WAP (switchboard is an SMS gateway)',
      'k.conf:4: group core (line 1) wdp-interface-name: out of scope: WAP (switchboard is an SMS gateway)',
      'k.conf:6: group wapbox (line 6): out of scope: WAP (switchboard is an SMS gateway); its 1 keys are ignored',
      'k.conf:9: group modems (line 9): out of scope: AT modems are a non-SMPP SMSC driver (switchboard speaks SMPP only); its 1 keys are ignored',
      'k.conf:12: group sqlbox (line 12): out of scope: sqlbox (applications send over HTTP; queues are in Redis); its 1 keys are ignored',
      'k.conf:15: group mysql-connection (line 15): not needed: receipts and messages are stored in Redis; its 1 keys are ignored',
      'k.conf:18: group dlr-db (line 18): not needed: receipt correlations are stored in Redis; its 1 keys are ignored',
      'k.conf:21: group ppg (line 21): out of scope: WAP push (switchboard is an SMS gateway); its 1 keys are ignored',
    ]);
  });
});

// Kannel's own example files, where the Debian package installed them (bench machines): nothing unsupported but the
// out-of-scope groups. The fragments (dlr-*.conf, store-redis.conf) are read as groups only.
const EXAMPLES = '/usr/share/doc/kannel/examples';
describe.skipIf(!existsSync(EXAMPLES))("Kannel 1.4.5's example configurations (Debian's kannel package)", () => {
  const files = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => f.endsWith('.conf') && f !== 'modems.conf') : [];
  it.each(files)('%s', (f) => {
    const { warnings } = readKannelConfig(readFileSync(join(EXAMPLES, f), 'utf8'), f, fileIncludeReader);
    expect(unsupported(warnings).map(keyOf)).toEqual([]);
  });
});
