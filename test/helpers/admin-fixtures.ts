/**
 * Canned admin-views values (src/domain/admin-views.ts) for the CLI's tests: an active-passive pair where the
 * backup is down, one route with queued and failed messages, and a peek page. Typed by the model, so a change of
 * the schemas breaks these first, and test/unit/domain/admin-views.test.ts checks they validate as the CLI checks them.
 */
import type {
  ActionResult,
  BindView,
  GatewayStatus,
  LinkView,
  LiveExplanation,
  PeekPage,
  RouteView,
  SmppSessionsView,
} from '../../src/domain/admin-views.js';

/** The clock the fixtures are seen at. */
export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

export const ROUTE_KEY = '559b6b42c4045bea';
export const OTHER_ROUTE_KEY = '55a0c1d2e3f40516';

function bind(over: Partial<BindView> & Pick<BindView, 'bind' | 'link' | 'state'>): BindView {
  return {
    smscId: over.link,
    since: NOW - 192_000,
    node: 'gw-a',
    healthy: over.state === 'bound',
    probation: false,
    window: { inUse: 3, size: 10 },
    throughput: { limit: 100, actual: 45.25 },
    counters: {
      submitted: 1_234_567,
      accepted: 1_234_000,
      refused: 560,
      throttled: 7,
      unanswered: 0,
      receipts: { delivered: 1_200_000 },
      mo: 12,
    },
    latencyMs: { p50: 12, p99: 1500 },
    ...over,
  };
}

export const LINKS: LinkView[] = [
  {
    id: 'primary',
    smscId: 'primary',
    host: '10.0.0.1',
    port: 2775,
    admin: 'running',
    healthy: true,
    binds: [
      bind({ bind: 'primary#0', link: 'primary', state: 'bound' }),
      bind({ bind: 'primary#1', link: 'primary', state: 'bound', node: 'gw-b', window: { inUse: 0, size: 10 } }),
    ],
    routes: [{ route: ROUTE_KEY, tier: 'preferred' }],
  },
  {
    id: 'backup',
    smscId: 'backup',
    host: '10.0.0.2',
    port: 2775,
    admin: 'running',
    healthy: false,
    binds: [
      bind({
        bind: 'backup#0',
        link: 'backup',
        state: 'down',
        reason: 'connection refused',
        since: NOW - 3_725_000,
        window: { inUse: 0, size: 10 },
        throughput: { limit: 0, actual: 0 },
        counters: { submitted: 0, accepted: 0, refused: 0, throttled: 0, unanswered: 0, receipts: {}, mo: 0 },
        latencyMs: { p50: undefined, p99: undefined },
      }),
    ],
    routes: [{ route: ROUTE_KEY, tier: 'fallback' }],
  },
];

export const ROUTES: RouteView[] = [
  {
    key: ROUTE_KEY,
    preferred: ['primary'],
    fallback: ['backup'],
    paused: false,
    counts: { queued: 4321, waiting: 4000, active: 20, delayed: 301, failed: 12 },
    jobs: { waiting: 40, active: 2, delayed: 3 },
    oldestAgeMs: 192_000,
    drainingLinks: ['primary'],
    noLink: false,
  },
  {
    key: OTHER_ROUTE_KEY,
    preferred: ['backup'],
    fallback: [],
    paused: true,
    counts: { queued: 0, waiting: 0, active: 0, delayed: 0, failed: 0 },
    jobs: { waiting: 0, active: 0, delayed: 0 },
    oldestAgeMs: undefined,
    drainingLinks: [],
    noLink: false,
  },
];

export const STATUS: GatewayStatus = {
  version: '0.1.0',
  state: 'running',
  startedAt: NOW - 11_532_000,
  node: 'gw-a',
  nodes: ['gw-a', 'gw-b'],
  sms: { received: { mt: 1_234_567, mo: 1024 }, sent: { mt: 1_230_001, mo: 1024 }, queued: 4321, failed: 12 },
  dlr: { received: 1_200_000, callbacksQueued: 15, callbacksFailed: 2 },
  links: LINKS,
  routes: ROUTES,
};

/** The same gateway with the backup stopped by an operator: nothing is down that should be up. */
export const STATUS_BACKUP_STOPPED: GatewayStatus = {
  ...STATUS,
  links: LINKS.map((l) =>
    l.id === 'backup' ? { ...l, admin: 'stopped' as const, binds: l.binds.map((b) => ({ ...b, state: 'stopped', reason: undefined })) } : l,
  ),
};

export const FAILED_PAGE: PeekPage = {
  messages: [
    {
      id: 'm-1',
      account: 'app',
      from: 'Shop',
      to: '46700000001',
      acceptedAt: NOW - 65_000,
      priority: 0,
      state: 'failed',
      attempts: 3,
      unanswered: 0,
      text: 'Your code is 1234.\nDo not share it with anyone, not even with us: we never ask for it.',
      dataCoding: 0,
      error: 'ESME_RINVDSTADR',
      failedAt: NOW - 5_000,
    },
  ],
  next: 'c2',
};

export function action(over: Partial<ActionResult> & Pick<ActionResult, 'action'>): ActionResult {
  return { ok: true, detail: `${over.action} done`, ...over };
}

export const EXPLANATION: LiveExplanation = {
  account: 'app',
  receiver: '46700000001',
  requestedSmsc: undefined,
  smscId: 'R',
  smscIdOrigin: 'default-smsc',
  receiverRefused: undefined,
  routable: true,
  route: { key: ROUTE_KEY, preferred: ['primary'], fallback: ['backup'] },
  reason: undefined,
  links: [
    {
      link: 'primary',
      smscId: 'primary',
      tier: 'preferred',
      usability: 1,
      rule: 'preferred-smsc-id',
      reason: 'preferred-smsc-id (R) lists "R"',
      healthy: true,
      admin: 'running',
      queued: 4321,
    },
    {
      link: 'backup',
      smscId: 'backup',
      tier: 'fallback',
      usability: 0,
      rule: undefined,
      reason: 'may carry it (smsc-id "R"); no rule prefers it',
      healthy: false,
      admin: 'running',
      queued: 4321,
    },
  ],
};

/** Two accounts bound over SMPP (one over TLS, one with refused deliver_sm) and one whose receipts wait unbound. */
export const SMPP_SESSIONS: SmppSessionsView = {
  sessions: [
    {
      id: 'gw-b.s2',
      account: 'shop',
      kind: 'receiver',
      remote: '198.51.100.7:40112',
      node: 'gw-b',
      tls: true,
      boundAt: NOW - 7_500_000,
      outstanding: 0,
      window: 10,
      submits: 0,
      delivers: 1_530,
      deliverFailures: 2,
    },
    {
      id: 'gw-a.s1',
      account: 'bank',
      kind: 'transceiver',
      remote: '203.0.113.9:51000',
      node: 'gw-a',
      tls: false,
      boundAt: NOW - 65_000,
      outstanding: 3,
      window: 10,
      submits: 12_345,
      delivers: 12_000,
      deliverFailures: 0,
    },
  ],
  waiting: { bank: 4, shop: 0, alerts: 17 },
};
