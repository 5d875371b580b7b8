/**
 * Figures as people read them in the CLI's tables: durations in two units (`3m12s`), counts with thousands
 * separators (`1,234,567`), rates and latencies. Fixed formats, not the locale's, so that output is the same on
 * every machine and tests can compare it. Pure.
 */

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const RATE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** A whole count with thousands separators: 1234567 → `1,234,567`. */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** A rate per second: one decimal below 100 (`12.5`), whole above (`1,234`). */
export function formatRate(n: number): string {
  return n < 100 ? RATE.format(n) : COUNT.format(n);
}

/**
 * A duration in its two largest units, truncated: `0s`, `42s`, `3m12s`, `2h5m`, `3d4h`. Negative durations (a clock
 * a little behind another process's) read as `0s`.
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${m % 60}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

/** A latency: `-` when nothing was measured, `12ms` below a second, `1.5s` above. */
export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${RATE.format(ms / 1000)}s`;
}
