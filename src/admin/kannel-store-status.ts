/**
 * Kannel's store-status (bb_store.c `store_status`): the messages the gateway holds and has not finished. In
 * Switchboard those are the messages waiting in route queues; each route shows its first page (PeekPage) and the
 * counts, since listing a whole queue would scan it. Written in Kannel's columns (text, HTML table, XML
 * `<message>` elements) with a summary per route after them, or as plain JSON. Pure.
 *
 * Kannel's columns, filled from a queued message: SMS ID the message id; Type `MT-PUSH` (every queued message is
 * an MT from a client); Time the acceptance, UTC; Sender, Receiver; SMSC ID the links the route prefers (where
 * the message is going; `;`-separated as in Kannel's lists); BOX ID the account that sent it (Kannel names the
 * smsbox the message came through); Flags `mclass:coding:mwi:compress:dlr-mask` (-1 where not set, coding 0
 * 7-bit, 1 8-bit, 2 UCS-2); UDH empty (the text is whole, not yet split); Message the text, URL-encoded as Kannel
 * writes it.
 */
import type { PeekedMessage, PeekPage, RouteView } from '../domain/admin-views.js';
import { escapeMarkup as e } from './escape-markup.js';
import { htmlPage, XML_DECLARATION } from './kannel-reply.js';

/** One route and the first page of its queued messages (undefined when nothing waits, so none was asked for). */
export interface StoreRoute {
  readonly route: RouteView;
  readonly page: PeekPage | undefined;
}

/** Kannel's coding (DC_7BIT 0, DC_8BIT 1, DC_UCS2 2) of an SMPP data_coding. */
export function kannelCoding(dataCoding: number): number {
  if (dataCoding === 8) return 2;
  if (dataCoding === 2 || dataCoding === 4) return 1;
  if ((dataCoding & 0xf0) === 0xf0) return dataCoding & 0x04 ? 1 : 0;
  if (dataCoding >= 0x10 && dataCoding <= 0x3f) return Math.min(2, (dataCoding >> 2) & 0x03);
  return 0;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** `2026-01-02 03:04:05`, UTC, as Kannel prints a message's time. */
export function storeTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

interface Row {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly sender: string;
  readonly receiver: string;
  readonly smscId: string;
  readonly boxId: string;
  readonly flags: string;
  readonly udh: string;
  readonly message: string;
}

function row(route: RouteView, m: PeekedMessage): Row {
  return {
    id: m.id,
    type: 'MT-PUSH',
    time: storeTime(m.acceptedAt),
    sender: m.from,
    receiver: m.to,
    smscId: route.preferred.join(';'),
    boxId: m.account,
    flags: `-1:${kannelCoding(m.dataCoding)}:-1:-1:${m.dlrMask ?? -1}`,
    udh: '',
    message: encodeURIComponent(m.text),
  };
}

const rowsOf = (routes: readonly StoreRoute[]): Row[] => routes.flatMap((r) => (r.page?.messages ?? []).map((m) => row(r.route, m)));

const listed = (r: StoreRoute): number => r.page?.messages.length ?? 0;

/** One summary line per route: its links, its counts, and how many of its messages are listed. */
function routeLine(r: StoreRoute): string {
  const { route } = r;
  const c = route.counts;
  const links = `preferred ${route.preferred.join(', ') || '-'}${route.fallback.length > 0 ? `; fallback ${route.fallback.join(', ')}` : ''}`;
  const more = r.page?.next !== undefined ? ', more not listed' : '';
  return `route ${route.key} (${links}${route.paused ? '; paused' : ''}${route.noLink ? '; no link' : ''}): ${c.queued} queued (${c.waiting} waiting, ${c.active} active, ${c.delayed} delayed), ${c.failed} failed, ${listed(r)} listed${more}`;
}

function summary(routes: readonly StoreRoute[]): string {
  const queued = routes.reduce((a, r) => a + r.route.counts.queued, 0);
  const failed = routes.reduce((a, r) => a + r.route.counts.failed, 0);
  return `Store: ${queued} queued and ${failed} failed messages in ${routes.length} routes`;
}

const COLUMNS = ['SMS ID', 'Type', 'Time', 'Sender', 'Receiver', 'SMSC ID', 'BOX ID', 'Flags', 'UDH', 'Message'] as const;
const cells = (r: Row): string[] => [r.id, r.type, r.time, r.sender, r.receiver, r.smscId, r.boxId, r.flags, r.udh, r.message];

/** A client's sender or account with a line break must not forge a line of the plain-text table. */
const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f]/g, '?');

export function storeStatusText(routes: readonly StoreRoute[]): string {
  const table = [
    COLUMNS.map((c) => `[${c}]`).join(' '),
    ...rowsOf(routes).map((r) =>
      cells(r)
        .map((c) => `[${oneLine(c)}]`)
        .join(' '),
    ),
  ].join('\n');
  return `${table}\n\n${summary(routes)}\n${routes.map((r) => `    ${routeLine(r)}\n`).join('')}`;
}

export function storeStatusHtml(routes: readonly StoreRoute[]): string {
  const head = `<tr>${COLUMNS.map((c) => `<td>${c}</td>`).join('')}</tr>\n`;
  const body = rowsOf(routes)
    .map(
      (r) =>
        `<tr>${cells(r)
          .map((c) => `<td>${e(c)}</td>`)
          .join('')}</tr>\n`,
    )
    .join('');
  const lines = routes.map((r) => `&nbsp;&nbsp;&nbsp;&nbsp;${e(routeLine(r))}<br>\n`).join('');
  return htmlPage(`<table border=1>\n${head}${body}</table>\n<p>${e(summary(routes))}<br>\n${lines}</p>\n`);
}

export function storeStatusXml(routes: readonly StoreRoute[]): string {
  const messages = rowsOf(routes)
    .map(
      (r) =>
        `\t<message>\n\t<id>${e(r.id)}</id>\n\t<type>${r.type}</type>\n\t<time>${r.time}</time>\n\t<sender>${e(r.sender)}</sender>\n` +
        `\t<receiver>${e(r.receiver)}</receiver>\n\t<smsc-id>${e(r.smscId)}</smsc-id>\n\t<box-id>${e(r.boxId)}</box-id>\n` +
        `\t<flags>${r.flags}</flags>\n\t<udh-data>${r.udh}</udh-data>\n\t<msg-data>${e(r.message)}</msg-data>\n\t</message>\n`,
    )
    .join('');
  const summaries = routes
    .map((r) => {
      const c = r.route.counts;
      return (
        `\t<route>\n\t\t<key>${e(r.route.key)}</key>\n\t\t<preferred>${e(r.route.preferred.join(';'))}</preferred>\n\t\t<fallback>${e(r.route.fallback.join(';'))}</fallback>\n` +
        `\t\t<queued>${c.queued}</queued>\n\t\t<waiting>${c.waiting}</waiting>\n\t\t<active>${c.active}</active>\n\t\t<delayed>${c.delayed}</delayed>\n` +
        `\t\t<failed>${c.failed}</failed>\n\t\t<listed>${listed(r)}</listed>\n\t</route>\n`
      );
    })
    .join('');
  return `${XML_DECLARATION}<gateway>\n${messages}<routes>\n${summaries}</routes>\n</gateway>\n`;
}

/** Plain JSON: per route its counts and the listed messages as peek returns them. */
export function storeStatusJson(routes: readonly StoreRoute[]): string {
  const out = {
    queued: routes.reduce((a, r) => a + r.route.counts.queued, 0),
    failed: routes.reduce((a, r) => a + r.route.counts.failed, 0),
    routes: routes.map((r) => ({
      key: r.route.key,
      preferred: r.route.preferred,
      fallback: r.route.fallback,
      paused: r.route.paused,
      noLink: r.route.noLink,
      counts: r.route.counts,
      messages: r.page?.messages ?? [],
      ...(r.page?.next !== undefined ? { next: r.page.next } : {}),
    })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
