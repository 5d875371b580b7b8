/**
 * Integers in a Kannel .conf as Kannel reads them (cfg_get_integer → octstr_parse_long base 0 → strtol): decimal,
 * 0x hex, 0-prefixed octal, with a sign; text after the number is refused here where strtol would stop at it.
 */
import { describe, expect, it } from 'vitest';
import { parseKannelInteger } from '../../../src/config/kannel-integer.js';

describe('parseKannelInteger', () => {
  it.each([
    ['0', 0, 10],
    ['7', 7, 10],
    ['2775', 2775, 10],
    ['+12', 12, 10],
    ['-1', -1, 10],
    ['-0', 0, 10],
    ['  42  ', 42, 10],
    // hex, as Kannel's documentation writes msg-id-type
    ['0x02', 2, 16],
    ['0X1f', 31, 16],
    ['0xff', 255, 16],
    ['-0x10', -16, 16],
    ['+0x10', 16, 16],
    // a leading 0 is octal, as in C
    ['010', 8, 8],
    ['00', 0, 8],
    ['03', 3, 8],
    ['02775', 1533, 8],
    ['-017', -15, 8],
  ] as const)('%j is %d (base %d)', (text, value, base) => {
    expect(parseKannelInteger(text)).toEqual({ ok: true, value, base });
  });

  it.each([
    ['', undefined],
    ['abc', undefined],
    ['12abc', undefined],
    ['27.5', undefined],
    ['1e3', undefined],
    ['0x', undefined],
    ['0xg1', undefined],
    ['--1', undefined],
    ['- 1', undefined],
    ['1 2', undefined],
    ['08', 'a leading 0 makes it octal, as in Kannel, and octal has no 8 or 9'],
    ['0129', 'a leading 0 makes it octal, as in Kannel, and octal has no 8 or 9'],
    ['99999999999999999999', 'it is too large'],
    ['0xffffffffffffffffff', 'it is too large'],
  ] as const)('%j is refused (hint %j)', (text, hint) => {
    expect(parseKannelInteger(text)).toEqual({ ok: false, hint });
  });
});
