/** `smpp-tlv` groups: what each link may send and read, and the declarations Kannel refuses. */
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../../src/config/config-error.js';
import { validateConfig } from '../../../src/config/validate.js';

const link = (smscId: string): Record<string, unknown> => ({ 'smsc-id': smscId, host: 'h', 'smsc-username': 'u', 'smsc-password': 'p' });
const tlv = (over: Record<string, unknown>): Record<string, unknown> => ({ name: 'a', tag: 0x1400, type: 'nulterminated', length: 10, ...over });

function problems(tlvs: Record<string, unknown>[]): string[] {
  try {
    validateConfig({ links: [link('A')], 'smpp-tlvs': tlvs }, { file: 'c.yaml' });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

describe('smpp-tlv', () => {
  it("gives each link the groups for its smsc-id, then those for every link (a link's own wins a name)", () => {
    const c = validateConfig(
      {
        links: [link('A'), link('B')],
        'smpp-tlvs': [
          tlv({ name: 'shared', tag: 0x1400 }),
          tlv({ name: 'own', tag: 0x1401, type: 'integer', length: 4, 'smsc-id': 'A' }),
          tlv({ name: 'shared', tag: 0x1402, type: 'cstring', 'smsc-id': 'A' }),
        ],
      },
      { file: 'c.yaml' },
    );
    expect(c.links[0]?.tlvs).toEqual([
      { name: 'own', tag: 0x1401, type: 'integer', length: 4 },
      { name: 'shared', tag: 0x1402, type: 'nulterminated', length: 10 },
    ]);
    expect(c.links[1]?.tlvs).toEqual([{ name: 'shared', tag: 0x1400, type: 'nulterminated', length: 10 }]);
  });

  it('refuses a name or a tag declared twice for one smsc-id, and an integer longer than 4 octets', () => {
    expect(problems([tlv({}), tlv({ tag: 0x1401 })])).toEqual(['c.yaml: smpp-tlvs[1].name: name "a" is already declared by smpp-tlv #1']);
    expect(problems([tlv({ 'smsc-id': 'A' }), tlv({ name: 'b', 'smsc-id': 'A;B' })])).toEqual([
      'c.yaml: smpp-tlvs[1].tag: tag 0x1400 is already declared by smpp-tlv #1 for smsc-id A',
    ]);
    expect(problems([tlv({ type: 'integer', length: 8 })])).toEqual(['c.yaml: smpp-tlvs[0].length: an integer TLV takes 1 to 4 octets, got 8']);
    expect(problems([tlv({ type: 'string' })])[0]).toContain('smpp-tlvs[0].type: expected one of "integer", "octetstring", "nulterminated", "cstring"');
  });
});
