/**
 * What a reload changes: which links to bind, unbind or rebind, whether accounts and services are replaced, and
 * which other settings differ (those take effect at the next restart: ports, Redis, queue tuning and the like are
 * held by servers and connections that a reload does not rebuild).
 */
import { createHash } from 'node:crypto';
import type { Link } from '../domain/link.js';
import type { Config } from './config.js';

export interface ConfigDiff {
  readonly added: readonly Link[];
  readonly removed: readonly Link[];
  /** Same id, different settings: unbound and bound again with the new ones. */
  readonly changed: readonly Link[];
  readonly unchanged: readonly string[];
  readonly accountsChanged: boolean;
  readonly servicesChanged: boolean;
  /** Top-level sections (`http`, `redis`, …) that differ and need a restart. */
  readonly needRestart: readonly string[];
}

/** Sections a reload applies; every other section of Config needs a restart to change. */
const RELOADED = new Set(['links', 'accounts', 'services', 'source']);

/** Key order does not matter for equality: values are validated data (no functions, no cycles). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** One short string for a links configuration: equal for equal links whatever their key order. */
export function linksFingerprint(links: readonly Link[]): string {
  return createHash('sha1').update(canonical(links)).digest('hex').slice(0, 16);
}

export function diffConfig(running: Config, next: Config): ConfigDiff {
  const before = new Map(running.links.map((l) => [l.id, l]));
  const after = new Map(next.links.map((l) => [l.id, l]));
  const added = next.links.filter((l) => !before.has(l.id));
  const removed = running.links.filter((l) => !after.has(l.id));
  const changed: Link[] = [];
  const unchanged: string[] = [];
  for (const l of next.links) {
    const old = before.get(l.id);
    if (!old) continue;
    if (canonical(old) === canonical(l)) unchanged.push(l.id);
    else changed.push(l);
  }
  const needRestart = (Object.keys(next) as (keyof Config)[]).filter((k) => !RELOADED.has(k) && canonical(running[k]) !== canonical(next[k]));
  return {
    added,
    removed,
    changed,
    unchanged,
    accountsChanged: canonical(running.accounts) !== canonical(next.accounts),
    servicesChanged: canonical(running.services) !== canonical(next.services),
    needRestart,
  };
}

/** One line for the log and the API's reply: `+b −a ~c, accounts replaced`. */
export function describeDiff(d: ConfigDiff): string {
  const parts: string[] = [];
  if (d.added.length) parts.push(`added ${d.added.map((l) => l.id).join(', ')}`);
  if (d.removed.length) parts.push(`removed ${d.removed.map((l) => l.id).join(', ')}`);
  if (d.changed.length) parts.push(`rebinding ${d.changed.map((l) => l.id).join(', ')}`);
  if (d.unchanged.length) parts.push(`kept ${d.unchanged.join(', ')}`);
  if (d.accountsChanged) parts.push('accounts replaced');
  if (d.servicesChanged) parts.push('services replaced');
  if (d.needRestart.length) parts.push(`changes to ${d.needRestart.join(', ')} take effect at the next restart`);
  return parts.length ? parts.join('; ') : 'nothing changed';
}

/**
 * What a reload to `next` would take away wholesale: every link, or every account. A file cut short or emptied by
 * mistake is valid YAML; a reload applies it only when forced.
 */
export function wholesaleRemovals(running: Config, next: Config): string[] {
  const out: string[] = [];
  if (running.links.length > 0 && next.links.length === 0)
    out.push(`the file has no link, so all ${running.links.length} would be removed (an empty or cut-short file?)`);
  if (running.accounts.length > 0 && next.accounts.length === 0)
    out.push(`the file has no account, so all ${running.accounts.length} would be removed (an empty or cut-short file?)`);
  return out;
}
