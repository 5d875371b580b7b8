/**
 * Kannel's status page (bb_http.c `status`, bearerbox.c `bb_print_status`, bb_smscconn.c `smsc2_status`) from a
 * GatewayStatus: first mapped to Kannel's figures and words (kannelStatus), then written as Kannel 1.4.5 writes
 * them (statusText, statusHtml, statusXml) or as plain JSON (statusJson). Pure: `now` is passed in.
 *
 * How Switchboard's figures become Kannel's:
 * - One SMSC line per bind, as Kannel has one per connection (`instances` gives several lines with one admin-id).
 *   `id` is the smsc-id, `admin-id` the link id, `name` Kannel's `SMPP:host:port/receive-port:system-id:system-type`
 *   (transmitter `port/0`, receiver `0/port`, transceiver `port/port`). A link with no bind in view gets one line.
 * - Bind states in Kannel's words: bound (and unhealthy: still bound, though no longer given messages) →
 *   `online Ns`; connecting, binding → `connecting`; down → `re-connecting`; stopped, or any bind of a link an
 *   operator stopped → `dead` (what stop-smsc leaves, and what start-smsc revives); unbinding, idle and unowned
 *   (no process holds the bind now, but nobody stopped it) → `disconnected`.
 * - `failed`: submits the SMSC refused plus submits it never answered. `queued`: the messages waiting in the
 *   routes the link may drain now (RouteView.drainingLinks). A route drained by several links is shared out
 *   evenly among them, so that the `queued` figures add up to the messages waiting, as Kannel's per-connection
 *   queues do (exporters sum them by smsc-id); the link's share is shown on its first transmitting bind.
 * - rcvd: sms is MO received, dlr the receipts received; sent: sms is submits the SMSC accepted; sent dlr is 0
 *   (Switchboard never sends receipts to an SMSC).
 * - Global: SMS received is MO (Kannel counts what came from SMSCs), SMS sent is MT submitted, sent-queued and
 *   store size the messages waiting in route queues; DLR queued is the receipts waiting for their dlr-url call;
 *   storage is redis; WDP is always 0.
 * - Load figures: Kannel prints three averages (60 s, 300 s, since start). Switchboard measures submits per second
 *   over the last minute per bind (the first outbound figure); every other figure is printed as 0.00. The JSON
 *   form carries only what is measured (`outboundPerSecond`).
 * - Box connections: the process answering, as a `switchboard` box; all the processes sharing this Redis are
 *   named in the version block.
 */
import type { Link } from '../domain/link.js';
import type { BindView, GatewayStatus, LinkAdminState, LinkView, RouteView } from '../domain/admin-views.js';
import { escapeMarkup as e } from './escape-markup.js';
import { GATEWAY_NAME, htmlPage, XML_DECLARATION } from './kannel-reply.js';

/** What the status needs of a link's configuration to name its binds as Kannel does. */
export type SmscIdentity = Pick<Link, 'id' | 'systemId' | 'systemType' | 'port' | 'receivePort' | 'transceiver'>;

export interface KannelSmsc {
  /** `SMPP:host:port/receive-port:system-id:system-type`. */
  readonly name: string;
  readonly adminId: string;
  readonly id: string;
  /** The bind this line shows ('' for a link with no bind in view). */
  readonly bind: string;
  /** Kannel's word: `online Ns`, `connecting`, `re-connecting`, `disconnected` or `dead`. */
  readonly status: string;
  /** Switchboard's own state of the bind (bound, unhealthy, down, …; `none` without a bind). */
  readonly state: string;
  readonly reason?: string;
  readonly failed: number;
  readonly queued: number;
  readonly sms: { readonly received: number; readonly sent: number; readonly outboundPerSecond: number };
  readonly dlr: { readonly received: number; readonly sent: number };
}

export interface KannelStatus {
  readonly version: string;
  /** running, suspended, isolated, or Kannel's `going down` while shutting down. */
  readonly status: string;
  readonly uptimeSeconds: number;
  readonly node: string;
  readonly nodes: readonly string[];
  readonly sms: {
    readonly received: { readonly total: number; readonly queued: number };
    readonly sent: { readonly total: number; readonly queued: number };
    readonly storeSize: number;
    readonly outboundPerSecond: number;
    /** Beyond Kannel's bearerbox figures: MT accepted, MO forwarded to services, messages failed for good. */
    readonly accepted: number;
    readonly forwarded: number;
    readonly failed: number;
  };
  readonly dlr: {
    readonly received: number;
    readonly sent: number;
    readonly queued: number;
    readonly storage: string;
    readonly callbacksFailed: number;
  };
  readonly smscs: readonly KannelSmsc[];
}

const seconds = (from: number, now: number): number => Math.max(0, Math.floor((now - from) / 1000));

/** Kannel's word for a bind's state (see the module comment). */
export function kannelBindStatus(state: string, admin: LinkAdminState, since: number, now: number): string {
  if (admin === 'stopped') return 'dead';
  switch (state) {
    case 'bound':
    case 'unhealthy':
      return `online ${seconds(since, now)}s`;
    case 'connecting':
    case 'binding':
      return 'connecting';
    case 'down':
      return 're-connecting';
    case 'stopped':
      return 'dead';
    case 'unbinding':
    case 'idle':
    case 'unowned':
      return 'disconnected';
    default:
      return 'unknown';
  }
}

function gatewayWord(state: string): string {
  return state === 'shutting-down' ? 'going down' : state;
}

/** `0d 1h 3m 2s`, as Kannel prints an uptime. */
export function kannelUptime(totalSeconds: number): string {
  const t = Math.max(0, Math.floor(totalSeconds));
  return `${Math.floor(t / 86400)}d ${Math.floor(t / 3600) % 24}h ${Math.floor(t / 60) % 60}m ${t % 60}s`;
}

/**
 * Each route's waiting messages shared out among the links that may drain it now, evenly, the remainder one by
 * one to the first links by id: every waiting message is counted once, on a link that may take it.
 */
export function queuedByLink(routes: readonly RouteView[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of routes) {
    const links = [...new Set(r.drainingLinks)].sort();
    if (links.length === 0 || r.counts.queued <= 0) continue;
    const share = Math.floor(r.counts.queued / links.length);
    let rest = r.counts.queued - share * links.length;
    for (const l of links) {
      out.set(l, (out.get(l) ?? 0) + share + (rest > 0 ? 1 : 0));
      rest--;
    }
  }
  return out;
}

type BindMode = 'tx' | 'rx' | 'trx' | undefined;

/** Bind names end in /tx1, /rx1 or /trx1 (links/cluster-link-state.ts allBindNames). */
function bindMode(bind: string): BindMode {
  const m = /\/(trx|tx|rx)\d+$/.exec(bind);
  return m ? (m[1] as BindMode) : undefined;
}

/** Kannel's connection name (smsc_smpp.c): `SMPP:host:port/receive-port:username:system-type`. */
export function smscName(link: LinkView, bind: string, identity: SmscIdentity | undefined): string {
  if (!identity) return `SMPP:${link.host}:${link.port}`;
  const mode = bindMode(bind);
  const ports =
    mode === 'tx'
      ? `${identity.port}/0`
      : mode === 'rx'
        ? `0/${identity.receivePort}`
        : mode === 'trx'
          ? `${identity.port}/${identity.port}`
          : `${identity.port}/${identity.transceiver && identity.receivePort === 0 ? identity.port : identity.receivePort}`;
  return `SMPP:${link.host}:${ports}:${identity.systemId}:${identity.systemType}`;
}

const receiptsOf = (b: BindView): number => Object.values(b.counters.receipts).reduce((a, n) => a + n, 0);

function smscLines(link: LinkView, queued: number, identity: SmscIdentity | undefined, now: number): KannelSmsc[] {
  if (link.binds.length === 0) {
    return [
      {
        name: smscName(link, '', identity),
        adminId: link.id,
        id: link.smscId,
        bind: '',
        status: link.admin === 'stopped' ? 'dead' : 'disconnected',
        state: 'none',
        failed: 0,
        queued,
        sms: { received: 0, sent: 0, outboundPerSecond: 0 },
        dlr: { received: 0, sent: 0 },
      },
    ];
  }
  const sender = Math.max(
    0,
    link.binds.findIndex((b) => bindMode(b.bind) !== 'rx'),
  );
  return link.binds.map((b, i) => ({
    name: smscName(link, b.bind, identity),
    adminId: link.id,
    id: b.smscId || link.smscId,
    bind: b.bind,
    status: kannelBindStatus(b.state, link.admin, b.since, now),
    state: b.state,
    ...(b.reason !== undefined ? { reason: b.reason } : {}),
    failed: b.counters.refused + b.counters.unanswered,
    queued: i === sender ? queued : 0,
    sms: { received: b.counters.mo, sent: b.counters.accepted, outboundPerSecond: b.throughput.actual },
    dlr: { received: receiptsOf(b), sent: 0 },
  }));
}

export function kannelStatus(status: GatewayStatus, now: number, identities: readonly SmscIdentity[] = []): KannelStatus {
  const byId = new Map(identities.map((i) => [i.id, i]));
  const queued = queuedByLink(status.routes);
  const smscs = status.links.flatMap((l) => smscLines(l, queued.get(l.id) ?? 0, byId.get(l.id), now));
  const nodes = status.nodes.includes(status.node) ? [...status.nodes] : [status.node, ...status.nodes];
  return {
    version: status.version,
    status: gatewayWord(status.state),
    uptimeSeconds: seconds(status.startedAt, now),
    node: status.node,
    nodes,
    sms: {
      received: { total: status.sms.received.mo, queued: 0 },
      sent: { total: status.sms.sent.mt, queued: status.sms.queued },
      storeSize: status.sms.queued,
      outboundPerSecond: smscs.reduce((a, s) => a + s.sms.outboundPerSecond, 0),
      accepted: status.sms.received.mt,
      forwarded: status.sms.sent.mo,
      failed: status.sms.failed,
    },
    dlr: {
      received: status.dlr.received,
      sent: 0,
      queued: status.dlr.callbacksQueued,
      storage: 'redis',
      callbacksFailed: status.dlr.callbacksFailed,
    },
    smscs,
  };
}

const load = (perSecond: number): string => `${perSecond.toFixed(2)},0.00,0.00`;
const NO_LOAD = load(0);

function versionLines(s: KannelStatus): [string, string] {
  return [
    `Kannel bearerbox version \`${s.version}'.`,
    `${GATEWAY_NAME} ${s.version}, node ${s.node}; gateway nodes sharing this Redis: ${s.nodes.join(', ')}.`,
  ];
}

function smscText(c: KannelSmsc): string {
  return (
    `${c.name} (${c.status}, rcvd: sms ${c.sms.received} (${NO_LOAD}) / dlr ${c.dlr.received} (${NO_LOAD}), ` +
    `sent: sms ${c.sms.sent} (${load(c.sms.outboundPerSecond)}) / dlr ${c.dlr.sent} (${NO_LOAD}), failed ${c.failed}, queued ${c.queued} msgs)`
  );
}

const running = (s: KannelStatus): string => `${s.status}, uptime ${kannelUptime(s.uptimeSeconds)}`;

function globalLines(s: KannelStatus): { status: string; sms: [string, string]; dlr: [string, string, string] } {
  return {
    status: `Status: ${running(s)}`,
    sms: [
      `SMS: received ${s.sms.received.total} (${s.sms.received.queued} queued), sent ${s.sms.sent.total} (${s.sms.sent.queued} queued), store size ${s.sms.storeSize}`,
      `SMS: inbound (${NO_LOAD}) msg/sec, outbound (${load(s.sms.outboundPerSecond)}) msg/sec`,
    ],
    dlr: [
      `DLR: received ${s.dlr.received}, sent ${s.dlr.sent}`,
      `DLR: inbound (${NO_LOAD}) msg/sec, outbound (${NO_LOAD}) msg/sec`,
      `DLR: ${s.dlr.queued} queued, using ${s.dlr.storage} storage`,
    ],
  };
}

const WDP_LINE = 'WDP: received 0 (0 queued), sent 0 (0 queued)';

const boxText = (s: KannelStatus): string => `switchboard:${s.node}, (on-line ${kannelUptime(s.uptimeSeconds)})`;

/** Kannel's plain-text status page. */
export function statusText(s: KannelStatus): string {
  const g = globalLines(s);
  const smscs = s.smscs.map((c) => `    ${c.id}[${c.adminId}]    ${smscText(c)}\n`).join('');
  return (
    `${versionLines(s).join('\n')}\n\n${g.status}\n\n${WDP_LINE}\n\n${g.sms.join('\n')}\n\n${g.dlr.join('\n')}\n\n` +
    `Box connections:\n    ${boxText(s)}\n\n\nSMSC connections:\n${smscs}\n\n`
  );
}

const INDENT = '&nbsp;&nbsp;&nbsp;&nbsp;';

/** Kannel's HTML status page; every piece of text is escaped (link ids, reasons and names come from outside). */
export function statusHtml(s: KannelStatus): string {
  const g = globalLines(s);
  const smscs = s.smscs
    .map(
      (c) =>
        `${INDENT}<b>${e(c.id)}</b>[${e(c.adminId)}]${INDENT}${e(smscText(c))}${c.reason !== undefined ? ` <i>${e(c.reason)}</i>` : ''}<br>\n`,
    )
    .join('');
  return htmlPage(
    `<p>${versionLines(s).map(e).join('<br>\n')}</p>\n\n` +
      `<p>${e(g.status)}</p>\n\n<p>${WDP_LINE}</p>\n\n<p>${g.sms.map(e).join('<br>\n')}</p>\n\n<p>${g.dlr.map(e).join('<br>\n')}</p>\n\n` +
      `<p>Box connections:<br>\n${INDENT}${e(boxText(s))}<br>\n</p>\n\n<p>SMSC connections:<br>\n${smscs}</p>\n`,
  );
}

/** Kannel 1.4.5's status.xml: the element paths status scrapers and exporters read. */
export function statusXml(s: KannelStatus): string {
  const smscs = s.smscs
    .map(
      (c) =>
        `\t<smsc>\n\t\t<name>${e(c.name)}</name>\n\t\t<admin-id>${e(c.adminId)}</admin-id>\n\t\t<id>${e(c.id)}</id>\n` +
        `\t\t<status>${e(c.status)}</status>\n\t\t<failed>${c.failed}</failed>\n\t\t<queued>${c.queued}</queued>\n` +
        `\t\t<sms>\n\t\t\t<received>${c.sms.received}</received>\n\t\t\t<sent>${c.sms.sent}</sent>\n` +
        `\t\t\t<inbound>${NO_LOAD}</inbound>\n\t\t\t<outbound>${load(c.sms.outboundPerSecond)}</outbound>\n\t\t</sms>\n` +
        `\t\t<dlr>\n\t\t\t<received>${c.dlr.received}</received>\n\t\t\t<sent>${c.dlr.sent}</sent>\n` +
        `\t\t\t<inbound>${NO_LOAD}</inbound>\n\t\t\t<outbound>${NO_LOAD}</outbound>\n\t\t</dlr>\n\t</smsc>\n`,
    )
    .join('');
  return (
    `${XML_DECLARATION}<gateway>\n<version>${e(versionLines(s).join('\n'))}</version>\n` +
    `<status>${e(running(s))}</status>\n` +
    `\t<wdp>\n\t\t<received><total>0</total><queued>0</queued></received>\n\t\t<sent><total>0</total><queued>0</queued></sent>\n\t</wdp>\n` +
    `\t<sms>\n\t\t<received><total>${s.sms.received.total}</total><queued>${s.sms.received.queued}</queued></received>\n` +
    `\t\t<sent><total>${s.sms.sent.total}</total><queued>${s.sms.sent.queued}</queued></sent>\n` +
    `\t\t<storesize>${s.sms.storeSize}</storesize>\n\t\t<inbound>${NO_LOAD}</inbound>\n\t\t<outbound>${load(s.sms.outboundPerSecond)}</outbound>\n\t</sms>\n` +
    `\t<dlr>\n\t\t<received><total>${s.dlr.received}</total></received>\n\t\t<sent><total>${s.dlr.sent}</total></sent>\n` +
    `\t\t<inbound>${NO_LOAD}</inbound>\n\t\t<outbound>${NO_LOAD}</outbound>\n\t\t<queued>${s.dlr.queued}</queued>\n\t\t<storage>${e(s.dlr.storage)}</storage>\n\t</dlr>\n` +
    `<boxes>\n\t<box>\n\t\t<type>switchboard</type>\n\t\t<id>${e(s.node)}</id>\n\t\t<IP></IP>\n\t\t<queue>0</queue>\n` +
    `\t\t<status>on-line ${kannelUptime(s.uptimeSeconds)}</status>\n\t\t<ssl>no</ssl>\n\t</box>\n</boxes>\n` +
    `<smscs><count>${s.smscs.length}</count>\n${smscs}</smscs>\n</gateway>\n`
  );
}

/** The same figures as plain JSON (only measured loads; Switchboard's own state and reason per bind). */
export function statusJson(s: KannelStatus): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}
