import { describe, expect, it } from 'vitest';
import { unifiedPrefixProblem, unifyNumber } from '../../../src/routing/unified-prefix.js';

describe("Kannel's unified-prefix", () => {
  it.each([
    ['+46,0046,0', '0701234567', '+46701234567'],
    ['+46,0046,0', '0046701234567', '+46701234567'],
    ['+46,0046,0', '+46701234567', '+46701234567'],
    ['+46,0046,0', '46701234567', '46701234567'],
    ['+358,00358,0;+,00', '0401234567', '+358401234567'],
    ['+358,00358,0;+,00', '00358401234567', '+358401234567'],
    // Kannel's own example: '0' of the first group comes before '00' of the second, so it wins
    ['+358,00358,0;+,00', '0046701234567', '+358046701234567'],
    ['+358,00358;+,00', '0046701234567', '+46701234567'],
    ['+358,00358,0;+,00', '+46701234567', '+46701234567'],
    // the first entry that matches decides, in the order written
    ['+46,0,0046', '0046701234567', '+46046701234567'],
    // '-' removes what it replaces
    ['-,+', '+46701234567', '46701234567'],
    ['', '0701234567', '0701234567'],
  ])('%s: %s → %s', (rule, number, unified) => {
    expect(unifyNumber(rule, number)).toBe(unified);
  });

  it('undefined is no rule', () => expect(unifyNumber(undefined, '0701')).toBe('0701'));

  it('says what is wrong with a rule', () => {
    expect(unifiedPrefixProblem('+46,0046,0')).toBeUndefined();
    expect(unifiedPrefixProblem('+46')).toBe('group "+46" has no prefix to replace (write "unified,replaced,...")');
    expect(unifiedPrefixProblem('+46,,0')).toBe('group "+46,,0" has an empty entry');
  });
});
