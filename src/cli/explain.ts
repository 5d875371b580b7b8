/**
 * `switchboard explain --config FILE --account A --to N [--smsc ID] [--json]`: where a message would go and why,
 * answered offline from the configuration with the accept path's own routing rules (explainRoute).
 *
 * The table is built from a list of columns so that a caller knowing the live state (link health, queue depth from
 * the admin API) can add its own, and the JSON is the RouteExplanation as it is, so extra link fields appear in it.
 * `explain --url` (admin-command.ts) asks the running gateway and renders its answer with LIVE_LINK_COLUMNS.
 */
import type { Config } from '../config/config.js';
import { interopKeys } from '../config/interop-keys.js';
import type { LiveLinkExplanation, SmppKeys } from '../domain/admin-views.js';
import { describeRoute } from '../routing/compute-route.js';
import { explainRoute, type LinkExplanation, type RouteExplanation } from '../routing/explain-route.js';
import { formatCount } from './format-figures.js';
import { textTable, type Align } from './text-table.js';

export const EXPLAIN_EXIT = { routable: 0, notRoutable: 1, usage: 2 } as const;

export interface ExplainOptions {
  readonly account: string;
  readonly to: string;
  readonly smsc?: string | undefined;
  readonly json?: boolean | undefined;
}

export interface ExplainResult {
  readonly output: string;
  readonly exitCode: (typeof EXPLAIN_EXIT)[keyof typeof EXPLAIN_EXIT];
}

/** What the table reads of a link: routing's own explanation (offline) and the admin API's (live) both have it. */
export type ShownLink = Pick<LinkExplanation, 'link' | 'smscId' | 'tier' | 'reason'>;

/**
 * What the table reads of an explanation. Routing's RouteExplanation and the admin API's LiveExplanation (its JSON,
 * where an undefined value is an absent key) both fit.
 */
export type ShownExplanation<L extends ShownLink> = Pick<RouteExplanation, 'account' | 'receiver' | 'smscIdOrigin' | 'routable'> &
  Partial<Pick<RouteExplanation, 'requestedSmsc' | 'smscId' | 'route' | 'reason'>> & { readonly links: readonly L[] };

/** One column of the links table. */
export interface LinkColumn<L extends ShownLink> {
  readonly header: string;
  readonly value: (link: L) => string;
  readonly align?: Align;
}

export const LINK_COLUMNS: readonly LinkColumn<ShownLink>[] = [
  { header: 'LINK', value: (l) => l.link },
  { header: 'SMSC-ID', value: (l) => l.smscId },
  { header: 'TIER', value: (l) => l.tier },
  { header: 'WHY', value: (l) => l.reason },
];

/** A link's health as an operator reads it: what an operator asked of it when that is not running, else up or down. */
function liveHealth(l: Pick<LiveLinkExplanation, 'admin' | 'healthy'>): string {
  if (l.admin !== 'running') return l.admin;
  return l.healthy ? 'healthy' : 'down';
}

/**
 * The offline columns and what the running gateway adds: each link's health and the messages queued in the route
 * the message would take ('-' for a link that is not in it).
 */
export const LIVE_LINK_COLUMNS: readonly LinkColumn<LiveLinkExplanation>[] = [
  ...LINK_COLUMNS.slice(0, -1),
  { header: 'HEALTH', value: liveHealth },
  { header: 'QUEUED', value: (l) => (l.queued === undefined ? '-' : formatCount(l.queued)), align: 'right' },
  ...LINK_COLUMNS.slice(-1),
];

function describeSmscId(e: ShownExplanation<ShownLink>): string {
  switch (e.smscIdOrigin) {
    case 'forced-smsc': {
      const ignored =
        e.requestedSmsc !== undefined && e.requestedSmsc !== e.smscId ? `; the request's smsc=${e.requestedSmsc} is ignored` : '';
      return `smsc-id ${e.smscId ?? ''} (the account's forced-smsc${ignored})`;
    }
    case 'request':
      return `smsc-id ${e.smscId ?? ''} (the request's smsc=)`;
    case 'default-smsc':
      return `smsc-id ${e.smscId ?? ''} (the account's default-smsc)`;
    case 'none':
      return 'no smsc-id (no smsc= in the request, no default-smsc on the account)';
  }
}

/** What the links that may carry the message send: their Kannel SMPP keys, one line per link. */
function smppLines(links: readonly (ShownLink & { readonly smpp?: SmppKeys })[]): string[] {
  const carrying = links.filter((l) => l.tier !== 'not-eligible' && l.smpp !== undefined);
  if (carrying.length === 0) return [];
  const hex = (k: string, v: string | number | boolean): string =>
    (k === 'esm-class' || k === 'wait-ack-expire') && typeof v === 'number' ? `0x${v.toString(16).padStart(2, '0')}` : String(v);
  return [
    'SMPP keys (what each link sends):',
    ...carrying.map(
      (l) =>
        `  ${l.link}: ${Object.entries(l.smpp ?? {})
          .map(([k, v]) => `${k}=${hex(k, v)}`)
          .join(' ')}`,
    ),
    '',
  ];
}

/** The explanation for people: what the message carries, the verdict, a row per link, and the links' SMPP keys. */
export function renderExplanation<L extends ShownLink>(e: ShownExplanation<L>, columns: readonly LinkColumn<L>[]): string {
  const verdict = e.routable && e.route ? `routable: ${describeRoute(e.route)} (route ${e.route.key})` : `NOT ROUTABLE: ${e.reason ?? ''}`;
  const rows = [columns.map((c) => c.header), ...e.links.map((l) => columns.map((c) => c.value(l)))];
  const align = columns.map((c) => c.align ?? 'left');
  return [
    `account ${e.account}, to ${e.receiver}: ${describeSmscId(e)}`,
    verdict,
    '',
    textTable(rows, { align }),
    '',
    ...smppLines(e.links),
  ].join('\n');
}

/** JSON for scripts: every key present, null where there is no value. */
export function explanationJson(e: RouteExplanation<LinkExplanation>): string {
  return `${JSON.stringify(e, (_key, v: unknown) => (v === undefined ? null : v), 2)}\n`;
}

export function explain(config: Config, opts: ExplainOptions): ExplainResult {
  const account = config.accounts.find((a) => a.username === opts.account);
  if (!account) {
    const known = config.accounts.map((a) => a.username).join(', ') || 'none';
    return {
      output: `switchboard: explain: no account "${opts.account}" in ${config.source} (accounts: ${known})\n`,
      exitCode: EXPLAIN_EXIT.usage,
    };
  }
  const base = explainRoute({
    links: config.links,
    account,
    receiver: opts.to,
    requestedSmsc: opts.smsc,
    sendsmsChars: config.http.sendsmsChars,
    // Lists are live data (read by the running gateway): `explain --url` checks them; this answers from the file.
    unifiedPrefix: config.numbers.unifiedPrefix,
  });
  // The table also says what each link would send (its Kannel SMPP keys); the JSON stays routing's explanation.
  const byId = new Map(config.links.map((l) => [l.id, l]));
  const shown = {
    ...base,
    links: base.links.map((l) => {
      const link = byId.get(l.link);
      return link ? { ...l, smpp: interopKeys(link.interop) } : l;
    }),
  };
  return {
    output: opts.json ? explanationJson(base) : renderExplanation(shown, LINK_COLUMNS),
    exitCode: base.routable ? EXPLAIN_EXIT.routable : EXPLAIN_EXIT.notRoutable,
  };
}
