/**
 * The periods an account's quotas count in: the UTC day and the UTC month `now` falls in, each with its id (part
 * of the Redis key, so a new period starts from zero without a reset job) and when it ends. UTC, so that every
 * gateway process, wherever it runs, counts in the same period. Pure.
 */
export interface QuotaPeriod {
  readonly kind: 'daily' | 'monthly';
  /** `2026-12-01` or `2026-12`. */
  readonly id: string;
  /** Epoch ms the next period begins at. */
  readonly endsAt: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function quotaPeriods(now: number): { readonly daily: QuotaPeriod; readonly monthly: QuotaPeriod } {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  return {
    daily: { kind: 'daily', id: `${y}-${pad(m + 1)}-${pad(day)}`, endsAt: Date.UTC(y, m, day + 1) },
    monthly: { kind: 'monthly', id: `${y}-${pad(m + 1)}`, endsAt: Date.UTC(y, m + 1, 1) },
  };
}
