/** Kannel's per-link SMPP keys through the loader: their defaults, their checks, and how the admin views name them. */
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../../src/config/config-error.js';
import { interopKeys } from '../../../src/config/interop-keys.js';
import { readKannelConfig } from '../../../src/config/load-kannel.js';
import { validateConfig, validateWithWarnings } from '../../../src/config/validate.js';
import { DEFAULT_INTEROP } from '../../../src/domain/link.js';

const link = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ host: 'h', 'smsc-username': 'u', 'smsc-password': 'p', ...over });
const problems = (over: Record<string, unknown>): string[] => {
  try {
    validateConfig({ links: [link(over)] }, { file: 'c.yaml' });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
};

describe('per-link SMPP keys', () => {
  it("default to Kannel's values", () => {
    expect(validateConfig({ links: [link()] }, { file: 'c.yaml' }).links[0]?.interop).toEqual(DEFAULT_INTEROP);
  });

  it('read a Kannel smsc group, integers as Kannel reads them (0x hex)', () => {
    const text = [
      'group = smsc',
      'smsc = smpp',
      'host = h',
      'smsc-username = u',
      'smsc-password = p',
      'service-type = CMT',
      'esm-class = 0x00',
      'alt-charset = ISO-8859-1',
      'alt-addr-charset = GSM',
      'bind-addr-ton = 1',
      'bind-addr-npi = 1',
      'interface-version = 50',
      'priority = 3',
      'validityperiod = 1440',
      'max-error-count = 5',
      'dead-start = true',
      'wait-ack-expire = 0x02',
    ].join('\n');
    const { mapping, warnings } = readKannelConfig(text, 'k.conf', () => undefined);
    expect(warnings).toEqual([]);
    const config = validateConfig(mapping.raw, { file: 'k.conf' });
    expect(config.links[0]?.interop).toEqual({
      serviceType: 'CMT',
      esmClass: 0,
      altCharset: 'latin1',
      altAddrCharset: 'gsm',
      bindAddrTon: 1,
      bindAddrNpi: 1,
      interfaceVersion: 0x50,
      priority: 3,
      validityMinutes: 1440,
      maxErrorCount: 5,
      deadStart: true,
      waitAckExpire: 'wait',
    });
    expect(interopKeys(config.links[0]!.interop)).toEqual({
      'service-type': 'CMT',
      'esm-class': 0,
      'alt-charset': 'ISO-8859-1',
      'alt-addr-charset': 'GSM',
      'bind-addr-ton': 1,
      'bind-addr-npi': 1,
      'interface-version': 50,
      priority: 3,
      validityperiod: 1440,
      'max-error-count': 5,
      'dead-start': true,
      'wait-ack-expire': 2,
    });
  });

  it('refuse what Kannel refuses or switchboard cannot send, saying why', () => {
    expect(problems({ priority: 4 })).toEqual(['c.yaml: links[0].priority: expected an integer from 0 to 3, got 4']);
    expect(problems({ 'wait-ack-expire': 3 })).toEqual(['c.yaml: links[0].wait-ack-expire: expected an integer from 0 to 2, got 3']);
    expect(problems({ 'interface-version': 35 })).toEqual([
      'c.yaml: links[0].interface-version: expected 33, 34 or 50 (SMPP 3.3, 3.4, 5.0), got 35',
    ]);
    expect(problems({ 'interface-version': 33, concatenation: 'sar' })).toEqual([
      'c.yaml: links[0].concatenation: sar needs TLVs, which SMPP 3.3 (interface-version 33) does not have; use udh8 or udh16',
    ]);
    expect(problems({ 'alt-charset': 'UTF-8' })[0]).toContain('links[0].alt-charset: expected one of GSM, ISO-8859-1');
    expect(problems({ 'service-type': 'TOOLONG' })).toEqual([
      "c.yaml: links[0].service-type: expected at most 6 characters (Kannel's limit; SMPP 3.4 sends 5), got 7",
    ]);
  });

  it('a 6-character service-type loads with a warning and is sent as 5, as Kannel sends it', () => {
    const { config, warnings } = validateWithWarnings({ links: [link({ 'service-type': 'ABCDEF' })] }, { file: 'c.yaml' });
    expect(config.links[0]?.interop.serviceType).toBe('ABCDE');
    expect(warnings.map(formatProblem)).toEqual([
      'c.yaml: links[0].service-type: has 6 characters: only the first 5 are sent, as SMPP 3.4 allows (and Kannel does)',
    ]);
  });
});
