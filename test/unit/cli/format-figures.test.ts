import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatLatency, formatRate } from '../../../src/cli/format-figures.js';

describe('figures for people', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [42_900, '42s'],
    [60_000, '1m0s'],
    [192_000, '3m12s'],
    [3_599_999, '59m59s'],
    [3_725_000, '1h2m'],
    [86_399_000, '23h59m'],
    [273_600_000, '3d4h'],
    [-5_000, '0s'],
  ])('duration %d ms is %s (two units, truncated; a clock behind reads 0s)', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('counts with thousands separators, whatever the locale', () => {
    expect([0, 999, 1000, 1_234_567].map(formatCount)).toEqual(['0', '999', '1,000', '1,234,567']);
  });

  it('rates: one decimal below 100, whole numbers above', () => {
    expect([0, 12.34, 99.95, 1234.5].map(formatRate)).toEqual(['0', '12.3', '100', '1,235']);
  });

  it('latencies: - when nothing was measured, ms below a second, seconds above', () => {
    expect([undefined, 0.4, 12, 999, 1500, 12_000].map(formatLatency)).toEqual(['-', '0ms', '12ms', '999ms', '1.5s', '12s']);
  });
});
