/** A line when the state changes, with how often and how long the previous state was seen; nothing in between. */
import { describe, expect, it } from 'vitest';
import { StateChanges } from '../../../src/observability/state-changes.js';

describe('StateChanges', () => {
  it('reports a change once, with the count and duration of the state it leaves', () => {
    const s = new StateChanges<'ok' | 'down' | 'slow'>('ok', 0);
    expect(s.observe('ok', 10)).toBeUndefined();
    expect(s.observe('down', 100)).toEqual({ from: 'ok', to: 'down', count: 1, lastedMs: 100 });
    for (let t = 101; t < 900; t++) expect(s.observe('down', t)).toBeUndefined();
    expect(s.count).toBe(800);
    expect(s.observe('slow', 1000)).toEqual({ from: 'down', to: 'slow', count: 800, lastedMs: 900 });
    expect(s.observe('ok', 1500)).toEqual({ from: 'slow', to: 'ok', count: 1, lastedMs: 500 });
    expect(s.state).toBe('ok');
  });
});
