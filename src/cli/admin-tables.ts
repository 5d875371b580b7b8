/**
 * The admin API's values as text for people: `status`, `links`, `queues`, `queue peek`, `smpp-sessions` and the
 * outcome of an action. Bind and link states are styled (green bound, yellow on the way or unhealthy, red down, dim stopped); the
 * caller decides whether styles become colours. Pure: `now` is passed in.
 */
import type {
  ActionResult,
  BindView,
  GatewayStatus,
  LinkView,
  PeekPage,
  RouteView,
  SmppDisconnect,
  SmppSessionsView,
} from '../domain/admin-views.js';
import { formatCount, formatDuration, formatLatency, formatRate } from './format-figures.js';
import { plain, printable, styled, textTable, truncate, type Align, type Cell, type CellStyle, type Paint } from './text-table.js';

const TEXT_WIDTH = 40;

const none = (xs: readonly string[]): string => (xs.length === 0 ? '-' : xs.join(','));
const count = (n: number): string => formatCount(n);

export function bindStateStyle(b: Pick<BindView, 'state' | 'healthy'>): CellStyle | undefined {
  switch (b.state) {
    case 'bound':
      return b.healthy ? 'green' : 'yellow';
    case 'connecting':
    case 'binding':
    case 'unbinding':
    case 'unhealthy':
      return 'yellow';
    case 'down':
      return 'red';
    case 'stopped':
    case 'idle':
    case 'unowned':
      return 'dim';
    default:
      return undefined;
  }
}

/** The links that should be up and are not: down while no operator stopped or drained them. */
export function linksDown(links: readonly LinkView[]): LinkView[] {
  return links.filter((l) => l.admin === 'running' && !l.healthy);
}

function linkHealth(l: LinkView): Cell {
  if (l.admin === 'stopped') return styled('stopped', 'dim');
  if (l.admin === 'draining') return styled('draining', 'yellow');
  return l.healthy ? styled('healthy', 'green') : styled('down', 'red');
}

function bindState(b: BindView): Cell {
  return styled(b.probation ? `${b.state}, probation` : b.state, bindStateStyle(b));
}

function throughput(t: BindView['throughput']): string {
  return t.limit > 0 ? `${formatRate(t.actual)}/${formatRate(t.limit)}` : formatRate(t.actual);
}

/** A link's first reason a bind is not bound (what an operator wants to see first). */
function firstReason(l: LinkView): string {
  return l.binds.find((b) => b.state !== 'bound' && b.reason)?.reason ?? '';
}

function routeLinks(r: Pick<RouteView, 'preferred' | 'fallback'>): string {
  return r.fallback.length === 0 ? none(r.preferred) : `${none(r.preferred)} (fallback ${none(r.fallback)})`;
}

/** The links of `status`: one row per link. */
export function linkSummaryTable(links: readonly LinkView[], paint: Paint = plain): string {
  const rows: Cell[][] = [['LINK', 'SMSC-ID', 'ADMIN', 'HEALTH', 'BOUND', 'WINDOW', 'TPS', 'REASON']];
  for (const l of links) {
    const bound = l.binds.filter((b) => b.state === 'bound').length;
    const inUse = l.binds.reduce((n, b) => n + b.window.inUse, 0);
    const size = l.binds.reduce((n, b) => n + b.window.size, 0);
    const tps = l.binds.reduce((n, b) => n + b.throughput.actual, 0);
    rows.push([
      l.id,
      l.smscId,
      l.admin,
      linkHealth(l),
      `${bound}/${l.binds.length}`,
      `${count(inUse)}/${count(size)}`,
      formatRate(tps),
      firstReason(l),
    ]);
  }
  return textTable(rows, { paint, align: ['left', 'left', 'left', 'left', 'right', 'right', 'right'] });
}

/** `links`: one row per bind, the link's own columns on its first row. */
export function linksTable(links: readonly LinkView[], now: number, paint: Paint = plain): string {
  if (links.length === 0) return 'no links configured\n';
  const header = [
    'LINK',
    'ADMIN',
    'HEALTH',
    'BIND',
    'STATE',
    'SINCE',
    'NODE',
    'WINDOW',
    'TPS',
    'SUBMITTED',
    'ACCEPTED',
    'REFUSED',
    'UNANSWERED',
    'P50',
    'P99',
    'REASON',
  ];
  const align: Align[] = [
    'left',
    'left',
    'left',
    'left',
    'left',
    'right',
    'left',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
  ];
  const rows: Cell[][] = [header];
  for (const l of links) {
    const head: Cell[] = [l.id, l.admin, linkHealth(l)];
    if (l.binds.length === 0) rows.push([...head, '-', styled('no binds', 'dim'), '', '', '', '', '', '', '', '', '', '', '']);
    l.binds.forEach((b, i) => {
      const c = b.counters;
      rows.push([
        ...(i === 0 ? head : ['', '', '']),
        b.bind,
        bindState(b),
        formatDuration(now - b.since),
        b.node || '-',
        `${count(b.window.inUse)}/${count(b.window.size)}`,
        throughput(b.throughput),
        count(c.submitted),
        count(c.accepted),
        count(c.refused),
        count(c.unanswered),
        formatLatency(b.latencyMs.p50),
        formatLatency(b.latencyMs.p99),
        b.reason ?? '',
      ]);
    });
  }
  return `${textTable(rows, { paint, align })}\n`;
}

/** `queues`: one row per route. */
export function queuesTable(routes: readonly RouteView[], paint: Paint = plain): string {
  if (routes.length === 0) return 'no route queues\n';
  const rows: Cell[][] = [['ROUTE', 'LINKS', 'DRAINING', 'QUEUED', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'OLDEST', 'STATE']];
  for (const r of routes) {
    const c = r.counts;
    const state = r.paused
      ? styled('paused', 'yellow')
      : r.drainingLinks.length === 0 && c.queued > 0
        ? styled('no link', 'red')
        : 'running';
    rows.push([
      r.key,
      routeLinks(r),
      none(r.drainingLinks),
      count(c.queued),
      count(c.waiting),
      count(c.active),
      count(c.delayed),
      count(c.failed),
      r.oldestAgeMs === undefined ? '-' : formatDuration(r.oldestAgeMs),
      state,
    ]);
  }
  return `${textTable(rows, { paint, align: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'] })}\n`;
}

/** The routes of `status`: fewer columns than `queues`. */
function routeSummaryTable(routes: readonly RouteView[], paint: Paint): string {
  const rows: Cell[][] = [['ROUTE', 'LINKS', 'QUEUED', 'FAILED', 'OLDEST', 'STATE']];
  for (const r of routes) {
    const state = r.paused
      ? styled('paused', 'yellow')
      : r.drainingLinks.length === 0 && r.counts.queued > 0
        ? styled('no link', 'red')
        : 'running';
    rows.push([
      r.key,
      routeLinks(r),
      count(r.counts.queued),
      count(r.counts.failed),
      r.oldestAgeMs === undefined ? '-' : formatDuration(r.oldestAgeMs),
      state,
    ]);
  }
  return textTable(rows, { paint, align: ['left', 'left', 'right', 'right', 'right'] });
}

/** `status`: the gateway, its figures, a row per link and per route, and which links are down. */
export function statusText(s: GatewayStatus, now: number, paint: Paint = plain): string {
  const state = paint(s.state === 'running' ? 'green' : 'yellow', printable(s.state));
  const others = s.nodes.filter((n) => n !== s.node);
  const nodes = printable(others.length === 0 ? `node ${s.node}` : `node ${s.node} (with ${others.join(', ')})`);
  const sms = s.sms;
  const lines = [
    `switchboard ${printable(s.version)}, ${state}, up ${formatDuration(now - s.startedAt)}, ${nodes}`,
    `messages  received ${count(sms.received.mt)} MT, ${count(sms.received.mo)} MO; sent ${count(sms.sent.mt)} MT, ${count(sms.sent.mo)} MO; queued ${count(sms.queued)}; failed ${count(sms.failed)}`,
    `receipts  received ${count(s.dlr.received)}; callbacks queued ${count(s.dlr.callbacksQueued)}, failed ${count(s.dlr.callbacksFailed)}`,
    '',
    s.links.length === 0 ? 'no links configured' : linkSummaryTable(s.links, paint),
    '',
    s.routes.length === 0 ? 'no route queues' : routeSummaryTable(s.routes, paint),
  ];
  const down = linksDown(s.links);
  if (down.length > 0)
    lines.push('', paint('red', `${down.length} link${down.length === 1 ? '' : 's'} down: ${down.map((l) => l.id).join(', ')}`));
  return `${lines.join('\n')}\n`;
}

/** `queue peek`: a row per message; the text last, cut to a readable width. */
export function peekTable(page: PeekPage, route: string, state: 'queued' | 'failed', now: number): string {
  if (page.messages.length === 0) return `no ${state} messages on route ${route}\n`;
  const failed = state === 'failed';
  const header = ['ID', 'STATE', 'AGE', 'ACCOUNT', 'FROM', 'TO', 'ATTEMPTS', ...(failed ? ['ERROR'] : []), 'TEXT'];
  const rows: Cell[][] = [header];
  for (const m of page.messages) {
    rows.push([
      m.id,
      m.state,
      formatDuration(now - m.acceptedAt),
      m.account,
      m.from,
      m.to,
      count(m.attempts),
      ...(failed ? [m.error ?? '-'] : []),
      truncate(m.text, TEXT_WIDTH),
    ]);
  }
  const table = textTable(rows, { align: ['left', 'left', 'right', 'left', 'left', 'left', 'right'] });
  const more = page.next === undefined ? '' : `\nmore: add --cursor ${page.next}`;
  return `${table}${more}\n`;
}

/** An action's outcome: the gateway's words, then the counts it gave. */
export function actionText(r: ActionResult): string {
  const counts = [
    r.moved === undefined ? undefined : `moved ${count(r.moved)}`,
    r.retried === undefined ? undefined : `retried ${count(r.retried)}`,
    r.removed === undefined ? undefined : `removed ${count(r.removed)}`,
    r.skippedActive ? `${count(r.skippedActive)} left alone (a link holds them now)` : undefined,
  ].filter((x) => x !== undefined);
  return `${printable(r.detail)}${counts.length === 0 ? '' : `\n${counts.join(', ')}`}\n`;
}

/**
 * `smpp-sessions`: a row per client session, oldest bind first within its account; then the deliver_sm waiting per
 * account, bound or not (an account whose receiving sessions are all gone is the one whose receipts pile up).
 */
export function smppSessionsTable(v: SmppSessionsView, now: number, paint: Paint = plain): string {
  const sessions = [...v.sessions].sort((a, b) => a.account.localeCompare(b.account) || a.boundAt - b.boundAt);
  const out: string[] = [];
  if (sessions.length === 0) out.push('no SMPP client sessions bound');
  else {
    const rows: Cell[][] = [['SESSION', 'ACCOUNT', 'KIND', 'REMOTE', 'NODE', 'ON-LINE', 'WINDOW', 'SUBMITS', 'DELIVER_SM', 'FAILED']];
    for (const s of sessions)
      rows.push([
        s.id,
        s.account,
        s.kind,
        s.tls ? `${s.remote} (TLS)` : s.remote,
        s.node || '-',
        formatDuration(now - s.boundAt),
        `${count(s.outstanding)}/${count(s.window)}`,
        count(s.submits),
        count(s.delivers),
        s.deliverFailures > 0 ? styled(count(s.deliverFailures), 'red') : count(s.deliverFailures),
      ]);
    out.push(textTable(rows, { paint, align: ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'] }));
  }
  const accounts = [...new Set([...sessions.map((s) => s.account), ...Object.keys(v.waiting)])].sort();
  if (accounts.length > 0) {
    const rows: Cell[][] = [['ACCOUNT', 'BOUND', 'DELIVER_SM WAITING']];
    for (const a of accounts) {
      const bound = sessions.filter((s) => s.account === a).length;
      const waiting = v.waiting[a] ?? 0;
      // Waiting with nothing bound to take it: yellow, the operator's cue to look at that client.
      rows.push([a, count(bound), waiting > 0 && bound === 0 ? styled(count(waiting), 'yellow') : count(waiting)]);
    }
    out.push('', textTable(rows, { paint, align: ['left', 'right', 'right'] }));
  }
  return `${out.join('\n')}\n`;
}

/** `smpp-sessions disconnect`: what was asked, and of how many sessions. */
export function smppDisconnectText(r: SmppDisconnect): string {
  const what =
    r.requested.session !== undefined ? `session ${r.requested.session}` : `the sessions of account ${r.requested.account ?? '?'}`;
  return `${printable(`asked to unbind ${what}`)} (${count(r.sessions)} session${r.sessions === 1 ? '' : 's'} bound)\n`;
}
