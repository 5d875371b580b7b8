/** The JSON API's request schema at its edges: SMPP 3.4's field sizes, and receivers that are no number. */
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { MessageRequestSchema } from '../../../src/http/api-schemas.js';

const valid = (body: unknown): boolean => Value.Check(MessageRequestSchema, body);

describe('MessageRequestSchema', () => {
  it('takes a receiver and a sender of 20 characters (destination_addr, source_addr), refuses 21', () => {
    expect(valid({ to: '1'.repeat(20), from: 'A'.repeat(20), text: 'x' })).toBe(true);
    expect(valid({ to: '1'.repeat(21), text: 'x' })).toBe(false);
    expect(valid({ to: ['4670', '1'.repeat(50)], text: 'x' })).toBe(false);
    expect(valid({ to: '4670', from: 'A'.repeat(21), text: 'x' })).toBe(false);
  });

  it.each([['+'], ['-----'], [' ']])('refuses a receiver with no digit (%j)', (to) => {
    expect(valid({ to, text: 'x' })).toBe(false);
    expect(valid({ to: ['4670', to], text: 'x' })).toBe(false);
  });

  it('takes receivers written with + and -', () => {
    expect(valid({ to: '+46-70-0000001', text: 'x' })).toBe(true);
  });
});
