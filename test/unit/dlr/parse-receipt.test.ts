import { describe, it, expect } from 'vitest';
import { isReceipt, parseReceipt, type Receipt, type ReceiptInput } from '../../../src/dlr/parse-receipt.js';

const DELIVERY_RECEIPT = 0x04;

function parsed(input: ReceiptInput): Receipt {
  const result = parseReceipt(input);
  if (!result.ok) throw new Error(`expected a receipt, got: ${result.reason}`);
  return result.receipt;
}

function text(shortMessageText: string): Receipt {
  return parsed({ esmClass: DELIVERY_RECEIPT, shortMessageText });
}

interface RealWorldCase {
  readonly source: string;
  readonly text: string;
  readonly expected: Receipt;
}

/**
 * Receipt texts as SMSCs really sent them, each with where it was published. Expected values are the whole
 * receipt (toEqual), so a field that appears or disappears fails the test.
 */
const REAL_WORLD: readonly RealWorldCase[] = [
  {
    // The operator's receipt quoted in the issue: "stat:" is missing before DELIVRD, and "Text:" is capitalised.
    source: 'https://github.com/kneodev/ksmppd/issues/108 (operator receipt)',
    text: 'id:ce5bc5a9-4f7d-4282-9244-2e1022a9335c sub:000 dlvrd:000 submit date:180903120815 done date:180903120816 DELIVRD err:000 Text:',
    expected: {
      smscMessageId: 'ce5bc5a9-4f7d-4282-9244-2e1022a9335c',
      state: 'delivered',
      stat: 'DELIVRD',
      err: '000',
      sub: '000',
      dlvrd: '000',
      submitDate: '180903120815',
      doneDate: '180903120816',
      text: '',
      networkError: { type: 3, code: 0 },
    },
  },
  {
    source: 'https://github.com/kneodev/ksmppd/issues/108 (receipt ksmppd produced)',
    text: 'id:7d093bfa-4d65-4757-b0bb-177fc9d0a038 sub:001 dlvrd:001 submit date:180903120232 done date:180903121447 stat:DELIVRD err:000 text:',
    expected: {
      smscMessageId: '7d093bfa-4d65-4757-b0bb-177fc9d0a038',
      state: 'delivered',
      stat: 'DELIVRD',
      err: '000',
      sub: '001',
      dlvrd: '001',
      submitDate: '180903120232',
      doneDate: '180903121447',
      text: '',
      networkError: { type: 3, code: 0 },
    },
  },
  {
    // Four-digit err and a raw GSM escape (0x1B) inside the text, as in the PDU hex dump of the issue.
    source: 'https://github.com/onlinecity/php-smpp/issues/70',
    text: 'id:117062714244798261 sub:001 dlvrd:001 submit date:1706271624 done date:1706271624 stat:DELIVRD err:0000 text:H\u001bello world',
    expected: {
      smscMessageId: '117062714244798261',
      state: 'delivered',
      stat: 'DELIVRD',
      err: '0000',
      sub: '001',
      dlvrd: '001',
      submitDate: '1706271624',
      doneDate: '1706271624',
      text: 'H\u001bello world',
      networkError: { type: 3, code: 0 },
    },
  },
  {
    source: 'https://github.com/farhadi/node-smpp/issues/77',
    text: 'id:45013692 sub:0 dlvrd:28 submit date:1908121157 done date:1908121158 stat:UNDELIV err:21 Text:*100#',
    expected: {
      smscMessageId: '45013692',
      state: 'undeliverable',
      stat: 'UNDELIV',
      err: '21',
      sub: '0',
      dlvrd: '28',
      submitDate: '1908121157',
      doneDate: '1908121158',
      text: '*100#',
      networkError: { type: 3, code: 21 },
    },
  },
  {
    // No sub, dlvrd or text at all.
    source: 'https://github.com/jookies/jasmin/issues/760',
    text: 'id:fa9542be-3c16-44bb-9a8c-d277ea1851ef submit date:1911211739 done date:1911211741 stat:DELIVRD err:002',
    expected: {
      smscMessageId: 'fa9542be-3c16-44bb-9a8c-d277ea1851ef',
      state: 'delivered',
      stat: 'DELIVRD',
      err: '002',
      submitDate: '1911211739',
      doneDate: '1911211741',
      networkError: { type: 3, code: 2 },
    },
  },
  {
    // A stat word outside SMPP's list, and an all-zero done date.
    source: 'https://github.com/jookies/jasmin/issues/447',
    text: 'id:1216080510463401720 sub:001 dlvrd:001 submit date:1608051046 done date:0000000000 stat:FAILED err:002 Text:',
    expected: {
      smscMessageId: '1216080510463401720',
      state: 'unknown',
      stat: 'FAILED',
      err: '002',
      sub: '001',
      dlvrd: '001',
      submitDate: '1608051046',
      doneDate: '0000000000',
      text: '',
      networkError: { type: 3, code: 2 },
    },
  },
  {
    // Clickatell: a 32-character hex id and twelve-digit dates.
    source: 'https://github.com/jookies/jasmin/issues/70',
    text: 'id:a29f6845555647139e5c8f3b817f2c9a sub:001 dlvrd:001 submit date:141023215253 done date:141023215259 stat:DELIVRD err:000 text:',
    expected: {
      smscMessageId: 'a29f6845555647139e5c8f3b817f2c9a',
      state: 'delivered',
      stat: 'DELIVRD',
      err: '000',
      sub: '001',
      dlvrd: '001',
      submitDate: '141023215253',
      doneDate: '141023215259',
      text: '',
      networkError: { type: 3, code: 0 },
    },
  },
  {
    // Unpadded counters, a one-digit err and a text with several words after a space.
    source: 'https://github.com/linxGnu/gosmpp/issues/124',
    text: 'id:123A456B sub:1 dlvrd:1 submit date:1702281424 done date:1702281424 stat:DELIVRD err:0 text: hello how are you there',
    expected: {
      smscMessageId: '123A456B',
      state: 'delivered',
      stat: 'DELIVRD',
      err: '0',
      sub: '1',
      dlvrd: '1',
      submitDate: '1702281424',
      doneDate: '1702281424',
      text: 'hello how are you there',
      networkError: { type: 3, code: 0 },
    },
  },
  {
    source: 'https://help.nexmo.com/hc/en-us/articles/215468998-How-to-read-a-Nexmo-SMPP-Delivery-Receipt-',
    text: 'id:0000000012345678 sub:001 dlvrd:001 submit date:1601010100 done date:1601010101 stat:DELIVRD err:000 text:none',
    expected: {
      smscMessageId: '0000000012345678',
      state: 'delivered',
      stat: 'DELIVRD',
      err: '000',
      sub: '001',
      dlvrd: '001',
      submitDate: '1601010100',
      doneDate: '1601010101',
      text: 'none',
      networkError: { type: 3, code: 0 },
    },
  },
  {
    source: 'https://smppcenter.com/kb/how-read-smpp-delivery-receipt',
    text: 'id:64567564356765435676 sub:001 dlvrd:001 submit date:190608165232 done date:190608165237 stat:DELIVRD err:000 text:Hello World',
    expected: {
      smscMessageId: '64567564356765435676',
      state: 'delivered',
      stat: 'DELIVRD',
      err: '000',
      sub: '001',
      dlvrd: '001',
      submitDate: '190608165232',
      doneDate: '190608165237',
      text: 'Hello World',
      networkError: { type: 3, code: 0 },
    },
  },
  {
    // ACKED padded with spaces to seven characters and a text of one space; quoted as "Sample returned string"
    // in an SMPP client's source on GitHub (found by searching public code for "stat:ACKED").
    source: 'public GitHub SMPP client source, comment "Sample returned string"',
    text: 'id:1671112327 sub:001 dlvrd:001 submit date:1410102256 done date:1410102255 stat:ACKED   err:003 text: ',
    expected: {
      smscMessageId: '1671112327',
      state: 'accepted',
      stat: 'ACKED',
      err: '003',
      sub: '001',
      dlvrd: '001',
      submitDate: '1410102256',
      doneDate: '1410102255',
      text: '',
      networkError: { type: 3, code: 3 },
    },
  },
  {
    // The receipt behind the %A of the real Kannel 1.4.5 callback in this repo's bench run.
    source: '/work/shared/bench/results/functional-dlr-callbacks.txt (bench SMSC sink, through Kannel 1.4.5)',
    text: 'id:1795237954000008 sub:001 dlvrd:001 submit date:2611210512 done date:2611210512 stat:DELIVRD err:000 text:dlrtest',
    expected: {
      smscMessageId: '1795237954000008',
      state: 'delivered',
      stat: 'DELIVRD',
      err: '000',
      sub: '001',
      dlvrd: '001',
      submitDate: '2611210512',
      doneDate: '2611210512',
      text: 'dlrtest',
      networkError: { type: 3, code: 0 },
    },
  },
];

describe('parseReceipt: real-world receipt texts', () => {
  it('has at least twelve sourced cases', () => {
    expect(REAL_WORLD.length).toBeGreaterThanOrEqual(12);
  });

  it.each(REAL_WORLD)('$source', ({ text: receiptText, expected }) => {
    expect(text(receiptText)).toEqual(expected);
  });
});

describe('parseReceipt: TLVs', () => {
  it('prefers receipted_message_id and message_state, and decodes network_error_code (gosmpp #124)', () => {
    // The TLV values printed in https://github.com/linxGnu/gosmpp/issues/124, the id with its C NUL.
    const receipt = parsed({
      esmClass: DELIVERY_RECEIPT,
      shortMessageText: undefined,
      receiptedMessageId: '3534bce5cd49a0e96e149217386900d98646\0',
      messageState: 2,
      networkErrorCode: Buffer.from([3, 0, 0]),
    });
    expect(receipt).toEqual({
      smscMessageId: '3534bce5cd49a0e96e149217386900d98646',
      state: 'delivered',
      networkError: { type: 3, code: 0 },
    });
  });

  it('takes the TLV id and state over the text, and keeps the text fields', () => {
    const receipt = parsed({
      esmClass: DELIVERY_RECEIPT,
      shortMessageText: 'id:111 sub:001 dlvrd:000 submit date:2401010000 done date:2401010001 stat:DELIVRD err:000 text:x',
      receiptedMessageId: 'ABC222',
      messageState: 5,
    });
    expect(receipt.smscMessageId).toBe('ABC222');
    expect(receipt.state).toBe('undeliverable');
    expect(receipt.stat).toBe('DELIVRD');
    expect(receipt.doneDate).toBe('2401010001');
  });

  it('uses the text id when the TLV id is empty', () => {
    const receipt = parsed({
      esmClass: DELIVERY_RECEIPT,
      shortMessageText: 'id:777 stat:DELIVRD',
      receiptedMessageId: '\0',
    });
    expect(receipt.smscMessageId).toBe('777');
  });

  it.each([
    [0, 'buffered'],
    [1, 'enroute'],
    [2, 'delivered'],
    [3, 'expired'],
    [4, 'deleted'],
    [5, 'undeliverable'],
    [6, 'accepted'],
    [7, 'unknown'],
    [8, 'rejected'],
    [9, 'undeliverable'],
  ] as const)('maps message_state %i to %s', (messageState, state) => {
    expect(parsed({ esmClass: DELIVERY_RECEIPT, shortMessageText: undefined, receiptedMessageId: 'x1', messageState }).state).toBe(state);
  });

  it('ignores an out-of-range message_state in favour of the text stat', () => {
    const receipt = parsed({
      esmClass: DELIVERY_RECEIPT,
      shortMessageText: 'id:5 stat:DELIVRD',
      receiptedMessageId: '5',
      messageState: 42,
    });
    expect(receipt.state).toBe('delivered');
  });

  it('reads an ASCII-digit network_error_code as a decimal GSM code, as Kannel does', () => {
    const receipt = parsed({
      esmClass: DELIVERY_RECEIPT,
      shortMessageText: 'id:5 stat:UNDELIV err:001',
      networkErrorCode: Buffer.from('034', 'latin1'),
    });
    expect(receipt.networkError).toEqual({ type: 3, code: 34 });
  });

  it('decodes a binary network_error_code of another network type', () => {
    const receipt = parsed({
      esmClass: DELIVERY_RECEIPT,
      shortMessageText: 'id:5 stat:UNDELIV err:001',
      networkErrorCode: new Uint8Array([8, 0x01, 0x02]),
    });
    expect(receipt.networkError).toEqual({ type: 8, code: 0x0102 });
  });

  it('ignores a network_error_code that is not three octets and falls back to err', () => {
    const receipt = parsed({
      esmClass: DELIVERY_RECEIPT,
      shortMessageText: 'id:5 stat:UNDELIV err:011',
      networkErrorCode: new Uint8Array([3, 0]),
    });
    expect(receipt.networkError).toEqual({ type: 3, code: 11 });
  });

  it('gives no networkError for a non-decimal err and no TLV', () => {
    expect(text('id:5 stat:UNDELIV err:0x0B').networkError).toBeUndefined();
  });
});

describe('parseReceipt: tolerant text form', () => {
  it('accepts any field order, upper-case keys and submit_date/done_date', () => {
    const receipt = text('STAT:EXPIRED Err:027 Done_Date:2401020304 ID:Ab-12 Submit_Date:2401010000 DLVRD:000 SUB:001 Text:late');
    expect(receipt).toEqual({
      smscMessageId: 'Ab-12',
      state: 'expired',
      stat: 'EXPIRED',
      err: '027',
      sub: '001',
      dlvrd: '000',
      submitDate: '2401010000',
      doneDate: '2401020304',
      text: 'late',
      networkError: { type: 3, code: 27 },
    });
  });

  it('accepts submitdate without a separator and runs of spaces and tabs', () => {
    const receipt = text('  id:99   sub:001\tdlvrd:001  submitdate:2401010000   done date :2401010001  stat:REJECTD  err:000  ');
    expect(receipt.smscMessageId).toBe('99');
    expect(receipt.submitDate).toBe('2401010000');
    expect(receipt.doneDate).toBe('2401010001');
    expect(receipt.state).toBe('rejected');
  });

  it('keeps everything after text:, keys and colons included', () => {
    const receipt = text(
      'id:1 sub:001 dlvrd:001 submit date:2401010000 done date:2401010000 stat:DELIVRD err:000 text:id:2 stat:UNDELIV: hi',
    );
    expect(receipt.smscMessageId).toBe('1');
    expect(receipt.state).toBe('delivered');
    expect(receipt.text).toBe('id:2 stat:UNDELIV: hi');
  });

  it('stops text: at a field that has not come yet', () => {
    const receipt = text('id:1 text:hello there stat:DELIVRD err:000');
    expect(receipt.text).toBe('hello there');
    expect(receipt.state).toBe('delivered');
    expect(receipt.err).toBe('000');
  });

  it('keeps the first of repeated keys', () => {
    expect(text('id:first id:second stat:DELIVRD').smscMessageId).toBe('first');
  });

  it('does not read "id" inside another word', () => {
    expect(parseReceipt({ esmClass: DELIVERY_RECEIPT, shortMessageText: 'msgid:12 stat:DELIVRD' })).toEqual({
      ok: false,
      reason: 'receipt has no message id (no receipted_message_id TLV and no id: in the text)',
    });
  });

  it('drops a trailing NUL from the text', () => {
    expect(text('id:12 stat:DELIVRD err:000 text:abc\0').text).toBe('abc');
  });

  it.each([
    ['DELIVRD', 'delivered'],
    ['EXPIRED', 'expired'],
    ['DELETED', 'deleted'],
    ['UNDELIV', 'undeliverable'],
    ['ACCEPTD', 'accepted'],
    ['UNKNOWN', 'unknown'],
    ['REJECTD', 'rejected'],
    ['ENROUTE', 'enroute'],
    ['BUFFRED', 'buffered'],
    ['BUFFERD', 'buffered'],
    ['ACKED', 'accepted'],
    ['delivrd', 'delivered'],
    ['DELIVERED', 'delivered'],
    ['UNDELIVERABLE', 'undeliverable'],
  ] as const)('maps stat:%s to %s', (stat, state) => {
    const receipt = text(`id:1 sub:001 dlvrd:000 submit date:2401010000 done date:2401010000 stat:${stat} err:000 text:`);
    expect(receipt.state).toBe(state);
    expect(receipt.stat).toBe(stat);
  });

  it('keeps an unknown stat word and reports state unknown', () => {
    const receipt = text('id:1 stat:NOCRED err:000');
    expect(receipt.state).toBe('unknown');
    expect(receipt.stat).toBe('NOCRED');
  });

  it('reports state unknown and no stat when the receipt has none', () => {
    const receipt = text('id:1 sub:001 dlvrd:000 err:000');
    expect(receipt.state).toBe('unknown');
    expect(receipt.stat).toBeUndefined();
  });

  it('treats an empty value as missing', () => {
    const receipt = text('id:1 err: stat:DELIVRD text:');
    expect(receipt.err).toBeUndefined();
    expect(receipt.state).toBe('delivered');
  });
});

describe('parseReceipt: not a receipt', () => {
  it('rejects an MO (esm_class 0) with a reason', () => {
    expect(parseReceipt({ esmClass: 0x00, shortMessageText: 'id:1 stat:DELIVRD' })).toEqual({
      ok: false,
      reason: 'esm_class 0x00 is not a receipt',
    });
  });

  it('rejects a receipt without text and without TLV id', () => {
    expect(parseReceipt({ esmClass: DELIVERY_RECEIPT, shortMessageText: undefined })).toEqual({
      ok: false,
      reason: 'receipt has neither a receipted_message_id TLV nor text',
    });
  });

  it('rejects text without an id', () => {
    const result = parseReceipt({ esmClass: DELIVERY_RECEIPT, shortMessageText: 'stat:DELIVRD err:000' });
    expect(result.ok).toBe(false);
  });
});

describe('isReceipt', () => {
  it.each([
    [0x04, true], // SMSC delivery receipt
    [0x08, true], // SME delivery acknowledgement
    [0x20, true], // intermediate notification
    [0x44, true], // receipt with UDHI, which Kannel's comment mentions
    [0x00, false],
    [0x40, false], // UDHI alone: an MO
    [0x10, false], // manual/user acknowledgement: Kannel passes it on as MO
    [0x03, false], // store-and-forward mode bits
  ] as const)('esm_class 0x%s → %s', (esmClass, expected) => {
    expect(isReceipt(esmClass)).toBe(expected);
  });
});
