import { describe, expect, it } from 'vitest';
import { isRouteKeyPrefix, isWholeRouteKey, resolveRouteKey } from '../../../src/cli/resolve-route-key.js';

const KEYS = ['559b6b42c4045bea', '55a0c1d2e3f40516', '0123456789abcdef'];

describe('route keys as people type them', () => {
  it('a unique prefix names its route, in either case', () => {
    expect(resolveRouteKey('559', KEYS)).toEqual({ kind: 'found', key: '559b6b42c4045bea' });
    expect(resolveRouteKey('0123456789ABC', KEYS)).toEqual({ kind: 'found', key: '0123456789abcdef' });
  });

  it('a prefix of several routes is ambiguous and lists them; one of none lists every key', () => {
    expect(resolveRouteKey('55', KEYS)).toEqual({ kind: 'ambiguous', matches: ['559b6b42c4045bea', '55a0c1d2e3f40516'] });
    expect(resolveRouteKey('ff', KEYS)).toEqual({ kind: 'unknown', known: KEYS });
  });

  it('only 1 to 16 hex digits may be a key; 16 of them need no lookup', () => {
    expect(['a', '559B', '559b6b42c4045bea'].every(isRouteKeyPrefix)).toBe(true);
    expect(['', 'xyz', '559b6b42c4045bea0', '55 9'].some(isRouteKeyPrefix)).toBe(false);
    expect(isWholeRouteKey('559b6b42c4045bea')).toBe(true);
    expect(isWholeRouteKey('559b6b42c4045be')).toBe(false);
  });
});
