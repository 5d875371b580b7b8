/** Builders for the admin model's views, with quiet defaults, so a test names only what it is about. */
import type { BindView, GatewayStatus, LinkView, PeekedMessage, RouteView } from '../../../src/domain/admin-views.js';

export const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

export function makeBind(bind: string, over: Partial<BindView> = {}): BindView {
  return {
    bind,
    link: bind.split('/')[0]!,
    smscId: bind.split('/')[0]!,
    state: 'bound',
    since: NOW - 178_000,
    node: 'node-a',
    healthy: true,
    probation: false,
    window: { inUse: 0, size: 10 },
    throughput: { limit: 0, actual: 0 },
    counters: { submitted: 0, accepted: 0, refused: 0, throttled: 0, unanswered: 0, receipts: {}, mo: 0 },
    latencyMs: { p50: undefined, p99: undefined },
    ...over,
  };
}

export function makeLinkView(id: string, over: Partial<LinkView> = {}): LinkView {
  return {
    id,
    smscId: id,
    host: 'smsc.example',
    port: 2775,
    admin: 'running',
    healthy: true,
    binds: [makeBind(`${id}/tx1`)],
    routes: [],
    ...over,
  };
}

export function makeRoute(key: string, over: Partial<RouteView> & { queued?: number; failed?: number } = {}): RouteView {
  const { queued = 0, failed = 0, ...rest } = over;
  return {
    key,
    preferred: [],
    fallback: [],
    paused: false,
    counts: { queued, waiting: queued, active: 0, delayed: 0, failed },
    jobs: { waiting: queued > 0 ? 1 : 0, active: 0, delayed: 0 },
    oldestAgeMs: queued > 0 ? 1000 : undefined,
    drainingLinks: [],
    noLink: false,
    ...rest,
  };
}

export function makeStatus(over: Partial<GatewayStatus> = {}): GatewayStatus {
  return {
    version: '0.1.0',
    state: 'running',
    startedAt: NOW - (3600 + 3 * 60 + 2) * 1000,
    node: 'node-a',
    nodes: ['node-a'],
    sms: { received: { mt: 40, mo: 10 }, sent: { mt: 30, mo: 9 }, queued: 3, failed: 2 },
    dlr: { received: 60, callbacksQueued: 14, callbacksFailed: 1 },
    links: [],
    routes: [],
    ...over,
  };
}

export function makeMessage(id: string, over: Partial<PeekedMessage> = {}): PeekedMessage {
  return {
    id,
    account: 'demo',
    from: 'Shop',
    to: '46700000001',
    acceptedAt: NOW - 60_000,
    priority: 0,
    state: 'waiting',
    attempts: 0,
    unanswered: 0,
    text: 'Hello world',
    dataCoding: 0,
    ...over,
  };
}
