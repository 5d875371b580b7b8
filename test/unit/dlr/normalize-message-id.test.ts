import { describe, it, expect } from 'vitest';
import type { MsgIdType } from '../../../src/domain/link.js';
import { messageIdsMatch, normalizeReceiptId, normalizeSubmitRespId } from '../../../src/dlr/normalize-message-id.js';

/** Kannel msg-id-type unset (-1): strings as they are. */
const AS_IS: MsgIdType = { submitRespHex: false, deliverHex: false };
/** Kannel msg-id-type 0x01, what Vonage/Nexmo tells Kannel users to set (help.nexmo.com article 204015663). */
const RESP_HEX: MsgIdType = { submitRespHex: true, deliverHex: false };
/** Kannel msg-id-type 0x02. */
const DELIVER_HEX: MsgIdType = { submitRespHex: false, deliverHex: true };
/** Kannel msg-id-type 0x03. */
const BOTH_HEX: MsgIdType = { submitRespHex: true, deliverHex: true };

interface Pair {
  readonly why: string;
  readonly msgIdType: MsgIdType;
  readonly submitRespId: string;
  readonly receiptId: string;
}

const MUST_MATCH: readonly Pair[] = [
  { why: 'leading zeros, jasmin #1129', msgIdType: AS_IS, submitRespId: '00B8BE19', receiptId: 'B8BE19' },
  { why: 'leading zeros the other way round', msgIdType: AS_IS, submitRespId: 'B8BE19', receiptId: '00B8BE19' },
  { why: 'case', msgIdType: AS_IS, submitRespId: 'abc', receiptId: 'ABC' },
  { why: 'case, jasmin #514', msgIdType: AS_IS, submitRespId: '1d6a811', receiptId: '1D6A811' },
  { why: 'case with dashes, jasmin #916', msgIdType: AS_IS, submitRespId: '1101c1-c9d03d-f000', receiptId: '1101C1-C9D03D-F000' },
  { why: 'zero-padded decimal, Nexmo receipt example', msgIdType: AS_IS, submitRespId: '12345678', receiptId: '0000000012345678' },
  {
    why: 'identical uuid',
    msgIdType: AS_IS,
    submitRespId: '7d093bfa-4d65-4757-b0bb-177fc9d0a038',
    receiptId: '7d093bfa-4d65-4757-b0bb-177fc9d0a038',
  },
  { why: 'NUL terminator and spaces', msgIdType: AS_IS, submitRespId: ' 4711\0', receiptId: '4711' },
  { why: 'hex resp, decimal receipt, jasmin #535', msgIdType: RESP_HEX, submitRespId: '10C8F40D', receiptId: '281605133' },
  {
    why: 'hex resp above 2^63, decimal receipt, jasmin #586 (Kannel saturates these at LLONG_MAX)',
    msgIdType: RESP_HEX,
    submitRespId: '812FC7470000001B',
    receiptId: '9308878062554710043',
  },
  { why: 'hex resp with leading zeros', msgIdType: RESP_HEX, submitRespId: '00B8BE19', receiptId: '12107289' },
  { why: 'zero-padded decimal receipt', msgIdType: RESP_HEX, submitRespId: 'B8BE19', receiptId: '0012107289' },
  {
    why: 'hex-looking receipt on a decimal side, read as hex like Kannel',
    msgIdType: RESP_HEX,
    submitRespId: 'b8be19',
    receiptId: 'B8BE19',
  },
  { why: 'decimal resp, hex receipt', msgIdType: DELIVER_HEX, submitRespId: '12107289', receiptId: 'b8be19' },
  { why: 'hex on both sides, zeros and case', msgIdType: BOTH_HEX, submitRespId: '00B8BE19', receiptId: 'b8be19' },
  { why: '0x prefix, accepted as strtoll accepts it', msgIdType: BOTH_HEX, submitRespId: '0xB8BE19', receiptId: 'B8BE19' },
  {
    why: 'beyond 2^64 (no precision lost)',
    msgIdType: RESP_HEX,
    submitRespId: 'FFFFFFFFFFFFFFFFFF',
    receiptId: '4722366482869645213695',
  },
  {
    why: 'an id invalid in its declared base falls back to the as-is form',
    msgIdType: BOTH_HEX,
    submitRespId: 'xyz-1',
    receiptId: 'XYZ-1',
  },
];

const MUST_NOT_MATCH: readonly Pair[] = [
  {
    // Jasmin #643 shows these after Jasmin itself mangled one side; with dashes the zero is part of the string.
    why: 'zeros are kept in ids that are not all hex digits',
    msgIdType: AS_IS,
    submitRespId: '0e999f21-81ef-4974-a414-3de98174e3c7',
    receiptId: 'E999F21-81EF-4974-A414-3DE98174E3C7',
  },
  { why: 'hex and decimal without msg-id-type are different strings', msgIdType: AS_IS, submitRespId: '1A', receiptId: '26' },
  { why: 'a hex resp read as hex is not its digits read as decimal', msgIdType: RESP_HEX, submitRespId: '10', receiptId: '10' },
  { why: 'different numbers', msgIdType: AS_IS, submitRespId: '1795237954000008', receiptId: '1795237954000009' },
  {
    why: 'neighbours above 2^63 stay apart (Kannel maps both to 9223372036854775807)',
    msgIdType: BOTH_HEX,
    submitRespId: '812FC7470000001B',
    receiptId: '812FC7470000001C',
  },
  {
    why: 'a uuid declared hex is not cut at its first dash (Kannel strtoll stops there)',
    msgIdType: BOTH_HEX,
    submitRespId: '0e999f21-81ef-4974-a414-3de98174e3c7',
    receiptId: '0e999f21-0000-0000-0000-000000000000',
  },
  { why: 'empty ids', msgIdType: AS_IS, submitRespId: '', receiptId: '' },
];

describe('message id normalisation', () => {
  it.each(MUST_MATCH)('matches: $why ($submitRespId ~ $receiptId)', ({ msgIdType, submitRespId, receiptId }) => {
    expect(normalizeSubmitRespId(submitRespId, msgIdType)).toBe(normalizeReceiptId(receiptId, msgIdType));
    expect(messageIdsMatch(submitRespId, receiptId, msgIdType)).toBe(true);
  });

  it.each(MUST_NOT_MATCH)('keeps apart: $why ($submitRespId / $receiptId)', ({ msgIdType, submitRespId, receiptId }) => {
    expect(messageIdsMatch(submitRespId, receiptId, msgIdType)).toBe(false);
  });
});

describe('canonical forms', () => {
  it.each([
    ['812FC7470000001B', RESP_HEX, '9308878062554710043'],
    ['00B8BE19', RESP_HEX, '12107289'],
    ['0x10', RESP_HEX, '16'],
    ['00B8BE19', AS_IS, 'b8be19'],
    ['0000', AS_IS, '0'],
    ['0123', AS_IS, '123'],
    ['Ab-12', AS_IS, 'ab-12'],
    ['xyz', RESP_HEX, 'xyz'],
    ['', RESP_HEX, ''],
    ['\0', AS_IS, ''],
  ] as const)('submit_sm_resp id %j under %j → %j', (id, msgIdType, expected) => {
    expect(normalizeSubmitRespId(id, msgIdType)).toBe(expected);
  });

  it.each([
    ['0012107289', RESP_HEX, '12107289'],
    ['B8BE19', DELIVER_HEX, '12107289'],
    ['B8BE19', RESP_HEX, '12107289'],
    ['B8BE19', AS_IS, 'b8be19'],
    ['not-hex', DELIVER_HEX, 'not-hex'],
  ] as const)('receipt id %j under %j → %j', (id, msgIdType, expected) => {
    expect(normalizeReceiptId(id, msgIdType)).toBe(expected);
  });

  it('only reads the side its own bit declares', () => {
    // The same string is hex on the resp side and decimal on the receipt side under 0x01.
    expect(normalizeSubmitRespId('100', RESP_HEX)).toBe('256');
    expect(normalizeReceiptId('100', RESP_HEX)).toBe('100');
  });
});
