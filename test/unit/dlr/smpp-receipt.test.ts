import { describe, expect, it } from 'vitest';
import { DlrType } from '../../../src/dlr/dlr-mask.js';
import { dlrMaskForRegisteredDelivery, smppReceipt } from '../../../src/dlr/smpp-receipt.js';

const MSG = { id: 'abc.1', account: 'esme', from: '4711', to: '46700000001', acceptedAt: Date.UTC(2026, 0, 31, 11, 58) };
const NOW = Date.UTC(2026, 0, 31, 12, 0);

function text(hex: string): string {
  return Buffer.from(hex, 'hex').toString('latin1');
}

describe('smppReceipt', () => {
  it('writes the SMPP 3.4 receipt text and TLVs for a delivered message, from the handset to the sender', () => {
    const d = smppReceipt(
      { type: DlrType.success, text: 'id:9 stat:DELIVRD', smscMessageId: '9', state: 'delivered', onceKey: 'final' },
      MSG,
      NOW,
    )!;
    expect(text(d.shortMessageHex)).toBe(
      'id:abc.1 sub:001 dlvrd:001 submit date:2601311158 done date:2601311200 stat:DELIVRD err:000 text:',
    );
    expect(d).toMatchObject({
      kind: 'receipt',
      account: 'esme',
      sourceAddr: '46700000001',
      destAddr: '4711',
      esmClass: 0x04,
      receiptedMessageId: 'abc.1',
      messageState: 2,
    });
  });

  it('maps each state, an SMSC refusal and an operator removal; an intermediate state is a notification', () => {
    const of = (r: Parameters<typeof smppReceipt>[0]) => smppReceipt(r, MSG, NOW);
    expect(of({ type: DlrType.fail, text: '', smscMessageId: '', state: 'undeliverable', receiptErr: '21', onceKey: 'x' })).toMatchObject({
      messageState: 5,
    });
    expect(
      text(
        of({ type: DlrType.fail, text: '', smscMessageId: '', state: 'undeliverable', receiptErr: '21', onceKey: 'x' })!.shortMessageHex,
      ),
    ).toContain('stat:UNDELIV err:021');
    expect(of({ type: DlrType.expired, text: '', smscMessageId: '', state: 'expired', onceKey: 'x' })).toMatchObject({ messageState: 3 });
    const nack = of({ type: DlrType.smscFail, text: 'NACK/0x00000045/submit failed', smscMessageId: '', onceKey: 'nack' })!;
    expect(nack.messageState).toBe(8);
    expect(text(nack.shortMessageHex)).toContain('stat:REJECTD err:069');
    expect(of({ type: DlrType.fail, text: 'NACK/removed by an operator: x', smscMessageId: '', onceKey: 'final' })).toMatchObject({
      messageState: 4,
    });
    expect(of({ type: DlrType.buffered, text: '', smscMessageId: '', state: 'enroute', onceKey: 'i' })).toMatchObject({
      esmClass: 0x20,
      messageState: 1,
    });
    expect(of({ type: DlrType.smscSuccess, text: 'ACK/', smscMessageId: '1', onceKey: 'ack' })).toBeUndefined();
  });

  it('registered_delivery becomes the dlr-mask of a Kannel client asking the same', () => {
    expect(dlrMaskForRegisteredDelivery(0)).toBe(0);
    expect(dlrMaskForRegisteredDelivery(1)).toBe(0x01 | 0x02 | 0x10);
    expect(dlrMaskForRegisteredDelivery(2)).toBe(0x02 | 0x10);
    expect(dlrMaskForRegisteredDelivery(0x11)).toBe(0x01 | 0x02 | 0x04 | 0x10);
    expect(dlrMaskForRegisteredDelivery(0x10)).toBe(0x04);
  });
});
