/**
 * Finds the message a receipt is about, by its correlation (smsc-id and normalised SMSC message id → message and
 * part, written with the submit's record by messages/outcome-writer.ts), and records the part's receipt state, in
 * one round trip.
 */
import type { Redis } from 'ioredis';
import type { Correlation, MessageRecord, ReceiptState } from '../domain/message-record.js';
import { handsetDigits, hashOf, RECORD_CONSTANTS, toRecord } from '../messages/record-codec.js';
import type { RedisKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';

export const MATCH_RECEIPT = LuaScript.load('match-receipt', { F: RECORD_CONSTANTS.F });

export type ReceiptMatch =
  | { readonly kind: 'unmatched' }
  /** The correlation was there, the record no longer (its lifetime ended first). */
  | { readonly kind: 'expired'; readonly c: Correlation }
  | { readonly kind: 'matched'; readonly c: Correlation; readonly record: MessageRecord };

/** Submits whose record is being written now (messages/outcome-writer.ts). */
export interface CorrelationsInFlight {
  whenRecorded(smscId: string, normalizedId: string): Promise<void> | undefined;
}

export class ReceiptMatcher {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly inFlight: CorrelationsInFlight,
  ) {}

  /** The write in flight of a submit that got this SMSC id, if any: a receipt that overtook it waits for it. */
  whenRecorded(smscId: string, normalizedId: string): Promise<void> | undefined {
    return this.inFlight.whenRecorded(smscId, normalizedId);
  }

  /**
   * Finds the message a receipt is about and records the part's receipt state, in one round trip. `final`
   * receipts consume their correlation (a duplicate id on the smsc-id then matches the next submit).
   */
  async match(
    smscId: string,
    normalizedId: string,
    handset: string,
    state: ReceiptState,
    final: boolean,
    detail: string,
    now: number,
  ): Promise<ReceiptMatch> {
    const res = (await MATCH_RECEIPT.run(
      this.redis,
      [this.keys.correlation(smscId, normalizedId)],
      [handsetDigits(handset), state, final ? '1' : '0', now, this.keys.recordPrefix, detail],
    )) as string[] | null;
    if (!res) return { kind: 'unmatched' };
    const c: Correlation = { id: res[0]!, seq: Number(res[1]) };
    if (res.length <= 2) return { kind: 'expired', c };
    const record = toRecord(c.id, hashOf(res, 2));
    return record ? { kind: 'matched', c, record } : { kind: 'expired', c };
  }
}
