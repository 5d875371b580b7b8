import { describe, expect, it } from 'vitest';
import { addPart, EMPTY_REASSEMBLY, expire, type ReassemblyPart, type ReassemblyState } from '../../../src/encoding/reassembly.js';

function part(seq: number, text: string, overrides: Partial<ReassemblyPart> = {}): ReassemblyPart {
  return { source: '+4790000001', destination: '2222', ref: 7, total: 3, seq, refBits: 8, text, ...overrides };
}

function feed(parts: readonly ReassemblyPart[], startMs = 1_000): { state: ReassemblyState; outcomes: string[]; text?: string } {
  let state = EMPTY_REASSEMBLY;
  const outcomes: string[] = [];
  let text: string | undefined;
  parts.forEach((p, i) => {
    const result = addPart(state, p, startMs + i);
    state = result.state;
    outcomes.push(result.outcome);
    if (result.complete !== undefined) text = result.complete.text;
  });
  return { state, outcomes, ...(text === undefined ? {} : { text }) };
}

describe('addPart', () => {
  it('completes in order', () => {
    const result = feed([part(1, 'Hel'), part(2, 'lo '), part(3, 'you')]);
    expect(result.outcomes).toEqual(['stored', 'stored', 'complete']);
    expect(result.text).toBe('Hello you');
    expect(result.state.groups.size).toBe(0);
  });

  it('completes out of order, joining by seq', () => {
    expect(feed([part(3, 'you'), part(1, 'Hel'), part(2, 'lo ')]).text).toBe('Hello you');
  });

  it('ignores a duplicate seq and keeps the first copy', () => {
    const result = feed([part(2, 'lo '), part(2, 'XX '), part(1, 'Hel'), part(3, 'you')]);
    expect(result.outcomes).toEqual(['stored', 'duplicate', 'stored', 'complete']);
    expect(result.text).toBe('Hello you');
  });

  it('returns the parts in order with the completed message', () => {
    let state = EMPTY_REASSEMBLY;
    state = addPart(state, part(2, 'b', { total: 2 }), 0).state;
    const result = addPart(state, part(1, 'a', { total: 2 }), 1);
    expect(result.complete?.parts.map((p) => p.seq)).toEqual([1, 2]);
    expect(result.complete).toMatchObject({ source: '+4790000001', destination: '2222', ref: 7, total: 2, refBits: 8 });
  });

  it('joins binary parts into one buffer', () => {
    let state = EMPTY_REASSEMBLY;
    state = addPart(state, part(1, '', { total: 2, bytes: Buffer.of(1, 2) }), 0).state;
    const result = addPart(state, part(2, '', { total: 2, bytes: Buffer.of(3) }), 1);
    expect(result.complete?.bytes).toEqual(Buffer.of(1, 2, 3));
  });

  it('completes a one-part message at once without storing it', () => {
    const result = addPart(EMPTY_REASSEMBLY, part(1, 'solo', { total: 1 }), 0);
    expect(result.outcome).toBe('complete');
    expect(result.complete?.text).toBe('solo');
    expect(result.state.groups.size).toBe(0);
  });

  it.each([
    ['seq 0', { seq: 0 }],
    ['seq above total', { seq: 4 }],
    ['total 0', { total: 0, seq: 1 }],
    ['a fractional seq', { seq: 1.5 }],
  ])('refuses %s as invalid and leaves the state alone', (_case, overrides) => {
    const result = addPart(EMPTY_REASSEMBLY, part(1, 'x', overrides), 0);
    expect(result.outcome).toBe('invalid');
    expect(result.state).toBe(EMPTY_REASSEMBLY);
  });

  it.each([
    ['source', { source: '+4790000002' }],
    ['destination', { destination: '3333' }],
    ['reference', { ref: 8 }],
    ['total', { total: 4 }],
    ['reference size', { refBits: 16 as const }],
  ])('keeps parts with a different %s apart', (_field, overrides) => {
    const result = feed([part(1, 'a'), part(2, 'b', overrides), part(3, 'c')]);
    expect(result.outcomes).toEqual(['stored', 'stored', 'stored']);
    expect(result.state.groups.size).toBe(2);
  });

  it('does not change the state it was given', () => {
    const before = addPart(EMPTY_REASSEMBLY, part(1, 'a'), 0).state;
    addPart(before, part(2, 'b'), 1);
    expect(before.groups.size).toBe(1);
    expect([...before.groups.values()][0]?.parts).toHaveLength(1);
    expect(EMPTY_REASSEMBLY.groups.size).toBe(0);
  });
});

describe('expire', () => {
  it('hands back groups whose first part is at least maxWaitMs old, with what is missing', () => {
    let state = EMPTY_REASSEMBLY;
    state = addPart(state, part(1, 'old-1'), 1_000).state;
    state = addPart(state, part(3, 'old-3'), 5_000).state;
    state = addPart(state, part(1, 'new', { ref: 9 }), 9_000).state;

    const early = expire(state, 10_999, 10_000);
    expect(early.expired).toEqual([]);
    expect(early.state).toBe(state);

    const due = expire(state, 11_000, 10_000);
    expect(due.expired).toHaveLength(1);
    expect(due.expired[0]).toMatchObject({ ref: 7, total: 3, firstSeenMs: 1_000, missing: [2] });
    expect(due.expired[0]?.parts.map((p) => p.text)).toEqual(['old-1', 'old-3']);
    expect(due.state.groups.size).toBe(1);
    expect(state.groups.size).toBe(2);
  });

  it('lets a late part after expiry start a new group', () => {
    let state = addPart(EMPTY_REASSEMBLY, part(1, 'a', { total: 2 }), 0).state;
    state = expire(state, 100, 50).state;
    const result = addPart(state, part(2, 'b', { total: 2 }), 101);
    expect(result.outcome).toBe('stored');
  });
});
