/**
 * The fuzzer's PDU stream (bench/lib/hostile-pdus.ts): the same seed gives the same bytes whatever the timing, every
 * kind of action comes up, and the frames meant to be valid are what the package's decoder reads as valid.
 */
import { describe, expect, it } from 'vitest';
import { Dice } from '../../../bench/lib/dice.js';
import { ACTION_WEIGHTS, CMD, HostileStream, deliverSmBody, frame, tlv, TLV, type HostileAction } from '../../../bench/lib/hostile-pdus.js';
import { decodePdu } from '../../../src/smpp/codec.js';

function take(seed: number, n: number, ids: () => string[]): HostileAction[] {
  const stream = new HostileStream(new Dice(seed));
  return Array.from({ length: n }, () => stream.next({ messageIds: ids() }));
}

describe('the hostile PDU stream', () => {
  it('is the same for a seed: byte for byte, and action for action when the message ids it quotes differ', () => {
    const a = take(42, 2000, () => []);
    let n = 0;
    const b = take(42, 2000, () => Array.from({ length: n++ % 7 }, (_, i) => String(1000 + i)));
    expect(b.map((x) => x.kind)).toEqual(a.map((x) => x.kind));
    expect(b.map((x) => x.frames.length)).toEqual(a.map((x) => x.frames.length));
    const how = (x: HostileAction): string =>
      x.writes.length === 1 ? 'one write' : x.writes.some((w) => w.pauseMs > 0) ? 'slow' : 'split';
    expect(b.map(how)).toEqual(a.map(how));
    const bytes = (xs: HostileAction[]): Buffer => Buffer.concat(xs.flatMap((x) => x.frames));
    expect(bytes(take(42, 2000, () => [])).equals(bytes(a))).toBe(true);
    const c = take(43, 2000, () => []);
    expect(c.map((x) => x.kind)).not.toEqual(a.map((x) => x.kind));
  });

  it('brings every kind of action, and writes exactly the bytes of its frames', () => {
    const actions = take(1, 20_000, () => ['1', '2']);
    expect(new Set(actions.map((a) => a.kind))).toEqual(new Set(Object.keys(ACTION_WEIGHTS)));
    expect(actions.slice(0, 3000).every((a) => Buffer.concat(a.writes.map((w) => w.bytes)).equals(Buffer.concat(a.frames)))).toBe(true);
    expect(actions.some((a) => a.writes.length > 1 && a.writes.every((w) => w.bytes.length === 1))).toBe(true);
    expect(actions.some((a) => a.writes.some((w) => w.pauseMs > 0))).toBe(true);
  });

  it('valid frames decode as the package reads them; lying ones do not', () => {
    const body = deliverSmBody({
      source: '46700000001',
      dest: '4711',
      esmClass: 0x04,
      dataCoding: 0,
      shortMessage: Buffer.from('id:7 stat:DELIVRD'),
      tlvs: [tlv(TLV.receipted_message_id, Buffer.from('7\0')), tlv(TLV.message_state, Buffer.from([2]))],
    });
    const pdu = decodePdu(frame(CMD.deliver_sm, 0, 9, body));
    expect(pdu.command).toBe('deliver_sm');
    expect(pdu.source_addr).toBe('46700000001');
    expect(pdu.destination_addr).toBe('4711');
    expect(pdu.esm_class).toBe(0x04);
    expect(Buffer.from(pdu.short_message as Buffer).toString()).toBe('id:7 stat:DELIVRD');
    expect(pdu.receipted_message_id).toBe('7');
    expect(pdu.message_state).toBe(2);
    expect(frame(CMD.enquire_link, 0, 1, Buffer.alloc(4), 3).readUInt32BE(0)).toBe(3);
  });
});
